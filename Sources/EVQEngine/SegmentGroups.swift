// `summarize` and `distinct` over a table stored in several segments, without merging its
// rows. A group's first appearance in the table is the earliest of its first appearances in
// the segments, so groups come out numbered as one merged table numbers them, for any split
// into segments. Three ways, fastest first:
// - keys coded the same in every segment (SegmentKeyCodes: text by the table's shared ids,
//   bool, integer and time buckets) and, for text and bool keys, few codes together over a
//   selection of rows: each row's code is its group, with no grouping per segment;
// - other coded keys: each segment groups its rows, and its groups are numbered by their
//   codes, a lookup per group;
// - other keys: each segment's groups' first rows are merged in time order and grouped again.
// Only the first row of each group is merged (the key columns); each aggregate's per-segment
// parts are then added into the groups. Only aggregates whose parts add up exactly take this
// path (count, countif, sum of integers and durations, min and max of integers, times,
// durations and text); with any other, or too many groups next to the rows (below), the rows
// are merged first. Before all this, text keys with many codes and slot folds (counts, integer
// sums, or none: a distinct) fold every segment at once (Aggregation.byTextKey(overParts:)).

import EVQStore
import Foundation

struct SegmentGroups {
    /// Each segment's rows that reach the stage.
    let parts: [Relation]
    /// Each part's local group of each of its rows (positions of the part's relation).
    let localIDs: [ContiguousArray<Int32>]
    /// How many local groups each part numbers (some may hold no row: see `globalOf`).
    let localCounts: [Int]
    /// `[segment part][its group]`: the group in `global`; -1 for a local group with no row.
    let globalOf: [[Int32]]
    /// A row per group in time order (from the parts' groups' first rows): the key columns
    /// (and time) only. One per global group, or (keys merged and grouped again) one per
    /// local group.
    let representatives: Table
    /// The groups of `representatives`: the stage's groups, in order of first appearance.
    let global: Grouping

    /// Whether `a`'s parts per segment add up to exactly its value over the merged rows.
    static func addsUp(_ a: AggregateCall, _ schema: Table) -> Bool {
        func column(_ k: Int) -> Column? { a.arguments.count > k ? a.arguments[k].columnIndex.map { schema.columns[$0] } : nil }
        switch a.function {
        case .count: return a.arguments.isEmpty || column(0).map { !$0.isBoxed } == true
        case .countif: return true
        case .sum:
            guard let c = column(0), case .int = c.data, a.type != .float else { return false }
            return c.type == .int || c.type == .duration
        case .min, .max:
            guard let c = column(0) else { return false }
            switch c.data {
            case .int, .string: return true
            default: return false
            }
        default: return false
        }
    }

