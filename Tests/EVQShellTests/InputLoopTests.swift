// The input loop with injected lines: statements, continuation, dot-commands, Ctrl-C at the
// prompt, errors that keep the session, cut results and .last.

import EVQ
import EVQShell
import LineEditor
import Testing

@Suite struct InputLoopTests {
    private func run(_ lines: [ReadResult], maxRows: Int? = nil, format: OutputFormat = .table) -> (out: String, err: String, source: ScriptedLineSource, state: ShellState) {
        let (state, out, err) = ShellFixture.state(format: format, maxRows: maxRows)
        let source = ScriptedLineSource(lines)
        let status = InputLoop(state: state, source: source).run()
        #expect(status == 0)
        return (out.text, err.text, source, state)
    }

    @Test func aCompleteStatementRunsOnEnter() {
        let r = run([.line("events | count")])
        #expect(r.out == " count\n-------\n     4\n(1 row)\n")
        #expect(r.source.prompts == ["evq> ", "evq> "])
        #expect(r.source.history == ["events | count"])
    }

    @Test func anUnfinishedStatementAsksForMoreAndIsOneHistoryEntry() {
        let r = run([.line("events |"), .line("where country in [\"Iran\","), .line("\"Iraq\"]"), .line("| count")])
        // After `"Iraq"]` the statement is complete, so it runs; `| count` alone is then an error.
        #expect(r.source.prompts == ["evq> ", "...> ", "...> ", "evq> ", "evq> "])
        // One history line, so Up recalls the statement as a whole that can be edited.
        #expect(r.source.history.first == "events | where country in [\"Iran\", \"Iraq\"]")
        #expect(r.out.contains("Government of Iran"))
        #expect(r.err.contains("<prompt>:1:1: error: expected an expression, found '|'"))
    }

    @Test func aTrailingBackslashContinuesAndOpenStringsSpanLines() {
        let r = run([.line("events \\"), .line("| where country == \"Leb"), .line("anon\" | count")])
        #expect(r.source.prompts == ["evq> ", "...> ", "...> ", "evq> "])
        // The string now holds a line break, so nothing matches: the count is 0, not an error.
        #expect(r.out == " count\n-------\n     0\n(1 row)\n")
        #expect(r.source.history == ["events \n| where country == \"Leb\nanon\" | count"])
    }

