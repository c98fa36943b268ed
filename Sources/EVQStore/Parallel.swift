// Work split over the machine's cores: `--threads N` sets how many, and every caller splits
// its input into contiguous chunks and joins the results in chunk order, so the answer is the
// one a single thread gives, row order included.

import Dispatch
import Foundation
import Synchronization

public enum Parallel {
    private static let configured = Atomic<Int>(0)

    /// Worker threads for queries and loads: `--threads`, else every core.
    public static var threads: Int {
        get {
            let n = configured.load(ordering: .relaxed)
            return n > 0 ? n : max(1, ProcessInfo.processInfo.activeProcessorCount)
        }
        set { configured.store(max(0, newValue), ordering: .relaxed) }
    }

    /// `0..<count` cut into at most `threads` contiguous ranges of at least `minimum` each
    /// (one range when the input is small: a thread costs more than it saves).
    public static func chunks(_ count: Int, minimum: Int) -> [Range<Int>] {
        let n = Swift.max(1, Swift.min(threads, count / Swift.max(1, minimum)))
        let size = (count + n - 1) / n
        return (0..<n).map { i in Swift.min(count, i * size)..<Swift.min(count, (i + 1) * size) }.filter { !$0.isEmpty || count == 0 }
    }

    /// `body(i)` for each i in 0..<n, at the same time on up to `threads` cores; results in
    /// order of i. `body` must only read shared state.
    public static func map<T>(_ n: Int, _ body: (Int) -> T) -> [T] {
        if n <= 1 { return (0..<n).map(body) }
        let results = UnsafeMutableBufferPointer<T?>.allocate(capacity: n)
        results.initialize(repeating: nil)
        defer {
            results.deinitialize()
            results.deallocate()
        }
        withoutActuallyEscaping(body) { body in
            let work = UncheckedSendable((body, results))
            DispatchQueue.concurrentPerform(iterations: n) { i in work.value.1[i] = work.value.0(i) }
        }
        return results.map { $0! }
    }
}

/// Hands a value to the threads of `Parallel.map`, whose callers guarantee they only read it
/// (or write disjoint slots).
struct UncheckedSendable<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
