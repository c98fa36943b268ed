// Each dot-command's output and errors, and scripts that mix dot-commands with queries.

import EVQ
@testable import EVQShell
import Foundation
import LineEditor
import Testing

@Suite struct DotCommandTests {
    private func run(_ lines: [String], in state: (ShellState, StringSink, StringSink) = ShellFixture.state()) -> (out: String, err: String) {
        let (s, out, err) = state
        _ = InputLoop(state: s, source: ScriptedLineSource(lines: lines)).run()
        return (out.text, err.text)
    }

    @Test func helpListsEveryCommandAndExplainsTopics() {
        let r = run([".help"])
        for name in ["load", "tables", "schema", "stats", "mode", "output", "timer", "explain", "maxrows", "last", "read", "history", "quit"] {
            #expect(r.out.contains(".\(name)"), "missing .\(name)")
        }
        #expect(r.out.split(separator: "\n").count <= 24)
        #expect(run([".help .mode"]).out == ".mode table|csv|tsv|json|jsonl|markdown|line|box\n  how results are printed\n")
        #expect(run([".help top"]).out == "top: the first N rows by a key, largest first: top 5 by fatalities\n")
        #expect(run([".help bin"]).out == "bin(t, 3d): t rounded down to a multiple of the duration (from 1970-01-01); bin(x, 10) for numbers\n")
        #expect(run([".help dcount"]).out == "dcount(x): number of distinct non-null values (in summarize)\n")
        #expect(run([".help summarise"]).err == "error: no help on 'summarise'; did you mean 'summarize'? (.help lists the topics)\n")
    }

