// Parallel execution gives exactly the single-threaded answer, row order included: the same
// queries over a table large enough to be split across threads, run with one thread and
// with four, must return identical columns.

import EVQ
import EVQStore
import EVQTestSupport
import Synchronization
import Testing

@Suite(.serialized) struct ParallelTests {
    /// 150,000 rows: big enough that filters, projections and the word index are cut into chunks.
    static let table: Table = {
        var g = SplitMix(state: 42)
        let actors = ["IS", "Government of Syria", "SDF", "Hezbollah", "Military Forces of Israel", "Civilians"]
        let words = ["drone", "strike", "near", "Raqqa", "shelling", "killed", "convoy", "Ḥalab", "US", "base"]
        var date: [Value] = [], actor: [Value] = [], fatal: [Value] = [], notes: [Value] = [], lat: [Value] = []
        for _ in 0..<150_000 {
            date.append(.time(1_500_000_000 + Int64(g.below(40_000_000))))
            actor.append(g.chance(5) ? .null : .string(actors[g.below(actors.count)]))
            fatal.append(g.chance(10) ? .null : .int(Int64(g.below(50))))
            notes.append(.string((0..<(3 + g.below(8))).map { _ in words[g.below(words.count)] }.joined(separator: " ") + " #\(g.below(5000))"))
            lat.append(.float(Double(g.below(10_000)) / 100))
        }
        var b = TableBuilder(name: "events")
        b.addColumn("date", date, type: .time)
        b.addColumn("actor1", actor, type: .string)
        b.addColumn("fatalities", fatal, type: .int)
        b.addColumn("notes", notes, type: .string)
        b.addColumn("lat", lat, type: .float)
        return b.build(timeColumn: "date")
    }()

    static let queries = [
        "events | where fatalities > 20 and lat < 50 | project date, actor1, fatalities",
        "events | where notes contains \"raqqa\" or actor1 == \"SDF\"",
        "events | where notes has \"drone strike\" | count",
        // Near-unique notes have no posting lists: their ids are scanned, chunk by chunk.
        "events | where notes has \"convoy\" and notes has \"US\" and date >= 2018-01-01 | project date, notes",
        "events | where notes matches \"#4[0-9]+$\" | project notes",
        "events | extend k = fatalities * 2 + 1, who = tolower(actor1) | where k > 30 | take 5000",
        "events | extend d = distance(lat, lat, 10.0, 20.0) | where d < 3000 | project d, notes",
        "events | summarize n = count(), f = sum(fatalities), p = percentile(fatalities, 90) by actor1, week(date)",
        "events | distinct actor1, fatalities",
        // One text key, aggregates that add up: folded per core on dictionary slots, then added.
        "events | summarize n = count(), f = sum(fatalities), known = count(fatalities), big = countif(fatalities > 30), texts = count(notes) by actor1",
        // Pairs too many for a direct table: hashed per core, merged in order of first appearance.
        "events | summarize n = count(), f = sum(fatalities) by notes, actor1",
        "events | distinct fatalities, notes",
        "events | top 100 by fatalities desc, lat",
        // Each core orders a chunk (a bounded heap, or a whole sort), then the runs are merged.
        "events | top 100 by fatalities desc",
        "events | sort by notes | take 1000",
        "events | sort by lat desc, fatalities | project lat, fatalities, notes",
        "events | sort by fatalities | project fatalities, date",
        "events | where isnull(fatalities) | project actor1, notes",
    ]

    private func columns(_ q: String, threads: Int) throws -> [[Value]] {
        Parallel.threads = threads
        defer { Parallel.threads = 0 }
        let r = try Session(tables: [Self.table]).query(q)
        return r.columnNames.map { r.values(of: $0)! }
    }

    @Test(arguments: queries)
    func parallelEqualsSerial(_ q: String) throws {
        let serial = try columns(q, threads: 1)
        let parallel = try columns(q, threads: 4)
        #expect(serial.first?.isEmpty == false || q.contains("isnull"), "the query should produce rows")
        #expect(parallel == serial, "\(q)")
    }

    @Test func ctrlCStopsAWholeSort() {
        // The sort looks at cancellation between runs of positions: the first look (before
        // sorting) says go on, every later one says stop.
        let session = Session(tables: [Self.table])
        var looks = 0
        let counter = Mutex(0)
        session.isCancelled = { counter.withLock { $0 += 1; return $0 > 1 } }
        do {
            _ = try session.query("events | sort by notes")
            Issue.record("the sort ran to its end")
        } catch {
            if case .cancelled = error.kind {} else { Issue.record("expected a cancellation, got \(error.render())") }
        }
        looks = counter.withLock { $0 }
        #expect(looks >= 2)
    }

    @Test func chunksCoverTheInputInOrder() {
        Parallel.threads = 3
        defer { Parallel.threads = 0 }
        #expect(Parallel.chunks(10, minimum: 100) == [0..<10])
        #expect(Parallel.chunks(1_000, minimum: 100) == [0..<334, 334..<668, 668..<1_000])
        #expect(Parallel.chunks(250, minimum: 100) == [0..<125, 125..<250])
        #expect(Parallel.chunks(0, minimum: 100) == [0..<0])
        #expect(Parallel.map(5) { $0 * $0 } == [0, 1, 4, 9, 16])
    }
}