    /// The groups of `parts` by `keys`, one of the three ways above. Nil, outside the first
    /// way, when the segments' groups are many next to their rows (more than
    /// one in four, over a few thousand rows): grouping each segment and then its groups costs
    /// more than merging the rows and grouping them once (Q8 at 10 M: 480 ms against 210 ms),
    /// and the caller merges the rows instead. (Small inputs always take this path: either
    /// costs nothing, and tests see this one.)
    init?(_ parts: [MergePart], keys: [(name: String, expr: TypedExpr)], in table: SegmentedTable, _ aggregation: Aggregation) throws(EngineError) {
        let coder = SegmentKeyCodes(keys, table, parts, aggregation)
        let relations = parts.map { Relation(table: $0.table, rows: $0.rows, inTimeOrder: true) }
        self.parts = relations
        let rows = parts.reduce(0) { $0 + $1.count }
        // Few codes over a selection of rows: every row's code is its group; the parts are
        // coded on all cores. Over many rows a code per row costs more than grouping each part
        // by its own ids (one pass, no map) and numbering its few groups (Q2 at 10 M: 40% more).
        if let coder, let slots = coder.denseSlots(limit: Self.denseSlotLimit), rows < 16 * slots * parts.count {
            aggregation.context.memory.charge(rows * 4 + parts.count * slots * 8, MemoryStage("summarize", anchor: keys[0].expr.span),
                                              grew: "group codes of \(MemoryBudget.describe(count: rows)) rows")
            if aggregation.context.isCancelled() { throw .cancelled }
            let coded = try ChunkedWork.each(relations.count) { (s: Int) throws(EngineError) in coder.rowCodes(relations[s], slots: slots) }
            let firsts = coded.map { (groups: $0.present, rows: $0.firstRows) }
            let final: [Int32]
            (final, representatives, global) = Self.shared(firsts, count: slots, relations, keys, in: table)
            localIDs = coded.map(\.codes)
            localCounts = coded.map { _ in slots }
            globalOf = coded.map { _ in final }
            return
        }
        var local: [Grouping] = []
        let limit = rows < 4096 ? Int.max : rows / 4
        if let bound = Self.groupBound(parts, keys), bound > limit { return nil }
        var groupCount = 0
        // The segments group their rows on all cores at once, a wave of one segment per core,
        // so that too many groups stop the work after a wave rather than after every segment.
        let waves = stride(from: 0, to: parts.count, by: Parallel.threads).map { $0..<min(parts.count, $0 + Parallel.threads) }
        for wave in waves {
            let grouped = try ChunkedWork.each(wave.count) { (k: Int) throws(EngineError) -> Grouping in
                let r = relations[wave.lowerBound + k]
                return try aggregation.groups(r, keys: keys, keys.map { ExpressionEvaluator.compile($0.expr, r.table, nil) })
            }
            for g in grouped {
                groupCount += g.count
                if groupCount > limit { return nil }
                local.append(g)
            }
        }
        let firstRows = zip(local, relations).map { $0.firstRows(of: $1) }
        localIDs = local.map(\.ids)
        localCounts = local.map(\.count)
        if let coder {
            let provisional = coder.number(firstRows, relations)
            let final: [Int32]
            (final, representatives, global) = Self.shared(Array(zip(provisional.ofLocal, firstRows)), count: provisional.count,
                                                           relations, keys, in: table)
            globalOf = provisional.ofLocal.map { $0.map { final[Int($0)] } }
        } else {
            (globalOf, representatives, global) = try Self.regrouped(firstRows, relations, local, keys, in: table, aggregation)
        }
    }

    /// The most codes of text and bool keys numbered by code alone (a slot per code per part).
    static let denseSlotLimit = 1 << 16

    /// Groups numbered in one space (`count` of them), renumbered in order of first
    /// appearance: a group first appears at the earliest of its first rows in the parts (by
    /// time, then part; rows without a time after every timed one, part by part), and only
    /// those rows are merged in time order. `firsts[s]`: the groups of part s and their first
    /// rows there, ascending by row. Returns each numbered group's place (-1: in no part).
    private static func shared(_ firsts: [(groups: [Int32], rows: [UInt32])], count: Int, _ parts: [Relation],
                               _ keys: [(name: String, expr: TypedExpr)], in table: SegmentedTable) -> ([Int32], Table, Grouping) {
        var bestPart = [Int32](repeating: -1, count: count), bestTime = [Int64](repeating: 0, count: count)
        var bestTimed = [Bool](repeating: false, count: count)
        for s in parts.indices {
            let table = parts[s].table
            var times: ColumnBuffer<Int64>?
            if let t = table.timeColumnIndex, case .int(let v) = table.columns[t].data { times = v }
            let timedRows = table.nonNullTimeCount
            for (g, row) in zip(firsts[s].groups, firsts[s].rows) {
                let p = Int(g)
                let timed = times != nil && Int(row) < timedRows
                let t = timed ? times![Int(row)] : 0
                // Parts come in merge order, so a tie keeps the earlier part.
                if bestPart[p] < 0 || (timed && (!bestTimed[p] || t < bestTime[p])) {
                    bestPart[p] = Int32(s)
                    bestTime[p] = t
                    bestTimed[p] = timed
                }
            }
        }
        // Each part's first rows that won, ascending, with their group; a part's groups are distinct.
        var winners = parts.map { _ in [UInt32]() }, winnerGroups = parts.map { _ in [Int32]() }
        for s in parts.indices {
            for (g, row) in zip(firsts[s].groups, firsts[s].rows) where bestPart[Int(g)] == s {
                winners[s].append(row)
                winnerGroups[s].append(g)
            }
        }
        let winnerParts = zip(parts, winners).map { MergePart($0.table, rows: $1) }
        // The k-th row of part s in the merge is its k-th winner.
        let (partOf, rowOf) = Table.timeOrder(of: winnerParts)
        var final = [Int32](repeating: -1, count: count)
        var taken = [Int](repeating: 0, count: parts.count)
        for q in 0..<partOf.count {
            let s = Int(partOf[q])
            final[Int(winnerGroups[s][taken[s]])] = Int32(q)
            taken[s] += 1
        }
        let columns = Executor.columns(read: keys.map(\.expr))
        let merged = Table.merging(winnerParts, name: table.name, columns: columns, order: (partOf, rowOf),
                                   sharedTexts: table.sharedTexts(columns, rows: partOf.count))
        let global = Grouping(ids: ContiguousArray((0..<partOf.count).map(Int32.init)), firstPositions: Array(0..<partOf.count))
        return (final, merged, global)
    }

