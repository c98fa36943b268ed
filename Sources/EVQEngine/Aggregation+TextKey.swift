// `summarize … by` text columns whose aggregates only add up (count, count(x), countif,
// integer sum): rows fold straight into slots, on every core, without a group id per row.
// A slot is a key's dictionary id, or several keys' ids in mixed radix (a code). Three
// layouts, by how many codes there are, and next to the rows:
// - dense (up to 64 K codes, in cache): each core folds its chunk of rows into a slot per
//   code, and the chunks are added;
// - partitioned (actor1 × actor2: 4 M codes for 190 K pairs seen): each core cuts its chunk's
//   codes by their top bits, then each core folds whole partitions on dense slots that fit
//   its cache, reading the chunks' parts in position order: no random probe per row;
// - hashed (notes × actor1: far more codes than rows): each core numbers the codes it meets
//   through a hash table, and the chunks are merged in order.
// Groups come out in order of first appearance, and the values are those of the general
// path (the same `State` results), so the answer depends on neither the layout nor the cores.
// Under `top n by` an aggregate, only the n groups the top keeps are ordered and built.

import EVQStore

extension Aggregation {
    /// One aggregate's fold on slots.
    fileprivate enum SlotFold {
        case count
        /// count(x) and countif: rows for which the test holds.
        case countWhere(RowPredicate)
        case sum(ColumnBuffer<Int64>, ColumnBuffer<Bool>?)
    }

    /// Nil when a key or an aggregate is not of that kind, or when the keys' product of
    /// dictionary sizes does not fit a code.
    func byTextKey(_ r: Relation, keys: [(name: String, expr: TypedExpr)], aggregates: [AggregateCall],
                   outputs: [(name: String, expr: TypedExpr)], keep: GroupLimit?) throws(EngineError) -> Relation? {
        guard let code = SlotCode(keys, r.table) else { return nil }
        var folds: [SlotFold] = []
        for a in aggregates {
            guard let fold = slotFold(a, r.table) else { return nil }
            folds.append(fold)
        }
        let source = FoldSource(parts: [.init(rows: r.rows, code: code, folds: folds, ranks: nil, start: 0, count: r.count)],
                                slots: code.slots, byTime: false)
        guard let (merged, _) = try fold(source, keys, aggregates, keep: keep) else { return nil }
        let firstRows = merged.firstPositions.map { p in r.rows.map { $0[p] } ?? UInt32(p) }
        return assemble(r.table, firstRows: firstRows, groupCount: merged.groups, keys: keys,
                        keyEvals: keys.map { ExpressionEvaluator.compile($0.expr, r.table, nil) },
                        aggregateValues: Self.values(merged, folds, aggregates), outputs: outputs)
    }

    /// The same over the parts of a table stored in segments (each segment's rows that reach
    /// the stage, in segment order), folded together with no merge of their rows: keys read
    /// through the table's shared text ids, so a code means one text in every part; a group
    /// first appears at its earliest row by time (then part, then row: the merged table's
    /// order). Nil where the single-table path would be nil, when a key has no shared ids,
    /// when the codes are few (SegmentGroups is faster) or many next to the rows (the hashed
    /// layout numbers groups in order of sight, which across parts is not time order): only
    /// the partitioned layout folds parts.
    func byTextKey(overParts parts: [Relation], of table: SegmentedTable, keys: [(name: String, expr: TypedExpr)], aggregates: [AggregateCall],
                   outputs: [(name: String, expr: TypedExpr)], keep: GroupLimit?) throws(EngineError) -> Relation? {
        guard let (merged, folds, representatives) = try foldOverParts(parts, of: table, keys: keys, aggregates: aggregates, keep: keep) else {
            return nil
        }
        return assemble(representatives, firstRows: (0..<merged.groups).map(UInt32.init), groupCount: merged.groups, keys: keys,
                        keyEvals: keys.map { ExpressionEvaluator.compile($0.expr, representatives, nil) },
                        aggregateValues: Self.values(merged, folds, aggregates), outputs: outputs)
    }

    /// `distinct` of text columns over the parts of a table stored in segments, as the
    /// summarize above with no aggregates: the first row of each group, in time order.
    func distinctByTextKey(overParts parts: [Relation], of table: SegmentedTable, items: [(name: String, expr: TypedExpr)]) throws(EngineError) -> Relation? {
        guard let (merged, _, representatives) = try foldOverParts(parts, of: table, keys: items, aggregates: [], keep: nil) else { return nil }
        return Relation(table: representatives, rows: nil, inTimeOrder: false)
    }

