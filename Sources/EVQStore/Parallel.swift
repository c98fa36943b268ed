// Work split over the machine's cores: `--threads N` sets how many, and every caller splits
// its input into contiguous chunks and joins the results in chunk order, so the answer is the
// one a single thread gives, row order included.

import Dispatch
import Foundation
import Synchronization

public enum Parallel {
    private static let configured = Atomic<Int>(0)

    /// The cores this process may use, read once: Foundation reads the cgroup's quota and
    /// cpuset files on every call (opens, reads, closes), a fifth of a sub-millisecond query.
    private static let cores = max(1, ProcessInfo.processInfo.activeProcessorCount)

    /// Worker threads for queries and loads: `--threads`, else every core.
    public static var threads: Int {
        get {
            let n = configured.load(ordering: .relaxed)
            return n > 0 ? n : cores
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

    /// `body(i)` for each i in `costs.indices`, results in order of i. The costliest go first;
    /// one costing more than all those after it together runs alone first, so that the work
    /// it splits over the cores itself gets them all (an apply nested in another runs
    /// serially: libdispatch divides the width among the nesting levels); the rest then run
    /// at the same time.
    public static func mapLargestAlone<T>(costs: [Int], _ body: (Int) -> T) -> [T] {
        let order = costs.indices.sorted { costs[$0] > costs[$1] }
        var results = [T?](repeating: nil, count: costs.count)
        var remaining = costs.reduce(0, +)
        var alone = 0
        while alone < order.count, costs[order[alone]] * 2 > remaining {
            results[order[alone]] = body(order[alone])
            remaining -= costs[order[alone]]
            alone += 1
        }
        let rest = Array(order[alone...])
        for (k, value) in map(rest.count, { body(rest[$0]) }).enumerated() { results[rest[k]] = value }
        return results.map { $0! }
    }
}

/// Hands a value to the threads of `Parallel.map`, whose callers guarantee they only read it
/// (or write disjoint slots).
struct UncheckedSendable<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
