// Several time-sorted tables of one schema as one: a k-way merge by time (ties keep segment
// order, then row order; rows without a time come last, in segment order), text dictionaries
// merged with ids remapped. `compact` merges whole segments; a query over a table stored in
// segments merges only the rows and columns it still needs (MergePart).

import Foundation

/// One segment's share of a merge: its table and the rows taking part, ascending (nil = all).
public struct MergePart: Sendable {
    public let table: Table
    public let rows: [UInt32]?

    public init(_ table: Table, rows: [UInt32]? = nil) {
        self.table = table
        self.rows = rows
    }

    public var count: Int { rows?.count ?? table.rowCount }

    @inline(__always) func row(_ k: Int) -> Int { rows.map { Int($0[k]) } ?? k }

    /// Positions before this one have a time; the rest have none (a segment's null times are its tail).
    var timedCount: Int {
        let timed = table.nonNullTimeCount
        guard let rows else { return timed }
        return Table.partitionPoint(rows.count) { Int(rows[$0]) < timed }
    }
}

extension Table {
    /// The rows of every segment, in time order; segments must share their columns and
    /// time column. Indexes are built later, as for any loaded table.
    public static func merging(_ segments: [Table], name: String? = nil) -> Table {
        guard let first = segments.first else { return Table(name: name ?? "", columns: [], rowCount: 0) }
        if segments.count == 1 { return first }
        return merging(segments.map { MergePart($0) }, name: name ?? first.name)
    }

    /// The rows of `parts` (at least one; one schema) in time order, at most `limit` of them.
    /// Only the columns in `columns` (nil = all) and the time column are copied; the others are
    /// placeholders that must not be read (Column+Placeholder.swift).
    /// `order`: `timeOrder(of: parts)` when the caller has it already (then `limit` is unused).
    /// `sharedTexts`: text columns whose parts' ids map into one dictionary already
    /// (SegmentedTable.sharedTexts); their ids are mapped, not their dictionaries merged.
    public static func merging(_ parts: [MergePart], name: String, columns wanted: Set<Int>? = nil, limit: Int? = nil,
                               order: (part: [UInt32], row: [UInt32])? = nil, sharedTexts: [Int: SharedTextIDs] = [:]) -> Table {
        let template = parts[0].table
        let (segmentOf, rowOf) = order ?? mergeOrder(parts, limit: limit ?? Int.max)
        var columns: [Column] = []
        for (c, column) in template.columns.enumerated() {
            if let wanted, !wanted.contains(c), c != template.timeColumnIndex, !column.isBoxed {
                columns.append(.placeholder(like: column, rows: rowOf.count))
                continue
            }
            let sources = parts.map { $0.table.columns[c] }
            let anyNull = sources.contains { $0.isNull != nil }
            let mask: ColumnBuffer<Bool>? = anyNull
                ? gather(sources.map { $0.isNull ?? ColumnBuffer(repeating: false, count: $0.count) }, segmentOf, rowOf) : nil
            let data: ColumnData
            switch column.data {
            case .bool: data = .bool(gather(sources.map { if case .bool(let v) = $0.data { v } else { [] } }, segmentOf, rowOf))
            case .int: data = .int(gather(sources.map { if case .int(let v) = $0.data { v } else { [] } }, segmentOf, rowOf))
            case .float: data = .float(gather(sources.map { if case .float(let v) = $0.data { v } else { [] } }, segmentOf, rowOf))
            case .string:
                let texts = sources.map { if case .string(let s) = $0.data { s } else { StringColumn([]) } }
                if let shared = sharedTexts[c], case let maps = parts.compactMap({ shared.ids(of: $0.table) }), maps.count == parts.count {
                    data = .string(mapStrings(texts, maps, shared.dictionary, segmentOf, rowOf))
                } else {
                    data = .string(mergeStrings(texts, segmentOf, rowOf))
                }
            case .boxed:
                var out = ContiguousArray<Value>()
                out.reserveCapacity(rowOf.count)
                for k in 0..<rowOf.count { out.append(sources[Int(segmentOf[k])].value(at: Int(rowOf[k]))) }
                data = .boxed(out)
            }
            columns.append(Column(name: column.name, type: column.type, data: data, isNull: mask))
        }
        return Table(name: name, columns: columns, rowCount: rowOf.count, timeColumnIndex: template.timeColumnIndex)
    }

    /// Where each row of `merging(parts, …)` comes from, in its order: the part and the row there.
    public static func timeOrder(of parts: [MergePart]) -> (part: [UInt32], row: [UInt32]) {
        let (segment, row) = mergeOrder(parts, limit: Int.max)
        return (segment, row)
    }

