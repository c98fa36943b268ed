// The library as another Swift program uses it: build a store in memory, run a query string,
// read typed results. Also the bundled samples through the same API.

import EVQ
import EVQTestSupport
import Testing

@Suite struct EmbeddingTests {
    @Test func buildAStoreQueryItAndReadTypedResults() throws {
        var b = TableBuilder(name: "events")
        b.addColumn("date", [.time(TimeFormat.parse("2024-11-05")!), .time(TimeFormat.parse("2024-11-02")!), .null])
        b.addColumn("actor1", [.string("Hezbollah"), .string("Hezbollah"), .string("IS")])
        b.addColumn("fatalities", [.int(3), .int(5), .int(1)])
        let session = Session(tables: [b.build(timeColumn: "date")])

        let result = try session.query("events | where actor1 == \"Hezbollah\" | summarize killed = sum(fatalities), n = count()")
        #expect(result.columnNames == ["killed", "n"])
        #expect(result.values(of: "killed") == [.int(8)])
        #expect(result.table.columns[1].type == .int)
        #expect(result.stats.rowsExamined == 2)  // from the posting list, not a scan
        #expect(result.stats.rowsInSource == 3)

        let ordered = try session.query("events | project date")
        #expect(ordered.values(of: "date") == [.time(TimeFormat.parse("2024-11-02")!), .time(TimeFormat.parse("2024-11-05")!), .null])
    }

    @Test func errorsAreTypedAndCarryPositions() {
        let session = Session(tables: [])
        do {
            _ = try session.query("events | count")
            Issue.record("expected an error")
        } catch {
            #expect(error.exitCode == 65)
            #expect(error.diagnostics.first?.message == "unknown table 'events'")
            #expect(error.diagnostics.first?.span == Span(0, 6))
        }
    }

    @Test func bundledSamplesHoldTheSeedAndUCDPEvents() throws {
        let s = Project.sampleSession()
        #expect(try s.query("events | count").values(of: "count") == [.int(16_585)])
        #expect(try s.query("events | where id startswith \"seed-\" | count").values(of: "count") == [.int(19)])
        #expect(try s.query("events | where id startswith \"ucdp-\" | summarize n = count(), killed = sum(fatalities)").values(of: "killed") == [.int(112_337)])
        let range = try s.query("events | where id startswith \"ucdp-\" | summarize first = min(date), last = max(date)")
        #expect(range.values(of: "first") == [.time(TimeFormat.parse("2016-01-01")!)])
        #expect(range.values(of: "last") == [.time(TimeFormat.parse("2019-11-30")!)])
    }

    @Test func planUsesPostingListsAndTheTimeIndexOnTheSamples() throws {
        let s = Project.sampleSession()
        var plan = ""
        var result: QueryResult? = nil
        try s.run("events | where date in 2024 and actor1 == \"Military Forces of Israel\" and fatalities > 0") { outcome in
            if case .rows(let r, let p?) = outcome {
                plan = p.explain()
                result = r
            }
        }
        #expect(plan.contains("time index: date in 2024"))
        #expect(plan.contains("posting lists: actor1 == \"Military Forces of Israel\""))
        #expect(plan.hasPrefix("Filter fatalities > 0  (~2 rows)\n  Scan events: 5 of 16585 rows, in date order  (~5 rows)"))
        #expect(result?.stats.rowsExamined == 5)
        #expect(result?.rowCount == 4)
    }
}
