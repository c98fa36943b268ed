// Progress of a long load, for a terminal: rows and bytes so far, the rate and the time left.
// Readers tick it every 65,536 rows; it calls the caller only after the first second, and
// then at most four times a second, so short loads and pipes see nothing.
import Foundation

/// What `IngestOptions.progress` is told while a load runs.
public struct LoadProgress: Sendable {
    public let rows: Int
    public let bytesRead: Int
    public let bytesTotal: Int
    public let seconds: Double
    /// Ended: the last call, so a line drawn on a terminal can be cleared.
    public let finished: Bool

    /// `1,048,576 rows, 120 of 207 MB, 95 MB/s, 1 s left`.
    public var description: String {
        let mb = 1_048_576.0
        let rate = seconds > 0 ? Double(bytesRead) / seconds : 0
        let left = rate > 0 ? Double(bytesTotal - bytesRead) / rate : 0
        return "\(rows) rows, \(Int(Double(bytesRead) / mb)) of \(Int(Double(bytesTotal) / mb)) MB, "
            + "\(Int(rate / mb)) MB/s, \(Int(left.rounded(.up))) s left"
    }
}

/// Shared by the readers of one load (a reference, so that non-mutating readers can tick it).
final class ProgressMeter {
    static let rowsPerTick = 1 << 16

    private let report: @Sendable (LoadProgress) -> Void
    private let bytesTotal: Int
    /// Seconds before the first report.
    private let delay: Double
    private let start = Date()
    private var lastReport: Double = 0
    private var rowsBefore = 0, bytesBefore = 0
    private var reported = false

    init(bytesTotal: Int, delay: Double = 1, report: @escaping @Sendable (LoadProgress) -> Void) {
        self.bytesTotal = bytesTotal
        self.delay = delay
        self.report = report
    }

    /// `rows` and `position` count within the current file.
    func tick(rows: Int, position: Int) {
        let now = Date().timeIntervalSince(start)
        guard now >= delay, now - lastReport >= min(0.25, delay) || !reported else { return }
        lastReport = now
        reported = true
        report(LoadProgress(rows: rowsBefore + rows, bytesRead: bytesBefore + position, bytesTotal: bytesTotal,
                            seconds: now, finished: false))
    }

    func endFile(rows: Int, bytes: Int) {
        rowsBefore += rows
        bytesBefore += bytes
    }

    /// Tells the caller the load ended, when it was told anything before.
    func finish() {
        guard reported else { return }
        report(LoadProgress(rows: rowsBefore, bytesRead: bytesBefore, bytesTotal: bytesTotal,
                            seconds: Date().timeIntervalSince(start), finished: true))
    }
}
