// Completion by context: what Tab offers at each place in a statement.

import EVQ
@testable import EVQShell
import Foundation
import LineEditor
import Testing

@Suite struct CompleterTests {
    let completer = Completer(state: ShellFixture.state().0)

    @Test func dotCommandsAtTheStartOfALine() {
        #expect(completer.complete(".sc") == Completion(replaceLength: 3, candidates: [".schema"]))
        #expect(completer.complete(".t").candidates == [".tables", ".timer", ".timeout"])
        #expect(completer.complete(".sc", pending: "events |").candidates != [".schema"])
    }

    @Test func stagesAfterAPipe() {
        #expect(completer.complete("events | su") == Completion(replaceLength: 2, candidates: ["summarize"]))
        #expect(completer.complete("events |t").candidates == ["take", "tail", "top"])
        #expect(completer.complete("| wh", pending: "events").candidates == ["where"])
        // The pipe may end the previous line.
        #expect(completer.complete("summ", pending: "events | where date in 2019 |").candidates == ["summarize"])
    }

    @Test func chartKindsThenTo() {
        #expect(completer.complete("events | chart ti").candidates == ["timeline"])
        #expect(completer.complete("events | summarize n = count() by country | chart bars ").candidates == ["to"])
        #expect(completer.complete("events | chart map t") == Completion(replaceLength: 1, candidates: ["to"]))
    }

    @Test func fieldsOfTheQuerysTable() {
        #expect(completer.complete("events | where fat") == Completion(replaceLength: 3, candidates: ["fatalities"]))
        #expect(completer.complete("events | where act").candidates == ["actor1", "actors"])
        #expect(completer.complete("actors | where b").candidates == ["backer", "bin(", "by"])
        // Columns named earlier in the statement count too.
        #expect(completer.complete("events | extend killed = fatalities | where kil").candidates == ["killed"])
    }

    @Test func functionsComeWithTheirParenthesis() {
        let c = completer.complete("events | summarize n = coun")
        #expect(c.candidates == ["country", "count(", "countif("])
        #expect(completer.complete("events | summarize dc").candidates == ["dcount("])
    }

    @Test func valuesOfATextFieldAfterEqualsQuoted() {
        #expect(completer.complete("events | where actor1 == \"Islamic") == Completion(replaceLength: 8, candidates: ["\"Islamic Resistance in Iraq\""]))
        #expect(completer.complete("events | where actor1 == ").candidates.count == 4)
        #expect(completer.complete("events | where country != \"ir").candidates == ["\"Iran\"", "\"Iraq\""])
        #expect(completer.complete("events | where country in [\"Iran\", \"Leb").candidates == ["\"Lebanon\""])
        #expect(completer.complete("events | where country in~ [\"isr").candidates == ["\"Israel\""])
        // The table comes from the statement's first line.
        #expect(completer.complete("| where actor1 == \"Nuj", pending: "events").candidates == ["\"Nujaba Movement\""])
        #expect(completer.complete("let x = actors | where name == \"Nuj").candidates == ["\"Nujaba Movement\""])
    }

    @Test func tablesAtTheStartOfAStatementAndAfterLookup() {
        #expect(completer.complete("ev").candidates == ["events"])
        #expect(completer.complete("e").candidates == ["events", "explain"])
        #expect(completer.complete("events | lookup ac").candidates == ["actors"])
        #expect(completer.complete("events | join ac").candidates == ["actors"])
        #expect(completer.complete("sequence within 3d [ev").candidates == ["events"])
        #expect(completer.complete("se").candidates == ["sequence"])
    }

    @Test func pathsAfterLoadAndRead() throws {
        let dir = try ShellFixture.temporaryDirectory()
        try "x".write(toFile: dir + "/events-2024.csv", atomically: true, encoding: .utf8)
        try "x".write(toFile: dir + "/events-2023.csv", atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(atPath: dir + "/more", withIntermediateDirectories: true)
        #expect(completer.complete(".load \(dir)/ev").candidates == ["\(dir)/events-2023.csv", "\(dir)/events-2024.csv"])
        let folder = completer.complete(".read \(dir)/mo")
        #expect(folder.candidates == ["\(dir)/more/"])
        #expect(folder.appendsSpace == false)
        #expect(completer.complete(".mode cs").candidates == ["csv"])
        #expect(completer.complete(".schema ac").candidates == ["actors"])
    }

    @Test func afterByOnlyColumnsAndFunctionsFit() {
        let keys = completer.complete("events | summarize n = count() by ").candidates
        #expect(keys.contains("country") && keys.contains("week("))
        #expect(!keys.contains("count(") && !keys.contains("asc") && !keys.contains("and") && !keys.contains("events"))
        #expect(completer.complete("events | summarize n = count() by country, da").candidates == ["date", "day(", "dayofweek("])
        #expect(completer.complete("events | top 2 by fat").candidates == ["fatalities"])
        // Outside a key list everything fits again.
        #expect(completer.complete("events | summarize n = co").candidates.contains("count("))
    }

    @Test func backtickNamesComplete() {
        var b = TableBuilder(name: "gdelt")
        b.addColumn("Source Country", [Value.string("SY")])
        b.addColumn("n", [Value.int(1)])
        let (state, _, _) = ShellFixture.state()
        state.session.addTable(b.build())
        let c = Completer(state: state)
        #expect(c.complete("gdelt | where `Sou") == Completion(replaceLength: 4, candidates: ["`Source Country`"]))
        #expect(c.complete("gdelt | where `Source Country` == \"S").candidates == ["\"SY\""])
    }

    @Test func valueListsPast200SayHowManyMore() {
        var b = TableBuilder(name: "many")
        b.addColumn("place", (0..<250).map { .string("Place \($0)") })
        let (state, _, _) = ShellFixture.state()
        state.session.addTable(b.build())
        let c = Completer(state: state).complete("many | where place == ")
        #expect(c.candidates.count == 200)
        #expect(c.note == "(50 more values not listed: type more letters)")
        #expect(Completer(state: state).complete("many | where place == \"Place 24").note == nil)
    }

    @Test func tildeAndHomeInPaths() throws {
        let home = try ShellFixture.temporaryDirectory()
        try "x".write(toFile: home + "/events.csv", atomically: true, encoding: .utf8)
        var c = completer
        c.environment = ["HOME": home]
        #expect(c.complete(".load ~/").candidates == ["~/events.csv"])
        #expect(c.complete(".load ~/ev").candidates == ["~/events.csv"])
        #expect(c.complete(".load $HOME/ev").candidates == ["$HOME/events.csv"])
        #expect(c.complete(".load ${HOME}/").candidates == ["${HOME}/events.csv"])
        #expect(PathExpansion.expand("$HOME/a.csv", environment: ["HOME": "/h"]) == "/h/a.csv")
        #expect(PathExpansion.expand("$NOPE/a.csv", environment: [:]) == "$NOPE/a.csv")
        #expect(PathExpansion.expand("~", environment: ["HOME": "/h"]) == "/h")
    }
}