    @Test func tablesAndSchema() {
        #expect(run([".tables"]).out == """
             table  | rows | columns | time order
            --------+------+---------+------------
             actors |    2 |       2 | null
             events |    4 |       4 | date
            (2 rows)

            """)
        #expect(run([".schema events"]).out == """
             column     | type   | distinct | nulls | index
            ------------+--------+----------+-------+---------------
             date       | time   |     null |     0 | time order
             actor1     | string |        4 |     0 | values, words
             country    | string |        4 |     0 | values, words
             fatalities | int    |     null |     1 | null
            (4 rows)

            """)
        #expect(run([".schema evnts"]).err == "error: unknown table 'evnts'; did you mean 'events'?\n")
    }

    @Test func stats() {
        #expect(run([".stats"]).out == """
            actors: 2 rows, 2 columns, no time order
              2 dictionary-encoded text columns, 3 distinct values, one posting list each
            events: 4 rows, 4 columns, sorted by date (2024-11-02 to 2024-11-06)
              2 dictionary-encoded text columns, 8 distinct values, one posting list each

            """)
    }

    @Test func modeSwitchesFormatsAndRejectsUnknownOnes() {
        let r = run([".mode json", "events | project country | take 1", ".mode jsonl", "events | project country | take 1", ".mode yaml", ".mode"])
        #expect(r.out == "[\n  {\"country\":\"Iran\"}\n]\n{\"country\":\"Iran\"}\ncurrent mode: jsonl\n")
        #expect(r.err == "error: unknown mode 'yaml'; modes: table, csv, tsv, json, jsonl, markdown, line, box\n")
    }

    @Test func loadAddsATableNamedAfterTheFile() throws {
        let dir = try ShellFixture.temporaryDirectory()
        let path = dir + "/gdelt-sample.csv"
        try "id,date,n\n1,2024-01-01,3\n2,2024-01-02\n".write(toFile: path, atomically: true, encoding: .utf8)
        let r = run([".load \(path)", "gdelt_sample | count", ".load \(path) as other", "other | count", ".load /nonexistent.csv", ".load"])
        #expect(r.out.hasPrefix("loaded 1 rows into gdelt_sample; 1 malformed row skipped\n"))
        #expect(r.out.contains("loaded 1 rows into other"))
        #expect(r.err.contains("\(path):3:"))
        #expect(r.err.contains("error: no such file: /nonexistent.csv\n"))
        #expect(r.err.hasSuffix("error: usage: .load PATH [as NAME]\n"))
    }

    @Test func outputSendsResultsToAFileAndBack() throws {
        let dir = try ShellFixture.temporaryDirectory()
        let path = dir + "/out.csv"
        let r = run([".mode csv", ".output \(path)", "events | project country | take 2", ".output", "actors | count"])
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "country\nIran\nIsrael\n")
        #expect(r.out == "count\n2\n")
        #expect(r.err == "results go to the screen again (they went to \(path))\n")
    }

    @Test func readRunsAFileAndStopsAtItsFirstError() throws {
        let dir = try ShellFixture.temporaryDirectory()
        try ".mode csv\nevents | count\nevents | where nope == 1\nactors | count\n".write(toFile: dir + "/a.evq", atomically: true, encoding: .utf8)
        let r = run([".read \(dir)/a.evq", "actors | count"])
        #expect(r.out == "count\n4\ncount\n2\n")
        #expect(r.err.hasPrefix("\(dir)/a.evq:3:16: error: unknown field 'nope'\n"))
        #expect(r.err.hasSuffix("error: \(dir)/a.evq stopped at its first error\n"))
    }

    @Test func readThatReadsItselfStops() throws {
        let dir = try ShellFixture.temporaryDirectory()
        try ".read \(dir)/loop.evq\n".write(toFile: dir + "/loop.evq", atomically: true, encoding: .utf8)
        let r = run([".read \(dir)/loop.evq"])
        #expect(r.err.contains("error: .read nested too deeply (16 levels): does \(dir)/loop.evq read itself?\n"))
    }

    @Test func historyListsStatementsNumbered() {
        let (state, out, _) = ShellFixture.state()
        state.historyEntries = { ["events | count", "events |\n| take 1"] }
        _ = InputLoop(state: state, source: ScriptedLineSource(lines: [".history"])).run()
        #expect(out.text == "1  events | count\n2  events |\n   | take 1\n")
    }

    @Test func defaultTableNames() {
        #expect(DotCommands.defaultTableName(for: "Samples/ucdp-syria.csv") == "ucdp_syria")
        #expect(DotCommands.defaultTableName(for: "/tmp/2019 events.jsonl") == "t_2019_events")
    }
}

@Suite struct ScriptWithDotCommandsTests {
    @Test func scriptsRunDotCommandsAndQueriesInOrder() {
        let (state, out, err) = ShellFixture.state()
        let status = ScriptRunner(state: state).run("events | count\n.mode csv\nevents\n| project country\n| take 1\n", name: "s.evq")
        #expect(status == 0)
        #expect(err.text == "")
        #expect(out.text == " count\n-------\n     4\n(1 row)\ncountry\nIran\n")
    }

    @Test func resultsAreSeparatedByOneBlankLineAcrossDotCommands() {
        let (state, out, _) = ShellFixture.state()
        #expect(ScriptRunner(state: state).run("let a = 1\nevents | count\n.timer off\nlet b = 2\nactors | count\n", name: "s.evq") == 0)
        #expect(out.text == " count\n-------\n     4\n(1 row)\n\n count\n-------\n     2\n(1 row)\n")
    }

    @Test func everySyntaxErrorIsReportedBeforeAnythingRuns() {
        let (state, out, err) = ShellFixture.state()
        let status = ScriptRunner(state: state).run("events | count\n.mode csv\nevents | wher x\n\nevents | take\n", name: "s.evq")
        #expect(status == 65)
        #expect(out.text == "")
        #expect(err.text.contains("s.evq:3:10: error: unknown stage 'wher'"))
        #expect(err.text.contains("s.evq:5:14: error: expected an expression, found the end of the input"))
    }

    @Test func aBadDotCommandStopsTheScript() {
        let (state, out, err) = ShellFixture.state()
        let status = ScriptRunner(state: state).run(".mode yaml\nevents | count\n", name: "s.evq")
        #expect(status == 64)
        #expect(out.text == "")
        #expect(err.text.hasPrefix("error: unknown mode 'yaml'"))
    }

    @Test func aDotInsideAStatementIsNotACommand() {
        let blocks = ScriptRunner.split("events | where fatalities > 0 and\n.5 < 1\n.mode csv").map { "\($0.isDotCommand ? "d" : "q"):\($0.firstLine):\($0.text)" }
        #expect(blocks == ["q:1:events | where fatalities > 0 and\n.5 < 1", "d:3:.mode csv"])
    }
}

@Suite struct ScriptFileEdgeTests {
    @Test func windowsLineEndingsAndAByteOrderMark() {
        let (state, out, err) = ShellFixture.state()
        let status = ScriptRunner(state: state).run("\u{FEFF}events | count\r\n.mode csv\r\nactors | count\r\n", name: "w.evq")
        #expect(status == 0)
        #expect(err.text == "")
        #expect(out.text == " count\n-------\n     4\n(1 row)\ncount\n2\n")
    }

    @Test func readPassesOnTheExitCodeOfWhatStoppedIt() throws {
        let dir = try ShellFixture.temporaryDirectory()
        try "events | where nope == 1\n".write(toFile: dir + "/bad.evq", atomically: true, encoding: .utf8)
        let (state, _, err) = ShellFixture.state()
        #expect(ScriptRunner(state: state).run(".read \(dir)/bad.evq\nevents | count\n", name: "main.evq") == 65)
        #expect(err.text.hasSuffix("error: \(dir)/bad.evq stopped at its first error\n"))
        let (state2, _, err2) = ShellFixture.state()
        #expect(ScriptRunner(state: state2).run(".read \(dir)/missing.evq\n", name: "main.evq") == 66)
        #expect(err2.text == "error: no such file: \(dir)/missing.evq\n")
    }

    @Test func quitInAReadFileEndsOnlyThatFile() throws {
        let dir = try ShellFixture.temporaryDirectory()
        try "events | count\n.quit\nactors | count\n".write(toFile: dir + "/q.evq", atomically: true, encoding: .utf8)
        let (state, out, _) = ShellFixture.state(format: .csv)
        _ = InputLoop(state: state, source: ScriptedLineSource(lines: [".read \(dir)/q.evq", "actors | count"])).run()
        #expect(out.text == "count\n4\ncount\n2\n")
    }
}
