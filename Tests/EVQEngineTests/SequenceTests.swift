// Sequences on small hand-made event sets: every expected match below was worked out by hand
// from the rules in the reference (Language.md, "sequence"), and every error is pinned.

import EVQ
import EVQEngine
import EVQStore
import EVQTestSupport
import Testing

private func strings(_ r: QueryResult, _ column: String) -> [String] {
    (r.values(of: column) ?? []).map { ValueFormat.plain($0) }
}

/// Events `(id, time, type, a, b)`; times are days (`2024-01-03`) or instants.
typealias SequenceRow = (String, String, String, String?, String?)

/// The events as a table, sorted by date (ties in the given order); `n` numbers them as given.
func sequenceTable(_ rows: [SequenceRow], first n: Int = 0) -> Table {
    var b = TableBuilder(name: "events")
    b.addColumn("id", rows.map { .string($0.0) })
    b.addColumn("date", rows.map { .time(TimeFormat.parse(Substring($0.1))!) })
    b.addColumn("type", rows.map { .string($0.2) })
    b.addColumn("a", rows.map { $0.3.map(Value.string) ?? .null })
    b.addColumn("b", rows.map { $0.4.map(Value.string) ?? .null })
    b.addColumn("n", rows.indices.map { .int(Int64(n + $0)) })
    return b.build(timeColumn: "date")
}

private func session(_ rows: [SequenceRow]) -> Session {
    Session(tables: [sequenceTable(rows)])
}

/// A strike X→Y answered by an attack Y→X: overlapping strikes, a late answer, a same-day
/// answer, a null key and an answer exactly at the window's end.
private let titForTat = session([
    ("s1", "2024-01-01", "strike", "X", "Y"),
    ("s2", "2024-01-02", "strike", "X", "Y"),
    ("r1", "2024-01-03", "attack", "Y", "X"),
    ("w1", "2024-01-03", "attack", "Y", "W"),  // Y answers someone else
    ("r2", "2024-01-10", "attack", "Y", "X"),  // 8 days after s2: too late
    ("r3", "2024-01-10", "attack", "Z", "X"),  // the same day as s3: not after it
    ("s3", "2024-01-10", "strike", "X", "Z"),
    ("r4", "2024-01-12", "attack", "Z", "X"),
    ("s4", "2024-01-20", "strike", "X", nil),  // a null key never matches
    ("r5", "2024-01-21", "attack", nil, "X"),
    ("s5", "2024-02-01", "strike", "X", "V"),
    ("r6", "2024-02-04", "attack", "V", "X"),  // exactly 3 days: inside the window
])

let answered = """
    events | sequence within 3d
      [where type == "strike"] as s by a, b
      [where type == "attack"] as r by b, a
    """

@Suite struct SequenceTests {
    @Test func latestModeKeepsTheNewestPendingStrike() throws {
        let r = try titForTat.query(answered + " | project s.id, r.id, span")
        #expect(strings(r, "s.id") == ["s2", "s3", "s5"])
        #expect(strings(r, "r.id") == ["r1", "r4", "r6"])
        #expect(strings(r, "span") == ["1d", "2d", "3d"])
        let explicit = try titForTat.query(answered.replacingOccurrences(of: "sequence within", with: "sequence mode=latest within") + " | project s.id")
        #expect(strings(explicit, "s.id") == ["s2", "s3", "s5"])
    }

    @Test func everyModeAnswersEachStrikeWithTheFirstReply() throws {
        let r = try titForTat.query(answered.replacingOccurrences(of: "sequence within", with: "sequence mode=every within") + " | project s.id, r.id")
        #expect(strings(r, "s.id") == ["s1", "s2", "s3", "s5"])
        #expect(strings(r, "r.id") == ["r1", "r1", "r4", "r6"])
    }