    /// Every part's representatives merged in time order and grouped again: a key's first
    /// appearance in the table is the earliest of its first appearances in the segments.
    private static func regrouped(_ firstRows: [[UInt32]], _ parts: [Relation], _ local: [Grouping], _ keys: [(name: String, expr: TypedExpr)],
                                  in table: SegmentedTable, _ aggregation: Aggregation) throws(EngineError) -> ([[Int32]], Table, Grouping) {
        let representatives = zip(parts, firstRows).map { MergePart($0.table, rows: $1) }
        // The merge order once: it both builds the merged table and tells each representative
        // its place in it.
        let (partOf, rowOf) = Table.timeOrder(of: representatives)
        let columns = Executor.columns(read: keys.map(\.expr))
        let merged = Table.merging(representatives, name: table.name, columns: columns, order: (partOf, rowOf),
                                   sharedTexts: table.sharedTexts(columns, rows: partOf.count))
        let mergedRelation = Relation(table: merged, rows: nil, inTimeOrder: true)
        let global = try aggregation.groups(mergedRelation, keys: keys, keys.map { ExpressionEvaluator.compile($0.expr, merged, nil) })
        // Each representative's group. A part's representatives are its local groups' first
        // rows, in group order, and the merge takes them in that order: the k-th of part s in
        // the merge is its local group k (a binary search per representative took a tenth of
        // Q5 over 10 segments).
        var globalOf = local.map { [Int32](repeating: -1, count: $0.count) }
        var taken = [Int](repeating: 0, count: local.count)
        for q in 0..<partOf.count {
            let s = Int(partOf[q])
            globalOf[s][taken[s]] = global.ids[q]
            taken[s] += 1
        }
        return (globalOf, merged, global)
    }

    /// At most how many groups the segments can have, when every key says (a text or bool
    /// column, or a function of one text column: its dictionary's size); nil when one does not.
    private static func groupBound(_ parts: [MergePart], _ keys: [(name: String, expr: TypedExpr)]) -> Int? {
        var total = 0
        for part in parts {
            var product = 1
            for key in keys {
                let columns = key.expr.referencedColumns
                guard columns.count == 1, let c = columns.first else { return nil }
                switch part.table.columns[c].data {
                case .string(let s): product = product.multipliedReportingOverflow(by: s.dictionary.count + 1).partialValue
                case .bool: product *= 3
                default: return nil
                }
                if product >= part.count { break }
            }
            total += min(product, part.count)
        }
        return total
    }

    /// The first row of each group in `representatives`.
    var firstRows: [UInt32] { global.firstPositions.map(UInt32.init) }

