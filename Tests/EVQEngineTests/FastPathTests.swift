// Pins the results of `sort`, `top` and `summarize` in the shapes that have typed fast paths
// (plain-column sort keys, string/int/time-bucket group keys, typed aggregate loops), so that
// the fast paths are proven equal to the general boxed semantics:
// - hand-checked expectations on small tables (ties, nulls, directions, overflow, year edges);
// - randomised comparisons against a reference written here from the documented rules
//   (stable sort, nulls last whatever the direction; groups in order of first appearance;
//   aggregates skip nulls; sum of ints is null when its exact total does not fit 64 bits or
//   when no value was seen).

import EVQ
import EVQTestSupport
import EVQStore
import Testing

// MARK: - helpers

private func ints(_ r: QueryResult, _ column: String) -> [Int64?] {
    (r.values(of: column) ?? []).map { v in if case .int(let i) = v { i } else { nil } }
}

private func texts(_ r: QueryResult, _ column: String) -> [String] {
    (r.values(of: column) ?? []).map { ValueFormat.plain($0) }
}

private func query(_ s: Session, _ q: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> QueryResult {
    do {
        return try s.query(q)
    } catch {
        Issue.record("query failed: \(q)\n\(error.render())", sourceLocation: sourceLocation)
        throw error
    }
}


private let t0 = TimeFormat.parse("2019-12-20")!

/// A random table: `rid` (0..<n, insertion order), time `t` (with nulls), int `i` (few values,
/// nulls), float `f`, string `s` (non-ASCII and empty values, nulls), bool `b`, duration `d`.
private func randomTable(rows n: Int, seed: UInt64, timeOrdered: Bool) -> Table {
    var g = SplitMix(state: seed)
    let strings = ["b", "B", "a", "ä", "Zulu", "", "b b", "Ḥalab", "zz"]
    let floats: [Double] = [-1.5, 0, -0.0, 2.25, 3, 1e300, -7.125]
    var rid: [Value] = [], t: [Value] = [], i: [Value] = [], f: [Value] = [], s: [Value] = [], b: [Value] = [], d: [Value] = []
    for r in 0..<n {
        rid.append(.int(Int64(r)))
        // Seconds across a year boundary, several days per week, some rows on the same second.
        t.append(g.chance(8) ? .null : .time(t0 + Int64(g.below(30)) * 86_400 + Int64(g.below(3)) * 3_600 - Int64(g.below(2))))
        i.append(g.chance(15) ? .null : .int(Int64(g.below(7)) - 3))
        f.append(g.chance(15) ? .null : .float(floats[g.below(floats.count)]))
        s.append(g.chance(12) ? .null : .string(strings[g.below(strings.count)]))
        b.append(g.chance(10) ? .null : .bool(g.chance(50)))
        d.append(g.chance(10) ? .null : .duration(Int64(g.below(5)) * 1_800 - 3_600))
    }
    var builder = TableBuilder(name: "events")
    builder.addColumn("rid", rid)
    builder.addColumn("t", t, type: .time)
    builder.addColumn("i", i, type: .int)
    builder.addColumn("f", f, type: .float)
    builder.addColumn("s", s, type: .string)
    builder.addColumn("b", b, type: .bool)
    builder.addColumn("d", d, type: .duration)
    builder.addColumn("z", rid.map { _ in .null }, type: .int)  // all null
    return builder.build(timeColumn: timeOrdered ? "t" : nil)
}

// MARK: - reference semantics

private struct Reference {
    let table: Table
    func column(_ name: String) -> [Value] {
        let c = table.column(named: name)!
        return (0..<table.rowCount).map { c.value(at: $0) }
    }

    /// Stable order of positions by keys (column, descending); nulls last in either direction.
    static func order(_ positions: [Int], _ keys: [(values: [Value], descending: Bool)]) -> [Int] {
        positions.enumerated().sorted { x, y in
            for k in keys {
                let a = k.values[x.element], b = k.values[y.element]
                if a.isNull != b.isNull { return b.isNull }
                let c = Value.compare(a, b)
                if c != 0 { return k.descending ? c > 0 : c < 0 }
            }
            return x.offset < y.offset
        }.map(\.element)
    }
}

private func weekStart(_ t: Int64) -> Int64 {
    let day = TimeFormat.floorDiv(t, 86_400)
    return (day - (((day + 3) % 7 + 7) % 7)) * 86_400
}

// MARK: - hand-checked cases

@Suite struct TopAndSortPinTests {
    @Test func topByIntTiesNullsAndDirections() throws {
        // fatalities in time order: e10 2, e1 4, e2 0, e3 0, e4 0, e5 0, e6 12, e7 10, e8 8, e9 null.
        #expect(texts(try run("events | top 5 by fatalities"), "id") == ["e6", "e7", "e8", "e1", "e10"])
        #expect(texts(try run("events | top 7 by fatalities"), "id") == ["e6", "e7", "e8", "e1", "e10", "e2", "e3"])
        #expect(texts(try run("events | top 10 by fatalities"), "id") == ["e6", "e7", "e8", "e1", "e10", "e2", "e3", "e4", "e5", "e9"])
        #expect(texts(try run("events | top 3 by fatalities asc"), "id") == ["e2", "e3", "e4"])
        #expect(texts(try run("events | top 20 by fatalities asc"), "id") == ["e2", "e3", "e4", "e5", "e10", "e1", "e8", "e7", "e6", "e9"])
        #expect(try run("events | top 0 by fatalities").rowCount == 0)
        #expect(try run("events | where country == \"Nowhere\" | top 3 by fatalities").rowCount == 0)
    }

    @Test func topByStringTimeAndSeveralKeys() throws {
        // country: e10 Lebanon, e1 Iran, e2 Iran, e3 Iran, e4 United States, e5 Israel, e6-e8 Lebanon, e9 Iraq.
        #expect(texts(try run("events | top 3 by country"), "id") == ["e4", "e10", "e6"])
        #expect(texts(try run("events | top 4 by country asc"), "id") == ["e1", "e2", "e3", "e9"])
        // actor2 is null for e4 and e5: last in both directions.
        #expect(texts(try run("events | top 10 by actor2 desc"), "id").suffix(2) == ["e4", "e5"])
        #expect(texts(try run("events | top 10 by actor2 asc"), "id").suffix(2) == ["e4", "e5"])
        #expect(texts(try run("events | top 3 by date"), "id") == ["e8", "e9", "e5"])
        #expect(texts(try run("events | top 4 by country asc, fatalities desc"), "id") == ["e1", "e2", "e3", "e9"])
        #expect(texts(try run("events | top 5 by country desc, fatalities asc"), "id") == ["e4", "e10", "e8", "e7", "e6"])
        #expect(texts(try run("events | top 3 by fatalities * -1"), "id") == ["e2", "e3", "e4"])
    }

    @Test func topAfterSortBreaksTiesByInputPosition() throws {
        let r = try run("events | sort by id desc | top 4 by fatalities asc | project id")
        #expect(texts(r, "id") == ["e5", "e4", "e3", "e2"])
        let w = try run("events | where fatalities < 5 | top 3 by fatalities | project id")
        #expect(texts(w, "id") == ["e1", "e10", "e2"])
    }

    @Test func sortByTypedKeys() throws {
        #expect(texts(try run("events | sort by actor2 | project id"), "id")
                    == ["e2", "e3", "e6", "e7", "e8", "e1", "e10", "e9", "e4", "e5"])
        #expect(texts(try run("events | sort by actor2 desc, fatalities | project id"), "id")
                    == ["e9", "e10", "e1", "e8", "e7", "e6", "e3", "e2", "e4", "e5"])
        #expect(texts(try run("events | sort by date desc | project id"), "id")
                    == ["e8", "e9", "e5", "e6", "e7", "e2", "e3", "e4", "e1", "e10"])
    }

    /// One text key sorts packed (rank, position) words: nulls last in both directions, ties
    /// in input order, over all rows and over a selection.
    @Test func oneTextKeyWithNullsAndTies() throws {
        var b = TableBuilder(name: "events")
        b.addColumn("id", (0..<8).map { .int(Int64($0)) })
        b.addColumn("s", [.string("b"), .null, .string("a"), .string("c"), .string("b"), .null, .string("a"), .string("b")])
        let s = Session(tables: [b.build()])
        #expect(ints(try query(s, "events | sort by s"), "id") == [2, 6, 0, 4, 7, 3, 1, 5])
        #expect(ints(try query(s, "events | sort by s desc"), "id") == [3, 0, 4, 7, 2, 6, 1, 5])
        #expect(ints(try query(s, "events | where id > 0 and id != 4 | sort by s desc"), "id") == [3, 7, 2, 6, 1, 5])
    }

    @Test func allNullAndFloatKeys() throws {
        var b = TableBuilder(name: "events")
        b.addColumn("id", (0..<6).map { .int(Int64($0)) })
        b.addColumn("n", (0..<6).map { _ in .null }, type: .int)
        b.addColumn("x", [.float(2.5), .null, .float(-1), .float(2.5), .float(0), .null])
        let s = Session(tables: [b.build()])
        #expect(ints(try query(s, "events | top 3 by n"), "id") == [0, 1, 2])
        #expect(ints(try query(s, "events | sort by n desc"), "id") == [0, 1, 2, 3, 4, 5])
        #expect(ints(try query(s, "events | top 4 by x"), "id") == [0, 3, 4, 2])
        #expect(ints(try query(s, "events | top 6 by x asc"), "id") == [2, 4, 0, 3, 1, 5])
        #expect(ints(try query(s, "events | sort by x desc, id desc"), "id") == [3, 0, 4, 2, 5, 1])
    }
}

