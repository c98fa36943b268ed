// near() over a store answers from the grid cells written with the segment, and gives the
// rows a plain filter (no grid at all) gives over the same events.

import EVQ
import EVQStore
import Foundation
import Testing

@Suite struct StoreGeoQueryTests {
    @Test func nearOverTheStoredGridGivesTheRowsOfAPlainFilter() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("evq-geo-store-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try StoreWriter(path: dir).append(GeoFixture.events(), as: "events")
        let stored = try Session(store: URL(fileURLWithPath: dir))
        #expect(stored.catalog.tables["events"]?.builtGeoIndex != nil, "the grid comes from the file")
        let plain = Session(tables: [GeoFixture.events()])
        plain.disabledPasses = [.indexSelection]
        for condition in ["near(\"Baghdad\", 10km)", "near(\"Baghdad\", 60km)", "near(-17, 179.9, 25km)", "near(90, 0, 60km)",
                          "distance(lat, lon, -17, 179.9) <= 200.0542", "near(39.8, -89.65, 2000km)", "near(0, 0, 1km)"] {
            let q = "events | where \(condition) | project id"
            #expect(try stored.query(q).values(of: "id") == plain.query(q).values(of: "id"), "\(condition)")
        }
        var text = ""
        try stored.run("explain events | where near(\"Baghdad\", 60km)") { if case .text(let t) = $0 { text = t } }
        #expect(text.contains("geo cells: near(\"Baghdad\", 60km) (4 cells, 3 inside; 6 rows)"))
    }
}