    @Test func aStageThatNeedsMoreWordsIsAnErrorWithAHintNotAWait() {
        let r = run([.line("events | top 5"), .line("events | count")])
        #expect(r.source.prompts == ["evq> ", "evq> ", "evq> "])
        #expect(r.err == """
            <prompt>:1:15: error: expected 'by' after the number of rows, found the end of the input
             1 | events | top 5
               |               ^ top needs what to rank by, for example: top 5 by fatalities (or 'take 5' for any five rows)

            """)
        #expect(r.out == " count\n-------\n     4\n(1 row)\n")
    }

    @Test(arguments: ["events |", "events | where fatalities > 1 and", "events | where country ==", "events | summarize n = count() by",
                      "events | where country in [\"Iran\",", "events | where", "let x =", "events | project date,"])
    func aLineThatVisiblyGoesOnAsksForMore(line: String) {
        let r = run([.line(line)])
        #expect(r.source.prompts == ["evq> ", "...> ", "evq> "])
    }

    @Test func ctrlDAtTheContinuationPromptDropsTheStatementAndSaysSo() {
        let r = run([.line("events |"), .line("where country == \"Iran\" |"), .eof, .line("actors | count")])
        #expect(r.err == "(Ctrl-D: the unfinished statement was not run; Up recalls it, Ctrl-D again leaves)\n")
        #expect(r.out == " count\n-------\n     2\n(1 row)\n")
        #expect(r.source.prompts == ["evq> ", "...> ", "...> ", "evq> ", "evq> "])
        #expect(r.source.history == ["events | where country == \"Iran\" |", "actors | count"])
    }

    @Test func aStatementWithACommentKeepsItsLinesInHistory() {
        let r = run([.line("events | # the pipe goes on"), .line("count")])
        #expect(r.source.history == ["events | # the pipe goes on\ncount"])
        #expect(r.out.contains("     4\n"))
    }

    @Test func anEmptyLineSubmitsAnUnfinishedStatement() {
        let r = run([.line("events | where"), .line(""), .line("actors | count")])
        #expect(r.err.contains("error: expected an expression"))
        #expect(r.out.hasSuffix("(1 row)\n"))
        #expect(r.out.contains("     2\n"))
    }

    @Test func ctrlCAtThePromptDropsTheLine() {
        let r = run([.line("events |"), .interrupted, .line("actors | count")])
        #expect(r.err == "")
        #expect(r.out == " count\n-------\n     2\n(1 row)\n")
        #expect(r.source.prompts == ["evq> ", "...> ", "evq> ", "evq> "])
    }

    @Test func errorsKeepTheSession() {
        let r = run([.line("events | where actr == 1"), .line("events | count")])
        #expect(r.err == "<prompt>:1:16: error: unknown field 'actr'\n 1 | events | where actr == 1\n   |                ^^^^ did you mean 'actor1'?\n")
        #expect(r.out.contains("     4\n"))
    }

    @Test func dotCommandsRunOnlyAtTheStartOfAStatement() {
        let r = run([.line(".mode csv"), .line("events | project country | take 2"), .line(".mode table")])
        #expect(r.out == "country\nIran\nIsrael\n")
        #expect(r.source.history == [".mode csv", "events | project country | take 2", ".mode table"])
    }

    @Test func unknownAndAmbiguousDotCommands() {
        let r = run([.line(".tabels"), .line(".e on"), .line(".expl on")])
        #expect(r.err == """
            error: unknown command '.tabels'; did you mean '.tables'? (.help lists them)
            error: ambiguous command '.e': .explain, .exit

            """)
        #expect(r.state.explain)
    }

    @Test func longResultsAreCutWithAFooterAndLastShowsThemAll() {
        let r = run([.line("events | project country"), .line(".last")], maxRows: 2)
        #expect(r.out == """
             country
            ---------
             Iran
             Israel
            (4 rows; 2 not shown: raise .maxrows or use .last to see them all)
             country
            ---------
             Iran
             Israel
             Lebanon
             Iraq
            (4 rows)

            """)
    }

    @Test func maxrowsChangesTheCut() {
        let r = run([.line(".maxrows 3"), .line("events | project country"), .line(".maxrows 0"), .line("events | project country"), .line(".maxrows")], maxRows: 2)
        #expect(r.out.contains("(4 rows; 1 not shown"))
        #expect(r.out.contains(" Iraq\n(4 rows)\n"))
        #expect(r.out.hasSuffix("maxrows: 0 (all)\n"))
    }

    @Test func timerShowsTimeAndRowsExamined() {
        let r = run([.line(".timer on"), .line("events | where country == \"Iran\" | count")])
        let timerLine = r.out.split(separator: "\n").last.map(String.init) ?? ""
        #expect(timerLine.hasPrefix("Run time: "))
        #expect(timerLine.hasSuffix("; examined 1 of 4 rows (25.0%)"))
    }

    @Test func explainOnPrintsThePlanAfterTheResult() {
        let r = run([.line(".explain on"), .line("events | where country == \"Iran\" | count")])
        // Times vary from run to run (two decimals below 10 ms, none above, as the plan
        // printer gives them); the rest is exact.
        let out = r.out.replacing(/in \d+(\.\d\d)? ms/, with: "in T")
        #expect(out.hasSuffix("""
            Count  (~1 row) -> 1 row in T
              Scan events: 1 of 4 rows, in date order  (~1 row) -> 1 row in T
                posting lists: country == "Iran" (1 rows)

            """))
    }

    @Test func quitEndsTheLoop() {
        let r = run([.line(".quit"), .line("events | count")])
        #expect(r.out == "")
    }

    @Test func letBindingsLastForTheSession() {
        let r = run([.line("let iranian = events | where country == \"Iran\""), .line("iranian | count")])
        #expect(r.out == " count\n-------\n     1\n(1 row)\n")
    }
}

@Suite struct WideResultTests {
    @Test func columnsThatDoNotFitAreNamedInTheFooter() {
        let (state, out, _) = ShellFixture.state()
        state.maxLineWidth = 40
        _ = InputLoop(state: state, source: ScriptedLineSource(lines: ["events | take 1"])).run()
        #expect(out.text == """
             date       | actor1
            ------------+--------------------
             2024-11-02 | Government of Iran
            (1 row)
            (2 more columns not shown: ...; use project)

            """)
    }

    @Test func theFooterNamesAsManyHiddenColumnsAsFit() {
        var b = TableBuilder(name: "wide")
        for i in 1...12 { b.addColumn("column_\(i)", [.string(String(repeating: "x", count: 12))]) }
        let text = Renderer.render(b.build(), as: .table, options: RenderOptions(maxLineWidth: 80))
        #expect(text.split(separator: "\n").allSatisfy { $0.count <= 80 })
        #expect(text.hasSuffix("(7 more columns not shown: column_6, column_7, column_8, ...; use project)\n"))
    }
}