@Suite struct SummarizePinTests {
    /// One text key with only counts and integer sums takes the slot fold
    /// (Aggregation+TextKey.swift): the same values, nulls and group order as the general path.
    @Test func oneTextKeyFoldedOnSlots() throws {
        var b = TableBuilder(name: "events")
        b.addColumn("g", [.string("b"), .string("a"), .null, .string("b"), .string("c"), .string("a"), .null])
        b.addColumn("x", [.int(.max), .int(1), .int(4), .int(-1), .null, .int(.max), .null], type: .int)
        let s = Session(tables: [b.build()])
        let r = try query(s, "events | summarize total = sum(x), n = count(), known = count(x), pos = countif(x > 0) by g")
        #expect(r.values(of: "g") == [.string("b"), .string("a"), .null, .string("c")])
        // b: max - 1 fits; a: max + 1 does not (null, as in every path); c: no value at all.
        #expect(r.values(of: "total") == [.int(.max - 1), .null, .int(4), .null])
        #expect(ints(r, "n") == [2, 2, 2, 1])
        #expect(ints(r, "known") == [2, 2, 1, 0])
        #expect(ints(r, "pos") == [1, 2, 1, 0])
    }

    /// Two text keys fold on slots in each of their three layouts (dense codes; codes cut into
    /// partitions; hashed codes), chosen by how many codes there are next to the rows. Each
    /// must give the groups, order and values of the general path, which a `max` forces here,
    /// with nulls in both keys, over all rows and over a selection, on one core and on four
    /// (140,000 rows: more than one chunk of rows).
    @Test(arguments: [(distinct: 12, rows: 140_000), (distinct: 500, rows: 140_000), (distinct: 2_000, rows: 140_000)])
    func twoTextKeysInEveryLayout(_ shape: (distinct: Int, rows: Int)) throws {
        var g = SplitMix(state: UInt64(shape.distinct))
        func key() -> Value { g.chance(7) ? .null : .string("k\(g.below(shape.distinct))") }
        var a: [Value] = [], b: [Value] = [], x: [Value] = []
        for _ in 0..<shape.rows {
            a.append(key())
            b.append(key())
            x.append(g.chance(5) ? .null : .int(Int64(g.below(100)) - 20))
        }
        var builder = TableBuilder(name: "events")
        builder.addColumn("a", a, type: .string)
        builder.addColumn("b", b, type: .string)
        builder.addColumn("x", x, type: .int)
        let s = Session(tables: [builder.build()])
        for filter in ["", "| where x > 0 or isnull(a) "] {
            let folded = "events \(filter)| summarize n = count(), s = sum(x), known = count(x), pos = countif(x > 50) by a, b"
            let general = "events \(filter)| summarize n = count(), s = sum(x), known = count(x), pos = countif(x > 50), hi = max(x) by a, b"
            var answers: [[[Value]]] = []
            for threads in [1, 4] {
                Parallel.threads = threads
                defer { Parallel.threads = 0 }
                let f = try query(s, folded), r = try query(s, general)
                let columns = ["a", "b", "n", "s", "known", "pos"]
                let mine = columns.map { f.values(of: $0)! }, reference = columns.map { r.values(of: $0)! }
                // Compared whole, reported by the first row that differs (not 10 K values).
                let same = mine == reference
                let row = same ? nil : mine[0].indices.first { k in columns.indices.contains { k >= reference[$0].count || mine[$0][k] != reference[$0][k] } }
                #expect(same, "\(folded), \(threads) threads: first difference at row \(row.map(String.init) ?? "count")")
                answers.append(mine)
            }
            #expect(answers[0] == answers[1] ? true : false, "one core and four differ: \(folded)")
            #expect(answers[0][0].count > shape.distinct, "groups are pairs, not single keys")
        }
    }

