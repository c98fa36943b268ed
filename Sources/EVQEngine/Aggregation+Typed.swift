// Typed fast paths of `summarize`, in two steps:
// 1. a group id per input row, without boxing when each key is a string column (dictionary
//    id), a bool column, an int/time/duration column or day/week/month/bin of one (an Int64
//    bucket, compared first with the previous row's, which is almost always equal on the
//    time-sorted event table). Other keys are hashed as values, as before. Several keys
//    combine their per-key codes. Ids are given in order of first appearance.
// 2. one loop per aggregate over the typed buffers: count, count(column), countif, sum, avg,
//    min, max of int/float/time/duration columns, min/max of strings on dictionary ids,
//    dcount of string and int columns, first/last, percentile of int/float/time columns (by
//    selection, not a sort). Any other aggregate folds the boxed
//    `State` of Aggregation.swift over the same group ids.
// Results are built through `Aggregation.result` from the same states, so values and types
// are those of the general path.

import EVQStore

/// Group ids of the input positions, in order of first appearance.
struct Grouping {
    /// Group of each position of the relation.
    var ids: ContiguousArray<Int32>
    /// Position of each group's first row.
    var firstPositions: [Int]
    var count: Int { firstPositions.count }

    /// The row of the table under `r` where each group first appears. Not for the single group
    /// of a summarize without keys, whose first position may be no row at all.
    func firstRows(of r: Relation) -> [UInt32] {
        firstPositions.map { p in r.rows.map { $0[p] } ?? UInt32(p) }
    }
}

extension Aggregation {
    // MARK: group ids

    /// Codes of one key per position, given in order of first appearance.
    func groups(_ r: Relation, keys: [(name: String, expr: TypedExpr)], _ keyEvals: [RowEval]) throws(EngineError) -> Grouping {
        let n = r.count
        if keys.isEmpty {
            return Grouping(ids: ContiguousArray(repeating: 0, count: n), firstPositions: [0])
        }
        var result = try code(r, keys[0].expr, keyEvals[0])
        try charge(result, keys)
        for k in keys.indices.dropFirst() {
            let next = try code(r, keys[k].expr, keyEvals[k])
            result = try combine(result, next)
            try charge(result, keys)
        }
        return result
    }

    /// A grouping step's ids and hash table (about 32 bytes a group) against the budget.
    private func charge(_ g: Grouping, _ keys: [(name: String, expr: TypedExpr)]) throws(EngineError) {
        context.memory.charge(g.ids.count * 4 + g.count * 32, MemoryStage("summarize", anchor: keys[0].expr.span),
                              grew: "hash table of \(MemoryBudget.describe(count: g.count)) groups")
        if context.isCancelled() { throw .cancelled }
    }

    /// How a key reads the Int64 buffer of a column. `apply` only has to give equal results
    /// for equal keys (the key's value is evaluated from the group's first row), so day and
    /// bin use the quotient, which cannot overflow.
    enum Bucket {
        case value, day, week, month
        case bin(Int64)

        func apply(_ x: Int64) -> Int64 {
            switch self {
            case .value: return x
            case .day: return TimeFormat.floorDiv(x, 86_400)
            case .week: return ScalarFunctions.weekStart(x)
            case .month:
                let (y, m, _) = TimeFormat.civil(days: TimeFormat.floorDiv(x, 86_400))
                return TimeFormat.days(year: y, month: m, day: 1) * 86_400
            case .bin(let size): return TimeFormat.floorDiv(x, size)
            }
        }
    }