    /// The groups and totals of `byTextKey(overParts:)`, and a table of each group's first row
    /// (the key columns), in group order.
    private func foldOverParts(_ parts: [Relation], of table: SegmentedTable, keys: [(name: String, expr: TypedExpr)], aggregates: [AggregateCall],
                               keep: GroupLimit?) throws(EngineError) -> (GroupTotals, [SlotFold], Table)? {
        guard parts.count > 1, !keys.isEmpty, keys.count <= 4 else { return nil }
        var shared: [SharedTextIDs] = []
        for key in keys {
            guard let c = key.expr.columnIndex, case .string = table.schemaTable.columns[c].data,
                  let ids = table.sharedTextIDs(ofColumn: c, limit: table.sharedTextLimit) else { return nil }
            shared.append(ids)
        }
        // Few codes (dense slots) are left to SegmentGroups, which numbers rows by code with no
        // time rank to look up per slot and chunk (Q5 at 10 M: 1.2 ms against 3 ms).
        let slots = shared.reduce(1) { $0.multipliedReportingOverflow(by: $1.count + 1).partialValue }
        let rows = parts.reduce(0) { $0 + $1.count }
        guard slots > Self.denseSlotLimit, slots <= 8 * rows, slots <= Int(UInt32.max) else { return nil }
        var sourceParts: [FoldSource<SharedSlotCode>.Part] = []
        var start = 0
        let timeRanks = table.timeRanks
        if table.schemaTable.timeColumnIndex != nil, timeRanks == nil { return nil }
        for r in parts {
            guard let code = SharedSlotCode(keys, shared, r.table) else { return nil }
            var folds: [SlotFold] = []
            for a in aggregates {
                guard let fold = slotFold(a, r.table) else { return nil }
                folds.append(fold)
            }
            // Without a time column every row is untimed: positions (part, then row) decide.
            var ranks: (starts: [Int], ranks: [UInt32], timed: Int) = ([], [], 0)
            if let timeRanks {
                guard let k = table.segments.firstIndex(where: { $0 === r.table }) else { return nil }
                ranks = (timeRanks.runStarts[k], timeRanks.runRanks[k], timeRanks.timed[k])
            }
            sourceParts.append(.init(rows: r.rows, code: code, folds: folds, ranks: ranks, start: start, count: r.count))
            start += r.count
        }
        let source = FoldSource(parts: sourceParts, slots: slots, byTime: true)
        guard let (merged, folds) = try fold(source, keys, aggregates, keep: keep) else { return nil }
        // One row per group, in group order (time order): the key columns only.
        var partOf: [UInt32] = [], rowOf: [UInt32] = []
        for p in merged.firstPositions {
            let k = source.part(of: p)
            partOf.append(UInt32(k))
            rowOf.append(UInt32(source.parts[k].row(p)))
        }
        let columns = Executor.columns(read: keys.map(\.expr))
        let representatives = Table.merging(parts.map { MergePart($0.table) }, name: table.name, columns: columns, order: (partOf, rowOf),
                                            sharedTexts: table.sharedTexts(columns, rows: partOf.count))
        return (merged, folds, representatives)
    }

    /// The groups of `source` and their totals, in order of first appearance (only those a
    /// `keep` keeps, then); and the first part's folds. Nil when the layout cannot order them.
    private func fold<Code: SlotCoding>(_ source: FoldSource<Code>, _ keys: [(name: String, expr: TypedExpr)], _ aggregates: [AggregateCall],
                                        keep: GroupLimit?) throws(EngineError) -> (GroupTotals, [SlotFold])? {
        let folds = source.parts[0].folds
        let stage = MemoryStage("summarize", anchor: keys[0].expr.span)
        let perSlot = 8 * (1 + 3 * folds.count + (source.byTime ? 1 : 0))  // first position (and its time rank), count and Int128 sum
        var merged: GroupTotals
        var inOrder = false
        var grew = "states"
        // Per group: the hashed layout's table entry (16 bytes, under half full), code and first
        // position besides its slots.
        var perGroup = perSlot
        if source.slots <= Self.denseSlotLimit {
            context.memory.charge(source.slots * perSlot * Parallel.threads, stage, grew: "slots of \(MemoryBudget.describe(count: source.slots)) key values")
            merged = try dense(source)
        } else if source.slots <= 8 * source.count, source.slots <= Int(UInt32.max) {
            context.memory.charge(source.count * 8 + (1 << Self.partitionSlotBits) * perSlot * Parallel.threads, stage,
                                  grew: "partitions of \(MemoryBudget.describe(count: source.count)) rows")
            merged = try partitioned(source)
        } else {
            guard !source.byTime else { return nil }
            merged = try hashed(source)
            inOrder = true
            grew = "hash table"
            perGroup += 48
        }
        context.memory.charge(merged.groups * perGroup, stage, grew: "\(grew) of \(MemoryBudget.describe(count: merged.groups)) groups")
        if context.isCancelled() { throw .cancelled }
        if let keep, keep.count < merged.groups {
            merged = merged.kept(by: keep, folds)
        } else if !inOrder {
            merged = merged.inFirstAppearanceOrder(positions: source.count)
        }
        return (merged, folds)
    }

