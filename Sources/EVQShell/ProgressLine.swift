// One line on stderr that says how a long operation is going (what, how much, how long),
// redrawn in place and erased when done. Shown only on a terminal, and only
// for work that has taken over a second, so quick commands and pipes never see it.

import Foundation
import Synchronization

final class ProgressLine {
    private let sink: TextSink
    private let start = DispatchTime.now()
    private var lastDraw: UInt64 = 0
    private var shown = false
    /// What is being done: `loading big.csv (44.0 MB)`.
    let label: String
    /// How far the work got, when it can say (`1,048,576 rows, 120 of 207 MB, 95 MB/s, 1 s left`);
    /// set from the worker thread, drawn by the waiting one.
    let detail = ProgressDetail()

    init(_ label: String, sink: TextSink) {
        self.label = label
        self.sink = sink
    }

    /// A progress line on stderr when it is a terminal, else nil.
    static func onTerminal(_ label: String) -> ProgressLine? {
        isatty(2) != 0 ? ProgressLine(label, sink: FileSink.standardError) : nil
    }

    var elapsedSeconds: Double { Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9 }

    /// Redraws the line, at most every 100 ms, once a second has passed.
    func tick() {
        let now = DispatchTime.now().uptimeNanoseconds
        guard elapsedSeconds >= 1, now - lastDraw >= 100_000_000 else { return }
        lastDraw = now
        sink.write("\r\u{1b}[K" + text())
        shown = true
    }

    /// `loading big.csv (44.0 MB): 3.2 s (Ctrl-C stops it)`, with the work's own detail when it gave one.
    func text() -> String { label + ": " + (detail.text ?? Self.seconds(elapsedSeconds)) + " (Ctrl-C stops it)" }

    static func seconds(_ s: Double) -> String { String(format: "%.1f s", s) }

    /// `44.0 MB`, `812 kB`, `96 B`, in the units of the loader's own detail (a MB is 1,048,576
    /// bytes), so that `loading big.csv (28.9 MB): ..., 3 of 28 MB` agrees with itself.
    static func bytes(_ n: Int64) -> String {
        if n >= 1 << 20 { return String(format: "%.1f MB", Double(n) / Double(1 << 20)) }
        if n >= 1 << 10 { return "\(n >> 10) kB" }
        return "\(n) B"
    }

    /// Removes the line, if it was drawn, so that what follows starts on a clean line.
    func erase() {
        if shown { sink.write("\r\u{1b}[K") }
        shown = false
    }
}

/// The latest progress text a worker thread reported.
final class ProgressDetail: Sendable {
    private let value = Mutex<String?>(nil)
    var text: String? { value.withLock { $0 } }
    func set(_ text: String) { value.withLock { $0 = text } }
}