    @Test func theRowCarriesEveryStepsFieldsAndTheSpan() throws {
        let r = try titForTat.query(answered + " | take 1")
        #expect(r.columnNames == ["s.id", "s.date", "s.type", "s.a", "s.b", "s.n", "r.id", "r.date", "r.type", "r.a", "r.b", "r.n", "span"])
        #expect(strings(r, "r.date") == ["2024-01-03"])
    }

    @Test func everyStageWorksAfterASequence() throws {
        let counted = try titForTat.query(answered + " | count")
        #expect(counted.values(of: "count") == [.int(3)])
        let grouped = try titForTat.query(answered.replacingOccurrences(of: "sequence within", with: "sequence mode=every within")
            + " | summarize answers = count() by s.b | sort by s.b")
        #expect(strings(grouped, "s.b") == ["V", "Y", "Z"])
        #expect(strings(grouped, "answers") == ["1", "2", "1"])
        let top = try titForTat.query(answered + " | top 1 by span")
        #expect(strings(top, "s.id") == ["s5"])
        let filtered = try titForTat.query(answered + " | where span < 2d | project s.id")
        #expect(strings(filtered, "s.id") == ["s2"])
    }

    @Test func aStepWithoutEventsGivesNoMatches() throws {
        for steps in ["[where type == \"none\"] as s by a [where true] as r by b", "[where true] as s by a [where type == \"none\"] as r by b"] {
            let r = try titForTat.query("events | sequence within 3d \(steps) | project s.id, r.id")
            #expect(r.rowCount == 0, "\(steps)")
            #expect(r.columnNames == ["s.id", "r.id"])
        }
        // Every event in both roles (a then b), and an `until` that has no events: at each day
        // the answers go first, so r1 answers s2 (not s1, replaced), r2 and r3 find nothing
        // pending for X, and s4 (b null) is no answer but is answered by r5.
        let r = try titForTat.query("events | sequence within 3d [where true] as s by a [where true] as r by b until [where type == \"none\"] by a | project s.id, r.id")
        #expect(strings(r, "s.id") == ["s2", "s3", "s4", "s5"])
        #expect(strings(r, "r.id") == ["r1", "r4", "r5", "r6"])
    }

    @Test func oneEventMayTakePartInSeveralMatches() throws {
        // Strike answered by strike: d2 answers d1 and is itself answered by d3.
        let s = session([
            ("d1", "2024-01-01", "strike", "X", "Y"),
            ("d2", "2024-01-02", "strike", "Y", "X"),
            ("d3", "2024-01-03", "strike", "X", "Y"),
        ])
        let r = try s.query("events | sequence within 3d [where type == \"strike\"] as s by a, b [where type == \"strike\"] as r by b, a | project s.id, r.id")
        #expect(strings(r, "s.id") == ["d1", "d2"])
        #expect(strings(r, "r.id") == ["d2", "d3"])
    }

    @Test func threeStepsUnderBothModes() throws {
        let s = session([
            ("A1", "2024-01-01", "A", "g", nil), ("B1", "2024-01-02", "B", "g", nil), ("A2", "2024-01-03", "A", "g", nil),
            ("B2", "2024-01-04", "B", "g", nil), ("C1", "2024-01-05", "C", "g", nil), ("C2", "2024-01-20", "C", "g", nil),
        ])
        let steps = "within 10d [where type == \"A\"] as x [where type == \"B\"] as y [where type == \"C\"] as z | project x.id, y.id, z.id"
        // latest: (A2, B2) replaces (A1, B1) as the pair waiting for a C; C2 is too late for it anyway.
        let latest = try s.query("events | sequence by a " + steps)
        #expect(strings(latest, "x.id") == ["A2"])
        #expect(strings(latest, "y.id") == ["B2"])
        #expect(strings(latest, "z.id") == ["C1"])
        let every = try s.query("events | sequence mode=every by a " + steps)
        #expect(strings(every, "x.id") == ["A1", "A2"])
        #expect(strings(every, "y.id") == ["B1", "B2"])
        #expect(strings(every, "z.id") == ["C1", "C1"])
    }

