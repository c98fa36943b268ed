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

    /// Sorts the non-null rows by value, ties by row. Keys whose range fits 32 bits (ids,
    /// codes, counts: nearly always) are packed above their row into one word and radix
    /// sorted on the key bits only, a few linear passes; a comparison sort of 10 M rows by
    /// a value read through the row took a second. Wider ranges sort by comparison.
    public init(_ column: ColumnBuffer<Int64>, nulls: ColumnBuffer<Bool>?) {
        let (rows, values) = column.withUnsafeBufferPointer { v in
            func sorted(_ isNull: UnsafeBufferPointer<Bool>?) -> (ColumnBuffer<UInt32>, ColumnBuffer<Int64>) {
                if let radix = Self.radixSorted(v, isNull) { return radix }
                let (rows, values) = Self.comparisonSorted(v, isNull)
                return (ColumnBuffer(rows), ColumnBuffer(values))
            }
            guard let nulls else { return sorted(nil) }
            return nulls.withUnsafeBufferPointer { sorted($0) }
        }
        self.rows = rows
        self.values = values
    }

    /// The reference order: rows sorted by (value, row) with a comparison sort.
    static func comparisonSorted(_ v: UnsafeBufferPointer<Int64>, _ isNull: UnsafeBufferPointer<Bool>?) -> (ContiguousArray<UInt32>, ContiguousArray<Int64>) {
        var order = ContiguousArray<UInt32>()
        order.reserveCapacity(v.count)
        for r in 0..<v.count where isNull?[r] != true { order.append(UInt32(r)) }
        order.sort { a, b in v[Int(a)] != v[Int(b)] ? v[Int(a)] < v[Int(b)] : a < b }
        return (order, ContiguousArray(order.lazy.map { v[Int($0)] }))
    }

    /// LSD radix sort of `(value - min) << 32 | row` on the value bits, digits of at most 11
    /// bits (a histogram that stays in L1). Stable, and rows go in ascending, so ties keep
    /// their rows ascending. Nil when the values span more than 32 bits.
    static func radixSorted(_ v: UnsafeBufferPointer<Int64>, _ isNull: UnsafeBufferPointer<Bool>?) -> (ColumnBuffer<UInt32>, ColumnBuffer<Int64>)? {
        var lo = Int64.max, hi = Int64.min, n = 0
        for r in 0..<v.count where isNull?[r] != true {
            lo = min(lo, v[r])
            hi = max(hi, v[r])
            n += 1
        }
        guard n > 0 else { return (ColumnBuffer(), ColumnBuffer()) }
        let (span, overflow) = hi.subtractingReportingOverflow(lo)
        guard !overflow, span <= Int64(UInt32.max) else { return nil }
        let bits = span == 0 ? 0 : 64 - span.leadingZeroBitCount
        var keys = [UInt64](unsafeUninitializedCapacity: n) { out, count in
            var k = 0
            for r in 0..<v.count where isNull?[r] != true {
                out[k] = UInt64(v[r] &- lo) << 32 | UInt64(r)
                k += 1
            }
            count = n
        }
        var sorted = true
        for k in keys.indices.dropFirst() where keys[k] < keys[k - 1] {
            sorted = false
            break
        }
        if !sorted {
            let passes = (bits + 10) / 11
            let digitBits = (bits + passes - 1) / passes
            var spare = [UInt64](repeating: 0, count: n)
            var counts = [Int](repeating: 0, count: 1 << digitBits)
            for pass in 0..<passes {
                let shift = UInt64(32 + pass * digitBits), mask = UInt64(1 << digitBits - 1)
                keys.withUnsafeBufferPointer { from in
                    spare.withUnsafeMutableBufferPointer { to in
                        counts.withUnsafeMutableBufferPointer { counts in
                            for i in counts.indices { counts[i] = 0 }
                            for key in from { counts[Int((key >> shift) & mask)] += 1 }
                            var at = 0
                            for i in counts.indices {
                                let c = counts[i]
                                counts[i] = at
                                at += c
                            }
                            for key in from {
                                let d = Int((key >> shift) & mask)
                                to[counts[d]] = key
                                counts[d] += 1
                            }
                        }
                    }
                }
                swap(&keys, &spare)
            }
        }
        return keys.withUnsafeBufferPointer { keys in
            (ColumnBuffer(unsafeUninitializedCount: n) { out in
                for k in 0..<n { out[k] = UInt32(truncatingIfNeeded: keys[k]) }
            },
             ColumnBuffer(unsafeUninitializedCount: n) { out in
                for k in 0..<n { out[k] = Int64(bitPattern: keys[k] >> 32) &+ lo }
            })
        }
    }

    /// The rows holding `value`, ascending (a view, no copy).
    public func rows(of value: Int64) -> ColumnBuffer<UInt32> {
        // Outside the keys' range (most segments of a table, for an id): two reads, not a
        // binary search's cache misses.
        guard let least = values.first, let greatest = values.last, value >= least, value <= greatest else { return rows.view(0..<0) }
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
