// Progress reports: none for a load shorter than the delay, then rows and bytes across files,
// and a last call marked finished.
import Foundation
import Testing
@testable import EVQStore

private final class Reports: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [LoadProgress] = []
    func add(_ p: LoadProgress) { lock.withLock { items.append(p) } }
    var all: [LoadProgress] { lock.withLock { items } }
}

@Suite struct LoadProgressTests {
    @Test func aShortLoadReportsNothing() throws {
        let reports = Reports()
        var options = IngestOptions()
        options.progress = { reports.add($0) }
        var text = "id\n"
        for i in 0..<70_000 { text += "\(i)\n" }
        _ = try load(text, options: options)
        #expect(reports.all.isEmpty)
    }

    @Test func reportsCountAcrossFilesAndEndFinished() {
        let reports = Reports()
        let meter = ProgressMeter(bytesTotal: 3 * 1_048_576, delay: 0) { reports.add($0) }
        meter.tick(rows: 10, position: 1_048_576)
        meter.endFile(rows: 20, bytes: 2 * 1_048_576)
        meter.finish()
        let all = reports.all
        #expect(all.map(\.rows) == [10, 20])
        #expect(all.map(\.bytesRead) == [1_048_576, 2 * 1_048_576])
        #expect(all.map(\.finished) == [false, true])
        let p = LoadProgress(rows: 1_000, bytesRead: 100 * 1_048_576, bytesTotal: 300 * 1_048_576, seconds: 2, finished: false)
        #expect(p.description == "1000 rows, 100 of 300 MB, 50 MB/s, 4 s left")
    }
}

@Suite struct LoadCancellationTests {
    @Test func aCancelledLoadStopsWithinABatchOfRows() throws {
        var options = IngestOptions()
        options.isCancelled = { true }
        var text = "id\n"
        for i in 0..<70_000 { text += "\(i)\n" }
        #expect(throws: IngestError.cancelled) { try load(text, options: options) }
        // Fewer rows than one batch are never polled.
        #expect(try load("id\n1\n", options: options).table.rowCount == 1)
    }
}