    @Test func untilDropsWhatIsPendingForItsKey() throws {
        let s = session([
            ("s1", "2024-03-01", "strike", "X", "U"),
            ("c1", "2024-03-02", "ceasefire", "X", "U"),
            ("r1", "2024-03-03", "attack", "U", "X"),  // after the ceasefire: no match
            ("s2", "2024-03-10", "strike", "X", "U"),
            ("c2", "2024-03-11", "ceasefire", "Q", "U"),  // another pair's ceasefire
            ("r2", "2024-03-12", "attack", "U", "X"),
            ("s3", "2024-03-20", "strike", "X", "U"),
            ("c3", "2024-03-21", "ceasefire", "X", "U"),
            ("r3", "2024-03-21", "attack", "U", "X"),  // the same day as the ceasefire: taken as after it
        ])
        let r = try s.query("""
            events | sequence within 3d
              [where type == "strike"] as s by a, b
              [where type == "attack"] as r by b, a
              until [where type == "ceasefire"] by a, b
            | project s.id, r.id
            """)
        #expect(strings(r, "s.id") == ["s2"])
        #expect(strings(r, "r.id") == ["r2"])
    }

    @Test func eventsAtTheSameInstantDoNotFollowEachOther() throws {
        let s = session([
            ("s1", "2024-01-01T10:00Z", "strike", "X", "Y"),
            ("r1", "2024-01-01T10:00Z", "attack", "Y", "X"),  // same instant
            ("r2", "2024-01-01T12:00Z", "attack", "Y", "X"),  // two hours later
        ])
        let r = try s.query(answered + " | project s.id, r.id, span")
        #expect(strings(r, "r.id") == ["r2"])
        #expect(strings(r, "span") == ["2h"])
    }

    @Test func eventsOfOneStepAtOneInstantComeInRowOrder() throws {
        // Two strikes at one instant: under latest the second (in row order) replaces the
        // first; under every both are answered by the one reply.
        let s = session([
            ("s1", "2024-01-01T10:00Z", "strike", "X", "Y"),
            ("s2", "2024-01-01T10:00Z", "strike", "X", "Y"),
            ("r1", "2024-01-01T11:00Z", "attack", "Y", "X"),
            ("r2", "2024-01-01T11:00Z", "attack", "Y", "X"),  // the same instant as r1: r1 is first
        ])
        let latest = try s.query(answered + " | project s.id, r.id")
        #expect(strings(latest, "s.id") == ["s2"])
        #expect(strings(latest, "r.id") == ["r1"])
        let every = try s.query(answered.replacingOccurrences(of: "sequence within", with: "sequence mode=every within") + " | project s.id, r.id")
        #expect(strings(every, "s.id") == ["s1", "s2"])
        #expect(strings(every, "r.id") == ["r1", "r1"])
    }

    @Test func untilDropsOnlyWhatWasPendingBeforeIt() throws {
        let s = session([
            ("c1", "2024-03-01", "ceasefire", "X", "U"),
            ("s1", "2024-03-01", "strike", "X", "U"),  // the same day as the ceasefire: after it, still pending
            ("r1", "2024-03-02", "attack", "U", "X"),
            ("s2", "2024-03-10", "strike", "X", "U"),
            ("c2", "2024-03-11", "ceasefire", nil, "U"),  // a null key drops nothing
            ("r2", "2024-03-12", "attack", "U", "X"),
        ])
        for mode in SequenceMode.allCases {
            let r = try s.query("""
                events | sequence mode=\(mode.rawValue) within 3d
                  [where type == "strike"] as s by a, b
                  [where type == "attack"] as r by b, a
                  until [where type == "ceasefire"] by a, b
                | project s.id, r.id
                """)
            #expect(strings(r, "s.id") == ["s1", "s2"], "mode=\(mode.rawValue)")
            #expect(strings(r, "r.id") == ["r1", "r2"], "mode=\(mode.rawValue)")
        }
    }

