// While a statement runs on a terminal: after a second, a progress line on stderr (ProgressLine.swift)
// with the rows the query has processed and the time so far, redrawn by a timer every 200 ms and erased
// before anything is printed. The query does nothing for it but count each batch (QueryProgress).

import EVQ
import EVQEngine
import EVQStore
import Foundation

final class QueryProgressLine {
    let progress = QueryProgress()
    private let sink: TextSink
    /// Ticks and the erasure run here, one at a time, so the line is never drawn after it was erased.
    private let queue = DispatchQueue(label: "evq.query-progress")
    private var timer: DispatchSourceTimer?
    /// Touched only on `queue`.
    private var line: ProgressLine?

    init(sink: TextSink) { self.sink = sink }

    /// Starts watching a statement: nothing is drawn before a second has passed.
    func start() {
        stop()
        progress.reset()
        let line = ProgressLine("running the query", sink: sink)
        queue.sync { self.line = line }
        let timer = DispatchSource.makeTimerSource(queue: queue)
        timer.schedule(deadline: .now() + .seconds(1), repeating: .milliseconds(200))
        timer.setEventHandler { [progress] in
            line.detail.set(NumberText.grouped(progress.rowsProcessed) + " rows processed, " + ProgressLine.seconds(line.elapsedSeconds))
            line.tick()
        }
        self.timer = timer
        timer.resume()
    }

    /// Stops the timer and erases the line if it was drawn; returns once it is gone.
    func stop() {
        guard let timer else { return }
        self.timer = nil
        timer.cancel()
        queue.sync {
            line?.erase()
            line = nil
        }
    }
}
