// near(), distance bounds and the grid cells: hand-placed events whose distances were worked
// out by hand (Baghdad, Fiji across the antimeridian, both poles, null and out-of-range
// coordinates), the same rows with the index on and off, and every near() error exactly.

import EVQ
import EVQStore
import EVQTestSupport
import Testing

enum GeoFixture {
    /// (id, location, lat, lon); nil is a null coordinate.
    static let rows: [(String, String, Double?, Double?)] = [
        ("g1", "Baghdad", 33.3152, 44.3661), ("g2", "Baghdad", 33.3152, 44.3661), ("g3", "Baghdad", 33.3152, 44.3661),
        ("g4", "baghdad", 33.32, 44.37),          // 0.65 km from g1
        ("g5", "Fallujah", 33.35, 43.78),         // 54.6 km
        ("g6", "Basra", 30.5, 47.8),              // 450.6 km
        ("g7", "Taveuni", -16.8, 179.98),         // 23.8 km from (-17, 179.9)
        ("g8", "Suva", -18.14, 178.44),           // 200.05 km from (-17, 179.9)
        ("g9", "Lau", -17.0, -179.9),             // 21.3 km from (-17, 179.9), across the antimeridian
        ("g10", "Apia", -13.83, -171.76),         // 960.8 km from (-17, 179.9)
        ("g11", "Pole A", 89.9, 0),               // 11.1 km from the North Pole
        ("g12", "Pole B", 89.95, 180),            // 5.6 km
        ("g13", "Pole C", 89.5, 90),              // 55.6 km
        ("g14", "Arctic", 88, -45),               // 222.4 km
        ("g15", "South Pole", -90, 0),            // 1.1 km from (-89.99, 45)
        ("g16", "Nowhere", nil, 10), ("g17", "Nowhere", 10, nil),
        ("g18", "Springfield", 39.8, -89.65), ("g19", "Springfield", 39.8, -89.65),
        ("g20", "Springfield", 42.1, -72.59), ("g21", "Springfield", 42.1, -72.59),  // 1453 km from g18
        ("g22", "Wraparound", 33.3152, 404.3661),  // out of range: Baghdad's longitude plus 360
    ]

    static func events() -> Table {
        var b = TableBuilder(name: "events")
        b.addColumn("id", rows.map { .string($0.0) })
        b.addColumn("location", rows.map { .string($0.1) })
        b.addColumn("lat", rows.map { $0.2.map(Value.float) ?? .null })
        b.addColumn("lon", rows.map { $0.3.map(Value.float) ?? .null })
        return b.build()
    }

    static func ids(_ query: String, indexes: Bool = true) throws -> [String] {
        let s = Session(tables: [events()])
        if !indexes { s.disabledPasses = [.indexSelection] }
        return (try s.query(query).values(of: "id") ?? []).map { $0.stringValue ?? "?" }
    }

    /// The ids, after checking that the index and the plain filter agree.
    static func near(_ condition: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> [String] {
        let q = "events | where \(condition)"
        let indexed = try ids(q), plain = try ids(q, indexes: false)
        #expect(indexed == plain, "index and filter differ for \(condition)", sourceLocation: sourceLocation)
        return indexed
    }

    static func failure(_ marked: String) -> (message: String, hint: String?, column: Int?) {
        let q = marked.replacingOccurrences(of: "1️⃣", with: "")
        do {
            _ = try Session(tables: [events()]).query(q)
            Issue.record("expected an error from \(q)")
            return ("", nil, nil)
        } catch {
            let d = error.diagnostics.first!
            let column = String(decoding: Array(q.utf8)[..<d.span.start], as: UTF8.self).count + 1
            if let m = marked.range(of: "1️⃣") { #expect(column == marked[..<m.lowerBound].count + 1, "column of: \(d.message)") }
            return (d.message, d.hint, column)
        }
    }
}

extension Value {
    fileprivate var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }
}

@Suite struct GeoTests {
    @Test func aPlaceIsTheMedianOfItsEventsIgnoringCase() throws {
        // Baghdad and baghdad: lats 33.3152 ×3 and 33.32, so the median is 33.3152 (g1's point).
        // g22's longitude is off by 360°, which the haversine cannot tell: it is at g1 too.
        #expect(try GeoFixture.near("near(\"Baghdad\", 10km)") == ["g1", "g2", "g3", "g4", "g22"])
        #expect(try GeoFixture.near("near(\"BAGHDAD\", 60km)") == ["g1", "g2", "g3", "g4", "g5", "g22"])
        #expect(try GeoFixture.near("near(\"Baghdad\", 300mi)") == ["g1", "g2", "g3", "g4", "g5", "g6", "g22"])
    }

