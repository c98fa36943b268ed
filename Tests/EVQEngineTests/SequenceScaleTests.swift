// Sequences over many random events: enough candidates for many key partitions, checked
// against a direct per-key replay of the `latest` rule, one core against two, and a store
// of several ingested segments against the same events in memory.

import EVQ
import EVQEngine
import EVQStore
import EVQTestSupport
import Foundation
import Testing

/// Strikes, attacks and ceasefires among five actors over 200 days: many ties on one day,
/// null keys, late and early answers.
private func randomEvents(_ count: Int, seed: UInt64) -> [SequenceRow] {
    var rng = SplitMix(state: seed)
    let actors = ["P", "Q", "R", "S", "T"]
    return (0..<count).map { i in
        let date = TimeFormat.format(Int64(1 + Int(rng.next() % 200)) * 86_400 + 1_704_067_200)
        let a = actors[Int(rng.next() % 5)], b = rng.next() % 12 == 0 ? nil : actors[Int(rng.next() % 5)]
        let type = ["strike", "strike", "attack", "attack", "attack", "ceasefire"][Int(rng.next() % 6)]
        return ("e\(i)", date, type, a, b)
    }
}

private let withUntil = answered + "\n  until [where type == \"ceasefire\"] by a, b | project s.n, r.n"

/// The `latest` rule replayed per key pair, from its definition: events in time order, at one
/// time `until` first, then answers, then strikes, each in row order; one pending strike per
/// pair, replaced by a newer one, used up by the answer that comes for it.
private func replayLatest(_ s: Session) throws -> [(Int64, Int64)] {
    let r = try s.query("events | project n, date, type, a, b")
    var events: [(row: Int, n: Int64, time: Int64, rank: Int, a: String, b: String)] = []
    for i in 0..<r.rowCount {
        let row = r.table.row(i)
        guard case .int(let n) = row[0], case .time(let t) = row[1], case .string(let type) = row[2],
              case .string(let a) = row[3], case .string(let b) = row[4] else { continue }  // a null key takes no part
        events.append((i, n, t, ["ceasefire": 0, "attack": 1, "strike": 2][type]!, a, b))
    }
    events.sort { ($0.time, $0.rank, $0.row) < ($1.time, $1.rank, $1.row) }
    var pending: [String: (row: Int, n: Int64, time: Int64)] = [:]
    var found: [(strikeRow: Int, strike: Int64, answer: Int64)] = []
    for e in events {
        switch e.rank {
        case 0: pending[e.a + ">" + e.b] = nil
        case 1:
            if let strike = pending.removeValue(forKey: e.b + ">" + e.a), e.time - strike.time <= 3 * 86_400 {
                found.append((strike.row, strike.n, e.n))
            }
        default: pending[e.a + ">" + e.b] = (e.row, e.n, e.time)
        }
    }
    // Rows come in the order of the strike (the table is in time order).
    return found.sorted { $0.strikeRow < $1.strikeRow }.map { ($0.strike, $0.answer) }
}

private func pairs(_ r: QueryResult) -> [String] {
    zip(r.values(of: "s.n") ?? [], r.values(of: "r.n") ?? []).map { "\(ValueFormat.plain($0)) \(ValueFormat.plain($1))" }
}

@Suite(.serialized) struct SequenceScaleTests {
    @Test func twoCoresGiveTheOneCoreAnswerAndTheLatestRule() throws {
        // 20,000 events: eight key partitions, each matched on its own.
        let s = Session(tables: [sequenceTable(randomEvents(20_000, seed: 21))])
        let saved = Parallel.threads
        defer { Parallel.threads = saved }
        for mode in SequenceMode.allCases {
            let q = withUntil.replacingOccurrences(of: "sequence within", with: "sequence mode=\(mode.rawValue) within")
            Parallel.threads = 1
            let one = try s.query(q)
            Parallel.threads = 2
            let two = try s.query(q)
            #expect(pairs(one) == pairs(two), "mode=\(mode.rawValue)")
            #expect(one.rowCount > 500, "mode=\(mode.rawValue)")
            if mode == .latest {
                #expect(pairs(one) == (try replayLatest(s)).map { "\($0.0) \($0.1)" })
            }
        }
    }

    @Test func aStoreOfSeveralSegmentsGivesTheMatchesOfTheSameEventsInMemory() throws {
        // Three ingests whose days overlap (late data), so the stored table interleaves them.
        let events = randomEvents(9_000, seed: 5)
        let parts = [Array(events[0..<4000]), Array(events[4000..<6500]), Array(events[6500...])]
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("evq-sequence-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let writer = try StoreWriter(path: dir.path)
        var first = 0
        for part in parts {
            _ = try writer.append(sequenceTable(part, first: first), as: "events")
            first += part.count
        }
        let stored = try Session(store: dir)
        let memory = Session(tables: [sequenceTable(events)])
        #expect(try stored.query("events | count").values(of: "count") == [.int(9_000)])
        for mode in SequenceMode.allCases {
            let q = withUntil.replacingOccurrences(of: "sequence within", with: "sequence mode=\(mode.rawValue) within")
            let fromStore = try stored.query(q), fromMemory = try memory.query(q)
            #expect(pairs(fromStore) == pairs(fromMemory), "mode=\(mode.rawValue)")
            #expect(fromStore.rowCount > 500, "mode=\(mode.rawValue)")
        }
    }
}