    /// The Int64 column and bucket of a key, when it has that shape.
    func int64Key(_ e: TypedExpr, _ table: Table) -> (Column, ColumnBuffer<Int64>, Bucket)? {
        func column(_ e: TypedExpr, _ types: Set<DataType>) -> (Column, ColumnBuffer<Int64>)? {
            guard let c = e.columnIndex else { return nil }
            let column = table.columns[c]
            guard types.contains(column.type), case .int(let v) = column.data else { return nil }
            return (column, v)
        }
        if let (c, v) = column(e, [.int, .time, .duration]) { return (c, v, .value) }
        guard case .call(let fn, let args) = e.kind else { return nil }
        switch fn {
        case .day, .week, .month:
            guard args.count == 1, let (c, v) = column(args[0], [.time]) else { return nil }
            return (c, v, fn == .day ? .day : fn == .week ? .week : .month)
        case .bin:
            guard args.count == 2 else { return nil }
            if let (c, v) = column(args[0], [.time]), case .duration(let d)? = args[1].constantValue, d > 0 { return (c, v, .bin(d)) }
            if let (c, v) = column(args[0], [.int]), case .int(let k)? = args[1].constantValue, k > 0 { return (c, v, .bin(k)) }
            return nil
        default:
            return nil
        }
    }

    /// One key's codes. Equal codes exactly when the key values are equal (`Value` equality).
    private func code(_ r: Relation, _ e: TypedExpr, _ eval: RowEval) throws(EngineError) -> Grouping {
        let n = r.count
        var ids = ContiguousArray<Int32>(repeating: 0, count: n)
        var first: [Int] = []
        var p = 0
        if let c = e.columnIndex, case .string(let s) = r.table.columns[c].data {
            // Through buffer pointers, batch by batch: the captured arrays of a per-row closure
            // paid a uniqueness check on every write (a third of a `distinct` over a selection).
            var slot = [Int32](repeating: -1, count: s.dictionary.count + 1)
            let nullSlot = s.dictionary.count
            // Over scattered rows, each batch's ids are gathered first (`gather`).
            let values = s.ids, rows = r.rows
            let gathered = UnsafeMutablePointer<UInt32>.allocate(capacity: ExecutionContext.batchSize)
            defer { gathered.deallocate() }
            try Relation.forEachBatch(context, positions: 0..<n) { batch in
                let base = batch.lowerBound
                Self.gather(values, rows, batch, into: gathered)
                slot.withUnsafeMutableBufferPointer { slot in
                    ids.withUnsafeMutableBufferPointer { ids in
                        for p in batch {
                            let id = gathered[p - base]
                            let k = id == StringColumn.nullID ? nullSlot : Int(id)
                            var g = slot[k]
                            if g < 0 {
                                g = Int32(first.count)
                                slot[k] = g
                                first.append(p)
                            }
                            ids[p] = g
                        }
                    }
                }
            }
        } else if let c = e.columnIndex, case .bool(let values) = r.table.columns[c].data {
            let mask = r.table.columns[c].isNull
            var slot: [Int32] = [-1, -1, -1]
            try r.forEachRow(context) { row in
                ids[p] = Self.group(inSlot: mask?[row] == true ? 2 : (values[row] ? 1 : 0), &slot, &first, p)
                p += 1
            }
        } else if let (column, values, bucket) = int64Key(e, r.table) {
            let mask = column.isNull
            var map = GroupIDTable()
            var nullGroup: Int32 = -1
            var hasPrevious = false
            var previousRaw: Int64 = 0, previousKey: Int64 = 0, previousGroup: Int32 = 0
            let rows = r.rows
            // Batch by batch through the codes' buffer (as the text path above). Each batch's
            // values are gathered first, in a loop of independent loads: over scattered rows
            // (a posting list) the grouping's branch on each value would otherwise wait for
            // that value's cache miss, one at a time (Q3 at 10 M: 90% of its time).
            let gathered = UnsafeMutablePointer<Int64>.allocate(capacity: ExecutionContext.batchSize)
            let isNull = UnsafeMutablePointer<Bool>.allocate(capacity: ExecutionContext.batchSize)
            defer {
                gathered.deallocate()
                isNull.deallocate()
            }
            try Relation.forEachBatch(context, positions: 0..<n) { batch in
                let base = batch.lowerBound, m = batch.count
                Self.gather(values, rows, batch, into: gathered)
                if let mask { Self.gather(mask, rows, batch, into: isNull) } else { isNull.update(repeating: false, count: m) }
                ids.withUnsafeMutableBufferPointer { ids in
                    for i in 0..<m {
                        let p = base + i
                        if isNull[i] {
                            if nullGroup < 0 {
                                nullGroup = Int32(first.count)
                                first.append(p)
                            }
                            ids[p] = nullGroup
                            continue
                        }
                        let x = gathered[i]
                        if hasPrevious, x == previousRaw {
                            ids[p] = previousGroup
                            continue
                        }
                        let key = bucket.apply(x)
                        let g = hasPrevious && key == previousKey ? previousGroup : Self.group(of: key, &map, &first, p)
                        hasPrevious = true
                        previousRaw = x
                        previousKey = key
                        previousGroup = g
                        ids[p] = g
                    }
                }
            }
        } else if let (values, perID) = ExpressionEvaluator.perDictionaryValue(e, r.table, maxDistinct: n) {
            // One evaluation per distinct value; equal results share a code, and each row
            // finds its group through its value's code.
            var codeOfValue: [Value: Int] = [:]
            let codes = perID.map { v in
                if let k = codeOfValue[v] { return k }
                codeOfValue[v] = codeOfValue.count
                return codeOfValue.count - 1
            }
            let nullCode = codes[codes.count - 1]
            var slot = [Int32](repeating: -1, count: codeOfValue.count)
            try r.forEachRow(context) { row in
                let id = values[row]
                ids[p] = Self.group(inSlot: id == StringColumn.nullID ? nullCode : codes[Int(id)], &slot, &first, p)
                p += 1
            }
        } else {
            var map: [Value: Int32] = [:]
            try r.forEachRow(context) { row in
                ids[p] = Self.group(of: eval(row), &map, &first, p)
                p += 1
            }
        }
        return Grouping(ids: ids, firstPositions: first)
    }

