// The filter kernels (one column against a constant, null tests), per type and operator,
// with nulls, over every row and over the rows an index chose, against a reference written
// here from the documented rules: a comparison with null is false, text compares as Strings.
// 70,000 rows: several batches, and chunks on separate cores.

import EVQ
import EVQStore
import EVQTestSupport
import Testing

@Suite struct FilterKernelTests {
    static let t0 = TimeFormat.parse("2020-03-01")!

    static let table: Table = {
        var g = SplitMix(state: 77)
        let strings = ["b", "B", "a", "ä", "Zulu", "b b", "Ḥalab", "zz"]
        var rid: [Value] = [], t: [Value] = [], i: [Value] = [], f: [Value] = [], s: [Value] = [], k: [Value] = []
        for r in 0..<70_000 {
            rid.append(.int(Int64(r)))
            t.append(g.chance(8) ? .null : .time(t0 + Int64(g.below(40)) * 86_400))
            i.append(g.chance(15) ? .null : .int(Int64(g.below(7)) - 3))
            f.append(g.chance(15) ? .null : .float([-1.5, 0, -0.0, 2.25, 3, 1e300][g.below(6)]))
            s.append(g.chance(12) ? .null : .string(strings[g.below(strings.count)]))
            k.append(.string(g.chance(50) ? "x" : "y"))
        }
        var b = TableBuilder(name: "events")
        b.addColumn("rid", rid)
        b.addColumn("t", t, type: .time)
        b.addColumn("i", i, type: .int)
        b.addColumn("f", f, type: .float)
        b.addColumn("s", s, type: .string)
        b.addColumn("k", k, type: .string)
        b.addColumn("z", rid.map { _ in .null }, type: .int)
        return b.build(timeColumn: "t")
    }()

    /// The rids of the rows where `test` holds of column `name`, in table order, restricted to k == "x" when `indexed`.
    static func reference(_ name: String, indexed: Bool, _ test: (Value) -> Bool) -> [Value] {
        let values = columns[name]!, rid = columns["rid"]!, k = columns["k"]!
        return values.indices.filter { (!indexed || k[$0] == .string("x")) && test(values[$0]) }.map { rid[$0] }
    }

    /// Each column's values, boxed once.
    static let columns: [String: [Value]] = Dictionary(uniqueKeysWithValues: table.columns.map { c in
        (c.name, (0..<table.rowCount).map { c.value(at: $0) })
    })

    static func holds<T: Comparable>(_ op: String, _ a: T, _ b: T) -> Bool {
        switch op {
        case "==": a == b
        case "!=": a != b
        case "<": a < b
        case "<=": a <= b
        case ">": a > b
        default: a >= b
        }
    }

    static let operators = ["==", "!=", "<", "<=", ">", ">="]

    static func check(_ name: String, _ constant: String, _ test: @escaping (String, Value) -> Bool) throws {
        let session = Session(tables: [table])
        for op in operators {
            for indexed in [false, true] {
                let q = "events | where \(indexed ? "k == \"x\" and " : "")\(name) \(op) \(constant) | project rid"
                let got = try session.query(q).values(of: "rid")
                let expected = reference(name, indexed: indexed) { test(op, $0) }
                #expect(got == expected, "\(q)")
                #expect(!expected.isEmpty || op != "!=", "\(q) selects nothing")
            }
        }
    }

    @Test func intColumnsAgainstConstants() throws {
        for k: Int64 in [-3, 0, 2, 9] {
            try Self.check("i", "\(k)") { op, v in if case .int(let x) = v { Self.holds(op, x, k) } else { false } }
        }
        // An int column against a float constant takes the general path; the answer is the same.
        try Self.check("i", "0.5") { op, v in if case .int(let x) = v { Self.holds(op, Double(x), 0.5) } else { false } }
    }

    @Test func floatColumnsAgainstConstants() throws {
        for k in ["0", "2.25", "-0.5", "1e300"] {
            let d = Double(k)!
            try Self.check("f", k) { op, v in if case .float(let x) = v { Self.holds(op, x, d) } else { false } }
        }
    }

    @Test func timeColumnsAgainstConstants() throws {
        let k = Self.t0 + 10 * 86_400
        try Self.check("t", "2020-03-11") { op, v in if case .time(let x) = v { Self.holds(op, x, k) } else { false } }
    }

    @Test func textColumnsAgainstConstantsInAndOutOfTheDictionary() throws {
        for k in ["b", "a", "Zulu", "c", "Ḥalab", "aa"] {
            try Self.check("s", "\"\(k)\"") { op, v in if case .string(let x) = v { Self.holds(op, x, k) } else { false } }
        }
    }

    @Test func nullTestsOfEveryType() throws {
        let session = Session(tables: [Self.table])
        for name in ["t", "i", "f", "s", "z", "k"] {
            for (fn, wanted) in [("isnull", true), ("isnotnull", false)] {
                for indexed in [false, true] {
                    let q = "events | where \(indexed ? "k == \"x\" and " : "")\(fn)(\(name)) | project rid"
                    let got = try session.query(q).values(of: "rid")
                    #expect(got == Self.reference(name, indexed: indexed) { $0.isNull == wanted }, "\(q)")
                }
            }
        }
    }

    @Test func aCancelledFilterStops() {
        let session = Session(tables: [Self.table])
        session.isCancelled = { true }
        do {
            _ = try session.query("events | where i > 0 | project rid")
            Issue.record("the filter ran to its end")
        } catch {
            if case .cancelled = error.kind {} else { Issue.record("expected a cancellation, got \(error.render())") }
        }
    }
}
