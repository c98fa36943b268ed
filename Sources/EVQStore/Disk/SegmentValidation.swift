// What a checksum cannot vouch for: a file whose checksums were recomputed over damaged or
// hostile bytes (a fuzzer does exactly that). Before a mapped segment is first read, every
// id, offset and row number in it must point inside what it indexes, and every flag be 0 or 1,
// so that a bad file is an error naming its section, never an out-of-bounds read or a trap.
// These passes run before a session's first statement over the segment, so they are written
// as branch-free reductions over raw memory (which the compiler vectorizes), one column per
// core; only a block found bad is read again to say where.

extension Table {
    /// The first section of this segment whose contents point outside their bounds, with why:
    /// of columns `indexes` (nil: every column) and, with `grid`, of the grid cells.
    func structuralDamage(columns indexes: Set<Int>? = nil, grid: Bool = true) -> (section: String, detail: String)? {
        let wanted = indexes.map { $0.sorted().filter(columns.indices.contains) } ?? Array(columns.indices)
        let found = Parallel.map(wanted.count) { k in columnDamage(wanted[k]) }
        if let first = found.lazy.compactMap({ $0 }).first { return first }
        if grid, let g = builtGeoIndex { return Self.gridDamage(g, rows: rowCount) }
        return nil
    }

    /// The damage of column `i`'s sections, in the order of the checks.
    private func columnDamage(_ i: Int) -> (section: String, detail: String)? {
        let c = columns[i]
        if c.isPlaceholder { return nil }
        // The time order every time filter's binary search relies on: ascending, nulls last.
        if i == timeColumnIndex, case .int(let times) = c.data {
            if let mask = c.isNull {
                if let bad = Self.firstNonFlag(mask) { return ("c\(i).nulls", "flag \(bad) is neither 0 nor 1") }
                let timed = nonNullTimeCount
                if mask.view(timed..<rowCount).contains(false) { return ("c\(i).nulls", "a null time comes before a time, at row \(timed)") }
                if let r = Self.firstDescent(times.view(0..<timed)) { return ("c\(i).values", "time order broken at row \(r)") }
            } else if let r = Self.firstDescent(times) {
                return ("c\(i).values", "time order broken at row \(r)")
            }
        }
        if let mask = c.isNull, let bad = Self.firstNonFlag(mask) { return ("c\(i).nulls", "flag \(bad) is neither 0 nor 1") }
        switch c.data {
        case .bool(let v):
            if let bad = Self.firstNonFlag(v) { return ("c\(i).values", "flag \(bad) is neither 0 nor 1") }
        case .string(let s):
            let values = s.dictionary.count
            if let bad = Self.firstOffsetDamage(s.dictionary.offsets, limit: UInt64(s.dictionary.bytes.count)) { return ("c\(i).dict.offsets", bad) }
            if let k = Self.firstAtOrAbove(s.ids, UInt32(values), exceptMax: true) {
                return ("c\(i).ids", "value id \(s.ids[k]) is past the dictionary's \(values) values")
            }
            if let p = s.builtPostings {
                if let bad = Self.firstOffsetDamage(p.offsets, limit: UInt32(p.rows.count)) { return ("c\(i).postings.offsets", bad) }
                if p.offsets.count != values + 1 { return ("c\(i).postings.offsets", "\(p.offsets.count - 1) lists for \(values) values") }
                if let k = Self.firstAtOrAbove(p.rows, UInt32(rowCount), exceptMax: false) {
                    return ("c\(i).postings.rows", "row \(p.rows[k]) is past the segment's \(rowCount) rows")
                }
            }
            if let w = s.dictionary.builtWordIndex {
                if let bad = Self.firstOffsetDamage(w.words.offsets, limit: UInt64(w.words.bytes.count)) { return ("c\(i).words.offsets", bad) }
                if w.idOffsets.count != w.words.count + 1 { return ("c\(i).words.idOffsets", "\(w.idOffsets.count - 1) lists for \(w.words.count) words") }
                if let bad = Self.firstOffsetDamage(w.idOffsets, limit: UInt32(w.ids.count)) { return ("c\(i).words.idOffsets", bad) }
                if let k = Self.firstAtOrAbove(w.ids, UInt32(values), exceptMax: false) {
                    return ("c\(i).words.ids", "value id \(w.ids[k]) is past the dictionary's \(values) values")
                }
            }
        case .int, .float, .boxed:
            break
        }
        if let k = c.builtKeyIndex, let bad = Self.firstAtOrAbove(k.rows, UInt32(rowCount), exceptMax: false) {
            return ("c\(i).key.rows", "row \(k.rows[bad]) is past the segment's \(rowCount) rows")
        }
        return nil
    }