    /// Each aggregate's value per group, as the general path gives it (the same `State` results).
    private static func values(_ merged: GroupTotals, _ folds: [SlotFold], _ aggregates: [AggregateCall]) -> [[Value]] {
        var aggregateValues: [[Value]] = []
        for (k, a) in aggregates.enumerated() {
            let counts = merged.counts[k], sums = merged.sums[k]
            if case .sum = folds[k] {
                aggregateValues.append((0..<merged.groups).map { g in result(.sumInt(sums[g], seen: counts[g] > 0), a) })
            } else {
                aggregateValues.append(counts.map { result(.count($0), a) })
            }
        }
        return aggregateValues
    }

    // MARK: dense

    /// Each core folds its chunk into a slot per code; the chunks' slots are added. The groups
    /// are in slot order.
    private func dense<Code: SlotCoding>(_ source: FoldSource<Code>) throws(EngineError) -> GroupTotals {
        precondition(!source.byTime, "parts are folded on partitions only")
        let cancelled = context.isCancelled, part = source.parts[0], code = part.code
        let chunks = try ChunkedWork.run(source.chunks()) { (range: Range<Int>) throws(EngineError) -> Slots in
            let out = Slots(count: source.slots, folds: part.folds, byTime: false)
            let batch = Batch()
            // Locals, not the classes' properties: the loop keeps them in registers.
            let rowOf = batch.row, slotOf = batch.slot, first = out.first
            var start = range.lowerBound
            while start < range.upperBound {
                if cancelled() { throw .cancelled }
                let end = min(range.upperBound, start + ExecutionContext.batchSize)
                batch.m = end - start
                for i in 0..<(end - start) {
                    let p = start + i
                    let row = part.row(p)
                    let s = code.of(row)
                    rowOf[i] = row
                    slotOf[i] = s
                    if first[s] == Int.max { first[s] = p }
                }
                out.fold(part.folds, batch)
                start = end
            }
            return out
        }
        var totals = GroupTotals(folds: part.folds.count)
        for s in 0..<source.slots {
            var first = Int.max
            for chunk in chunks where chunk.first[s] != Int.max {
                first = chunk.first[s]
                break
            }
            guard first != Int.max else { continue }
            totals.add(first, chunks, s)
        }
        return totals
    }

    // MARK: partitioned

    /// Codes per partition: 16 K slots of a few words each stay in a core's cache.
    static let partitionSlotBits = 14

    /// The most codes folded on dense slots: beyond them each core's slots (16 bytes and
    /// more a code) leave its cache, and every row's fold is a miss (actor1 × actor2 at 10 M
    /// rows: 4 M codes, 64 MB of slots a core: 309 ms dense, 65 ms partitioned).
    static let denseSlotLimit = 1 << 16