    @Test func aPlainRadiusIsKilometresAndNearIsAnyCondition() throws {
        #expect(try GeoFixture.near("near(\"Baghdad\", 10)") == ["g1", "g2", "g3", "g4", "g22"])
        let s = Session(tables: [GeoFixture.events()])
        let r = try s.query("events | summarize close = countif(near(\"Baghdad\", 60km)), far = countif(not near(\"Baghdad\", 60km))")
        #expect(r.values(of: "close") == [.int(6)])
        #expect(r.values(of: "far") == [.int(16)])
        let e = try s.query("events | extend here = near(-17, 179.9, 100km) | where here | project id")
        #expect(e.values(of: "id") == [.string("g7"), .string("g9")])
    }

    @Test func radiusZeroKeepsOnlyThePointItself() throws {
        // g22's wrapped longitude gives about 1e-12 km, not 0.
        #expect(try GeoFixture.near("near(33.3152, 44.3661, 0km)") == ["g1", "g2", "g3"])
        #expect(try GeoFixture.near("distance(lat, lon, 33.3152, 44.3661) < 0") == [])
    }

    @Test func circlesAcrossTheAntimeridian() throws {
        #expect(try GeoFixture.near("near(-17, 179.9, 100km)") == ["g7", "g9"])
        #expect(try GeoFixture.near("near(-17, 179.9, 250km)") == ["g7", "g8", "g9"])
        #expect(try GeoFixture.near("near(-17, -179.95, 1000km)") == ["g7", "g8", "g9", "g10"])
    }

    @Test func circlesAroundThePoles() throws {
        #expect(try GeoFixture.near("near(90, 0, 100km)") == ["g11", "g12", "g13"])
        #expect(try GeoFixture.near("near(90, 123, 300km)") == ["g11", "g12", "g13", "g14"])
        #expect(try GeoFixture.near("near(-89.99, 45, 5km)") == ["g15"])
    }

    @Test func nullCoordinatesAreNeverNear() throws {
        let all = GeoFixture.rows.map(\.0)
        #expect(try GeoFixture.near("near(0, 0, 20000km)") == all.filter { $0 != "g16" && $0 != "g17" })
        // `not` keeps them: a comparison with null is false, and its negation true.
        #expect(try GeoFixture.near("not near(\"Baghdad\", 10km)") == all.filter { !["g1", "g2", "g3", "g4", "g22"].contains($0) })
    }

    @Test func distanceBoundsOfEitherShapeUseTheCells() throws {
        #expect(try GeoFixture.near("distance(lat, lon, -17, 179.9) <= 200.0542") == ["g7", "g9"])
        #expect(try GeoFixture.near("200.06 >= distance(lat, lon, -17, 179.9)") == ["g7", "g8", "g9"])
        #expect(try GeoFixture.near("distance(lat, lon, -17, 179.9) < 30km and location != \"Lau\"") == ["g7"])
    }

