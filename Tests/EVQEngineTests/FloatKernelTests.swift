// The typed float kernels (ExpressionEvaluator+Float.swift) against the boxed path on the
// same data: `tofloat(x)` is not compiled by the kernels, so wrapping a column in it gives
// the boxed answer to compare with. Covers nulls, NaN, infinities and latitudes out of range.

import EVQ
import EVQStore
import EVQTestSupport
import Testing

@Suite struct FloatKernelTests {
    static let table: Table = {
        var g = SplitMix(state: 77)
        let odd: [Double] = [.nan, .infinity, -.infinity, 300, -95, 0, -0.0, 89.999, 180.5]
        var rid: [Value] = [], lat: [Value] = [], lon: [Value] = [], i: [Value] = []
        for r in 0..<3_000 {
            rid.append(.int(Int64(r)))
            func coordinate(_ span: Double) -> Value {
                if g.chance(5) { return .null }
                if g.chance(4) { return .float(odd[g.below(odd.count)]) }
                return .float((Double(g.below(2_000_000)) / 1_000_000 - 1) * span)
            }
            // Clustered near (33.5, 36.3) so that small radii match some rows.
            lat.append(g.chance(50) ? coordinate(90) : .float(33.5 + Double(g.below(2000)) / 1000 - 1))
            lon.append(g.chance(50) ? coordinate(180) : .float(36.3 + Double(g.below(2000)) / 1000 - 1))
            i.append(g.chance(10) ? .null : .int(Int64(g.below(9)) - 4))
        }
        var b = TableBuilder(name: "events")
        b.addColumn("rid", rid)
        b.addColumn("lat", lat, type: .float)
        b.addColumn("lon", lon, type: .float)
        b.addColumn("i", i, type: .int)
        return b.build()
    }()

    private func rids(_ condition: String) throws -> [Value] {
        try Session(tables: [Self.table]).query("events | where \(condition) | project rid").values(of: "rid") ?? []
    }

    @Test(arguments: ["<=", "<", ">", ">=", "==", "!="])
    func distanceComparisonsMatchTheBoxedPath(_ op: String) throws {
        for (point, limit) in [("33.5, 36.3", "50"), ("33.5, 36.3", "0"), ("-10, 170", "5000"), ("0, 0", "20015"), ("33.5, 36.3", "7000.5")] {
            let fast = try rids("distance(lat, lon, \(point)) \(op) \(limit)")
            let boxed = try rids("distance(tofloat(lat), tofloat(lon), \(point)) \(op) \(limit)")
            #expect(fast == boxed, "distance(lat, lon, \(point)) \(op) \(limit)")
            if op == "<=" && limit == "50" { #expect(fast.count > 20) }
        }
    }

    @Test func arithmeticMatchesTheBoxedPath() throws {
        for condition in ["lat * 2 + i > 3", "lat / i <= -1.5", "-lat % 7 >= 2", "lat - lon < i", "lat / 0 > 1", "i / 2 == 1.5"] {
            let boxed = condition.replacingOccurrences(of: "lat", with: "tofloat(lat)").replacingOccurrences(of: "lon", with: "tofloat(lon)")
            #expect(try rids(condition) == rids(boxed), "\(condition)")
        }
    }

    @Test func computedDistancesEqualTheBoxedValues() throws {
        let s = Session(tables: [Self.table])
        let fast = try s.query("events | extend d = distance(lat, lon, 33.5, 36.3), k = lat * i | project d, k")
        let boxed = try s.query("events | extend d = distance(tofloat(lat), tofloat(lon), 33.5, 36.3), k = tofloat(lat) * tofloat(i) | project d, k")
        // NaN is not equal to itself: compare the printed values.
        #expect(fast.values(of: "d")!.map(ValueFormat.plain) == boxed.values(of: "d")!.map(ValueFormat.plain))
        #expect(fast.values(of: "k")!.map(ValueFormat.plain) == boxed.values(of: "k")!.map(ValueFormat.plain))
    }

    @Test func nullTestsReadTheMask() throws {
        #expect(try rids("isnull(lat)") == rids("isnull(tofloat(lat))"))
        #expect(try rids("isnotnull(i)") == rids("isnotnull(tofloat(i))"))
        #expect(try rids("isnull(lat)").count > 50)
    }
}