    /// Pass 1, each core over its chunk of positions: every position's code, and the positions
    /// in order of partition (the code's top bits), stable. Pass 2, each core over its share of
    /// the partitions: the partition's positions of every chunk in chunk order (so in position
    /// order), folded on dense slots of the code's low bits; then the slots seen are harvested.
    /// The groups are in code order.
    private func partitioned<Code: SlotCoding>(_ source: FoldSource<Code>) throws(EngineError) -> GroupTotals {
        let cancelled = context.isCancelled, byTime = source.byTime
        let lowBits = Self.partitionSlotBits
        let partitions = (source.slots + (1 << lowBits) - 1) >> lowBits
        let cuts = try ChunkedWork.run(source.chunks()) { (range: Range<Int>) throws(EngineError) -> PartitionCut in
            let k = source.part(of: range.lowerBound)
            let part = source.parts[k]
            var codes = [UInt32](repeating: 0, count: range.count)
            var rankOf = [UInt32](repeating: 0, count: byTime ? range.count : 0)
            var bounds = [Int](repeating: 0, count: partitions + 1)
            var cursor = part.ranks.map(RankCursor.init)
            codes.withUnsafeMutableBufferPointer { codes in
                bounds.withUnsafeMutableBufferPointer { bounds in
                    for (i, p) in range.enumerated() {
                        let row = part.row(p)
                        let c = part.code.of(row)
                        codes[i] = UInt32(truncatingIfNeeded: c)
                        bounds[(c >> lowBits) + 1] += 1
                        if byTime { rankOf[i] = UInt32(truncatingIfNeeded: cursor!.rank(row)) }
                    }
                    for q in 0..<partitions { bounds[q + 1] += bounds[q] }
                }
            }
            if cancelled() { throw .cancelled }
            var next = bounds
            let low = UInt32((1 << lowBits) - 1)
            var ranks = [UInt32](repeating: 0, count: byTime ? range.count : 0)
            let byPartition = [UInt64](unsafeUninitializedCapacity: range.count) { out, initialized in
                codes.withUnsafeBufferPointer { codes in
                    next.withUnsafeMutableBufferPointer { next in
                        for i in 0..<codes.count {
                            let q = Int(codes[i]) >> lowBits
                            out[next[q]] = UInt64(i) << 16 | UInt64(codes[i] & low)
                            if byTime { ranks[next[q]] = rankOf[i] }
                            next[q] += 1
                        }
                    }
                }
                initialized = range.count
            }
            return PartitionCut(start: range.lowerBound, part: k, byPartition: byPartition, ranks: ranks, bounds: bounds)
        }
        // Counts alone need no row: the position's slot is enough.
        let needsRows = source.parts[0].folds.contains { if case .count = $0 { false } else { true } }
        let shares = Parallel.chunks(partitions, minimum: 1)
        let parts = try ChunkedWork.run(shares) { (share: Range<Int>) throws(EngineError) -> GroupTotals in
            let slots = Slots(count: 1 << lowBits, folds: source.parts[0].folds, byTime: byTime)
            var seen = [UInt64](repeating: 0, count: (1 << lowBits) / 64)
            var totals = GroupTotals(folds: source.parts[0].folds.count)
            let batch = Batch()
            for q in share {
                if cancelled() { throw .cancelled }
                for cut in cuts {
                    let part = source.parts[cut.part]
                    var k = cut.bounds[q]
                    let end = cut.bounds[q + 1]
                    while k < end {
                        batch.m = min(end - k, ExecutionContext.batchSize)
                        cut.byPartition.withUnsafeBufferPointer { entries in
                            for i in 0..<batch.m {
                                let e = entries[k + i]
                                let p = cut.start + Int(e >> 16)
                                let s = Int(e & 0xFFFF)
                                let row = needsRows ? part.row(p) : 0
                                batch.row[i] = row
                                batch.slot[i] = s
                                if byTime {
                                    // Positions come in order: a later one wins only by an earlier time.
                                    let t = Int64(cut.ranks[k + i])
                                    if slots.first[s] == Int.max {
                                        seen[s >> 6] |= 1 << UInt64(s & 63)
                                        slots.first[s] = p
                                        slots.firstRank[s] = t
                                    } else if t < slots.firstRank[s] {
                                        slots.first[s] = p
                                        slots.firstRank[s] = t
                                    }
                                } else if slots.first[s] == Int.max {
                                    slots.first[s] = p
                                    seen[s >> 6] |= 1 << UInt64(s & 63)
                                }
                            }
                        }
                        slots.fold(part.folds, batch)
                        k += batch.m
                    }
                }
                // The slots seen, in slot order, from the bitmap: no pass over every slot.
                slots.harvest(&seen, into: &totals)
            }
            return totals
        }
        var totals = GroupTotals(folds: source.parts[0].folds.count)
        for part in parts { totals.append(part) }
        return totals
    }

    // MARK: hashed

    /// Each core numbers the codes of its chunk in order of first appearance through a hash
    /// table; the chunks are merged in order, so the groups are in order of first appearance.
    /// One relation only (its positions are in time order).
    private func hashed<Code: SlotCoding>(_ source: FoldSource<Code>) throws(EngineError) -> GroupTotals {
        let cancelled = context.isCancelled
        let part = source.parts[0], code = part.code, folds = part.folds
        let chunks = try ChunkedWork.run(source.chunks()) { (range: Range<Int>) throws(EngineError) -> Slots in
            let out = Slots(count: 0, folds: folds, byTime: false)
            let table = CodeSlotTable(expected: 1024)
            let batch = Batch()
            var start = range.lowerBound
            while start < range.upperBound {
                if cancelled() { throw .cancelled }
                let end = min(range.upperBound, start + ExecutionContext.batchSize)
                batch.m = end - start
                for i in 0..<batch.m {
                    let p = start + i
                    let row = part.row(p)
                    let c = code.of(row)
                    let s = table.slot(of: UInt64(c), new: out.codes.count)
                    if s == out.codes.count { out.open(code: c, at: p) }
                    batch.row[i] = row
                    batch.slot[i] = s
                }
                out.fold(folds, batch)
                start = end
            }
            return out
        }
        var totals = GroupTotals(folds: folds.count)
        if chunks.count == 1 {
            for s in chunks[0].codes.indices { totals.add(chunks[0].firstPositions[s], chunks[0], s) }
            return totals
        }
        let table = CodeSlotTable(expected: chunks.map(\.codes.count).max() ?? 0)
        var holders: [[(Slots, Int)]] = []
        for chunk in chunks {
            for (s, c) in chunk.codes.enumerated() {
                let g = table.slot(of: UInt64(c), new: holders.count)
                if g == holders.count {
                    holders.append([])
                    totals.firstPositions.append(chunk.firstPositions[s])
                }
                holders[g].append((chunk, s))
            }
        }
        var ordered = GroupTotals(folds: folds.count)
        for (g, held) in holders.enumerated() { ordered.add(totals.firstPositions[g], held) }
        return ordered
    }