    /// The grid cells: ascending cells (a binary search finds them), offsets inside the rows,
    /// each cell's rows ascending (a one-cell answer is used in that order) and in the segment.
    static func gridDamage(_ g: GeoIndex, rows rowCount: Int) -> (section: String, detail: String)? {
        if let k = firstDescent(g.cells, strictly: true) { return ("geo.cells", "cell \(k) is not above the one before it") }
        if g.offsets.count != g.cells.count + 1 { return ("geo.offsets", "\(g.offsets.count - 1) lists for \(g.cells.count) cells") }
        if let bad = firstOffsetDamage(g.offsets, limit: UInt32(g.rows.count)) { return ("geo.offsets", bad) }
        if let k = firstAtOrAbove(g.rows, UInt32(rowCount), exceptMax: false) { return ("geo.rows", "row \(g.rows[k]) is past the segment's \(rowCount) rows") }
        for k in 0..<g.cells.count where firstDescent(g.rows(inBucket: k), strictly: true) != nil {
            return ("geo.rows", "the rows of cell \(k) are not ascending")
        }
        return nil
    }

    /// Elements looked at per block before a bad one is searched for.
    private static let block = 8192

    /// The first element at or above `limit`; with `exceptMax`, the element `T.max` (a null
    /// id) is allowed. Per block, a max reduction (`x &+ 1` turns `T.max` into 0).
    static func firstAtOrAbove<T: FixedWidthInteger & UnsignedInteger>(_ buffer: ColumnBuffer<T>, _ limit: T, exceptMax: Bool) -> Int? {
        buffer.withUnsafeBufferPointer { p -> Int? in
            var start = 0
            while start < p.count {
                let end = Swift.min(p.count, start + block)
                var top: T = 0
                if exceptMax {
                    for k in start..<end { top = Swift.max(top, p[k] &+ 1) }
                    if top > limit { return (start..<end).first { p[$0] != T.max && p[$0] >= limit } }
                } else {
                    for k in start..<end { top = Swift.max(top, p[k]) }
                    if top >= limit { return (start..<end).first { p[$0] >= limit } }
                }
                start = end
            }
            return nil
        }
    }

    /// The first index whose element is below the one before it (not above it, `strictly`).
    static func firstDescent<T: FixedWidthInteger>(_ buffer: ColumnBuffer<T>, strictly: Bool = false) -> Int? {
        buffer.withUnsafeBufferPointer { p -> Int? in
            var start = 1
            while start < p.count {
                let end = Swift.min(p.count, start + block)
                var bad: UInt8 = 0
                if strictly {
                    for k in start..<end { bad |= p[k] <= p[k - 1] ? 1 : 0 }
                } else {
                    for k in start..<end { bad |= p[k] < p[k - 1] ? 1 : 0 }
                }
                if bad != 0 { return (start..<end).first { strictly ? p[$0] <= p[$0 - 1] : p[$0] < p[$0 - 1] } }
                start = end
            }
            return nil
        }
    }

    /// A Bool read from a byte other than 0 or 1 is undefined behaviour in Swift: look at the bytes.
    private static func firstNonFlag(_ flags: ColumnBuffer<Bool>) -> Int? {
        flags.withUnsafeBytes { raw -> Int? in
            var start = 0
            while start < raw.count {
                let end = Swift.min(raw.count, start + block)
                var top: UInt8 = 0
                for k in start..<end { top = Swift.max(top, raw[k]) }
                if top > 1 { return (start..<end).first { raw[$0] > 1 } }
                start = end
            }
            return nil
        }
    }

    /// Offsets must not go backwards nor past `limit`; the first offset that does either.
    private static func firstOffsetDamage<T: FixedWidthInteger & UnsignedInteger>(_ offsets: ColumnBuffer<T>, limit: T) -> String? {
        let backwards = firstDescent(offsets)
        let past = limit == T.max ? nil : firstAtOrAbove(offsets, limit + 1, exceptMax: false)
        if let k = past, k < backwards ?? Int.max { return "offset \(k) is past the end (\(offsets[k]) > \(limit))" }
        if let k = backwards { return "offset \(k) goes backwards" }
        return nil
    }
}
