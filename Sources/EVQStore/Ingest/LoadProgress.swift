// Progress of a long load, for a terminal: rows and bytes so far, the rate and the time left.
// Readers tick it every 65,536 rows; it calls the caller only after the first second, and
// then at most four times a second, so short loads and pipes see nothing but the one call
// that says the reading ended.
import Foundation
import Synchronization

/// What `IngestOptions.progress` is told while a load runs.
public struct LoadProgress: Sendable {
    public let rows: Int
    public let bytesRead: Int
    public let bytesTotal: Int
    public let seconds: Double
    /// The reading ended (the last call, always made): what remains is building the
    /// columns and indexes.
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

/// Shared by the readers of one load (a reference, so that non-mutating readers can tick it;
/// locked, since the parts of one file are read on several cores at once).
final class ProgressMeter: Sendable {
    static let rowsPerTick = 1 << 16

    private let report: @Sendable (LoadProgress) -> Void
    private let bytesTotal: Int
    /// Seconds before the first report.
    private let delay: Double
    private let start = Date()
    private struct State {
        var lastReport: Double = 0
        var rowsBefore = 0, bytesBefore = 0
        /// What the readers of the current file have `advance`d by.
        var rowsInFile = 0, bytesInFile = 0
        var reported = false
    }
    private let state = Mutex(State())

    init(bytesTotal: Int, delay: Double = 1, report: @escaping @Sendable (LoadProgress) -> Void) {
        self.bytesTotal = bytesTotal
        self.delay = delay
        self.report = report
    }

    /// `rows` and `position` count within the current file.
    func tick(rows: Int, position: Int) {
        let now = Date().timeIntervalSince(start)
        let due = state.withLock { s -> LoadProgress? in
            guard now >= delay, now - s.lastReport >= min(0.25, delay) || !s.reported else { return nil }
            s.lastReport = now
            s.reported = true
            return LoadProgress(rows: s.rowsBefore + rows, bytesRead: s.bytesBefore + position, bytesTotal: bytesTotal,
                                seconds: now, finished: false)
        }
        if let due { report(due) }
    }

    /// Adds what one reader of the current file read since it last said, then ticks with the
    /// file's total so far (readers of parts of one file each add theirs).
    func advance(rows: Int, bytes: Int) {
        let (r, b) = state.withLock { s in
            s.rowsInFile += rows
            s.bytesInFile += bytes
            return (s.rowsInFile, s.bytesInFile)
        }
        tick(rows: r, position: b)
    }

    func endFile(rows: Int, bytes: Int) {
        state.withLock { s in
            s.rowsBefore += rows
            s.bytesBefore += bytes
            s.rowsInFile = 0
            s.bytesInFile = 0
        }
    }

    /// Tells the caller the reading ended, whether or not it was told anything before: the
    /// columns and indexes are still to be built, which can outlast a parallel read, so a
    /// terminal line may first appear (or go on) after this.
    func finish() {
        let (rows, bytes) = state.withLock { s in (s.rowsBefore, s.bytesBefore) }
        report(LoadProgress(rows: rows, bytesRead: bytes, bytesTotal: bytesTotal,
                            seconds: Date().timeIntervalSince(start), finished: true))
    }
}