    fileprivate func slotFold(_ a: AggregateCall, _ table: Table) -> SlotFold? {
        func column(_ k: Int) -> Column? { a.arguments.count > k ? a.arguments[k].columnIndex.map { table.columns[$0] } : nil }
        switch a.function {
        case .count:
            if a.arguments.isEmpty { return .count }
            guard let c = column(0) else { return nil }
            switch (c.data, c.isNull) {
            case (.string(let s), _):
                let ids = s.ids
                return .countWhere { ids[$0] != StringColumn.nullID }
            case (.boxed, _): return nil
            case (_, let mask?): return .countWhere { !mask[$0] }
            case (_, nil): return .count
            }
        case .countif:
            return .countWhere(ExpressionEvaluator.predicate(a.arguments[0], table, nil, context.isCancelled))
        case .sum:
            guard let c = column(0), case .int(let values) = c.data, a.type != .float, c.type == .int || c.type == .duration else { return nil }
            return .sum(values, c.isNull)
        default:
            return nil
        }
    }
}

/// A chunk of positions cut by partition, for pass 2 of the partitioned layout.
private struct PartitionCut: Sendable {
    var start: Int
    /// The part the chunk lies in.
    var part: Int
    /// Per position of the chunk, by partition (stable): its offset in the chunk << 16 | the
    /// low bits of its code, so that pass 2 reads one array in order. Partition q's are at
    /// `bounds[q]..<bounds[q + 1]`.
    var byPartition: [UInt64]
    /// When groups are ordered by time: each entry's time rank, in the same order.
    var ranks: [UInt32]
    var bounds: [Int]
}

/// How a row of one table finds its slot: a code below `slots`.
private protocol SlotCoding {
    var slots: Int { get }
    func of(_ row: Int) -> Int
}

/// What the layouts fold: one relation, or the parts of a table stored in segments, each with
/// its own codes (into one space) and folds. Positions run part after part.
private struct FoldSource<Code: SlotCoding> {
    struct Part {
        let rows: [UInt32]?
        let code: Code
        let folds: [Aggregation.SlotFold]
        /// The ranks of the part's times among the table's (runs of rows with one time), when
        /// groups are ordered by time across parts; nil for one relation, whose positions are
        /// in time order.
        let ranks: (starts: [Int], ranks: [UInt32], timed: Int)?
        /// Its first position, and how many.
        let start: Int
        let count: Int

        @inline(__always) func row(_ p: Int) -> Int { rows.map { Int($0[p - start]) } ?? (p - start) }
    }

    let parts: [Part]
    let slots: Int
    let byTime: Bool
    var count: Int { parts.last.map { $0.start + $0.count } ?? 0 }

    /// Chunks of positions for the cores, none across two parts.
    func chunks() -> [Range<Int>] {
        parts.flatMap { part in
            part.count == 0 ? [] : Parallel.chunks(part.count, minimum: 65_536).map { $0.lowerBound + part.start ..< $0.upperBound + part.start }
        }
    }

    /// The part position `p` lies in.
    func part(of p: Int) -> Int {
        var lo = 0, hi = parts.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if parts[mid].start <= p { lo = mid } else { hi = mid - 1 }
        }
        return lo
    }
}

/// The time ranks of ascending rows of one part, run by run: rows of a segment are in time
/// order, so each rank is found by walking its runs, with no random read of a time.
private struct RankCursor {
    private let starts: [Int], ranks: [UInt32], timed: Int
    private var run = -1

    init(_ source: (starts: [Int], ranks: [UInt32], timed: Int)) {
        (starts, ranks, timed) = source
    }

    /// The rank of `row`'s time; each row at least the one before.
    @inline(__always)
    mutating func rank(_ row: Int) -> Int64 {
        if row >= timed { return Int64(TimeRanks.untimed) }
        while run + 1 < starts.count && starts[run + 1] <= row { run += 1 }
        return Int64(ranks[run])
    }
}

/// A code through the table's shared text ids (SegmentedTable.sharedTextIDs): each key's
/// segment ids mapped to shared ids, in mixed radix (the last key fastest); null is the last.
private struct SharedSlotCode: SlotCoding {
    /// The first key's ids and their codes (SharedTextIDs.ids(of:)), then the others': one or
    /// two keys read straight from stored buffers, with no array of them copied per row.
    private let first: ColumnBuffer<UInt32>, firstShared: ColumnBuffer<UInt32>
    private let second: ColumnBuffer<UInt32>?, secondShared: ColumnBuffer<UInt32>, secondRadix: Int
    private let rest: [(ids: ColumnBuffer<UInt32>, shared: ColumnBuffer<UInt32>, radix: Int)]
    let slots: Int