    /// `values` at the positions `batch` of a relation (through its `rows`, when it has them)
    /// into `out`, in a loop of independent loads: the grouping that reads them next would
    /// otherwise wait on each scattered row's cache miss in turn.
    @inline(__always)
    private static func gather<T>(_ values: ColumnBuffer<T>, _ rows: [UInt32]?, _ batch: Range<Int>, into out: UnsafeMutablePointer<T>) {
        values.withUnsafeBufferPointer { values in
            guard let rows else {
                for i in 0..<batch.count { out[i] = values[batch.lowerBound + i] }
                return
            }
            rows.withUnsafeBufferPointer { rows in
                for i in 0..<batch.count { out[i] = values[Int(rows[batch.lowerBound + i])] }
            }
        }
    }

    /// The group in `slot[k]` (-1 = none yet), opening a new one first seen at position `p`:
    /// for keys that are small integers (dictionary ids, booleans, pairs of group ids).
    @inline(__always)
    private static func group(inSlot k: Int, _ slot: inout [Int32], _ first: inout [Int], _ p: Int) -> Int32 {
        if slot[k] >= 0 { return slot[k] }
        let g = Int32(first.count)
        slot[k] = g
        first.append(p)
        return g
    }

    /// The group of `key`, opening a new one (first seen at position `p`) when it is new.
    @inline(__always)
    private static func group<K: Hashable>(of key: K, _ map: inout [K: Int32], _ first: inout [Int], _ p: Int) -> Int32 {
        if let known = map[key] { return known }
        let g = Int32(first.count)
        map[key] = g
        first.append(p)
        return g
    }

    /// The group of an integer key, through the typed table.
    @inline(__always)
    private static func group(of key: Int64, _ map: inout GroupIDTable, _ first: inout [Int], _ p: Int) -> Int32 {
        let g = map.group(of: key, newGroup: Int32(first.count))
        if g == Int32(first.count) { first.append(p) }
        return g
    }

