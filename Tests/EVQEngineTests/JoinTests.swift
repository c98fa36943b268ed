// Joins on hand-made tables with duplicate and null keys: each expected row worked out by
// hand (left order, each left row's matches in the right's order, unmatched right rows last).

import EVQ
import EVQStore
import Testing

private func strings(_ r: QueryResult, _ column: String) -> [String] {
    (r.values(of: column) ?? []).map { ValueFormat.plain($0) }
}

/// left: (id, k, v); right: (k, w), with the key "a" twice on the right, "b" only on the
/// left, "d" only on the right and a null key on each side.
private func session() -> Session {
    var l = TableBuilder(name: "left")
    let left: [(Int64, String?, Int64)] = [(1, "a", 10), (2, "b", 20), (3, nil, 30), (4, "c", 40), (5, "a", 50)]
    l.addColumn("id", left.map { .int($0.0) })
    l.addColumn("k", left.map { $0.1.map(Value.string) ?? .null })
    l.addColumn("v", left.map { .int($0.2) })
    var r = TableBuilder(name: "right")
    let right: [(String?, String)] = [("a", "x"), ("a", "y"), ("c", "z"), (nil, "n"), ("d", "q")]
    r.addColumn("key", right.map { $0.0.map(Value.string) ?? .null })
    r.addColumn("w", right.map { .string($0.1) })
    r.addColumn("v", right.indices.map { .float(Double($0) + 0.5) })
    return Session(tables: [l.build(), r.build(), Fixture.events(), Fixture.actors()])
}

private let on = "on $left.k == $right.key"

@Suite struct JoinTests {
    @Test func innerIsTheDefaultAndKeepsEveryMatch() throws {
        let r = try session().query("left | join right \(on)")
        #expect(strings(r, "id") == ["1", "1", "4", "5", "5"])
        #expect(strings(r, "w") == ["x", "y", "z", "x", "y"])
        #expect(r.columnNames == ["id", "k", "v", "key", "w", "v1"])
        let explicit = try session().query("left | join kind=inner right \(on)")
        #expect(strings(explicit, "w") == ["x", "y", "z", "x", "y"])
    }

    @Test func leftOuterKeepsUnmatchedLeftRowsWithNulls() throws {
        let r = try session().query("left | join kind=leftouter right \(on)")
        #expect(strings(r, "id") == ["1", "1", "2", "3", "4", "5", "5"])
        #expect(strings(r, "w") == ["x", "y", "", "", "z", "x", "y"])
        #expect(r.values(of: "key")?[2] == .null)
    }

    @Test func semiAndAntiKeepLeftColumnsOnly() throws {
        let semi = try session().query("left | join kind=leftsemi right \(on)")
        #expect(strings(semi, "id") == ["1", "4", "5"])
        #expect(semi.columnNames == ["id", "k", "v"])
        let anti = try session().query("left | join kind=leftanti right \(on)")
        #expect(strings(anti, "id") == ["2", "3"])
    }

    @Test func rightAndFullOuterAddUnmatchedRightRowsLast() throws {
        let right = try session().query("left | join kind=rightouter right \(on)")
        #expect(strings(right, "id") == ["1", "1", "4", "5", "5", "", ""])
        #expect(strings(right, "w") == ["x", "y", "z", "x", "y", "n", "q"])
        let full = try session().query("left | join kind=fullouter right \(on)")
        #expect(strings(full, "id") == ["1", "1", "2", "3", "4", "5", "5", "", ""])
        #expect(strings(full, "w") == ["x", "y", "", "", "z", "x", "y", "n", "q"])
    }

    @Test func keysNamedAlikeQueriesAsTheRightSideAndSeveralKeys() throws {
        let s = session()
        let same = try s.query("left | join kind=leftsemi [right | project k = key] on k")
        #expect(strings(same, "id") == ["1", "4", "5"])
        let paren = try s.query("left | join (right | where w != \"y\") on k == key | project id, w")
        #expect(strings(paren, "w") == ["x", "z", "x"])
        // Two keys: an int and a float that are equal by value meet.
        let two = try s.query("left | extend f = id - 1 | join [right | extend g = v - 0.5] on k == key, f == g | project id, w")
        #expect(strings(two, "id") == ["1"])
        #expect(strings(two, "w") == ["x"])
        let swapped = try s.query("left | join kind=leftsemi right on $right.key == $left.k")
        #expect(strings(swapped, "id") == ["1", "4", "5"])
    }

    @Test func lookupGivesOneRowPerMatch() throws {
        let s = session()
        var b = TableBuilder(name: "aliases")
        b.addColumn("name", [.string("Hezbollah"), .string("Hezbollah"), .string("Nujaba Movement")])
        b.addColumn("alias", [.string("Hizballah"), .string("Party of God"), .string("Harakat al-Nujaba")])
        s.addTable(b.build())
        let r = try s.query("events | lookup aliases on actor1 = name | project id, alias")
        #expect(strings(r, "id") == ["e10", "e10", "e1", "e2", "e3", "e4", "e5", "e6", "e7", "e8", "e9"])
        #expect(strings(r, "alias") == ["Hizballah", "Party of God", "", "", "", "", "", "", "", "", "Harakat al-Nujaba"])
    }

