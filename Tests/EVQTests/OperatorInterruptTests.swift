// Ctrl-C (and so the time and memory limits, which stop a query the same way) inside the long
// loops of joins, lookups and sequences: a flag that turns true some time after the query
// starts must stop it soon after, however many matches one row has. The bound is 300 ms for a
// debug build beside the whole suite (alone, these stop within 100 ms; before, in seconds).

import EVQ
import EVQTestSupport
import Foundation
import Synchronization
import Testing

@Suite struct OperatorInterruptTests {
    /// `rows` rows whose key `k` takes `keys` values (so a join on it has rows²/keys matches).
    static func table(_ name: String, rows: Int, keys: Int) -> Table {
        var b = TableBuilder(name: name)
        b.addColumn("id", (0..<rows).map { .int(Int64($0)) })
        b.addColumn("k", (0..<rows).map { .int(Int64($0 % keys)) })
        b.addColumn("date", (0..<rows).map { .time(1_700_000_000 + Int64($0) * 60) }, type: .time)
        return b.build(timeColumn: "date")
    }

    /// Runs `setup` (bindings), then `query` with the flag turning true 40 ms after its first
    /// look; the time from then to the stop.
    func stopDelay(_ query: String, _ tables: [Table], setup: String = "") -> Duration {
        let session = Session(tables: tables)
        if !setup.isEmpty { try! session.run(setup) { _ in } }
        let flag = LateInterrupt(after: .milliseconds(40))
        session.isCancelled = flag.check
        do {
            _ = try session.query(query)
            Issue.record("'\(query)' ran to the end")
        } catch {
            guard case .cancelled = error.kind else { Issue.record("\(error)"); return .zero }
        }
        return flag.elapsed - flag.after
    }

    @Test func aJoinWhoseRowsEachMatchThousandsStopsWithinATenthOfASecond() {
        // 30,000 × 30,000 matches: before, Ctrl-C was seen every 2,048 left rows, 61 M matches.
        let t = Self.table("t", rows: 30_000, keys: 1)
        let delay = stopDelay("t | join kind=inner (t) on k | count", [t])
        #expect(delay < .milliseconds(300), "stopped \(delay) after the flag")
    }

    @Test func aLookupOnARepeatedKeyStopsWithinATenthOfASecond() {
        let t = Self.table("t", rows: 30_000, keys: 1), u = Self.table("u", rows: 30_000, keys: 1)
        let delay = stopDelay("t | lookup u on k | count", [t, u])
        #expect(delay < .milliseconds(300), "stopped \(delay) after the flag")
    }

    @Test func buildingTheHashTableOfABigRightSideStopsWithinATenthOfASecond() {
        let small = Self.table("small", rows: 10, keys: 10), big = Self.table("big", rows: 1_500_000, keys: 1_500_000)
        let delay = stopDelay("small | join kind=inner (big) on id | count", [small, big])
        #expect(delay < .milliseconds(300), "stopped \(delay) after the flag")
    }

    @Test func aSequenceOverManyEventsStopsWithinATenthOfASecond() {
        let t = Self.table("t", rows: 1_500_000, keys: 1_000)
        // The steps are bound tables, so the sequence's own loops are what the flag meets.
        let delay = stopDelay("events | sequence mode=every by k within 1d [even] as a [odd] as b | count", [t],
                              setup: "let even = t | where id % 2 == 0\nlet odd = t | where id % 2 == 1\nlet events = t | take 1")
        #expect(delay < .milliseconds(300), "stopped \(delay) after the flag")
    }
}