    /// `top n by` a slot-folded aggregate builds only the n groups it keeps: in each layout,
    /// the same rows and order as the general path's top over all the groups (a `max` forces
    /// that path), for ties, null sums in either direction, several keys, n of none, one, some
    /// and more than there are groups, on one core and on four.
    @Test(arguments: [(distinct: 12, rows: 140_000), (distinct: 500, rows: 140_000), (distinct: 2_000, rows: 140_000)])
    func topOverSlotFoldKeepsOnlyItsGroups(_ shape: (distinct: Int, rows: Int)) throws {
        var g = SplitMix(state: UInt64(shape.distinct) + 7)
        func key() -> Value { g.chance(7) ? .null : .string("k\(g.below(shape.distinct))") }
        var a: [Value] = [], b: [Value] = [], x: [Value] = []
        for _ in 0..<shape.rows {
            a.append(key())
            b.append(key())
            // Mostly null: many groups have no value, so their sum is null.
            x.append(g.chance(2) ? .null : .int(Int64(g.below(5))))
        }
        var builder = TableBuilder(name: "events")
        builder.addColumn("a", a, type: .string)
        builder.addColumn("b", b, type: .string)
        builder.addColumn("x", x, type: .int)
        let s = Session(tables: [builder.build()])
        let tops = ["top 0 by n", "top 1 by n", "top 20 by n", "top 20 by s", "top 20 by s asc", "top 50 by s asc, n desc",
                    "top 7 by pos desc, s", "top 1000000 by n asc"]
        for top in tops {
            for threads in [1, 4] {
                Parallel.threads = threads
                defer { Parallel.threads = 0 }
                let folded = try query(s, "events | summarize n = count(), s = sum(x), pos = countif(x > 2) by a, b | \(top)")
                let general = try query(s, "events | summarize n = count(), s = sum(x), pos = countif(x > 2), hi = max(x) by a, b | \(top)")
                for column in ["a", "b", "n", "s", "pos"] {
                    #expect(folded.values(of: column) == general.values(of: column), "\(top), \(threads) threads, column \(column)")
                }
                if top.hasPrefix("top 20") { #expect(folded.rowCount == 20) }
            }
        }
    }

    /// By hand: ties keep the order of first appearance, and a null sum comes last whatever
    /// the direction.
    @Test func topOverSlotFoldBreaksTiesByFirstAppearanceWithNullSumsLast() throws {
        var b = TableBuilder(name: "events")
        b.addColumn("g", ["c", "a", "b", "a", "c", "d", "b", "e"].map(Value.string))
        b.addColumn("x", [.int(2), .int(1), .null, .int(1), .null, .int(2), .null, .int(-1)], type: .int)
        let s = Session(tables: [b.build()])
        // Groups c, a, b, d, e: n 2, 2, 2, 1, 1; s 2, 2, null, 2, -1.
        let byCount = try query(s, "events | summarize n = count(), s = sum(x) by g | top 3 by n")
        #expect(texts(byCount, "g") == ["c", "a", "b"])
        #expect(texts(try query(s, "events | summarize n = count(), s = sum(x) by g | top 2 by n"), "g") == ["c", "a"])
        #expect(texts(try query(s, "events | summarize n = count(), s = sum(x) by g | top 2 by s"), "g") == ["c", "a"])
        #expect(texts(try query(s, "events | summarize n = count(), s = sum(x) by g | top 4 by s"), "g") == ["c", "a", "d", "e"])
        #expect(texts(try query(s, "events | summarize n = count(), s = sum(x) by g | top 4 by s asc"), "g") == ["e", "c", "a", "d"])
        #expect(texts(try query(s, "events | summarize n = count(), s = sum(x) by g | top 5 by s asc"), "g") == ["e", "c", "a", "d", "b"])
        #expect(texts(try query(s, "events | summarize n = count(), s = sum(x) by g | top 2 by n asc, s desc"), "g") == ["d", "e"])
    }

    @Test func sumOfIntsIsItsExactTotalNullWhenThatDoesNotFitOrNothingWasSeen() throws {
        var b = TableBuilder(name: "events")
        b.addColumn("g", ["a", "a", "b", "b", "c", "a"].map(Value.string))
        b.addColumn("x", [.int(.max), .int(1), .int(.max), .int(-1), .null, .int(-1)], type: .int)
        let s = Session(tables: [b.build()])
        let r = try query(s, "events | summarize total = sum(x), n = count(x), lo = min(x), hi = max(x), mean = avg(x) by g")
        #expect(texts(r, "g") == ["a", "b", "c"])
        // a: max + 1 - 1 passes 2^63 on the way but its total fits, whatever the order of the
        // rows (one core, several, or segment by segment); b: max - 1; c: no value.
        #expect(r.values(of: "total") == [.int(.max), .int(.max - 1), .null])
        #expect(r.values(of: "n") == [.int(3), .int(2), .int(0)])
        #expect(r.values(of: "lo") == [.int(-1), .int(-1), .null])
        #expect(r.values(of: "hi") == [.int(.max), .int(.max), .null])
        #expect(r.values(of: "mean")?[2] == .null)
        let all = try query(s, "events | summarize total = sum(x), d = dcount(x), n = count()")
        #expect(all.values(of: "total") == [.null])  // 2 max - 1 does not fit
        #expect(try query(s, "events | where g == \"a\" | where x > 0 | summarize total = sum(x)").values(of: "total") == [.null])
        #expect(all.values(of: "d") == [.int(3)])
        #expect(all.values(of: "n") == [.int(6)])
    }

    @Test func dcountSkipsNulls() throws {
        // actor2: e1 Iran forces, e2 Gov Israel, e3 Gov US, e4 null, e5 null, e6-e8 Hezbollah, e9 US forces, e10 Israel forces.
        let r = try run("events | summarize d = dcount(actor2), d1 = dcount(actor1), n = count(actor2)")
        #expect(r.values(of: "d") == [.int(6)])
        #expect(r.values(of: "d1") == [.int(6)])
        #expect(r.values(of: "n") == [.int(8)])
        let by = try run("events | summarize d = dcount(actor2) by country")
        #expect(texts(by, "country") == ["Lebanon", "Iran", "United States", "Israel", "Iraq"])
        #expect(ints(by, "d") == [2, 3, 0, 0, 1])
    }

    @Test func weekBucketsAcrossAYearBoundaryInUnsortedInput() throws {
        // No time column: rows stay in this (unsorted) order.
        let days = ["2020-01-06", "2019-12-29", "2020-01-05", "2019-12-30", "2021-01-03", "2020-12-31", "2020-01-01"]
        var b = TableBuilder(name: "events")
        b.addColumn("date", days.map { Fixture.day($0) })
        b.addColumn("x", days.indices.map { .int(Int64($0)) })
        let s = Session(tables: [b.build()])
        let r = try query(s, "events | summarize n = count(), ids = sum(x) by wk = week(date)")
        #expect(texts(r, "wk") == ["2020-01-06", "2019-12-23", "2019-12-30", "2020-12-28"])
        #expect(ints(r, "n") == [1, 1, 3, 2])
        #expect(ints(r, "ids") == [0, 1, 11, 9])  // 2 + 3 + 6, 4 + 5
        let m = try query(s, "events | summarize n = count() by m = month(date)")
        #expect(texts(m, "m") == ["2020-01-01", "2019-12-01", "2021-01-01", "2020-12-01"])
        #expect(ints(m, "n") == [3, 2, 1, 1])
    }

    @Test func emptyInput() throws {
        let r = try run("events | where country == \"Nowhere\" | summarize n = count(), s = sum(fatalities), d = dcount(actor1), lo = min(date), a = avg(fatalities)")
        #expect(r.values(of: "n") == [.int(0)])
        #expect(r.values(of: "s") == [.null])
        #expect(r.values(of: "d") == [.int(0)])
        #expect(r.values(of: "lo") == [.null])
        #expect(r.values(of: "a") == [.null])
        #expect(try run("events | where country == \"Nowhere\" | summarize n = count() by actor1").rowCount == 0)
        #expect(try run("events | where country == \"Nowhere\" | summarize n = count() by week(date)").rowCount == 0)
    }

    @Test func groupsByTimeBucketsInOrderOfFirstAppearance() throws {
        let r = try run("events | summarize n = count(), killed = sum(fatalities), worst = max(fatalities) by day(date)")
        #expect(texts(r, "date") == ["2023-12-31", "2024-10-26", "2024-11-02", "2024-11-05", "2024-11-06"])
        #expect(ints(r, "n") == [1, 1, 3, 3, 2])
        #expect(ints(r, "killed") == [2, 4, 0, 22, 8])
        #expect(ints(r, "worst") == [2, 4, 0, 12, 8])
        let byFatal = try run("events | summarize n = count() by fatalities")
        #expect(ints(byFatal, "fatalities") == [2, 4, 0, 12, 10, 8, nil])
        #expect(ints(byFatal, "n") == [1, 1, 4, 1, 1, 1, 1])
    }
}

// MARK: - randomised comparisons with the reference

@Suite struct FastPathEquivalenceTests {
    static let sortKeys: [[(String, Bool)]] = [
        [("i", false)], [("i", true)], [("f", false)], [("f", true)], [("s", false)], [("s", true)],
        [("t", false)], [("t", true)], [("b", true)], [("d", false)], [("z", true)], [("rid", true)],
        [("s", false), ("i", true)], [("i", true), ("f", false), ("t", true)], [("b", false), ("s", true), ("f", true)],
        [("z", false), ("i", false)],
    ]

