// The progress line of a long query is for terminals only: on a pipe nothing is written (the PTY side is
// in EVQShellTests/PromptLongWorkPTYTests.swift); and counting rows for it changes no answer.

import EVQ
import EVQEngine
import EVQTestSupport
import Testing

@Suite struct QueryProgressTests {
    @Test func aSlowQueryOnAPipeWritesNoProgress() throws {
        // 400 ms per batch of 2,048 rows: about 3.6 s over the 16,585 events.
        let r = try runEVQ(["-c", "events | where fatalities > 0 | count"], environment: ["EVQ_TEST_BATCH_DELAY_MS": "400"])
        #expect(r.status == 0)
        #expect(r.stderr == "")
        #expect(r.stdout.hasPrefix(" count\n"))
    }

    @Test func theCountGrowsWithTheRowsAQueryReads() throws {
        let session = Project.sampleSession()
        let progress = QueryProgress()
        session.progress = progress
        let counted = try session.query("events | where fatalities > 0 | count")
        #expect(progress.rowsProcessed >= 16_585)
        progress.reset()
        #expect(progress.rowsProcessed == 0)
        session.progress = nil
        #expect(try session.query("events | where fatalities > 0 | count").table.value(row: 0, column: 0) == counted.table.value(row: 0, column: 0))
        #expect(progress.rowsProcessed == 0)
    }
}
