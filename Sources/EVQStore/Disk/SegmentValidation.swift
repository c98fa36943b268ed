// What a checksum cannot vouch for: a file whose checksums were recomputed over damaged or
// hostile bytes (a fuzzer does exactly that). Before a mapped segment is first read, every
// id, offset and row number in it must point inside what it indexes, and every flag be 0 or 1,
// so that a bad file is an error naming its section, never an out-of-bounds read or a trap.

extension Table {
    /// The first section of this segment whose contents point outside their bounds, with why.
    func structuralDamage() -> (section: String, detail: String)? {
        // The time order every time filter's binary search relies on: ascending, nulls last.
        if let t = timeColumnIndex, case .int(let times) = columns[t].data {
            let timed = nonNullTimeCount
            for r in timed..<rowCount where !columns[t].isNull(r) { return ("c\(t).nulls", "a null time comes before a time, at row \(timed)") }
            for r in 1..<max(1, timed) where times[r - 1] > times[r] { return ("c\(t).values", "time order broken at row \(r)") }
        }
        for (i, c) in columns.enumerated() where !c.isPlaceholder {
            if let mask = c.isNull, let bad = Self.firstNonFlag(mask) { return ("c\(i).nulls", "flag \(bad) is neither 0 nor 1") }
            switch c.data {
            case .bool(let v):
                if let bad = Self.firstNonFlag(v) { return ("c\(i).values", "flag \(bad) is neither 0 nor 1") }
            case .string(let s):
                let values = s.dictionary.count
                if let bad = Self.firstOffsetDamage(s.dictionary.offsets, limit: UInt64(s.dictionary.bytes.count)) { return ("c\(i).dict.offsets", bad) }
                for id in s.ids where id != StringColumn.nullID && Int(id) >= values {
                    return ("c\(i).ids", "value id \(id) is past the dictionary's \(values) values")
                }
                if let p = s.builtPostings {
                    if let bad = Self.firstOffsetDamage(p.offsets, limit: UInt32(p.rows.count)) { return ("c\(i).postings.offsets", bad) }
                    if p.offsets.count != values + 1 { return ("c\(i).postings.offsets", "\(p.offsets.count - 1) lists for \(values) values") }
                    for r in p.rows where Int(r) >= rowCount { return ("c\(i).postings.rows", "row \(r) is past the segment's \(rowCount) rows") }
                }
                if let w = s.dictionary.builtWordIndex {
                    if let bad = Self.firstOffsetDamage(w.words.offsets, limit: UInt64(w.words.bytes.count)) { return ("c\(i).words.offsets", bad) }
                    if w.idOffsets.count != w.words.count + 1 { return ("c\(i).words.idOffsets", "\(w.idOffsets.count - 1) lists for \(w.words.count) words") }
                    if let bad = Self.firstOffsetDamage(w.idOffsets, limit: UInt32(w.ids.count)) { return ("c\(i).words.idOffsets", bad) }
                    for id in w.ids where Int(id) >= values { return ("c\(i).words.ids", "value id \(id) is past the dictionary's \(values) values") }
                }
            case .int, .float, .boxed:
                break
            }
            if let k = c.builtKeyIndex {
                for r in k.rows where Int(r) >= rowCount { return ("c\(i).key.rows", "row \(r) is past the segment's \(rowCount) rows") }
            }
        }
        if let g = builtGeoIndex { return Self.gridDamage(g, rows: rowCount) }
        return nil
    }

    /// The grid cells: ascending cells (a binary search finds them), offsets inside the rows,
    /// each cell's rows ascending (a one-cell answer is used in that order) and in the segment.
    static func gridDamage(_ g: GeoIndex, rows rowCount: Int) -> (section: String, detail: String)? {
        for k in 1..<max(1, g.cells.count) where g.cells[k - 1] >= g.cells[k] { return ("geo.cells", "cell \(k) is not above the one before it") }
        if g.offsets.count != g.cells.count + 1 { return ("geo.offsets", "\(g.offsets.count - 1) lists for \(g.cells.count) cells") }
        if let bad = firstOffsetDamage(g.offsets, limit: UInt32(g.rows.count)) { return ("geo.offsets", bad) }
        for r in g.rows where Int(r) >= rowCount { return ("geo.rows", "row \(r) is past the segment's \(rowCount) rows") }
        for k in 0..<g.cells.count {
            let list = g.rows(inBucket: k)
            for j in 1..<max(1, list.count) where list[j - 1] >= list[j] { return ("geo.rows", "the rows of cell \(k) are not ascending") }
        }
        return nil
    }

    /// A Bool read from a byte other than 0 or 1 is undefined behaviour in Swift: look at the bytes.
    private static func firstNonFlag(_ flags: ColumnBuffer<Bool>) -> Int? {
        flags.withUnsafeBytes { bytes in bytes.firstIndex { $0 > 1 } }
    }

    private static func firstOffsetDamage<T: FixedWidthInteger>(_ offsets: ColumnBuffer<T>, limit: T) -> String? {
        var last: T = 0
        for (k, o) in offsets.enumerated() {
            if o < last { return "offset \(k) goes backwards" }
            if o > limit { return "offset \(k) is past the end (\(o) > \(limit))" }
            last = o
        }
        return nil
    }
}