    @Test(arguments: [(UInt64(1), true), (UInt64(2), false), (UInt64(3), true)])
    func sortAndTopMatchTheReference(seed: UInt64, timeOrdered: Bool) throws {
        let table = randomTable(rows: 700, seed: seed, timeOrdered: timeOrdered)
        let s = Session(tables: [table])
        let ref = Reference(table: table)
        let rid = ref.column("rid")
        let all = Array(0..<table.rowCount)
        for keys in Self.sortKeys {
            let spec = keys.map { "\($0.0) \($0.1 ? "desc" : "asc")" }.joined(separator: ", ")
            let columns = keys.map { (values: ref.column($0.0), descending: $0.1) }
            let expected = Reference.order(all, columns).map { rid[$0] }
            let sorted = try query(s, "events | sort by \(spec) | project rid")
            #expect(sorted.values(of: "rid") == expected, "sort by \(spec)")
            for n in [0, 1, 3, 10, 64, 699, 700, 900] {
                let top = try query(s, "events | top \(n) by \(spec) | project rid")
                #expect(top.values(of: "rid") == Array(expected.prefix(n)), "top \(n) by \(spec)")
            }
            // A filtered input (row ids, not every row), then one reordered by another sort.
            let kept = all.filter { if case .int(let x) = ref.column("i")[$0] { x >= 0 } else { false } }
            let filtered = Reference.order(kept, columns).map { rid[$0] }
            let f = try query(s, "events | where i >= 0 | top 25 by \(spec) | project rid")
            #expect(f.values(of: "rid") == Array(filtered.prefix(25)), "where | top by \(spec)")
            let pre = Reference.order(all, [(ref.column("s"), true)])
            let twice = Reference.order(pre, columns).map { rid[$0] }
            let t = try query(s, "events | sort by s desc | top 50 by \(spec) | project rid")
            #expect(t.values(of: "rid") == Array(twice.prefix(50)), "sort | top by \(spec)")
        }
    }

