// Completion and help for geography: place names inside `near("`, chart kinds after `chart`,
// and `.help near`.

import EVQ
@testable import EVQShell
import LineEditor
import Testing

@Suite struct GeoCompletionTests {
    private func session() -> Session {
        var b = TableBuilder(name: "events")
        b.addColumn("location", ["Aleppo town", "Aleppo Governorate", "Damascus city"].map(Value.string))
        b.addColumn("lat", [.float(36.2), .float(36.25), .float(33.51)])
        b.addColumn("lon", [.float(37.16), .float(37.6), .float(36.29)])
        return Session(tables: [b.build()])
    }

    private func completer() -> Completer {
        Completer(state: ShellState(session: session(), format: .table, output: StringSink(), errors: StringSink()))
    }

    @Test func aMapFitsTheTerminal() {
        let out = StringSink()
        let state = ShellState(session: session(), format: .table, output: out, errors: StringSink())
        state.terminalSize = { (50, 12) }
        _ = InputLoop(state: state, source: ScriptedLineSource(lines: ["events | chart map"])).run()
        let lines = out.text.split(separator: "\n")
        // 12 rows leave 4 for the grid (title, frame, axis and legend take the rest); 50 columns.
        #expect(lines.count == 4 + 5)
        #expect(lines.allSatisfy { $0.count <= 50 })
    }

    @Test func placeNamesInsideNear() {
        let c = completer().complete("events | where near(\"ale")
        #expect(c == Completion(replaceLength: 4, candidates: ["\"Aleppo Governorate\"", "\"Aleppo town\""]))
        #expect(completer().complete("events | where near(\"").candidates.count == 3)
    }

    @Test func chartKinds() {
        #expect(completer().complete("events | chart ").candidates == ["bars", "timeline", "map"])
        #expect(completer().complete("events | chart m").candidates == ["map"])
        #expect(completer().complete("events | where ne").candidates == ["near("])
    }

    @Test func helpOnNear() {
        #expect(HelpTopics.text(for: "near") == "near(\"Place\", 50km) or near(lat, lon, 50km): true for rows within the radius (km, mi, nmi) of a place or point\n")
    }
}