    /// Groups of the pairs (a, b), in order of first appearance.
    private func combine(_ a: Grouping, _ b: Grouping) throws(EngineError) -> Grouping {
        let n = a.ids.count
        var ids = ContiguousArray<Int32>(repeating: 0, count: n)
        var first: [Int] = []
        let width = b.count
        if a.count * width <= 1 << 18 {
            var slot = [Int32](repeating: -1, count: a.count * width)
            for p in 0..<n {
                if p % ExecutionContext.batchSize == 0, context.isCancelled() { throw .cancelled }
                ids[p] = Self.group(inSlot: Int(a.ids[p]) * width + Int(b.ids[p]), &slot, &first, p)
            }
        } else {
            return try hashGroups(n, expected: max(a.count, width)) { p in Int64(a.ids[p]) << 32 | Int64(b.ids[p]) }
        }
        return Grouping(ids: ids, firstPositions: first)
    }

    /// Groups of positions `0..<n` by an Int64 key, through hash tables: one per core over
    /// contiguous chunks, then merged in chunk order. A group's number is its rank of first
    /// appearance, as with one thread: chunk 0's groups first, then the new ones of chunk 1...
    private func hashGroups(_ n: Int, expected: Int, _ key: (Int) -> Int64) throws(EngineError) -> Grouping {
        let parts = Parallel.chunks(n, minimum: 65_536)
        struct Local {
            var ids: ContiguousArray<Int32>
            var keys: [Int64] = []
            var first: [Int] = []
        }
        let cancelled = context.isCancelled
        let locals = Parallel.map(parts.count) { c -> Local? in
            let range = parts[c]
            var map = GroupIDTable(expected: min(expected, range.count))
            var local = Local(ids: ContiguousArray(repeating: 0, count: range.count))
            for p in range {
                if p % ExecutionContext.batchSize == 0, cancelled() { return nil }
                let k = key(p)
                let g = map.group(of: k, newGroup: Int32(local.keys.count))
                if g == local.keys.count {
                    local.keys.append(k)
                    local.first.append(p)
                }
                local.ids[p - range.lowerBound] = g
            }
            return local
        }
        if locals.count == 1, let only = locals[0] { return Grouping(ids: only.ids, firstPositions: only.first) }
        var global = GroupIDTable(expected: expected)
        var first: [Int] = []
        var renumber: [ContiguousArray<Int32>] = []
        for local in locals {
            guard let local else { throw .cancelled }
            var map = ContiguousArray<Int32>(repeating: 0, count: local.keys.count)
            for (g, k) in local.keys.enumerated() {
                let merged = global.group(of: k, newGroup: Int32(first.count))
                if merged == first.count { first.append(local.first[g]) }
                map[g] = merged
            }
            renumber.append(map)
        }
        var ids = ContiguousArray<Int32>(repeating: 0, count: n)
        ids.withUnsafeMutableBufferPointer { out in
            _ = Parallel.map(parts.count) { c in
                let local = locals[c]!.ids, map = renumber[c], start = parts[c].lowerBound
                for k in local.indices { out[start + k] = map[Int(local[k])] }
            }
        }
        return Grouping(ids: ids, firstPositions: first)
    }

    // MARK: aggregates

    /// Calls `body(group, row)` for every input position, in input order.
    @inline(__always)
    private func each(_ r: Relation, _ groups: Grouping, _ body: (Int, Int) -> Void) throws(EngineError) {
        let n = r.count
        let ids = groups.ids
        var start = 0
        while start < n {
            if context.isCancelled() { throw .cancelled }
            let end = min(n, start + ExecutionContext.batchSize)
            if let rows = r.rows {
                for p in start..<end { body(Int(ids[p]), Int(rows[p])) }
            } else {
                for p in start..<end { body(Int(ids[p]), p) }
            }
            start = end
        }
    }

