// Completion and help for geography: place names inside `near("`, chart kinds after `chart`,
// and `.help near`.

import EVQ
@testable import EVQShell
import LineEditor
import Testing

@Suite struct GeoCompletionTests {
    private func completer() -> Completer {
        var b = TableBuilder(name: "events")
        b.addColumn("location", ["Aleppo town", "Aleppo Governorate", "Damascus city"].map(Value.string))
        b.addColumn("lat", [.float(36.2), .float(36.25), .float(33.51)])
        b.addColumn("lon", [.float(37.16), .float(37.6), .float(36.29)])
        let state = ShellState(session: Session(tables: [b.build()]), format: .table, output: StringSink(), errors: StringSink())
        return Completer(state: state)
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