    /// Calls `body(local group, row of the part's table)` for every row of part `s`.
    @inline(__always)
    private func eachLocal(_ s: Int, _ context: ExecutionContext, _ body: (Int, Int) -> Void) throws(EngineError) {
        let ids = localIDs[s], rows = parts[s].rows
        var start = 0
        while start < ids.count {
            if context.isCancelled() { throw .cancelled }
            let end = min(ids.count, start + ExecutionContext.batchSize)
            ids.withUnsafeBufferPointer { ids in
                if let rows {
                    rows.withUnsafeBufferPointer { rows in for p in start..<end { body(Int(ids[p]), Int(rows[p])) } }
                } else {
                    for p in start..<end { body(Int(ids[p]), p) }
                }
            }
            start = end
        }
    }

    /// `a`'s value per global group (`addsUp(a)` holds). Each part adds up its rows into its
    /// own groups, all parts at once; only then are the local totals added into the global
    /// groups (a few per part, not one lookup a row).
    func values(of a: AggregateCall, _ context: ExecutionContext) throws(EngineError) -> [Value] {
        let n = global.count
        switch a.function {
        case .count, .countif:
            let locals = try ChunkedWork.each(parts.count) { (s: Int) throws(EngineError) -> GroupSlots<Int64> in
                let counts = GroupSlots<Int64>(repeating: 0, count: localCounts[s])
                let table = parts[s].table
                if a.function == .countif {
                    let test = ExpressionEvaluator.predicate(a.arguments[0], table, nil, context.isCancelled)
                    try eachLocal(s, context) { g, row in if test(row) { counts[g] += 1 } }
                } else if let c = a.arguments.first?.columnIndex, case .string(let text) = table.columns[c].data {
                    let ids = text.ids
                    try eachLocal(s, context) { g, row in if ids[row] != StringColumn.nullID { counts[g] += 1 } }
                } else if let c = a.arguments.first?.columnIndex, let mask = table.columns[c].isNull {
                    try eachLocal(s, context) { g, row in if !mask[row] { counts[g] += 1 } }
                } else {
                    // Every row counts: the group sizes.
                    localIDs[s].withUnsafeBufferPointer { ids in for id in ids { counts[Int(id)] += 1 } }
                }
                return counts
            }
            var counts = [Int64](repeating: 0, count: n)
            for s in parts.indices {
                for g in 0..<locals[s].count where globalOf[s][g] >= 0 { counts[Int(globalOf[s][g])] += locals[s][g] }
            }
            return counts.map { Aggregation.result(.count($0), a) }

        case .sum:
            let c = a.arguments[0].columnIndex!
            let locals = try ChunkedWork.each(parts.count) { (s: Int) throws(EngineError) -> (sums: GroupSlots<Int128>, seen: GroupSlots<Bool>) in
                let sums = GroupSlots<Int128>(repeating: 0, count: localCounts[s]), seen = GroupSlots<Bool>(repeating: false, count: localCounts[s])
                let column = parts[s].table.columns[c]
                guard case .int(let v) = column.data else { return (sums, seen) }
                if let mask = column.isNull {
                    try eachLocal(s, context) { g, row in
                        if mask[row] { return }
                        sums[g] += Int128(v[row])
                        seen[g] = true
                    }
                } else {
                    try eachLocal(s, context) { g, row in
                        sums[g] += Int128(v[row])
                        seen[g] = true
                    }
                }
                return (sums, seen)
            }
            var sums = [Int128](repeating: 0, count: n), seen = [Bool](repeating: false, count: n)
            for s in parts.indices {
                for g in 0..<locals[s].sums.count where globalOf[s][g] >= 0 {
                    let target = Int(globalOf[s][g])
                    sums[target] += locals[s].sums[g]
                    seen[target] = seen[target] || locals[s].seen[g]
                }
            }
            return (0..<n).map { Aggregation.result(.sumInt(sums[$0], seen: seen[$0]), a) }

        case .min, .max:
            return try extremes(a, context)

        default:
            preconditionFailure("\(a.function) does not add up over segments")
        }
    }