    /// A text key is sorted by counting when its ids span few values next to the rows (all
    /// rows of a column, a `distinct`), else by packed words (a few rows of a large
    /// dictionary): both orders are the reference's, nulls last in either direction.
    @Test func textSortByCountingAndByWordsMatchTheReference() throws {
        var g = SplitMix(state: 11)
        let n = 6_000
        var rid: [Value] = [], w: [Value] = []
        for r in 0..<n {
            rid.append(.int(Int64(r)))
            w.append(g.chance(9) ? .null : .string("w\(g.below(5_000))"))
        }
        var builder = TableBuilder(name: "events")
        builder.addColumn("rid", rid)
        builder.addColumn("w", w, type: .string)
        let table = builder.build()
        let s = Session(tables: [table])
        let ref = Reference(table: table)
        let rids = ref.column("rid"), words = ref.column("w")
        // All rows (counting); 62 rows (too few to count); 120 rows spread over 5,000 ids (words).
        for (filter, keep) in [("", { (_: Int) in true }), ("| where rid % 97 == 0 ", { $0 % 97 == 0 }), ("| where rid % 50 == 0 ", { $0 % 50 == 0 })] {
            let rows = (0..<n).filter(keep)
            for descending in [false, true] {
                let expected = Reference.order(rows, [(words, descending)]).map { rids[$0] }
                let q = "events \(filter)| sort by w \(descending ? "desc" : "asc") | project rid"
                #expect(try query(s, q).values(of: "rid") == expected, "\(q)")
            }
        }
        let distinct = try query(s, "events | where rid % 3 == 0 | distinct w | sort by w desc")
        let expected = Set((0..<n).filter { $0 % 3 == 0 }.map { words[$0] }).sorted { a, b in
            a.isNull != b.isNull ? b.isNull : Value.compare(a, b) > 0
        }
        #expect(distinct.values(of: "w") == expected)
    }

    /// A group key: its query text and the key value of a row.
    typealias Key = (text: String, value: (Int) -> Value)
    /// An aggregate: its query text and its result over the rows of a group (in input order).
    typealias Aggregate = (text: String, value: ([Int]) -> Value)

    fileprivate static func aggregates(_ ref: Reference) -> [Aggregate] {
        let i = ref.column("i"), f = ref.column("f"), s = ref.column("s"), t = ref.column("t"), d = ref.column("d"), z = ref.column("z"), b = ref.column("b")
        func count(_ c: [Value]) -> ([Int]) -> Value { { rows in .int(Int64(rows.filter { !c[$0].isNull }.count)) } }
        func countif(_ p: @escaping (Int) -> Bool) -> ([Int]) -> Value { { rows in .int(Int64(rows.filter(p).count)) } }
        func sumInt(_ c: [Value], duration: Bool = false) -> ([Int]) -> Value {
            { rows in
                // The exact total, null when it does not fit 64 bits (whatever the order).
                var total: Int128 = 0, seen = false
                for r in rows {
                    switch c[r] {
                    case .int(let x), .duration(let x): total += Int128(x); seen = true
                    default: continue
                    }
                }
                guard seen, let fits = Int64(exactly: total) else { return .null }
                return duration ? .duration(fits) : .int(fits)
            }
        }
        func sumFloat(_ c: [Value]) -> ([Int]) -> Value {
            { rows in
                var total = Compensated(), seen = false
                for r in rows { if let x = c[r].asDouble { total.add(x); seen = true } }
                return seen ? .float(total.value) : .null
            }
        }
        func avg(_ c: [Value], duration: Bool = false) -> ([Int]) -> Value {
            { rows in
                var total = Compensated(), n: Int64 = 0
                for r in rows {
                    switch c[r] {
                    case .int(let x), .duration(let x): total.add(Double(x)); n += 1
                    case .float(let x): total.add(x); n += 1
                    default: break
                    }
                }
                guard n > 0 else { return .null }
                return duration ? .duration(Int64((total.value / Double(n)).rounded())) : .float(total.value / Double(n))
            }
        }
        func extreme(_ c: [Value], max: Bool) -> ([Int]) -> Value {
            { rows in
                var best = Value.null
                for r in rows where !c[r].isNull {
                    if best.isNull { best = c[r]; continue }
                    let k = Value.compare(c[r], best)
                    if max ? k > 0 : k < 0 { best = c[r] }
                }
                return best
            }
        }
        func dcount(_ c: [Value]) -> ([Int]) -> Value { { rows in .int(Int64(Set(rows.map { c[$0] }.filter { !$0.isNull }).count)) } }
        func percentile(_ c: [Value], _ p: Double) -> ([Int]) -> Value {
            { rows in
                let values = rows.map { c[$0] }.filter { !$0.isNull }.sorted { Value.compare($0, $1) < 0 }
                guard !values.isEmpty else { return .null }
                let rank = max(1, Int((p / 100 * Double(values.count)).rounded(.up)))
                return values[min(rank, values.count) - 1]
            }
        }
        return [
            ("count()", { .int(Int64($0.count)) }),
            ("count(i)", count(i)), ("count(s)", count(s)), ("count(z)", count(z)), ("count(f)", count(f)),
            ("countif(i > 0)", countif { if case .int(let x) = i[$0] { x > 0 } else { false } }),
            ("countif(s == \"b\")", countif { s[$0] == .string("b") }),
            ("countif(f >= 2.25 and b)", countif { (f[$0].asDouble ?? -1) >= 2.25 && b[$0] == .bool(true) }),
            ("sum(i)", sumInt(i)), ("sum(f)", sumFloat(f)), ("sum(z)", sumInt(z)), ("sum(d)", sumInt(d, duration: true)),
            ("avg(i)", avg(i)), ("avg(f)", avg(f)), ("avg(z)", avg(z)), ("avg(d)", avg(d, duration: true)),
            ("min(i)", extreme(i, max: false)), ("max(i)", extreme(i, max: true)),
            ("min(f)", extreme(f, max: false)), ("max(f)", extreme(f, max: true)),
            ("min(s)", extreme(s, max: false)), ("max(s)", extreme(s, max: true)),
            ("min(t)", extreme(t, max: false)), ("max(t)", extreme(t, max: true)),
            ("min(d)", extreme(d, max: false)), ("max(z)", extreme(z, max: true)),
            ("dcount(s)", dcount(s)), ("dcount(i)", dcount(i)), ("dcount(t)", dcount(t)), ("dcount(z)", dcount(z)),
            ("first(s)", { rows in rows.first.map { s[$0] } ?? .null }),
            ("last(i)", { rows in rows.last.map { i[$0] } ?? .null }),
            ("percentile(i, 50)", percentile(i, 50)), ("percentile(f, 90)", percentile(f, 90)), ("percentile(t, 0)", percentile(t, 0)),
            ("percentile(d, 100)", percentile(d, 100)), ("percentile(z, 37.5)", percentile(z, 37.5)), ("percentile(i, 1)", percentile(i, 1)),
        ]
    }