    /// `body(slots, group, row)` for every input position, the positions cut into a chunk per
    /// core, each chunk folding into its own slots from `make`; the slots come back in chunk
    /// order. Only for aggregates whose value does not depend on the order rows are added in
    /// (counts, exact integer sums, min/max of ints and text combined in chunk order).
    @inline(__always)
    private func eachChunk<S>(_ r: Relation, _ groups: Grouping, make: () -> S, _ body: (S, Int, Int) -> Void) throws(EngineError) -> [S] {
        let ids = groups.ids, rows = r.rows, cancelled = context.isCancelled
        return try ChunkedWork.run(Parallel.chunks(r.count, minimum: 65_536)) { (range: Range<Int>) throws(EngineError) -> S in
            let slots = make()
            var start = range.lowerBound
            while start < range.upperBound {
                if cancelled() { throw .cancelled }
                let end = min(range.upperBound, start + ExecutionContext.batchSize)
                ids.withUnsafeBufferPointer { ids in
                    if let rows {
                        rows.withUnsafeBufferPointer { rows in for p in start..<end { body(slots, Int(ids[p]), Int(rows[p])) } }
                    } else {
                        for p in start..<end { body(slots, Int(ids[p]), p) }
                    }
                }
                start = end
            }
            return slots
        }
    }

    /// Per-group counts over every core, added up.
    /// `keep`: which rows count; nil: every row, with no call per row (a `count()` by week
    /// over a posting list's rows).
    private func counted(_ r: Relation, _ groups: Grouping, where keep: ((Int) -> Bool)? = nil) throws(EngineError) -> [Int64] {
        let make = { GroupSlots<Int64>(repeating: 0, count: groups.count) }
        let chunks = if let keep {
            try eachChunk(r, groups, make: make) { counts, g, row in if keep(row) { counts[g] += 1 } }
        } else {
            try eachChunk(r, groups, make: make) { counts, g, _ in counts[g] += 1 }
        }
        var total = [Int64](repeating: 0, count: groups.count)
        for c in chunks { for g in total.indices { total[g] += c[g] } }
        return total
    }

    /// The aggregate's value per group.
    func values(of a: AggregateCall, _ r: Relation, _ groups: Grouping, _ args: [RowEval], _ condition: RowPredicate?) throws(EngineError) -> [Value] {
        if let typed = try typedValues(of: a, r, groups, condition) { return typed }
        // General path: the boxed state of each group, folded in input order.
        var states = [State](repeating: Self.initial(a), count: groups.count)
        try each(r, groups) { g, row in Self.fold(&states[g], a.function, args, condition, row) }
        return states.map { Self.result($0, a) }
    }

