// Several time-sorted tables of one schema as one: a k-way merge by time (ties keep segment
// order, then row order), text dictionaries merged with ids remapped. Used by `compact` and,
// for now, to query a table stored in several segments.

extension Table {
    /// The rows of every segment, in time order; segments must share their columns and
    /// time column. Indexes are built later, as for any loaded table.
    public static func merging(_ segments: [Table], name: String? = nil) -> Table {
        guard let first = segments.first else { return Table(name: name ?? "", columns: [], rowCount: 0) }
        if segments.count == 1 { return first }
        let (segmentOf, rowOf) = mergeOrder(segments)
        var columns: [Column] = []
        for (c, template) in first.columns.enumerated() {
            let parts = segments.map { $0.columns[c] }
            let anyNull = parts.contains { $0.isNull != nil }
            let mask: ColumnBuffer<Bool>? = anyNull ? gather(parts.map { $0.isNull ?? ColumnBuffer(repeating: false, count: $0.count) }, segmentOf, rowOf) : nil
            let data: ColumnData
            switch template.data {
            case .bool: data = .bool(gather(parts.map { if case .bool(let v) = $0.data { v } else { [] } }, segmentOf, rowOf))
            case .int: data = .int(gather(parts.map { if case .int(let v) = $0.data { v } else { [] } }, segmentOf, rowOf))
            case .float: data = .float(gather(parts.map { if case .float(let v) = $0.data { v } else { [] } }, segmentOf, rowOf))
            case .string: data = .string(mergeStrings(parts.map { if case .string(let s) = $0.data { s } else { StringColumn([]) } }, segmentOf, rowOf))
            case .boxed:
                var out = ContiguousArray<Value>()
                for k in 0..<rowOf.count { out.append(parts[Int(segmentOf[k])].value(at: Int(rowOf[k]))) }
                data = .boxed(out)
            }
            columns.append(Column(name: template.name, type: template.type, data: data, isNull: mask))
        }
        return Table(name: name ?? first.name, columns: columns, rowCount: rowOf.count, timeColumnIndex: first.timeColumnIndex)
    }

    /// For each output row, its segment and row there. Without a time order: segment after segment.
    private static func mergeOrder(_ segments: [Table]) -> (segment: [UInt32], row: [UInt32]) {
        let total = segments.reduce(0) { $0 + $1.rowCount }
        var segmentOf: [UInt32] = [], rowOf: [UInt32] = []
        segmentOf.reserveCapacity(total)
        rowOf.reserveCapacity(total)
        guard let t = segments[0].timeColumnIndex else {
            for (s, table) in segments.enumerated() {
                for r in 0..<table.rowCount { segmentOf.append(UInt32(s)); rowOf.append(UInt32(r)) }
            }
            return (segmentOf, rowOf)
        }
        let times = segments.map { table -> ColumnBuffer<Int64> in if case .int(let v) = table.columns[t].data { v } else { [] } }
        let ends = segments.map(\.nonNullTimeCount)
        var next = [Int](repeating: 0, count: segments.count)
        // k is small (the segments of one table): a scan of the heads beats a heap.
        while true {
            var best = -1
            for s in 0..<segments.count where next[s] < ends[s] {
                if best < 0 || times[s][next[s]] < times[best][next[best]] { best = s }
            }
            if best < 0 { break }
            segmentOf.append(UInt32(best))
            rowOf.append(UInt32(next[best]))
            next[best] += 1
        }
        for (s, table) in segments.enumerated() {  // null times last, in segment order
            for r in ends[s]..<table.rowCount { segmentOf.append(UInt32(s)); rowOf.append(UInt32(r)) }
        }
        return (segmentOf, rowOf)
    }

    private static func gather<T>(_ parts: [ColumnBuffer<T>], _ segmentOf: [UInt32], _ rowOf: [UInt32]) -> ColumnBuffer<T> {
        ColumnBuffer(unsafeUninitializedCount: rowOf.count) { out in
            for k in 0..<rowOf.count { (out.baseAddress! + k).initialize(to: parts[Int(segmentOf[k])][Int(rowOf[k])]) }
        }
    }

    /// One sorted dictionary holding every segment's values, and the rows' ids in it.
    private static func mergeStrings(_ parts: [StringColumn], _ segmentOf: [UInt32], _ rowOf: [UInt32]) -> StringColumn {
        var all: [String] = []
        for p in parts { all.append(contentsOf: p.dictionary.values) }
        // Sorted, then equal Strings (canonical equivalence, as a dictionary has it) kept once.
        all.sort()
        var unique: [String] = []
        unique.reserveCapacity(all.count)
        for v in all where unique.last != v { unique.append(v) }
        let merged = StringDictionary(sortedUnique: unique)
        let remap = parts.map { p in (0..<p.dictionary.count).map { UInt32(merged.firstID(notBelow: p.dictionary[$0])) } }
        let ids = ColumnBuffer<UInt32>(unsafeUninitializedCount: rowOf.count) { out in
            for k in 0..<rowOf.count {
                let s = Int(segmentOf[k])
                let id = parts[s].ids[Int(rowOf[k])]
                out[k] = id == StringColumn.nullID ? id : remap[s][Int(id)]
            }
        }
        return StringColumn(ids: ids, dictionary: merged)
    }
}