    fileprivate static func keys(_ ref: Reference) -> [[Key]] {
        let i = ref.column("i"), s = ref.column("s"), t = ref.column("t"), b = ref.column("b"), z = ref.column("z")
        func time(_ body: @escaping (Int64) -> Int64) -> (Int) -> Value {
            { r in if case .time(let x) = t[r] { .time(body(x)) } else { .null } }
        }
        return [
            [],
            [("s", { s[$0] })],
            [("i", { i[$0] })],
            [("t", { t[$0] })],
            [("z", { z[$0] })],
            [("b", { b[$0] })],
            [("week(t)", time(weekStart))],
            [("day(t)", time { TimeFormat.floorDiv($0, 86_400) * 86_400 })],
            [("month(t)", time { x in
                let (y, m, _) = TimeFormat.civil(days: TimeFormat.floorDiv(x, 86_400))
                return TimeFormat.days(year: y, month: m, day: 1) * 86_400
            })],
            [("bin(t, 3d)", time { TimeFormat.floorDiv($0, 259_200) * 259_200 })],
            [("bin(t, 90m)", time { TimeFormat.floorDiv($0, 5_400) * 5_400 })],
            [("bin(i, 2)", { r in if case .int(let x) = i[r] { .int(TimeFormat.floorDiv(x, 2) * 2) } else { .null } })],
            [("s", { s[$0] }), ("week(t)", time(weekStart))],
            [("i", { i[$0] }), ("b", { b[$0] })],
            // Computed from one text column: evaluated once per distinct value.
            [("tolower(s)", { r in if case .string(let x) = s[r] { .string(x.lowercased()) } else { .null } })],
            [("strlen(s)", { r in if case .string(let x) = s[r] { .int(Int64(x.count)) } else { .null } }), ("i", { i[$0] })],
        ]
    }

    @Test(arguments: [(UInt64(11), true), (UInt64(12), false)])
    func summarizeMatchesTheReference(seed: UInt64, timeOrdered: Bool) throws {
        let table = randomTable(rows: 900, seed: seed, timeOrdered: timeOrdered)
        let s = Session(tables: [table])
        let ref = Reference(table: table)
        let aggs = Self.aggregates(ref)
        let iValues = ref.column("i")
        for keys in Self.keys(ref) {
            for (filter, rows) in [("", Array(0..<table.rowCount)),
                                   (" | where i != 0", (0..<table.rowCount).filter { if case .int(let x) = iValues[$0] { x != 0 } else { false } }),
                                   (" | where rid < 0", [])] {
                // Reference groups, in order of first appearance.
                var order: [[Value]] = [], members: [[Value]: [Int]] = [:]
                if keys.isEmpty { order = [[]]; members[[]] = [] }
                for r in rows {
                    let k = keys.map { $0.value(r) }
                    if members[k] == nil { order.append(k); members[k] = [] }
                    members[k]!.append(r)
                }
                let by = keys.isEmpty ? "" : " by " + keys.enumerated().map { "k\($0.offset) = \($0.element.text)" }.joined(separator: ", ")
                let outputs = aggs.enumerated().map { "a\($0.offset) = \($0.element.text)" }.joined(separator: ", ")
                let q = "events\(filter) | summarize \(outputs)\(by)"
                let r = try query(s, q)
                #expect(r.rowCount == order.count, "\(q)")
                for k in keys.indices {
                    #expect(r.values(of: "k\(k)") == order.map { $0[k] }, "key \(keys[k].text) of \(q)")
                }
                for (a, agg) in aggs.enumerated() {
                    let expected = order.map { agg.value(members[$0]!) }
                    #expect(r.values(of: "a\(a)") == expected, "\(agg.text)\(by)\(filter)")
                }
            }
        }
    }
}

extension FastPathEquivalenceTests {
    @Test(arguments: [(UInt64(21), true), (UInt64(22), false)])
    func distinctMatchesTheReference(seed: UInt64, timeOrdered: Bool) throws {
        let table = randomTable(rows: 800, seed: seed, timeOrdered: timeOrdered)
        let s = Session(tables: [table])
        let ref = Reference(table: table)
        for columns in [["s"], ["i", "s"], ["b", "f", "t"], ["d"], ["s", "z"]] {
            var seen = Set<[Value]>(), expected: [[Value]] = []
            for r in 0..<table.rowCount {
                let row = columns.map { ref.column($0)[r] }
                if seen.insert(row).inserted { expected.append(row) }
            }
            let q = "events | distinct " + columns.joined(separator: ", ")
            let result = try query(s, q)
            #expect(result.rowCount == expected.count, "\(q)")
            for (k, c) in columns.enumerated() {
                #expect(result.values(of: c) == expected.map { $0[k] }, "\(c) of \(q)")
            }
        }
        let lower = try query(s, "events | distinct l = tolower(s)")
        let strings = ref.column("s")
        let expected: [Value] = (0..<table.rowCount).map { r in
            if case .string(let x) = strings[r] { return .string(x.lowercased()) }
            return .null
        }
        var seen = Set<Value>()
        #expect(lower.values(of: "l") == expected.filter { seen.insert($0).inserted })
    }
}

// MARK: - word index

@Suite struct WordIndexPinTests {
    /// The word rule as first written: Character by Character, lower-cased per word.
    static func referenceWords(_ text: String) -> [String] {
        var out: [String] = []
        var current = ""
        for ch in text {
            if ch.isLetter || ch.isNumber {
                current.append(ch)
            } else if !current.isEmpty {
                out.append(current.lowercased())
                current = ""
            }
        }
        if !current.isEmpty { out.append(current.lowercased()) }
        return out
    }

