// Ctrl-C in the long things that are not queries: formatting and printing a big result, `.last`,
// `.load` and `.read`. The flag is a closure here (the prompt's is Interrupt.requested); each
// test says when it turns true and checks that the work stopped soon after, losing nothing.

import EVQ
@testable import EVQShell
import EVQTestSupport
import Foundation
import Synchronization
import Testing

@Suite struct InterruptTests {
    static func bigTable(rows: Int) -> Table {
        var b = TableBuilder(name: "big")
        b.addColumn("id", (0..<rows).map { .int(Int64($0)) })
        b.addColumn("note", (0..<rows).map { .string("note number \($0)") })
        return b.build()
    }

    @Test func ctrlCStopsFormattingABigResultAndTheSessionGoesOn() {
        let (state, out, err) = ShellFixture.state()
        state.session.addTable(Self.bigTable(rows: 150_000))
        let flag = LateInterrupt(after: .milliseconds(50))
        state.isInterrupted = flag.check
        let run = InputLoop(state: state, source: ScriptedLineSource(lines: ["big"]))
        _ = run.run()
        #expect(err.text == "Interrupted\n")
        #expect(out.text == "")
        #expect(flag.elapsed < .milliseconds(50 + 300), "stopped \(flag.elapsed) after the first look")
        state.isInterrupted = { false }
        state.execute("big | count", name: "<prompt>")
        #expect(out.text == "  count\n--------\n 150000\n(1 row)\n")
    }

    @Test func ctrlCStopsPrintingBetweenChunksOfWholeLines() {
        let (state, out, err) = ShellFixture.state(format: .csv)
        var looks = 0
        state.isInterrupted = {
            looks += 1
            return looks > 3
        }
        let table = Self.bigTable(rows: 15_000)
        #expect(!state.print(table, RenderOptions(maxRows: nil)))
        #expect(err.text == "Interrupted\n")
        // csv streams: three pieces of rows were written (the header with the first), each
        // ending with a whole line, before the fourth look said stop.
        #expect(out.text.utf8.filter { $0 == 10 }.count == 1 + 3 * Renderer.rowsPerPiece)
        #expect(out.text.hasSuffix("\n") && out.text.hasPrefix("id,note\n0,note number 0\n"))
    }

    @Test func ctrlCStopsLastAndKeepsTheResult() {
        let (state, out, err) = ShellFixture.state()
        state.session.addTable(Self.bigTable(rows: 150_000))
        state.execute("big | take 3", name: "<prompt>")
        #expect(state.last?.table.rowCount == 3)
        state.execute("big", name: "<prompt>")
        let before = out.text
        state.isInterrupted = LateInterrupt(after: .milliseconds(30)).check
        DotCommands.run(".last", state)
        #expect(err.text == "Interrupted\n")
        #expect(out.text.count - before.count < 4 * ShellState.chunkBytes)
        #expect(state.last?.table.rowCount == 150_000)
    }

    @Test func ctrlCStopsALoadAndNothingIsLoaded() throws {
        let dir = try ShellFixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try ShellFixture.writeBigCSV(rows: 200_000, to: dir + "/big.csv")
        let (state, out, err) = ShellFixture.state()
        let flag = LateInterrupt(after: .milliseconds(100))
        state.isInterrupted = flag.check
        DotCommands.run(".load \(dir)/big.csv", state)
        #expect(err.text == "Interrupted: nothing was loaded\n")
        #expect(out.text == "")
        #expect(flag.elapsed < .milliseconds(100 + 300), "stopped \(flag.elapsed) after the first look")
        #expect(state.session.tableNames == ["actors", "events"])
    }

    @Test func aLoadThatFinishesMovesItsTableIntoTheSession() throws {
        let dir = try ShellFixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "id,n\na,1\nb,2\n".write(toFile: dir + "/small.csv", atomically: true, encoding: .utf8)
        let (state, out, _) = ShellFixture.state()
        DotCommands.run(".load \(dir)/small.csv", state)
        #expect(out.text == "loaded 2 rows into small\n")
        #expect(state.session.catalog.tables["small"]?.rowCount == 2)
    }

    @Test func ctrlCStopsReadBetweenStatements() throws {
        let dir = try ShellFixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // Statements in one run are cancelled by the query's own Ctrl-C check; here the script stops between
        // a statement and a dot-command.
        try "events | count\n.tables\nactors | count\n".write(toFile: dir + "/two.evq", atomically: true, encoding: .utf8)
        let (state, out, err) = ShellFixture.state()
        // Ctrl-C while the first result is shown: nothing after it runs.
        state.isInterrupted = { out.text.contains("(1 row)") }
        DotCommands.run(".read \(dir)/two.evq", state)
        #expect(out.text == " count\n-------\n     4\n(1 row)\n")
        #expect(err.text == "Interrupted: \(dir)/two.evq stopped\n")
    }
}
