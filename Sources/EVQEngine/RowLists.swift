// Ascending lists of row numbers, as the indexes give them (posting lists, key and word
// index entries, geo cells): cut to a time range, merged and intersected without reading a
// row. The table is in time order, so a time range is a range of rows and a cut is two
// binary searches.

import EVQStore

enum RowLists {
    /// The rows of `lists` inside `range` (all of them when nil), ascending. Each list is
    /// ascending and no row is in two lists (the lists of distinct values or ids).
    static func ascending(_ lists: [ColumnBuffer<UInt32>], within range: Range<Int>?) -> [UInt32] {
        let cuts = lists.map { list in range.map { cut(list, to: $0) } ?? 0..<list.count }
        let total = cuts.reduce(0) { $0 + $1.count }
        var out: [UInt32] = []
        out.reserveCapacity(total)
        var upperBound = 0
        for (list, cut) in zip(lists, cuts) where !cut.isEmpty {
            out.append(contentsOf: list[cut])
            upperBound = max(upperBound, Int(list[cut.upperBound - 1]) + 1)
        }
        if cuts.count(where: { !$0.isEmpty }) > 1 { out = sortedDistinct(out, below: upperBound) }
        return out
    }

    /// The rows of the dictionary ids `ids` (ascending, within `range`) read straight from the
    /// postings' offsets and rows: a word search matches thousands of values of a text
    /// column, most with one or two rows, where a list view per value costs more than its rows.
    static func ascending(ids: [UInt32], _ postings: PostingLists, within range: Range<Int>?) -> [UInt32] {
        postings.offsets.withUnsafeBufferPointer { offsets in
            postings.rows.withUnsafeBufferPointer { all in
                var out: [UInt32] = []
                var upperBound = 0
                var lists = 0
                for id in ids {
                    var cut = Int(offsets[Int(id)])..<Int(offsets[Int(id) + 1])
                    if let range {
                        let list = UnsafeBufferPointer(rebasing: all[cut])
                        let local = RowLists.cut(list, to: range)
                        cut = cut.lowerBound + local.lowerBound..<cut.lowerBound + local.upperBound
                    }
                    guard !cut.isEmpty else { continue }
                    out.append(contentsOf: all[cut])
                    upperBound = max(upperBound, Int(all[cut.upperBound - 1]) + 1)
                    lists += 1
                }
                return lists > 1 ? sortedDistinct(out, below: upperBound) : out
            }
        }
    }

    /// The rows inside `range` (all when nil) whose dictionary id is one of `wanted` (each
    /// below `valueCount`), ascending: one pass over the column's ids against a bitmap of the
    /// wanted values, on all cores, chunks joined in row order. This is how near-unique text
    /// (notes: a value per row) is searched: it has no posting lists, and building them
    /// inside a query would cost more than this pass. Null rows (`nullID`) never match.
    static func scan(_ ids: ColumnBuffer<UInt32>, for wanted: [UInt32], valueCount: Int, within range: Range<Int>?) -> [UInt32] {
        let range = range ?? 0..<ids.count
        guard !wanted.isEmpty, !range.isEmpty else { return [] }
        var bits = [UInt64](repeating: 0, count: (valueCount + 63) / 64)
        for id in wanted { bits[Int(id >> 6)] |= 1 << UInt64(id & 63) }
        let chunks = Parallel.chunks(range.count, minimum: 1 << 16)
        let found = bits.withUnsafeBufferPointer { bits in
            ids.withUnsafeBufferPointer { all in
                Parallel.map(chunks.count) { c -> [UInt32] in
                    var out: [UInt32] = []
                    let limit = UInt32(valueCount)
                    for row in chunks[c].lowerBound + range.lowerBound..<chunks[c].upperBound + range.lowerBound {
                        let id = all[row]
                        if id < limit && bits[Int(id >> 6)] & (1 << UInt64(id & 63)) != 0 { out.append(UInt32(row)) }
                    }
                    return out
                }
            }
        }
        return found.count == 1 ? found[0] : Array(found.joined())
    }

    /// `rows` (ascending) inside `range`.
    static func clip(_ rows: [UInt32], to range: Range<Int>?) -> [UInt32] {
        guard let range else { return rows }
        return Array(rows[cut(rows, to: range)])
    }

    /// The positions of `list` (ascending) whose rows lie in `range`: two binary searches.
    static func cut<C: RandomAccessCollection>(_ list: C, to range: Range<Int>) -> Range<Int> where C.Element == UInt32, C.Index == Int {
        func firstPosition(notBelow row: Int) -> Int {
            var lo = list.startIndex, hi = list.endIndex
            while lo < hi {
                let mid = (lo + hi) / 2
                if Int(list[mid]) < row { lo = mid + 1 } else { hi = mid }
            }
            return lo
        }
        let start = firstPosition(notBelow: range.lowerBound)
        return start..<max(start, firstPosition(notBelow: range.upperBound))
    }

    /// `rows` (distinct, all below `upperBound`) in ascending order: a sort when they are few,
    /// else a bitmap over the rows, one pass over upperBound / 64 words instead of m log m
    /// comparisons.
    static func sortedDistinct(_ rows: [UInt32], below upperBound: Int) -> [UInt32] {
        if rows.count < upperBound / 256 { return rows.sorted() }
        var bits = [UInt64](repeating: 0, count: (upperBound + 63) / 64)
        bits.withUnsafeMutableBufferPointer { b in
            for r in rows { b[Int(r >> 6)] |= 1 << UInt64(r & 63) }
        }
        var out = [UInt32]()
        out.reserveCapacity(rows.count)
        for (w, word) in bits.enumerated() where word != 0 {
            var x = word
            while x != 0 {
                out.append(UInt32(w << 6 | x.trailingZeroBitCount))
                x &= x - 1
            }
        }
        return out
    }

    /// Intersection of two ascending lists. When one is much shorter, each of its rows is
    /// found in the other by galloping (exponential then binary search), so the cost follows
    /// the short list, not the long one.
    static func intersect(_ a: [UInt32], _ b: [UInt32]) -> [UInt32] {
        let (short, long) = a.count <= b.count ? (a, b) : (b, a)
        guard !short.isEmpty else { return [] }
        var out: [UInt32] = []
        out.reserveCapacity(short.count)
        if long.count / short.count < 32 {
            // Branch-free steps: on lists of similar length the comparison is a coin toss.
            short.withUnsafeBufferPointer { a in
                long.withUnsafeBufferPointer { b in
                    var i = 0, j = 0
                    while i < a.count && j < b.count {
                        let x = a[i], y = b[j]
                        if x == y { out.append(x) }
                        i &+= x <= y ? 1 : 0
                        j &+= y <= x ? 1 : 0
                    }
                }
            }
            return out
        }
        var j = 0
        for x in short {
            var step = 1, hi = j
            while hi < long.count && long[hi] < x { j = hi + 1; hi += step; step <<= 1 }
            var lo = j
            hi = min(hi, long.count)
            while lo < hi {
                let mid = (lo + hi) / 2
                if long[mid] < x { lo = mid + 1 } else { hi = mid }
            }
            j = lo
            if j == long.count { break }
            if long[j] == x { out.append(x); j += 1 }
        }
        return out
    }
}