    /// min/max: each part's extreme row per local group (ties keep the first, as one table
    /// does), then the parts' extremes compared by value; equal values keep the one whose row
    /// comes first in time order (time, then segment, then row), which is the merged table's.
    private func extremes(_ a: AggregateCall, _ context: ExecutionContext) throws(EngineError) -> [Value] {
        let isMax = a.function == .max
        let c = a.arguments[0].columnIndex!
        var best: [(part: Int, row: Int)?] = Array(repeating: nil, count: global.count)
        func time(_ s: Int, _ row: Int) -> Int64 {
            let t = parts[s].table
            guard let ti = t.timeColumnIndex, case .int(let times) = t.columns[ti].data, t.columns[ti].isNull?[row] != true else { return .max }
            return times[row]
        }
        func earlier(_ x: (part: Int, row: Int), _ y: (part: Int, row: Int)) -> Bool {
            let (tx, ty) = (time(x.part, x.row), time(y.part, y.row))
            return tx != ty ? tx < ty : x.part != y.part ? x.part < y.part : x.row < y.row
        }
        for s in parts.indices {
            let column = parts[s].table.columns[c]
            var localBest = [Int](repeating: -1, count: localCounts[s])
            let ids = localIDs[s], rows = parts[s].rows
            switch column.data {
            case .int(let v):
                let mask = column.isNull
                for p in ids.indices {
                    let row = rows.map { Int($0[p]) } ?? p
                    if mask?[row] == true { continue }
                    let g = Int(ids[p]), b = localBest[g]
                    if b < 0 || (isMax ? v[row] > v[b] : v[row] < v[b]) { localBest[g] = row }
                }
            case .string(let text):
                let values = text.ids
                for p in ids.indices {
                    let row = rows.map { Int($0[p]) } ?? p
                    let x = values[row]
                    if x == StringColumn.nullID { continue }
                    let g = Int(ids[p]), b = localBest[g]
                    if b < 0 || (isMax ? x > values[b] : x < values[b]) { localBest[g] = row }
                }
            default:
                preconditionFailure("min/max over segments reads int or text columns")
            }
            if context.isCancelled() { throw .cancelled }
            for (g, row) in localBest.enumerated() where row >= 0 {
                let target = Int(globalOf[s][g])
                guard let current = best[target] else { best[target] = (s, row); continue }
                let order = Value.compare(column.value(at: row), parts[current.part].table.columns[c].value(at: current.row))
                if (isMax ? order > 0 : order < 0) || (order == 0 && earlier((s, row), current)) { best[target] = (s, row) }
            }
        }
        return best.map { b in
            Aggregation.result(.extreme(b.map { parts[$0.part].table.columns[c].value(at: $0.row) } ?? .null), a)
        }
    }
}

