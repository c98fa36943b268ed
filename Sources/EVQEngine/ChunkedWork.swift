// Work cut into contiguous chunks of positions, one per core, whose results come back in
// chunk order, so that combining them in that order gives the answer of one thread.

import EVQStore

enum ChunkedWork {
    /// `body` over each chunk on its own core, results in chunk order; the first error wins.
    static func run<T>(_ parts: [Range<Int>], _ body: (Range<Int>) throws(EngineError) -> T) throws(EngineError) -> [T] {
        let results = Parallel.map(parts.count) { c -> Result<T, EngineError> in
            do throws(EngineError) { return .success(try body(parts[c])) } catch { return .failure(error) }
        }
        var out: [T] = []
        out.reserveCapacity(results.count)
        for result in results {
            switch result {
            case .success(let v): out.append(v)
            case .failure(let e): throw e
            }
        }
        return out
    }

    /// `body(i)` for each i in `0..<n`, each its own task on the cores (a segment each),
    /// results in order of i; the first error wins.
    static func each<T>(_ n: Int, _ body: (Int) throws(EngineError) -> T) throws(EngineError) -> [T] {
        try run((0..<n).map { $0..<$0 + 1 }) { (one: Range<Int>) throws(EngineError) -> T in try body(one.lowerBound) }
    }
}

/// One value per group, written through a pointer in the aggregate loops: a captured Swift
/// array would check its uniqueness (copy-on-write) on every row. Each chunk of a parallel
/// loop has its own.
final class GroupSlots<T>: @unchecked Sendable {
    private let base: UnsafeMutablePointer<T>
    let count: Int

    init(repeating value: T, count: Int) {
        base = .allocate(capacity: Swift.max(1, count))
        base.initialize(repeating: value, count: count)
        self.count = count
    }

    deinit {
        base.deinitialize(count: count)
        base.deallocate()
    }

    subscript(i: Int) -> T {
        @inline(__always) get { base[i] }
        @inline(__always) set { base[i] = newValue }
    }
}