    @Test func explainNamesTheCells() throws {
        let s = Session(tables: [GeoFixture.events()])
        var text = ""
        try s.run("explain events | where near(\"Baghdad\", 60km) and id != \"g2\"") { if case .text(let t) = $0 { text = t } }
        // Cells are 0.01° (about 1 km): Baghdad's (g1-g3), baghdad's (g4) and Fallujah's (g5,
        // 54.6 km) lie wholly inside the 60 km circle; the fourth is the bucket of out-of-range
        // points (g22), always checked. Basra's cell is beyond the circle's reach.
        #expect(text == """
            Filter id != "g2"  (~2 rows)
              Scan events: 6 of 22 rows  (~6 rows)
                geo cells: near("Baghdad", 60km) (4 cells, 3 inside; 6 rows)
            optimizer: rewritten by indexSelection

            """)
    }

    @Test func theIndexAgreesWithTheFilterOnRandomCircles() throws {
        var g = SplitMix(state: 7)
        func unit() -> Double { Double(g.next() >> 11) / Double(1 << 53) }
        var b = TableBuilder(name: "events")
        var ids: [Value] = [], lats: [Value] = [], lons: [Value] = []
        for i in 0..<3000 {
            // Points cluster near the poles and the antimeridian as well as anywhere.
            var lat = unit() * 180 - 90, lon = unit() * 360 - 180
            switch g.below(6) {
            case 0: lat = 90 - unit() * 2
            case 1: lat = -90 + unit() * 2
            case 2: lon = g.chance(50) ? 180 - unit() : -180 + unit()
            case 3: (lat, lon) = (33.3 + unit(), 44.3 + unit())
            default: break
            }
            ids.append(.int(Int64(i)))
            lats.append(g.chance(3) ? .null : .float(lat))
            lons.append(g.chance(3) ? .null : .float(g.chance(1) ? lon + 360 : lon))
        }
        b.addColumn("id", ids)
        b.addColumn("lat", lats)
        b.addColumn("lon", lons)
        let table = b.build()
        let on = Session(tables: [table]), off = Session(tables: [table])
        off.disabledPasses = [.indexSelection]
        for _ in 0..<150 {
            let lat = unit() * 180 - 90, lon = unit() * 360 - 180
            let radius = [0, unit() * 50, unit() * 500, unit() * 3000, 4999 + unit() * 2, 9000][g.below(6)]
            let op = g.chance(50) ? "<=" : "<"
            // near() is `distance <= radius` in kilometres; both forms reach the cells.
            let condition = g.chance(30) ? "near(\(lat), \(lon), \((radius * 1000).rounded() / 1000)km)" : "distance(lat, lon, \(lat), \(lon)) \(op) \(radius)"
            let q = "events | where \(condition) | project id"
            let a = try on.query(q).values(of: "id"), b = try off.query(q).values(of: "id")
            #expect(a == b, "index and filter differ: \(q)")
        }
    }
}

@Suite struct NearErrorTests {
    @Test func unknownPlaceListsCloseNames() {
        let e = GeoFixture.failure("events | where near(1️⃣\"Bagdad\", 10km)")
        #expect(e.message == "no location is named 'Bagdad'")
        #expect(e.hint == "close names: 'Baghdad' (3 events), 'baghdad' (1 event)")
        let f = GeoFixture.failure("events | where near(1️⃣\"Zzyzx\", 10km)")
        #expect(f.hint == "give coordinates instead: near(LAT, LON, 50km)")
    }

    @Test func aNameForFarApartPlacesIsAmbiguous() {
        let e = GeoFixture.failure("events | where near(1️⃣\"springfield\", 10km)")
        #expect(e.message == "'springfield' is ambiguous: 4 of its 4 located events lie more than 100 km from their median point")
        #expect(e.hint == "it names places 1453 km apart, at (39.8, -89.65) and (42.1, -72.59): give coordinates, for example near(39.8, -89.65, 50km)")
    }

    @Test func aPlaceWithoutCoordinates() {
        let e = GeoFixture.failure("events | where near(1️⃣\"Nowhere\", 10km)")
        #expect(e.message == "'Nowhere' has no located events (its 2 events have no coordinates)")
    }

    @Test func minutesAreNotMetres() {
        let e = GeoFixture.failure("events | where near(\"Baghdad\", 1️⃣500m)")
        #expect(e.message == "'near' needs a distance as its radius, found a duration")
        #expect(e.hint == "'500m' is 500 minutes ('m' means minutes): write 0.5km for 500 metres")
        let h = GeoFixture.failure("events | where near(\"Baghdad\", 1️⃣2h)")
        #expect(h.hint == "distances are written 50km, 30mi or 10nmi")
    }

    @Test func badRadiusAndCoordinates() {
        #expect(GeoFixture.failure("events | where near(\"Baghdad\", 1️⃣-5km)").message == "a radius cannot be negative")
        let c = GeoFixture.failure("events | where near(\"Baghdad\", 1️⃣lat)")
        #expect(c.message == "'near' needs a constant distance as its radius, such as 50km")
        let lat = GeoFixture.failure("events | where near(1️⃣95, 3, 1km)")
        #expect(lat.message == "latitude 95 is out of range")
        #expect(lat.hint == "latitudes run from -90 to 90")
        #expect(GeoFixture.failure("events | where near(10, 1️⃣180.5, 1km)").message == "longitude 180.5 is out of range")
        let col = GeoFixture.failure("events | where near(1️⃣lat, 3, 1km)")
        #expect(col.message == "'near' needs a constant latitude in decimal degrees")
        let two = GeoFixture.failure("events | where near(1️⃣33, 50km)")
        #expect(two.message == "'near' with two arguments needs a place name in quotes")
        let arity = GeoFixture.failure("events | where 1️⃣near(1km)")
        #expect(arity.message == "'near' takes 2 to 3 arguments, found 1")
    }

    @Test func noCoordinateFields() {
        let e = GeoFixture.failure("events | project id | where 1️⃣near(\"Baghdad\", 10km)")
        #expect(e.message == "'near' needs latitude and longitude fields (lat and lon, or latitude and longitude)")
        #expect(e.hint == "fields: id")
    }
}