    init?(_ keys: [(name: String, expr: TypedExpr)], _ shared: [SharedTextIDs], _ table: Table) {
        var out: [(ids: ColumnBuffer<UInt32>, shared: ColumnBuffer<UInt32>, radix: Int)] = []
        var slots = 1
        for (key, ids) in zip(keys, shared) {
            guard let c = key.expr.columnIndex, case .string(let s) = table.columns[c].data, let map = ids.ids(of: table) else { return nil }
            let (product, overflow) = slots.multipliedReportingOverflow(by: ids.count + 1)
            guard !overflow, product < Int(Int32.max) * 1024 else { return nil }
            slots = product
            out.append((s.ids, map, ids.count + 1))
        }
        (first, firstShared) = (out[0].ids, out[0].shared)
        (second, secondShared, secondRadix) = out.count > 1 ? (out[1].ids, out[1].shared, out[1].radix) : (nil, ColumnBuffer(), 1)
        rest = Array(out.dropFirst(2))
        self.slots = slots
    }

    @inline(__always)
    func of(_ row: Int) -> Int {
        var code = Int(SharedTextIDs.code(of: first[row], in: firstShared))
        guard let second else { return code }
        code = code * secondRadix + Int(SharedTextIDs.code(of: second[row], in: secondShared))
        for (ids, shared, radix) in rest { code = code * radix + Int(SharedTextIDs.code(of: ids[row], in: shared)) }
        return code
    }
}

/// A row's code: its key's dictionary id, or several keys' ids in mixed radix (the last key
/// fastest); null is the last id of each key.
private struct SlotCode: SlotCoding {
    /// The first key's ids and dictionary size + 1 (its last slot is null), then the others':
    /// one or two keys read straight from stored buffers, with no array of them per row.
    private let first: ColumnBuffer<UInt32>, firstRadix: Int
    private let second: ColumnBuffer<UInt32>?, secondRadix: Int
    private let rest: [(ids: ColumnBuffer<UInt32>, radix: Int)]
    let slots: Int

    init?(_ keys: [(name: String, expr: TypedExpr)], _ table: Table) {
        guard !keys.isEmpty, keys.count <= 4 else { return nil }
        var ids: [(ids: ColumnBuffer<UInt32>, radix: Int)] = []
        var slots = 1
        for key in keys {
            guard let c = key.expr.columnIndex, case .string(let s) = table.columns[c].data else { return nil }
            let (product, overflow) = slots.multipliedReportingOverflow(by: s.dictionary.count + 1)
            guard !overflow, product < Int(Int32.max) * 1024 else { return nil }
            slots = product
            ids.append((s.ids, s.dictionary.count + 1))
        }
        (first, firstRadix) = ids[0]
        (second, secondRadix) = ids.count > 1 ? (ids[1].ids, ids[1].radix) : (nil, 1)
        rest = Array(ids.dropFirst(2))
        self.slots = slots
    }

    @inline(__always)
    private static func slot(_ id: UInt32, _ radix: Int) -> Int { id == StringColumn.nullID ? radix - 1 : Int(id) }

    @inline(__always)
    func of(_ row: Int) -> Int {
        var code = Self.slot(first[row], firstRadix)
        guard let second else { return code }
        code = code * secondRadix + Self.slot(second[row], secondRadix)
        for (ids, radix) in rest { code = code * radix + Self.slot(ids[row], radix) }
        return code
    }
}

/// A batch of rows and their slots, in buffers written through pointers (an array in a
/// struct would check its uniqueness on every write).
private final class Batch {
    var m = 0
    let row = UnsafeMutablePointer<Int>.allocate(capacity: ExecutionContext.batchSize)
    let slot = UnsafeMutablePointer<Int>.allocate(capacity: ExecutionContext.batchSize)

    deinit {
        row.deallocate()
        slot.deallocate()
    }
}

/// Slots: each one's first position, then per aggregate its counts and sums, written through
/// buffer pointers a batch at a time (a captured array would check its uniqueness on every
/// row). Hashed slots also keep their code and first position, in slot order.
private final class Slots: @unchecked Sendable {
    /// `Int.max`: not seen. Empty for hashed slots (`firstPositions` instead).
    let first: GroupSlots<Int>
    /// The time rank of each slot's first position, when groups are ordered by time (else empty).
    let firstRank: GroupSlots<Int64>
    private(set) var codes: [Int] = []
    private(set) var firstPositions: [Int] = []
    var counts: [[Int64]]
    var sums: [[Int128]]

    /// Sums only for the aggregates that are sums.
    private let summing: [Bool]