    private func typedValues(of a: AggregateCall, _ r: Relation, _ groups: Grouping, _ condition: RowPredicate?) throws(EngineError) -> [Value]? {
        let groupCount = groups.count
        let column = a.arguments.first?.columnIndex.map { r.table.columns[$0] }
        switch a.function {
        case .count, .countif:
            var counts = [Int64](repeating: 0, count: groupCount)
            if a.function == .countif {
                let test = condition!
                try each(r, groups) { g, row in if test(row) { counts[g] += 1 } }
            } else if a.arguments.isEmpty {
                counts = try counted(r, groups)
            } else if let column {
                switch (column.data, column.isNull) {
                case (.string(let s), _):
                    let ids = s.ids
                    counts = try counted(r, groups) { ids[$0] != StringColumn.nullID }
                case (.boxed, _): return nil
                case (_, let mask?):
                    counts = try counted(r, groups) { !mask[$0] }
                case (_, nil):
                    counts = try counted(r, groups)
                }
            } else {
                return nil
            }
            return counts.map { Self.result(.count($0), a) }

        case .sum, .avg:
            guard let column else { return nil }
            let mask = column.isNull
            switch column.data {
            case .int(let v) where column.type == .int || column.type == .duration:
                if a.function == .avg {
                    var sums = [FloatSum](repeating: 0, count: groupCount), counts = [Int64](repeating: 0, count: groupCount)
                    try each(r, groups) { g, row in
                        if mask?[row] == true { return }
                        sums[g] += Double(v[row])
                        counts[g] += 1
                    }
                    return (0..<groupCount).map { Self.result(.avg(sums[$0], counts[$0]), a) }
                }
                guard a.type != .float else { return nil }
                // Exact, so the chunks of every core add up to the one-thread total.
                let chunks = try eachChunk(r, groups, make: { (GroupSlots<Int128>(repeating: 0, count: groupCount), GroupSlots<Bool>(repeating: false, count: groupCount)) }) { slots, g, row in
                    if mask?[row] == true { return }
                    slots.0[g] += Int128(v[row])
                    slots.1[g] = true
                }
                return (0..<groupCount).map { g in
                    Self.result(.sumInt(chunks.reduce(0) { $0 + $1.0[g] }, seen: chunks.contains { $0.1[g] }), a)
                }
            case .float(let v):
                var sums = [FloatSum](repeating: 0, count: groupCount), counts = [Int64](repeating: 0, count: groupCount)
                try each(r, groups) { g, row in
                    if mask?[row] == true { return }
                    sums[g] += v[row]
                    counts[g] += 1
                }
                if a.function == .avg { return (0..<groupCount).map { Self.result(.avg(sums[$0], counts[$0]), a) } }
                guard a.type == .float else { return nil }
                return (0..<groupCount).map { Self.result(.sumFloat(sums[$0], seen: counts[$0] > 0), a) }
            default:
                return nil
            }

        case .min, .max:
            guard let column else { return nil }
            let isMax = a.function == .max
            // Row of each group's extreme so far; ties keep the first, as the boxed fold does.
            var best = [Int](repeating: -1, count: groupCount)
            let mask = column.isNull
            // Ints and text on every core: each chunk's extreme (first of equals), then the chunks
            // in order, a later one winning only when strictly beyond, as one pass would.
            func chunked(_ beyond: @escaping (Int, Int) -> Bool, skip: @escaping (Int) -> Bool) throws(EngineError) {
                let chunks = try eachChunk(r, groups, make: { GroupSlots<Int>(repeating: -1, count: groupCount) }) { slots, g, row in
                    if skip(row) { return }
                    let b = slots[g]
                    if b < 0 || beyond(row, b) { slots[g] = row }
                }
                for c in chunks {
                    for g in 0..<groupCount where c[g] >= 0 && (best[g] < 0 || beyond(c[g], best[g])) { best[g] = c[g] }
                }
            }
            switch column.data {
            case .int(let v):
                try chunked({ isMax ? v[$0] > v[$1] : v[$0] < v[$1] }, skip: { mask?[$0] == true })
            case .float(let v):
                try each(r, groups) { g, row in
                    if mask?[row] == true { return }
                    let b = best[g]
                    if b < 0 { best[g] = row; return }
                    // As Value.compare: -1 when x < y, 0 when x == y, else 1 (NaN included).
                    let x = v[row], y = v[b]
                    if isMax ? !(x < y) && !(x == y) : x < y { best[g] = row }
                }
            case .string(let s):
                let ids = s.ids
                try chunked({ isMax ? ids[$0] > ids[$1] : ids[$0] < ids[$1] }, skip: { ids[$0] == StringColumn.nullID })
            default:
                return nil
            }
            return best.map { Self.result(.extreme($0 < 0 ? .null : column.value(at: $0)), a) }

        case .dcount:
            guard let column else { return nil }
            switch column.data {
            case .string(let s):
                let ids = s.ids
                let width = s.dictionary.count
                let words = (width + 63) / 64
                var counts = [Int64](repeating: 0, count: groupCount)
                if groupCount * words <= 1 << 22 {
                    var bits = [UInt64](repeating: 0, count: groupCount * words)
                    try each(r, groups) { g, row in
                        let id = ids[row]
                        if id == StringColumn.nullID { return }
                        let w = g * words + Int(id >> 6), bit = UInt64(1) << UInt64(id & 63)
                        if bits[w] & bit == 0 {
                            bits[w] |= bit
                            counts[g] += 1
                        }
                    }
                } else {
                    var sets = [Set<UInt32>](repeating: [], count: groupCount)
                    try each(r, groups) { g, row in
                        let id = ids[row]
                        if id != StringColumn.nullID, sets[g].insert(id).inserted { counts[g] += 1 }
                    }
                }
                return counts.map { .int($0) }
            case .int(let v):
                let mask = column.isNull
                var sets = [Set<Int64>](repeating: [], count: groupCount)
                try each(r, groups) { g, row in
                    if mask?[row] == true { return }
                    sets[g].insert(v[row])
                }
                return sets.map { .int(Int64($0.count)) }
            default:
                return nil
            }

        case .first, .last:
            // first: the value at the group's first row (even null); last: at its last row.
            let eval = ExpressionEvaluator.compile(a.arguments[0], r.table, nil)
            func row(_ p: Int) -> Int { r.rows.map { Int($0[p]) } ?? p }
            if a.function == .first {
                if r.count == 0 { return [Self.result(.edge(.null, seen: false), a)] }
                return groups.firstPositions.map { Self.result(.edge(eval(row($0)), seen: true), a) }
            }
            var last = [Int](repeating: -1, count: groupCount)
            try each(r, groups) { g, row in last[g] = row }
            return last.map { Self.result($0 < 0 ? .edge(.null, seen: false) : .edge(eval($0), seen: true), a) }

        case .percentile:
            guard let column, let p = a.arguments[1].constantValue?.asDouble else { return nil }
            let mask = column.isNull
            switch column.data {
            case .int(let v):
                if groupCount == 1 {
                    // One group (no keys): one pass over the values' buffer, no per-row closure.
                    return [Self.percentileValue(try Self.percentileOfAll([(r, v, mask)], p, context), column.type)]
                }
                var groupsValues = [ContiguousArray<Int64>](repeating: [], count: groupCount)
                try each(r, groups) { g, row in if mask?[row] != true { groupsValues[g].append(v[row]) } }
                return groupsValues.map { values in
                    var values = values
                    return Self.percentileValue(Self.nearestRank(&values, p), column.type)
                }
            case .float(let v):
                // NaN has no place in `<`; the boxed path orders it as Value.compare does.
                if v.contains(where: { $0.isNaN }) { return nil }
                var groupsValues = [ContiguousArray<Double>](repeating: [], count: groupCount)
                try each(r, groups) { g, row in if mask?[row] != true { groupsValues[g].append(v[row]) } }
                return groupsValues.map { values in
                    var values = values
                    return Self.nearestRank(&values, p).map(Value.float) ?? .null
                }
            default:
                return nil
            }

        default:
            // values, and aggregates with no typed loop: the boxed fold.
            return nil
        }
    }

