// Long work that Ctrl-C must stop within 100 ms even where it cannot poll a flag itself (reading a
// file, formatting a million rows): it runs on a worker thread while the caller's thread waits,
// checking for Ctrl-C and redrawing a progress line. On Ctrl-C the work is abandoned: its result is
// dropped when it ends, so the session is left exactly as it was.

import Foundation
import Synchronization

enum Interruptible {
    /// Runs `work` on a worker thread; nil when `interrupted()` became true first. `progress` is
    /// redrawn every 100 ms (it shows itself only after a second) and erased at the end.
    static func run<T: Sendable>(progress: ProgressLine? = nil, interrupted: () -> Bool, _ work: @escaping @Sendable () -> T) -> T? {
        let box = ResultBox<T>()
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            box.set(work())
            done.signal()
        }
        defer { progress?.erase() }
        while true {
            if done.wait(timeout: .now() + .milliseconds(20)) == .success { return box.take() }
            if interrupted() { return nil }
            progress?.tick()
        }
    }

    private final class ResultBox<T: Sendable>: Sendable {
        private let value = Mutex<T?>(nil)
        func set(_ v: T) { value.withLock { $0 = v } }
        func take() -> T? { value.withLock { $0 } }
    }
}