    init(count: Int, folds: [Aggregation.SlotFold], byTime: Bool) {
        first = GroupSlots(repeating: .max, count: count)
        firstRank = GroupSlots(repeating: .max, count: byTime ? count : 0)
        summing = folds.map { if case .sum = $0 { true } else { false } }
        counts = folds.map { _ in [Int64](repeating: 0, count: count) }
        sums = summing.map { [Int128](repeating: 0, count: $0 ? count : 0) }
    }

    /// A new hashed slot for `code`, first seen at position `p`.
    func open(code: Int, at p: Int) {
        codes.append(code)
        firstPositions.append(p)
        for k in counts.indices {
            counts[k].append(0)
            if summing[k] { sums[k].append(0) }
        }
    }

    /// Appends the slots marked in `seen` to `totals` in slot order, then empties them and
    /// `seen` for the next partition. Each array is reached once, through its buffer (a slot
    /// at a time through the class, every read and write paid an exclusivity check).
    func harvest(_ seen: inout [UInt64], into totals: inout GroupTotals) {
        var marked: [Int] = []
        for w in seen.indices {
            var bits = seen[w]
            while bits != 0 {
                marked.append(w << 6 | bits.trailingZeroBitCount)
                bits &= bits - 1
            }
            seen[w] = 0
        }
        for s in marked {
            totals.firstPositions.append(first[s])
            first[s] = .max
        }
        if firstRank.count > 0 {
            for s in marked {
                totals.firstRanks.append(firstRank[s])
                firstRank[s] = .max
            }
        }
        for k in counts.indices {
            counts[k].withUnsafeMutableBufferPointer { c in
                for s in marked {
                    totals.counts[k].append(c[s])
                    c[s] = 0
                }
            }
            if summing[k] {
                sums[k].withUnsafeMutableBufferPointer { v in
                    for s in marked {
                        totals.sums[k].append(v[s])
                        v[s] = 0
                    }
                }
            } else {
                totals.sums[k].append(contentsOf: repeatElement(0, count: marked.count))
            }
        }
    }