    /// For each output row, its part and row there. Without a time order: part after part.
    /// Runs are taken whole: a part's next rows go out together for as long as they come before
    /// every other part's head, so segments that do not overlap in time merge in O(k log n).
    /// A merge of all of many rows is cut into slices of time (at times of the largest part,
    /// so all rows of one time fall in one slice and ties keep their order), merged on all cores.
    private static func mergeOrder(_ parts: [MergePart], limit: Int) -> (segment: [UInt32], row: [UInt32]) {
        let all = parts.reduce(0) { $0 + $1.count }
        let total = min(limit, all)
        // Without a time column no row has a time: all go out in the untimed tail below.
        let t = parts[0].table.timeColumnIndex
        let ends = t == nil ? parts.map { _ in 0 } : parts.map(\.timedCount)
        // Each part's times in its row order, gathered first in a loop of independent loads:
        // a selection's rows are scattered over its segment, and the merge's comparisons would
        // otherwise wait on one cache miss at a time (a distinct's representatives: 80% of it).
        let times = parts.indices.map { s -> ContiguousArray<Int64> in
            guard let t, case .int(let v) = parts[s].table.columns[t].data else { return [] }
            guard let rows = parts[s].rows else { return ContiguousArray(v.prefix(ends[s])) }
            return ContiguousArray(unsafeUninitializedCapacity: ends[s]) { out, initialized in
                v.withUnsafeBufferPointer { v in
                    rows.withUnsafeBufferPointer { rows in for k in 0..<ends[s] { out[k] = v[Int(rows[k])] } }
                }
                initialized = ends[s]
            }
        }
        // cuts[j][s]: where slice j begins in part s (the last: the part's timed end).
        var cuts = [[Int](repeating: 0, count: parts.count), ends]
        let timed = ends.reduce(0, +)
        if total == all, timed >= 1 << 17, Parallel.threads > 1, let big = ends.indices.max(by: { ends[$0] < ends[$1] }) {
            let slices = 2 * Parallel.threads
            let splits = (1..<slices).map { times[big][ends[big] * $0 / slices] }
            cuts = [cuts[0]] + splits.map { split in
                parts.indices.map { s in partitionPoint(ends[s]) { times[s][$0] < split } }
            } + [ends]
        }
        var starts = [0]
        for j in 0..<(cuts.count - 1) { starts.append(starts[j] + parts.indices.reduce(0) { $0 + cuts[j + 1][$1] - cuts[j][$1] }) }
        var written = 0
        var rowOf: [UInt32] = []
        let segmentOf = [UInt32](unsafeUninitializedCapacity: total) { segmentOf, count in
            rowOf = [UInt32](unsafeUninitializedCapacity: total) { rowOf, count in
                let out = UncheckedSendable((segmentOf, rowOf))
                let slices = Parallel.map(cuts.count - 1) { j in
                    mergeTimed(parts, times, from: cuts[j], to: cuts[j + 1], into: out.value.0, out.value.1,
                               at: starts[j], end: min(total, starts[j + 1]))
                }
                written = slices.last ?? 0
                // Rows without a time last (every row, without a time column), part after part.
                for s in parts.indices {
                    for k in ends[s]..<parts[s].count where written < total {
                        segmentOf[written] = UInt32(s)
                        rowOf[written] = UInt32(parts[s].row(k))
                        written += 1
                    }
                }
                count = written
            }
            count = written
        }
        return (segmentOf, rowOf)
    }

