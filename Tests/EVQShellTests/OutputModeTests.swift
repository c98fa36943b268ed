// The line and box modes, `.width`, `.pager`, and widths of CJK and emoji text in table columns.

import EVQ
@testable import EVQShell
import Foundation
import LineEditor
import Testing

@Suite struct OutputModeTests {
    private func run(_ lines: [String], _ setup: (ShellState) -> Void = { _ in }) -> (out: String, err: String) {
        let (state, out, err) = ShellFixture.state()
        setup(state)
        _ = InputLoop(state: state, source: ScriptedLineSource(lines: lines)).run()
        return (out.text, err.text)
    }

    @Test func lineModeShowsOneFieldPerLineWithWholeValues() {
        let note = String(repeating: "long note ", count: 100) + "\nsecond line"
        var b = TableBuilder(name: "notes")
        b.addColumn("id", [.int(1), .int(2)])
        b.addColumn("note", [.string(note), .null])
        let text = Renderer.render(b.build(), as: .line)
        #expect(text == "  id = 1\nnote = \(note.replacingOccurrences(of: "\n", with: "\n       "))\n\n  id = 2\nnote = null\n")
        #expect(run([".mode line", "events | take 1 | project country, fatalities"]).out == "   country = Iran\nfatalities = 0\n")
    }

    @Test func boxModeDrawsLinesAndMeasuresWideCharacters() {
        var b = TableBuilder(name: "t")
        b.addColumn("city", [.string("東京"), .string("Aleppo"), .string("🇸🇾")])
        b.addColumn("n", [.int(5), .int(12), .null])
        #expect(Renderer.render(b.build(), as: .box) == """
            ┌────────┬──────┐
            │ city   │ n    │
            ├────────┼──────┤
            │ 東京   │    5 │
            │ Aleppo │   12 │
            │ 🇸🇾     │ null │
            └────────┴──────┘
            (3 rows)

            """)
    }

    @Test func widthSetsTheLongestCellAndZeroNeverCuts() {
        let r = run([".width 8", "events | take 1 | project actor1", ".width 0", "events | take 1 | project actor1", ".width", ".width 1"])
        #expect(r.out == """
             actor1
            ----------
             Governm…
            (1 row)
             actor1
            --------------------
             Government of Iran
            (1 row)
            width: 0 (cells are never cut)

            """)
        #expect(r.err == "error: usage: .width N (a whole number of at least 2; 0 never cuts cells)\n")
    }

    @Test func pagerOnSendsResultsTallerThanTheScreenThroughThePager() throws {
        let dir = try ShellFixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = run([".pager on", "events | project country", "events | count", ".pager off", "events | project country"]) { state in
            state.terminalSize = { (80, 5) }
            state.pagerCommand = "cat > \(dir)/paged.txt"
        }
        // The 4-row table (7 lines) is taller than 5 rows: paged. The count (4 lines) is not; with the pager off, nothing is.
        let paged = try String(contentsOfFile: dir + "/paged.txt", encoding: .utf8)
        #expect(paged == " country\n---------\n Iran\n Israel\n Lebanon\n Iraq\n(4 rows)\n")
        #expect(r.out == " count\n-------\n     4\n(1 row)\n" + paged)
        #expect(r.err == "")
        #expect(Pager.command(["PAGER": "more"]) == "more")
        #expect(Pager.command([:]) == "less -S")
    }

    @Test func tableModeMeasuresWideCharactersAsTheTerminalShowsThem() {
        var b = TableBuilder(name: "t")
        b.addColumn("name", [.string("東京都"), .string("Damascus")])
        b.addColumn("n", [.int(1), .int(2)])
        #expect(Renderer.render(b.build(), as: .table) == """
             name     | n
            ----------+---
             東京都   | 1
             Damascus | 2
            (2 rows)

            """)
        let cut = Renderer.render(b.build(), as: .table, options: RenderOptions(maxCellWidth: 5))
        #expect(cut.contains(" 東京… | 1\n"))
    }

    @Test func displayWidthOfWideAndCombiningText() {
        #expect("Syria".displayWidth == 5)
        #expect("東京".displayWidth == 4)
        #expect("🇸🇾".displayWidth == 2)
        #expect("e\u{301}".displayWidth == 1)
        #expect("👍🏽".displayWidth == 2)
        #expect("東京都庁".truncated(columns: 5) == "東京…")
    }
}