    /// Folds the batch's rows into their slots, one aggregate at a time: each loop is typed,
    /// with no enum payload (and its buffers' retain) copied per row.
    func fold(_ folds: [Aggregation.SlotFold], _ batch: Batch) {
        let m = batch.m, slotOf = batch.slot, rowOf = batch.row
        for k in folds.indices {
            counts[k].withUnsafeMutableBufferPointer { counts in
                switch folds[k] {
                case .count:
                    for i in 0..<m { counts[slotOf[i]] += 1 }
                case .countWhere(let test):
                    for i in 0..<m where test(rowOf[i]) { counts[slotOf[i]] += 1 }
                case .sum(let values, let mask):
                    // Through the buffers, the null test an add of zero: no branch per row.
                    sums[k].withUnsafeMutableBufferPointer { sums in
                        values.withUnsafeBufferPointer { values in
                            guard let mask else {
                                for i in 0..<m {
                                    sums[slotOf[i]] += Int128(values[rowOf[i]])
                                    counts[slotOf[i]] += 1
                                }
                                return
                            }
                            mask.withUnsafeBufferPointer { isNull in
                                for i in 0..<m {
                                    let row = rowOf[i], s = slotOf[i]
                                    let seen: Int64 = isNull[row] ? 0 : 1
                                    sums[s] += Int128(values[row] & (0 &- seen))
                                    counts[s] += seen
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Groups with their first position and, per aggregate, their count and sum.
private struct GroupTotals {
    var firstPositions: [Int] = []
    /// The time rank of each group's first position, when groups are ordered by time (then
    /// by position) across parts; empty for one relation.
    var firstRanks: [Int64] = []
    var counts: [[Int64]]
    var sums: [[Int128]]
    var groups: Int { firstPositions.count }

    init(folds: Int) {
        counts = Array(repeating: [], count: folds)
        sums = Array(repeating: [], count: folds)
    }

    /// A group first seen at `first`, its totals added up from `held` (slots and slot numbers).
    mutating func add(_ first: Int, _ held: [(Slots, Int)]) {
        firstPositions.append(first)
        for k in counts.indices {
            var n: Int64 = 0
            var total: Int128 = 0
            for (slots, s) in held {
                n += slots.counts[k][s]
                if !slots.sums[k].isEmpty { total += slots.sums[k][s] }
            }
            counts[k].append(n)
            sums[k].append(total)
        }
    }

    /// A group first seen at `first`, in slot `s` of each of `chunks`.
    mutating func add(_ first: Int, _ chunks: [Slots], _ s: Int) {
        firstPositions.append(first)
        for k in counts.indices {
            var n: Int64 = 0
            var total: Int128 = 0
            for slots in chunks {
                n += slots.counts[k][s]
                if !slots.sums[k].isEmpty { total += slots.sums[k][s] }
            }
            counts[k].append(n)
            sums[k].append(total)
        }
    }

    /// A group first seen at `first`, held in slot `s` of `slots` alone.
    mutating func add(_ first: Int, _ slots: Slots, _ s: Int) {
        firstPositions.append(first)
        for k in counts.indices {
            counts[k].append(slots.counts[k][s])
            sums[k].append(slots.sums[k].isEmpty ? 0 : slots.sums[k][s])
        }
    }

    mutating func append(_ other: GroupTotals) {
        firstPositions += other.firstPositions
        firstRanks += other.firstRanks
        for k in counts.indices {
            counts[k] += other.counts[k]
            sums[k] += other.sums[k]
        }
    }

    /// The groups a `top` keeps, in order of first appearance: the `keep.count` first by its
    /// keys, ties by first appearance (as the top breaks them over all the groups in that
    /// order), through a bounded heap.
    func kept(by keep: Aggregation.GroupLimit, _ folds: [Aggregation.SlotFold]) -> GroupTotals {
        let keys = keep.keys.map { key -> (values: [Int128], isNull: [Bool]?, descending: Bool) in
            let counts = counts[key.aggregate]
            guard case .sum = folds[key.aggregate] else { return (counts.map { Int128($0) }, nil, key.descending) }
            // The sum's value as `Aggregation.result` gives it: null over no values or past Int64.
            let sums = sums[key.aggregate]
            return (sums, sums.indices.map { counts[$0] == 0 || Int64(exactly: sums[$0]) == nil }, key.descending)
        }
        var heap = BoundedHeap(order: GroupOrder(keys: keys, firstPositions: firstPositions, firstRanks: firstRanks), capacity: keep.count)
        for g in 0..<groups { heap.offer(g) }
        return picking(heap.sorted().sorted(by: firstBefore))
    }

    /// Whether group a first appears before group b.
    func firstBefore(_ a: Int, _ b: Int) -> Bool { Self.appearsBefore(a, b, firstRanks, firstPositions) }

    /// By first position, or by the time rank of the first position (`ranks` not empty) and
    /// then position.
    static func appearsBefore(_ a: Int, _ b: Int, _ ranks: [Int64], _ positions: [Int]) -> Bool {
        if !ranks.isEmpty, ranks[a] != ranks[b] { return ranks[a] < ranks[b] }
        return positions[a] < positions[b]
    }

    /// The groups ordered by first position (each group's is distinct, below `positions`): a
    /// bitmap of the first positions and a count of the set bits before each word give each
    /// group its rank, in time linear in the groups plus positions / 64.
    func inFirstAppearanceOrder(positions: Int) -> GroupTotals {
        // Across parts positions are not in time order: sorted by time rank, then position,
        // as one word each (ranks and positions are below 2^32).
        if !firstRanks.isEmpty {
            var keyed = (0..<groups).map { g in (UInt64(firstRanks[g]) << 32 | UInt64(firstPositions[g]), Int32(g)) }
            keyed.sort { $0.0 < $1.0 }
            return picking(keyed.map { Int($0.1) })
        }
        let words = (positions + 63) / 64
        var bits = [UInt64](repeating: 0, count: words)
        for p in firstPositions { bits[p >> 6] |= 1 << UInt64(p & 63) }
        var before = [Int](repeating: 0, count: words)
        var running = 0
        for w in 0..<words {
            before[w] = running
            running += bits[w].nonzeroBitCount
        }
        var order = [Int](repeating: 0, count: groups)
        for (g, p) in firstPositions.enumerated() {
            let below = bits[p >> 6] & ((1 << UInt64(p & 63)) - 1)
            order[before[p >> 6] + below.nonzeroBitCount] = g
        }
        return picking(order)
    }

    /// The groups `order` (indices of these), in that order.
    private func picking(_ order: [Int]) -> GroupTotals {
        var out = GroupTotals(folds: counts.count)
        out.firstPositions = order.map { firstPositions[$0] }
        if !firstRanks.isEmpty { out.firstRanks = order.map { firstRanks[$0] } }
        for k in counts.indices {
            out.counts[k] = order.map { counts[k][$0] }
            out.sums[k] = order.map { sums[k][$0] }
        }
        return out
    }
}

/// Groups by the values of a `top`'s keys (nulls last in either direction), then by first
/// appearance.
private struct GroupOrder: PositionOrder {
    let keys: [(values: [Int128], isNull: [Bool]?, descending: Bool)]
    let firstPositions: [Int]
    /// Empty, or the first positions' time ranks, which order before the positions.
    let firstRanks: [Int64]

    func before(_ a: Int, _ b: Int) -> Bool {
        for key in keys {
            if let isNull = key.isNull, isNull[a] || isNull[b] {
                if isNull[a] != isNull[b] { return isNull[b] }
                continue
            }
            let x = key.values[a], y = key.values[b]
            if x != y { return key.descending ? x > y : x < y }
        }
        return GroupTotals.appearsBefore(a, b, firstRanks, firstPositions)
    }
}