    static let samples: [String] = [
        "", " ", "drone", "Drone STRIKE near al-Bab, 3 killed", "U.S.-led coalition; M4 road", "B-52s over the 38th parallel",
        "CamelCase_with_underscores and\ttabs\nnew\r\nlines", "x", "9", "a1b2 c3", "!!!", "end.", ".start", "ZZZ zzz Zzz",
        "Ḥalab (Aleppo)", "ÉTAT islamique", "قصف على حلب ٣ قتلى", "Straße", "İstanbul", "ΣΟΦΙΑ σοφία", "ﬁre",
        "cafe\u{301} au lait", "e\u{301}", "a\u{308}b", "-\u{301}x", "x\u{200D}y", "1\u{20E3} keycap", "👍🏽 ok", "👨‍👩‍👧 family",
        "½ mile, Ⅻ legion, ²", "tab\u{00A0}nbsp", "日本語のテキスト", "mixed ascii日本 and Ελληνικά words", "\u{0600}123",
        "ﷺ", "ǅemal", "ǈ ǋ", "K\u{212A}", "Ω\u{2126}", String(repeating: "ab1 ", count: 40),
    ]

    @Test func wordsAreUnchanged() {
        for s in Self.samples {
            #expect(WordIndex.words(in: s) == Self.referenceWords(s), "\(s.debugDescription)")
        }
        var g = SplitMix(state: 99)
        let pieces = ["a", "Z", "q", "0", "7", " ", "-", ".", "\n", "é", "e\u{301}", "\u{301}", "ß", "Σ", "ς", "ب", "٣", "日", "👍", "\u{200D}", "İ", "K", "_", "'", "\r\n", "Ⅻ"]
        for _ in 0..<3_000 {
            let s = (0..<g.below(12)).map { _ in pieces[g.below(pieces.count)] }.joined()
            #expect(WordIndex.words(in: s) == Self.referenceWords(s), "\(s.debugDescription)")
        }
    }

    @Test func everyASCIICharacterAloneAndBetweenLetters() {
        for b in 0..<128 {
            let c = String(UnicodeScalar(UInt8(b)))
            for s in [c, "a\(c)b", "Z\(c)\(c)9", "\(c)x\(c)", "\(c)e\u{301}", "é\(c)Q"] {
                #expect(WordIndex.words(in: s) == Self.referenceWords(s), "\(s.debugDescription)")
            }
        }
    }

    /// Each word's ids, from the reference word rule, one value at a time.
    static func referenceLists(_ dictionary: StringDictionary) -> [String: [UInt32]] {
        var lists: [String: [UInt32]] = [:]
        for (id, v) in dictionary.values.enumerated() {
            for w in Set(referenceWords(v)) { lists[w, default: []].append(UInt32(id)) }
        }
        return lists
    }

    @Test func indexListsEachValueOncePerWordInIDOrder() {
        var g = SplitMix(state: 7)
        let vocabulary = ["drone", "Drone", "DRONE", "strike", "near", "Ḥalab", "état", "a", "b2", "x", "قصف", "e\u{301}t\u{301}e", "\u{E9}t\u{E9}", "\u{212A}elvin", "kelvin"]
        var values = Set(Self.samples)
        for _ in 0..<400 {
            values.insert((0..<(1 + g.below(6))).map { _ in vocabulary[g.below(vocabulary.count)] }.joined(separator: [" ", ", ", "-", " / "][g.below(4)]))
        }
        let dictionary = StringDictionary(sortedUnique: values.sorted())
        let index = WordIndex(dictionary: dictionary)
        let expected = Self.referenceLists(dictionary)
        #expect(index.wordCount == expected.count)
        for (word, ids) in expected {
            #expect(index.dictionaryIDs(matching: [word], in: dictionary) == ids, "\(word)")
        }
        #expect(index.dictionaryIDs(matching: ["drone", "strike"], in: dictionary)
                    == dictionary.values.indices.filter { WordIndex.containsPhrase(Self.referenceWords(dictionary.values[$0]), ["drone", "strike"]) }.map(UInt32.init))
    }
}

extension WordIndexPinTests {
    /// Enough values (50,000) that the index is built in parts on several cores and its lists
    /// copied on several cores; a word spelled two ways (composed and decomposed accents, the
    /// Kelvin sign) in one part has its local lists unioned, and the lists stay ascending.
    @Test func anIndexBuiltInPartsListsEachValueOncePerWordInIDOrder() {
        var g = SplitMix(state: 17)
        let vocabulary = ["drone", "Strike", "\u{E9}t\u{E9}", "e\u{301}te\u{301}", "kelvin", "\u{212A}elvin", "a", "b2", "قصف", "near"]
        var values = Set<String>()
        while values.count < 50_000 {
            let words = (0..<(1 + g.below(5))).map { _ in vocabulary[g.below(vocabulary.count)] }
            values.insert("v\(g.below(1_000_000)) " + words.joined(separator: " "))
        }
        let dictionary = StringDictionary(sortedUnique: values.sorted())
        let index = WordIndex(dictionary: dictionary)
        let expected = Self.referenceLists(dictionary)
        #expect(index.wordCount == expected.count)
        for word in ["drone", "strike", "\u{E9}t\u{E9}", "kelvin", "near", "قصف"] {
            #expect(index.dictionaryIDs(matching: [word], in: dictionary) == expected[word], "\(word)")
        }
        #expect(expected.allSatisfy { word, ids in index.dictionaryIDs(matching: [word], in: dictionary) == ids })
    }
}

