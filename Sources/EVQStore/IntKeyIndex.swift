// An index for integer columns (ids, codes, counts): the rows sorted by value, so that
// `id == 123` or `id in [1, 2]` is a binary search instead of a scan. Two flat buffers, as
// the posting lists are, mapped from a store file as they lie.

import Synchronization

public struct IntKeyIndex: Sendable {
    /// The non-null values in ascending order; `rows[i]` holds `values[i]`. Equal values keep
    /// their rows ascending.
    public let values: ColumnBuffer<Int64>
    public let rows: ColumnBuffer<UInt32>

    /// Buffers already laid out (a mapped segment).
    public init(values: ColumnBuffer<Int64>, rows: ColumnBuffer<UInt32>) {
        self.values = values
        self.rows = rows
    }

    public init(_ column: ColumnBuffer<Int64>, nulls: ColumnBuffer<Bool>?) {
        var order = ContiguousArray<UInt32>()
        order.reserveCapacity(column.count)
        for r in 0..<column.count where nulls?[r] != true { order.append(UInt32(r)) }
        column.withUnsafeBufferPointer { v in
            // Ties broken by row, so the rows of one value come out ascending.
            order.sort { a, b in v[Int(a)] != v[Int(b)] ? v[Int(a)] < v[Int(b)] : a < b }
        }
        self.rows = ColumnBuffer(order)
        self.values = ColumnBuffer(order.lazy.map { column[Int($0)] })
    }

    /// The rows holding `value`, ascending (a view, no copy).
    public func rows(of value: Int64) -> ColumnBuffer<UInt32> {
        let lo = firstIndex(notBelow: value)
        var hi = lo
        while hi < values.count && values[hi] == value { hi += 1 }
        return rows.view(lo..<hi)
    }

    private func firstIndex(notBelow value: Int64) -> Int {
        var lo = 0, hi = values.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if values[mid] < value { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }
}

/// Builds an int column's key index on first use and keeps it; safe across threads.
public final class LazyIntKeyIndex: Sendable {
    private let cache: Mutex<IntKeyIndex?>
    private let stored: LoadOnce<IntKeyIndex>?

    /// `stored`: an index read from a store, used instead of building one.
    public init(_ stored: IntKeyIndex? = nil) {
        cache = Mutex(stored)
        self.stored = nil
    }

    /// An index a store file holds, read on first use.
    init(stored load: StoredLoad<IntKeyIndex>?) {
        cache = Mutex(nil)
        stored = load.map { LoadOnce($0) }
    }

    /// The index if it exists already (built, or in a store file), without building it.
    public var ifBuilt: IntKeyIndex? { stored?.value ?? cache.withLock { $0 } }

    /// Reads the stored index now, reporting damage.
    func loadStored() throws(StoreError) { _ = try stored?.get() }

    public func get(_ build: () -> IntKeyIndex) -> IntKeyIndex {
        if let stored { return stored.value }
        return cache.withLock { slot in
            if let index = slot { return index }
            let index = build()
            slot = index
            return index
        }
    }
}