    @Test func aMatchPendingPastTheWindowIsNotExtended() throws {
        // latest: r1 comes too late for s1 and uses it up; s2 (after r1) is answered by r2.
        let s = session([
            ("s1", "2024-01-01", "strike", "X", "Y"),
            ("r1", "2024-01-05", "attack", "Y", "X"),
            ("s2", "2024-01-06", "strike", "X", "Y"),
            ("r2", "2024-01-08", "attack", "Y", "X"),
        ])
        let r = try s.query(answered + " | project s.id, r.id")
        #expect(strings(r, "s.id") == ["s2"])
        #expect(strings(r, "r.id") == ["r2"])
    }

    @Test func aSequenceCanStartTheQueryWithStepsOverAnySource() throws {
        let r = try titForTat.query("""
            sequence within 3d
              [events | where type == "strike"] as s by a, b
              [events | where type == "attack" | project date, a, b, id] as r by b, a
            | project s.id, r.id
            """)
        #expect(strings(r, "s.id") == ["s2", "s3", "s5"])
        #expect(strings(r, "r.id") == ["r1", "r4", "r6"])
    }

    @Test func explainShowsEachStepWithItsIndexPath() throws {
        var plan = ""
        try titForTat.run("explain " + answered + " | count") { outcome in if case .text(let t) = outcome { plan = t } }
        #expect(plan == """
            Count  (~1 row)
              Sequence within 3d, latest match: s then r  (~5 rows)
                step s by a, b, in date order:
                  Scan events: 5 of 12 rows, in date order  (~5 rows)
                    posting lists: type == "strike" (5 rows)
                step r by b, a, in date order:
                  Scan events: 7 of 12 rows, in date order  (~7 rows)
                    posting lists: type == "attack" (7 rows)
            optimizer: no pass changed the plan

            """)
    }

    /// Many random events: every mode against a direct search for each strike's first reply,
    /// and one thread against two (partitions by key hash give the same rows in the same order).
    @Test func everyModeMatchesADirectSearchOnAnyNumberOfCores() throws {
        var rng = SplitMix(state: 9)
        var rows: [(String, String, String, String?, String?)] = []
        let actors = ["P", "Q", "R", "S"]
        for i in 0..<6000 {
            let day = 1 + Int(rng.next() % 400)
            let date = TimeFormat.format(Int64(day) * 86_400 + 1_704_067_200)
            let a = actors[Int(rng.next() % 4)], b = rng.next() % 10 == 0 ? nil : actors[Int(rng.next() % 4)]
            rows.append(("e\(i)", date, rng.next() % 2 == 0 ? "strike" : "attack", a, b))
        }
        let s = session(rows)
        let q = answered.replacingOccurrences(of: "sequence within", with: "sequence mode=every within") + " | project s.n, r.n"
        let saved = Parallel.threads
        defer { Parallel.threads = saved }
        Parallel.threads = 1
        let one = try s.query(q)
        Parallel.threads = 2
        let two = try s.query(q)
        #expect(one.values(of: "s.n") == two.values(of: "s.n"))
        #expect(one.values(of: "r.n") == two.values(of: "r.n"))
        // The oracle: for each strike in time order, the first attack (time, then row) strictly
        // after it and at most 3 days later, by the reversed pair.
        let ordered = try s.query("events | project n, date, type, a, b")
        let events = (0..<ordered.rowCount).map { i in
            (n: Int64(i), row: ordered.table.row(i))
        }.map { e -> (n: Value, time: Int64, type: String, a: String, b: String?) in
            guard case .time(let t) = e.row[1], case .string(let type) = e.row[2], case .string(let a) = e.row[3] else { fatalError() }
            if case .string(let b) = e.row[4] { return (e.row[0], t, type, a, b) }
            return (e.row[0], t, type, a, nil)
        }
        var attacksByPair: [String: [(n: Value, time: Int64)]] = [:]
        for e in events where e.type == "attack" { if let b = e.b { attacksByPair[e.a + ">" + b, default: []].append((e.n, e.time)) } }
        var expected: [(Value, Value)] = []
        for e in events where e.type == "strike" {
            guard let b = e.b, let reply = attacksByPair[b + ">" + e.a]?.first(where: { $0.time > e.time }),
                  reply.time - e.time <= 3 * 86_400 else { continue }
            expected.append((e.n, reply.n))
        }
        #expect(one.values(of: "s.n") == expected.map(\.0))
        #expect(one.values(of: "r.n") == expected.map(\.1))
        #expect(expected.count > 1000)
    }

    @Test func errorsNameThePlace() {
        let s = titForTat
        let noWithin = failure("events | sequence 1️⃣[where type == \"strike\"] [where type == \"attack\"]", in: s)
        #expect(noWithin.message == "a sequence needs 'within' and a duration before its first step")
        #expect(noWithin.hint == "for example: sequence within 3d [where ...] [where ...]")
        let missingKey = failure("events | sequence within 3d [where type == \"strike\"] as s by a 1️⃣[where type == \"attack\"] as r", in: s)
        #expect(missingKey.message == "step 'r' has no keys, but step 's' has 1")
        #expect(missingKey.hint == "add 'by' and its keys after the step's ']' (keys may differ per step: by actor2, then by actor1)")
        #expect(failure("events | sequence within 3d [where type == \"strike\"] as s by a 1️⃣[where type == \"attack\"] as r by a, b", in: s).message
            == "step 'r' has 2 keys, but step 's' has 1")
        #expect(failure("events | sequence within 3d [where true] as s by a [where true] as r by 1️⃣n", in: s).message
            == "key 1 of step 'r' is int, but of step 's' it is string")
        #expect(failure("events | sequence within 3d [where true] as s by a [where true] by b until 1️⃣[where true]", in: s).message
            == "the 'until' step has no keys, but step 's' has 1")
        let step = failure(answered + " | project 1️⃣bogus.id", in: s)
        #expect(step.message == "unknown step 'bogus' in 'bogus.id'")
        #expect(step.hint == "steps: s, r")
        let field = failure(answered + " | project 1️⃣s.idd", in: s)
        #expect(field.message == "step 's' has no field 'idd'")
        #expect(field.hint == "did you mean 'id'?")
        #expect(failure("events | sequence within 3d 1️⃣[where true] as s", in: s).message == "a sequence needs at least two steps, found 1")
        let mode = failure("events | sequence mode=1️⃣evry within 3d [where true] [where true]", in: s)
        #expect(mode.message == "unknown sequence mode 'evry'")
        #expect(mode.hint == "did you mean 'every'?")
        #expect(failure("events | sequence within 1️⃣3 [where true] [where true]", in: s).message
            == "'within' needs a duration that is not negative, such as 3d")
        #expect(failure("events | sequence within 3d [where true] as s [where true] as 1️⃣s", in: s).message == "duplicate step name 's'")
        let noSource = failure("sequence within 3d 1️⃣[where true] [events]", in: s)
        #expect(noSource.message == "a sequence that starts a query needs a source in each step")
        #expect(failure("events | sequence within 3d 1️⃣[project id] [where true]", in: s).message
            == "step 'step1' has no time column to order its events by")
        #expect(failure("events | sequence by a, b, a, b within 3d 1️⃣[where true] by n [where true] by n", in: s).message
            == "a sequence matches on at most 4 keys, step 'step1' has 5")
        #expect(failure("events | sequence within 3d [where true] as1️⃣", in: s).message
            == "expected a name for the step after 'as', found the end of the input")
        #expect(failure("events | sequence within 3d 1️⃣take 3", in: s).message
            == "expected 'within', 'by', 'mode=' or the first step '[' of the sequence, found 'take'")
    }
}