    @Test func joinAndLookupNameClashesByOneRule() throws {
        let s = session()
        // A second join: v and v1 are taken, so the right's v becomes v2.
        let twice = try s.query("left | join right \(on) | join right \(on)")
        #expect(twice.columnNames == ["id", "k", "v", "key", "w", "v1", "key1", "w1", "v2"])
        // A right column that already has the next name keeps it; the clashing one skips it.
        let own = try s.query("left | join [right | extend v1 = w] \(on)")
        #expect(own.columnNames == ["id", "k", "v", "key", "w", "v2", "v1"])
        #expect(strings(own, "v1").prefix(2) == ["x", "y"])
        // lookup: the same rule, its key column left out.
        var b = TableBuilder(name: "extra")
        b.addColumn("key", [.string("a")])
        b.addColumn("v", [.string("first")])
        b.addColumn("v1", [.string("second")])
        s.addTable(b.build())
        let looked = try s.query("left | extend v1 = 0 | lookup extra on k = key")
        #expect(looked.columnNames == ["id", "k", "v", "v1", "v2", "v11"])
        #expect(strings(looked, "v2") == ["first", "", "", "", "first"])
    }

    @Test func theTimeColumnStaysTheLeftsWhenItsNameClashes() throws {
        let s = Fixture.session()
        var b = TableBuilder(name: "visits")
        b.addColumn("name", [.string("Hezbollah")])
        b.addColumn("date", [Fixture.day("2024-01-01")])
        s.addTable(b.build(timeColumn: "date"))
        for q in ["events | lookup visits on actor1 = name", "events | join kind=leftouter visits on $left.actor1 == $right.name"] {
            let r = try s.query(q)
            #expect(r.columnNames.contains("date1"), "\(q)")
            let time = try #require(r.table.timeColumnIndex, "\(q)")
            #expect(r.columnNames[time] == "date", "\(q)")
            let gap = try s.query(q + " | where isnotnull(date1) | extend gap = date - date1 | project id, gap")
            #expect(strings(gap, "id") == ["e10"], "\(q)")
            #expect(gap.values(of: "gap")?.first?.type == .duration, "\(q)")
        }
    }

    @Test func explainShowsTheRightSidesPlan() throws {
        var plan = ""
        try session().run("explain left | join kind=leftouter [right | where w == \"x\"] \(on)") { outcome in
            if case .text(let t) = outcome { plan = t }
        }
        #expect(plan == """
            Join kind=leftouter on $left.k == $right.key (hash table on the right side): adds key, w, v1  (~5 rows)
              right side:
                Scan right: 1 of 5 rows  (~1 row)
                  posting lists: w == "x" (1 rows)
              Scan left: 5 of 5 rows  (~5 rows)
                every row (no index applies)
            optimizer: no pass changed the plan

            """)
    }

    @Test func aConditionOnTheLeftMovesBelowTheJoin() throws {
        let r = try session().query("left | join kind=leftouter right \(on) | where v < 45 and w != \"y\" | project id, w")
        #expect(strings(r, "id") == ["1", "4"])
        #expect(strings(r, "w") == ["x", "z"])
        var plan = ""
        try session().run("explain left | join kind=leftouter right \(on) | where v < 45 and w != \"y\"") { outcome in
            if case .text(let t) = outcome { plan = t }
        }
        #expect(plan.hasPrefix("""
            Filter w != "y"  (~1 row)
              Join kind=leftouter
            """))
        #expect(plan.contains("\n    Filter v < 45  (~2 rows)\n      Scan left"))
    }

    @Test func errorsNameThePlace() {
        let s = session()
        let kind = failure("left | join kind=1️⃣leftouterr right \(on)", in: s)
        #expect(kind.message == "unknown join kind 'leftouterr'")
        #expect(kind.hint == "did you mean 'leftouter'?")
        let left = failure("left | join right on $left.1️⃣kk == $right.key", in: s)
        #expect(left.message == "unknown field 'kk' on the left side of the join")
        #expect(left.hint == "did you mean 'k'?")
        let right = failure("left | join right on $left.k == $right.1️⃣kee", in: s)
        #expect(right.message == "unknown field 'kee' on the right side of the join")
        #expect(right.hint == "did you mean 'key'?")
        #expect(failure("left | join right on 1️⃣id == key", in: s).message == "cannot join int 'id' with string 'key'")
        #expect(failure("left | join right on 1️⃣$left.k == $left.id", in: s).message == "both keys of the condition are on the left side")
        #expect(failure("left | join 1️⃣rigth on k", in: s).message == "unknown table 'rigth'")
        #expect(failure("left | join right 1️⃣by k", in: s).message == "expected 'on' and the keys to join on, found 'by'")
        #expect(failure("left | join right on k == key, v, id == v, w == w, 1️⃣k == w", in: s).message == "a join matches on at most 4 keys, found 5")
    }
}