    /// The first of `0 ..< count` for which `isBefore` is false (it must be true, then false).
    fileprivate static func partitionPoint(_ count: Int, _ isBefore: (Int) -> Bool) -> Int {
        var lo = 0, hi = count
        while lo < hi {
            let mid = (lo + hi) / 2
            if isBefore(mid) { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// Merges rows `from[s] ..< to[s]` of each part (rows with a time, in time order), ties to
    /// the lower part, into `segmentOf` and `rowOf` from position `at`, stopping at `end`;
    /// returns the position after the last row written.
    private static func mergeTimed(
        _ parts: [MergePart], _ times: [ContiguousArray<Int64>], from: [Int], to ends: [Int],
        into segmentOf: UnsafeMutableBufferPointer<UInt32>, _ rowOf: UnsafeMutableBufferPointer<UInt32>, at: Int, end: Int
    ) -> Int {
        var position = at
        func take(_ s: Int, _ range: Range<Int>) {
            for k in range.lowerBound..<min(range.upperBound, range.lowerBound + (end - position)) {
                segmentOf[position] = UInt32(s)
                rowOf[position] = UInt32(parts[s].row(k))
                position += 1
            }
        }
        var next = from
        @inline(__always) func time(_ s: Int, _ k: Int) -> Int64 { times[s][k] }
        // Each part's head time, kept up to date (nil once the part is done): one pass over
        // them finds the leader and the first other head. k is small (the segments of one
        // table): a scan of the heads beats a heap.
        var heads: [Int64?] = parts.indices.map { next[$0] < ends[$0] ? time($0, next[$0]) : nil }
        while position < end {
            // The leader and the first other head, ties going to the lower part: `best` leads
            // while it is earlier, or as early and lower.
            var best = -1, bound = -1
            for s in parts.indices {
                guard let h = heads[s] else { continue }
                if best < 0 || h < heads[best]! {
                    bound = best
                    best = s
                } else if bound < 0 || h < heads[bound]! {
                    bound = s
                }
            }
            if best < 0 { break }
            var runEnd = ends[best]
            if bound >= 0 {
                let limitTime = heads[bound]!
                let takesTies = best < bound
                @inline(__always) func leads(_ k: Int) -> Bool {
                    let v = time(best, k)
                    return v < limitTime || (takesTies && v == limitTime)
                }
                // Galloping from the head (known to lead): parts that interleave in time give
                // short runs, found in a step or two; long runs in a few doublings.
                var lo = next[best] + 1, step = 1
                while lo < ends[best], leads(lo) {
                    lo += step
                    step *= 2
                }
                var hi = min(lo, ends[best])
                lo = max(next[best] + 1, lo - step / 2)
                while lo < hi {
                    let mid = (lo + hi) / 2
                    if leads(mid) { lo = mid + 1 } else { hi = mid }
                }
                runEnd = lo
            }
            take(best, next[best]..<runEnd)
            next[best] = runEnd
            heads[best] = runEnd < ends[best] ? time(best, runEnd) : nil
        }
        return position
    }

    /// Each merged row's value from its source, read through the sources' base pointers: no
    /// buffer struct (and its owner's reference) copied per row.
    /// On all cores, each a contiguous run of the merged rows.
    private static func gather<T>(_ sources: [ColumnBuffer<T>], _ segmentOf: [UInt32], _ rowOf: [UInt32]) -> ColumnBuffer<T> {
        withBases(sources) { bases in
            ColumnBuffer(unsafeUninitializedCount: rowOf.count) { out in
                let shared = UncheckedSendable((out, bases.map { UncheckedSendable($0) }))
                eachRun(of: rowOf.count) { run in
                    let (out, bases) = shared.value
                    for k in run { (out.baseAddress! + k).initialize(to: bases[Int(segmentOf[k])].value.unsafelyUnwrapped[Int(rowOf[k])]) }
                }
            }
        }
    }

    /// `body` for runs of `0 ..< count` on all cores (one run for few rows).
    private static func eachRun(of count: Int, _ body: (Range<Int>) -> Void) {
        let runs = Parallel.chunks(count, minimum: 1 << 16)
        _ = Parallel.map(runs.count) { body(runs[$0]) }
    }

    /// `body` with the buffers' base pointers (nil for an empty one), valid while it runs.
    private static func withBases<T, R>(_ buffers: [ColumnBuffer<T>], _ body: ([UnsafePointer<T>?]) -> R) -> R {
        withExtendedLifetime(buffers) { body(buffers.map { $0.withUnsafeBufferPointer { $0.baseAddress } }) }
    }

    /// Where each source's dictionary starts in one table of them all, and the total at the end.
    private static func dictionaryOffsets(_ sources: [StringColumn]) -> [Int] {
        var offsets = [0]
        for source in sources { offsets.append(offsets.last! + source.dictionary.count) }
        return offsets
    }

    /// The merged rows' ids through each source's map into `dictionary`, on all cores.
    private static func mapStrings(_ sources: [StringColumn], _ maps: [ColumnBuffer<UInt32>], _ dictionary: StringDictionary,
                                   _ segmentOf: [UInt32], _ rowOf: [UInt32]) -> StringColumn {
        let ids = withBases(sources.map(\.ids)) { bases in
            withBases(maps) { mapBases in
                ColumnBuffer<UInt32>(unsafeUninitializedCount: rowOf.count) { out in
                    let shared = UncheckedSendable((out, bases.map { UncheckedSendable($0) }, mapBases.map { UncheckedSendable($0) }))
                    eachRun(of: rowOf.count) { run in
                        let (out, bases, mapBases) = shared.value
                        for k in run {
                            let s = Int(segmentOf[k])
                            let id = bases[s].value.unsafelyUnwrapped[Int(rowOf[k])]
                            out[k] = id == StringColumn.nullID ? id : mapBases[s].value.unsafelyUnwrapped[Int(id)]
                        }
                    }
                }
            }
        }
        return StringColumn(ids: ids, dictionary: dictionary)
    }

    /// One sorted dictionary of the values the merged rows use, and the rows' ids in it. Only
    /// used values are looked at, so a merge of a few rows costs a few values, not whole dictionaries.
    private static func mergeStrings(_ sources: [StringColumn], _ segmentOf: [UInt32], _ rowOf: [UInt32]) -> StringColumn {
        // Few rows next to the dictionaries: look at their ids only, and remap through hash maps.
        let sparse = rowOf.count * 16 < sources.reduce(0) { $0 + $1.dictionary.count }
        let usedIDs = usedValues(sources, segmentOf, rowOf, sparse: sparse)
        let (merged, newIDs) = union(sources.map(\.dictionary), usedIDs)
        // Old id → new id: one flat table (each source's at its offset) for a big merge, a hash
        // map per source for a few rows.
        let offsets = sparse ? [] : dictionaryOffsets(sources)
        var dense = [UInt32](repeating: StringColumn.nullID, count: sparse ? 0 : offsets.last!)
        if !sparse {
            for s in sources.indices { for (old, new) in zip(usedIDs[s], newIDs[s]) { dense[offsets[s] + Int(old)] = new } }
        }
        let maps: [[UInt32: UInt32]] = sparse ? sources.indices.map { Dictionary(uniqueKeysWithValues: zip(usedIDs[$0], newIDs[$0])) } : []
        let ids = withBases(sources.map(\.ids)) { bases in
            ColumnBuffer<UInt32>(unsafeUninitializedCount: rowOf.count) { out in
                dense.withUnsafeBufferPointer { dense in
                    let shared = UncheckedSendable((out, dense, bases.map { UncheckedSendable($0) }))
                    eachRun(of: rowOf.count) { run in
                        let (out, dense, bases) = shared.value
                        for k in run {
                            let s = Int(segmentOf[k])
                            let id = bases[s].value.unsafelyUnwrapped[Int(rowOf[k])]
                            out[k] = id == StringColumn.nullID ? id : (sparse ? maps[s][id]! : dense[offsets[s] + Int(id)])
                        }
                    }
                }
            }
        }
        return StringColumn(ids: ids, dictionary: merged)
    }

    /// The values `used` names (per dictionary, ascending ids) as one dictionary in String
    /// order, equal values once, and the id in it of each used value. A merge of the lists
    /// (each dictionary is in String order already) through a heap of the dictionaries by
    /// their next value: about 2 log k comparisons a value, where sorting all of them as
    /// Strings took a fifth of a small distinct over ten segments. Two ASCII values compare by
    /// their bytes (String order for them), any other pair as Strings, so canonically
    /// equivalent values are one, as in a dictionary; the first dictionary's bytes stand for it.
    static func union(_ dictionaries: [StringDictionary], _ used: [[UInt32]]) -> (StringDictionary, [[UInt32]]) {
        // Every used value once: where its bytes are, how many, whether all ASCII, and its
        // first eight bytes big-endian (most comparisons end there), flat, dictionary by dictionary.
        var first = [0]
        for ids in used { first.append(first.last! + ids.count) }
        let n = first.last!
        // Constants once filled: a nested function that captures a `var` reaches it through a
        // box with an exclusivity check per access (a quarter of a small distinct over ten
        // segments went to those checks).
        let (start, length, key, ascii) = { () -> ([UnsafePointer<UInt8>?], [Int], [UInt64], [Bool]) in
            var start = [UnsafePointer<UInt8>?](repeating: nil, count: n)
            var length = [Int](repeating: 0, count: n), key = [UInt64](repeating: 0, count: n), ascii = [Bool](repeating: true, count: n)
            for (d, ids) in used.enumerated() {
                for (j, id) in ids.enumerated() {
                    let v = dictionaries[d].utf8(Int(id)), e = first[d] + j
                    start[e] = v.baseAddress
                    length[e] = v.count
                    ascii[e] = TableAssembly.isASCII(v)
                    var k: UInt64 = 0
                    for i in 0..<min(8, v.count) { k |= UInt64(v[i]) << (56 - 8 * UInt64(i)) }
                    key[e] = k
                }
            }
            return (start, length, key, ascii)
        }()
        func compare(_ a: Int, _ b: Int) -> Int {
            if ascii[a] && ascii[b] {
                if key[a] != key[b] { return key[a] < key[b] ? -1 : 1 }
                let m = min(length[a], length[b])
                if m > 8 {
                    let c = memcmp(start[a]! + 8, start[b]! + 8, m - 8)
                    if c != 0 { return c < 0 ? -1 : 1 }
                }
                return length[a] == length[b] ? 0 : (length[a] < length[b] ? -1 : 1)
            }
            let x = String(decoding: UnsafeBufferPointer(start: start[a], count: length[a]), as: UTF8.self)
            let y = String(decoding: UnsafeBufferPointer(start: start[b], count: length[b]), as: UTF8.self)
            return x < y ? -1 : (x == y ? 0 : 1)
        }
        // A heap of the dictionaries by their next value; ties by dictionary, so that equal
        // values come out lowest dictionary first.
        var next = first.dropLast().map { $0 }
        var heap = used.indices.filter { !used[$0].isEmpty }
        func siftDown(_ heap: inout [Int], _ next: [Int], _ from: Int) {
            func before(_ a: Int, _ b: Int) -> Bool {
                let c = compare(next[a], next[b])
                return c < 0 || (c == 0 && a < b)
            }
            var i = from
            while true {
                let l = 2 * i + 1, r = l + 1
                var m = i
                if l < heap.count && before(heap[l], heap[m]) { m = l }
                if r < heap.count && before(heap[r], heap[m]) { m = r }
                if m == i { return }
                heap.swapAt(i, m)
                i = m
            }
        }
        for i in stride(from: heap.count / 2 - 1, through: 0, by: -1) { siftDown(&heap, next, i) }
        var newID = [UInt32](repeating: 0, count: n)
        var kept: [Int] = []
        var bytes = 0
        while let d = heap.first {
            let e = next[d]
            if kept.last.map({ compare($0, e) != 0 }) ?? true {
                kept.append(e)
                bytes += length[e]
            }
            newID[e] = UInt32(kept.count - 1)
            next[d] = e + 1
            if e + 1 == first[d + 1] {
                heap[0] = heap[heap.count - 1]
                heap.removeLast()
            }
            siftDown(&heap, next, 0)
        }
        var at = 0
        let blob = ColumnBuffer<UInt8>(unsafeUninitializedCount: bytes) { out in
            for e in kept {
                if let base = start[e], length[e] > 0 { (out.baseAddress! + at).initialize(from: base, count: length[e]) }
                at += length[e]
            }
        }
        var end: UInt64 = 0
        let offsets = ColumnBuffer<UInt64>(unsafeUninitializedCount: kept.count + 1) { out in
            out[0] = 0
            for (i, e) in kept.enumerated() {
                end += UInt64(length[e])
                out[i + 1] = end
            }
        }
        let newIDs = used.indices.map { d in Array(newID[first[d]..<first[d + 1]]) }
        return withExtendedLifetime(dictionaries) { (StringDictionary(offsets: offsets, bytes: blob), newIDs) }
    }

    /// Per source, the dictionary ids the merged rows use, ascending: by a mark per value when
    /// the rows are many, by sorting the rows' ids when they are few next to the dictionaries.
    private static func usedValues(_ sources: [StringColumn], _ segmentOf: [UInt32], _ rowOf: [UInt32], sparse: Bool) -> [[UInt32]] {
        if sparse {
            var ids = sources.map { _ in [UInt32]() }
            for k in 0..<rowOf.count {
                let id = sources[Int(segmentOf[k])].ids[Int(rowOf[k])]
                if id != StringColumn.nullID { ids[Int(segmentOf[k])].append(id) }
            }
            return ids.map { Array(Set($0)).sorted() }
        }
        // One flat mark array (each source's dictionary at its offset) and the sources' id
        // buffers as plain pointers: no class reference or nested array touched per row.
        // Each core marks its run of rows in its own array; the marks are then combined.
        let offsets = dictionaryOffsets(sources)
        let runs = Parallel.chunks(rowOf.count, minimum: 1 << 16)
        let marks = withBases(sources.map(\.ids)) { bases in
            let shared = UncheckedSendable(bases.map { UncheckedSendable($0) })
            return Parallel.map(runs.count) { r in
                var used = [Bool](repeating: false, count: offsets.last!)
                used.withUnsafeMutableBufferPointer { used in
                    let bases = shared.value
                    for k in runs[r] {
                        let s = Int(segmentOf[k])
                        let id = bases[s].value.unsafelyUnwrapped[Int(rowOf[k])]
                        if id != StringColumn.nullID { used[offsets[s] + Int(id)] = true }
                    }
                }
                return used
            }
        }
        return sources.indices.map { s in
            (0..<sources[s].dictionary.count).compactMap { id in marks.contains { $0[offsets[s] + id] } ? UInt32(id) : nil }
        }
    }
}