extension Executor {
    /// `summarize` or `distinct` right above a scan of a segmented table: grouped segment by
    /// segment (SegmentGroups) when every aggregate adds up, else nil (the rows are merged).
    func groupOverSegments(_ node: PlanNode, _ depth: Int, _ stats: inout QueryStats, keep: Aggregation.GroupLimit?) throws(EngineError) -> Relation? {
        let aggregation = Aggregation(context: context)
        switch node {
        case .aggregate(.scan(let ref, let access), let keys, let aggregates, let outputs):
            guard let table = catalog.segmentedTables[ref.name] else { return nil }
            let percentiles = keys.isEmpty && !aggregates.isEmpty && aggregates.allSatisfy { Self.isIntegerPercentile($0, table.schemaTable) }
            let addUp = aggregates.allSatisfy { SegmentGroups.addsUp($0, table.schemaTable) }
            guard percentiles || addUp else { return nil }
            let parts = try scanParts(table, access, depth, &stats)
            if percentiles, parts.count > 1, let values = try percentilesOfAll(aggregates, parts) {
                return aggregation.assemble(parts[0].table, firstRows: [], groupCount: 1, keys: [], keyEvals: [], aggregateValues: values, outputs: outputs)
            }
            // Text keys and folds that add up: every part folded into one set of slots.
            let relations = parts.map { Relation(table: $0.table, rows: $0.rows, inTimeOrder: true) }
            if let folded = try aggregation.byTextKey(overParts: relations, of: table, keys: keys, aggregates: aggregates, outputs: outputs, keep: keep) {
                return folded
            }
            guard addUp, parts.count > 1, let groups = try SegmentGroups(parts, keys: keys, in: table, aggregation) else {
                let read = keys.map(\.expr) + aggregates.flatMap(\.arguments) + outputs.map(\.expr)
                return try aggregation.run(merge(table, parts, needs: Self.columns(read: read)), keys: keys, aggregates: aggregates, outputs: outputs, keep: keep)
            }
            var values: [[Value]] = []
            for a in aggregates {
                context.memory.charge(groups.global.count * 24, MemoryStage("summarize", anchor: a.span),
                                      grew: "\(a.function.rawValue) states of \(MemoryBudget.describe(count: groups.global.count)) groups")
                values.append(try groups.values(of: a, context))
            }
            let merged = groups.representatives
            return aggregation.assemble(merged, firstRows: keys.isEmpty ? [] : groups.firstRows, groupCount: groups.global.count, keys: keys,
                                        keyEvals: keys.map { ExpressionEvaluator.compile($0.expr, merged, nil) },
                                        aggregateValues: values, outputs: outputs)
        case .distinct(.scan(let ref, let access), let items):
            guard let table = catalog.segmentedTables[ref.name] else { return nil }
            let parts = try scanParts(table, access, depth, &stats)
            let relations = parts.map { Relation(table: $0.table, rows: $0.rows, inTimeOrder: true) }
            if let firstRows = try aggregation.distinctByTextKey(overParts: relations, of: table, items: items) {
                return try distinctRelation(firstRows, items)
            }
            guard parts.count > 1, let groups = try SegmentGroups(parts, keys: items, in: table, aggregation) else {
                return try distinct(merge(table, parts, needs: Self.columns(read: items.map(\.expr))), items)
            }
            return try distinctRelation(Relation(table: groups.representatives, rows: groups.firstRows, inTimeOrder: false), items)
        default:
            return nil
        }
    }

    /// `percentile(x, p)` of an integer, time or duration column with a constant p.
    private static func isIntegerPercentile(_ a: AggregateCall, _ schema: Table) -> Bool {
        guard a.function == .percentile, a.arguments.count == 2, a.arguments[1].constantValue?.asDouble != nil,
              let c = a.arguments[0].columnIndex, case .int = schema.columns[c].data else { return false }
        return true
    }

    /// Percentiles with no keys over the segments' rows as they lie, part after part: the rank
    /// does not depend on the rows' order, so they need no merge by time (which took six times
    /// the percentile's own time over 10 segments). Nil if a segment's column is not integers.
    private func percentilesOfAll(_ aggregates: [AggregateCall], _ parts: [MergePart]) throws(EngineError) -> [[Value]]? {
        var values: [[Value]] = []
        for a in aggregates {
            let c = a.arguments[0].columnIndex!, p = a.arguments[1].constantValue!.asDouble!
            var sources: [(relation: Relation, values: ColumnBuffer<Int64>, nulls: ColumnBuffer<Bool>?)] = []
            for part in parts {
                guard case .int(let v) = part.table.columns[c].data else { return nil }
                sources.append((Relation(table: part.table, rows: part.rows, inTimeOrder: true), v, part.table.columns[c].isNull))
            }
            values.append([Aggregation.percentileValue(try Aggregation.percentileOfAll(sources, p, context), parts[0].table.columns[c].type)])
        }
        return values
    }

    /// The segments' rows the scan reads, recorded as the scan operator's (one level down).
    private func scanParts(_ table: SegmentedTable, _ access: ScanAccess, _ depth: Int, _ stats: inout QueryStats) throws(EngineError) -> [MergePart] {
        let start = DispatchTime.now().uptimeNanoseconds
        let parts = try segmentParts(table, access, &stats)
        record(depth: depth + 1, rows: parts.reduce(0) { $0 + $1.count }, since: start, &stats)
        return parts
    }
}