extension WordIndexPinTests {
    /// Words of up to 16 bytes are found by their bytes held in two words, longer ones through
    /// the interner: words of every length to 40, differing only at the bytes around those
    /// limits, in both letter cases, repeated in a value, and thousands of distinct words (the
    /// table grows), against the reference rule.
    @Test func wordsOfEveryLengthAroundTheShortWordLimitAreListedOnce() {
        var g = SplitMix(state: 23)
        let letters = Array("abcdefghijklmnopqrstuvwxyz0123456789")
        var vocabulary: [String] = []
        for length in 1...40 {
            let base = String((0..<length).map { letters[($0 * 7 + length) % letters.count] })
            vocabulary.append(base)
            vocabulary.append(base.uppercased())
            // The same word with one byte changed at each edge of the two words that hold it.
            for at in [0, 7, 8, 15, 16, length - 1] where at < length {
                var chars = Array(base)
                chars[at] = chars[at] == "z" ? "y" : "z"
                vocabulary.append(String(chars))
            }
        }
        // Thousands of words that share their first eight bytes, so that their slots collide.
        for k in 0..<3_000 { vocabulary.append("sameeigh\(k)") }
        var values = Set<String>()
        while values.count < 30_000 {
            let words = (0..<(1 + g.below(6))).map { _ in vocabulary[g.below(vocabulary.count)] }
            let repeated = g.chance(20) ? " " + words[0].lowercased() : ""
            values.insert(words.joined(separator: [" ", ".", "--", "\t"][g.below(4)]) + repeated)
        }
        // Every ASCII byte between and around letters, and words across the bitmap's 64-byte words.
        for b in 0..<128 {
            let c = String(UnicodeScalar(UInt8(b)))
            values.formUnion(["a\(c)b", "Z\(c)\(c)9", "\(c)x\(c)", "\(c)", String(repeating: "q", count: b) + c + "tail\(b)word"])
        }
        for offset in 55...70 { values.insert(String(repeating: "-", count: offset) + "crossingthe64byteline ok") }
        let dictionary = StringDictionary(sortedUnique: values.sorted())
        let index = WordIndex(dictionary: dictionary)
        let expected = Self.referenceLists(dictionary)
        #expect(index.wordCount == expected.count)
        let wrong = expected.keys.filter { index.dictionaryIDs(matching: [$0], in: dictionary) != expected[$0] }.sorted()
        let wrongCount = wrong.count
        #expect(wrongCount == 0, "words listed wrong, e.g. \(wrong.prefix(3))")
    }
}

/// Float sums as the engine documents them: compensated (Neumaier), so the low-order bits
/// that plain addition drops are kept. (The engine also rescales on overflow; these sums fit.)
private struct Compensated {
    private var sum = 0.0, compensation = 0.0
    mutating func add(_ x: Double) {
        let t = sum + x
        compensation += abs(sum) >= abs(x) ? (sum - t) + x : (x - t) + sum
        sum = t
    }
    var value: Double { sum + compensation }
}

// MARK: - percentile of one group

extension FastPathEquivalenceTests {
    /// `summarize percentile(x, p)` with no keys runs its own kernel: the cores count and bound
    /// the values, then count a small range in histograms or select over a wide one. Enough rows
    /// that several chunks (and cores) take part, ranges on both sides of the histogram's limit,
    /// one whose width overflows 64 bits, nulls, and selections of scattered rows.
    @Test func percentileOfOneGroupMatchesTheNearestRankOfTheSortedValues() throws {
        var g = SplitMix(state: 97)
        let n = 200_000
        var narrow: [Value] = [], wide: [Value] = [], extreme: [Value] = [], day: [Value] = [], keep: [Value] = []
        for _ in 0..<n {
            narrow.append(g.chance(20) ? .null : .int(Int64(g.below(300)) - 40))
            wide.append(g.chance(5) ? .null : .int(Int64(g.below(2_000_000_000)) * 1_000 - 900_000_000_000))
            let edge: [Int64] = [.min, .max, 0, -1, 1]
            extreme.append(g.chance(30) ? .null : .int(edge[g.below(edge.count)]))
            day.append(g.chance(10) ? .null : .time(t0 + Int64(g.below(20_000)) * 86_400))
            keep.append(.int(Int64(g.below(3))))
        }
        var builder = TableBuilder(name: "events")
        builder.addColumn("narrow", narrow, type: .int)
        builder.addColumn("wide", wide, type: .int)
        builder.addColumn("extreme", extreme, type: .int)
        builder.addColumn("day", day, type: .time)
        builder.addColumn("keep", keep, type: .int)
        let table = builder.build(timeColumn: nil)
        let s = Session(tables: [table])
        let columns = ["narrow": narrow, "wide": wide, "extreme": extreme, "day": day]
        for (filter, rows) in [("", Array(0..<n)), (" | where keep == 1", (0..<n).filter { keep[$0] == .int(1) }),
                               (" | where keep > 5", [])] {
            for (name, values) in columns.sorted(by: { $0.key < $1.key }) {
                let sorted = rows.map { values[$0] }.filter { !$0.isNull }.sorted { Value.compare($0, $1) < 0 }
                for p in [0, 0.5, 10, 50, 90, 99.99, 100] {
                    let q = "events\(filter) | summarize x = percentile(\(name), \(p))"
                    let rank = max(1, Int((p / 100 * Double(sorted.count)).rounded(.up)))
                    let expected: Value = sorted.isEmpty ? .null : sorted[min(rank, sorted.count) - 1]
                    #expect(try query(s, q).values(of: "x") == [expected], "\(q)")
                }
            }
        }
    }
}