    /// Where the nearest-rank p-th percentile lies among `count` (> 0) sorted values: the
    /// smallest value with at least p% of the values at or below it.
    static func nearestRankIndex(_ p: Double, of count: Int) -> Int {
        min(max(1, Int((p / 100 * Double(count)).rounded(.up))), count) - 1
    }

    /// A percentile of an integer, time or duration column as its value (null: no values).
    static func percentileValue(_ x: Int64?, _ type: DataType) -> Value {
        guard let x else { return .null }
        return type == .time ? .time(x) : type == .duration ? .duration(x) : .int(x)
    }

    /// Value ranges up to this many are counted in a histogram per core (512 KB of counts).
    static let percentileHistogramRange: UInt64 = 1 << 16

    /// The nearest-rank percentile of all the non-null values of an integer column in `parts`
    /// (a relation, or each segment's rows: the rank does not depend on their order), as
    /// `nearestRank` gives it. The cores first find the values' count and range; a small range
    /// (counts of fatalities, days) is then counted in a histogram per core, one more pass, and
    /// the rank found by walking it; any other range is selected over the values, gathered
    /// through buffers. Over 10 M rows, selection over values appended one row at a time
    /// through a closure took 2.6 times DuckDB's time. Nil when there are no values.
    static func percentileOfAll(_ parts: [(relation: Relation, values: ColumnBuffer<Int64>, nulls: ColumnBuffer<Bool>?)], _ p: Double,
                                _ context: ExecutionContext) throws(EngineError) -> Int64? {
        // Work items: runs of each part's positions.
        let items = parts.indices.flatMap { k in Parallel.chunks(parts[k].relation.count, minimum: 1 << 16).map { (part: k, run: $0) } }
        let cancelled = context.isCancelled
        /// `body(value)` for every non-null value of item `i`.
        @inline(__always) func eachValue(_ i: Int, _ body: (Int64) -> Void) {
            let (r, v, mask) = parts[items[i].part]
            if let rows = r.rows {
                for q in items[i].run {
                    let row = Int(rows[q])
                    if mask?[row] != true { body(v[row]) }
                }
            } else {
                for row in items[i].run where mask?[row] != true { body(v[row]) }
            }
        }
        let spans = Parallel.map(items.count) { i -> (count: Int, low: Int64, high: Int64) in
            var count = 0, low = Int64.max, high = Int64.min
            eachValue(i) { x in
                count += 1
                low = Swift.min(low, x)
                high = Swift.max(high, x)
            }
            return (count, low, high)
        }
        if cancelled() { throw .cancelled }
        let total = spans.reduce(0) { $0 + $1.count }
        guard total > 0 else { return nil }
        let k = Self.nearestRankIndex(p, of: total)
        let low = spans.map(\.low).min()!, high = spans.map(\.high).max()!
        let (range, overflow) = high.subtractingReportingOverflow(low)
        if !overflow, UInt64(range) < percentileHistogramRange {
            let width = Int(range) + 1
            let histograms = Parallel.map(items.count) { i -> [Int] in
                var counts = [Int](repeating: 0, count: width)
                counts.withUnsafeMutableBufferPointer { counts in eachValue(i) { x in counts[Int(x &- low)] += 1 } }
                return counts
            }
            if cancelled() { throw .cancelled }
            var below = 0
            for b in 0..<width {
                below += histograms.reduce(0) { $0 + $1[b] }
                if below > k { return low + Int64(b) }
            }
            return high
        }
        var values = ContiguousArray<Int64>(unsafeUninitializedCapacity: total) { out, count in
            var at = 0
            for i in items.indices {
                eachValue(i) { x in
                    out[at] = x
                    at += 1
                }
            }
            count = at
        }
        if cancelled() { throw .cancelled }
        return nearestRank(&values, p)
    }

    /// The nearest-rank percentile (the smallest value with at least p% of the values at or
    /// below it), as `Aggregation.result` defines it, found by selection in linear expected
    /// time instead of a sort. Reorders `values`; nil when there are none.
    static func nearestRank<T: Comparable>(_ values: inout ContiguousArray<T>, _ p: Double) -> T? {
        guard !values.isEmpty else { return nil }
        let k = nearestRankIndex(p, of: values.count)
        var lo = 0, hi = values.count - 1
        while lo < hi {
            // Median of three as the pivot keeps sorted and reversed input linear.
            let mid = lo + (hi - lo) / 2
            let pivot = Swift.max(Swift.min(values[lo], values[mid]), Swift.min(Swift.max(values[lo], values[mid]), values[hi]))
            var i = lo, j = hi
            while i <= j {
                while values[i] < pivot { i += 1 }
                while pivot < values[j] { j -= 1 }
                if i <= j {
                    values.swapAt(i, j)
                    i += 1
                    j -= 1
                }
            }
            if k <= j { hi = j } else if k >= i { lo = i } else { break }
        }
        return values[k]
    }
}
