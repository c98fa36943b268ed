// `summarize … by` one text column whose aggregates only add up (count, count(x), countif,
// integer sum): each core folds its chunk of rows straight into slots indexed by dictionary
// id, and the chunks' slots are added. The general path first writes a group id per row
// (40 MB at 10 M rows) and reads it back per aggregate; this one reads each column once.
// Groups still come out in order of first appearance, and the values are those of the
// general path (the same `State` results), so the answer does not depend on the path or
// the number of cores.

import EVQStore

extension Aggregation {
    /// One aggregate's fold on dictionary slots.
    private enum SlotFold {
        case count
        /// count(x) and countif: rows for which the test holds.
        case countWhere(RowPredicate)
        case sum(ColumnBuffer<Int64>, ColumnBuffer<Bool>?)
    }

    /// Nil when the key or an aggregate is not of that kind, or when the dictionary is large
    /// next to the rows (slots per core would cost more than group ids).
    func byTextKey(_ r: Relation, keys: [(name: String, expr: TypedExpr)], aggregates: [AggregateCall],
                   outputs: [(name: String, expr: TypedExpr)]) throws(EngineError) -> Relation? {
        guard keys.count == 1, let c = keys[0].expr.columnIndex, case .string(let key) = r.table.columns[c].data else { return nil }
        let slots = key.dictionary.count + 1  // the last for null
        guard slots <= max(65_536, r.count / 2) else { return nil }
        var folds: [SlotFold] = []
        for a in aggregates {
            guard let fold = slotFold(a, r.table) else { return nil }
            folds.append(fold)
        }
        context.memory.charge(slots * 8 * (1 + 2 * folds.count) * Parallel.threads, MemoryStage("summarize", anchor: keys[0].expr.span),
                              grew: "slots of \(MemoryBudget.describe(count: slots)) key values")
        let ids = key.ids, rows = r.rows, cancelled = context.isCancelled
        let nullSlot = slots - 1
        // Per chunk: each slot's first position, then per aggregate its counts or sums.
        let chunks = try ChunkedWork.run(Parallel.chunks(r.count, minimum: 65_536)) { (range: Range<Int>) throws(EngineError) -> ChunkSlots in
            let out = ChunkSlots(slots: slots, folds: folds.count)
            var slotOf = [Int](repeating: 0, count: ExecutionContext.batchSize)
            var rowOf = [Int](repeating: 0, count: ExecutionContext.batchSize)
            var start = range.lowerBound
            while start < range.upperBound {
                if cancelled() { throw .cancelled }
                let end = min(range.upperBound, start + ExecutionContext.batchSize)
                let m = end - start
                // A batch at a time, one aggregate at a time: each loop is typed, with no
                // enum payload (and its buffers' retain) copied per row.
                let first = out.first
                for i in 0..<m {
                    let p = start + i
                    let row = rows.map { Int($0[p]) } ?? p
                    let id = ids[row]
                    let s = id == StringColumn.nullID ? nullSlot : Int(id)
                    rowOf[i] = row
                    slotOf[i] = s
                    if first[s] == Int.max { first[s] = p }
                }
                for k in folds.indices {
                    let counts = out.counts[k]
                    switch folds[k] {
                    case .count:
                        for i in 0..<m { counts[slotOf[i]] += 1 }
                    case .countWhere(let test):
                        for i in 0..<m where test(rowOf[i]) { counts[slotOf[i]] += 1 }
                    case .sum(let values, let mask):
                        let sums = out.sums[k]
                        for i in 0..<m {
                            let row = rowOf[i]
                            if let mask, mask[row] { continue }
                            sums[slotOf[i]] += Int128(values[row])
                            counts[slotOf[i]] += 1
                        }
                    }
                }
                start = end
            }
            return out
        }
        // Slots seen, in order of first appearance (chunks are in position order, so the
        // first chunk that saw a slot holds its first position).
        var first = [Int](repeating: Int.max, count: slots)
        for chunk in chunks { for s in 0..<slots where first[s] == Int.max { first[s] = chunk.first[s] } }
        let seen = (0..<slots).filter { first[$0] != Int.max }.sorted { first[$0] < first[$1] }
        var aggregateValues: [[Value]] = []
        for (k, a) in aggregates.enumerated() {
            aggregateValues.append(seen.map { s in
                var n: Int64 = 0
                var total: Int128 = 0
                for chunk in chunks {
                    n += chunk.counts[k][s]
                    total += chunk.sums[k][s]
                }
                if case .sum = folds[k] { return Self.result(.sumInt(total, seen: n > 0), a) }
                return Self.result(.count(n), a)
            })
        }
        let firstRows = seen.map { s in rows.map { $0[first[s]] } ?? UInt32(first[s]) }
        let keyEvals = [ExpressionEvaluator.compile(keys[0].expr, r.table, nil)]
        return assemble(r.table, firstRows: firstRows, groupCount: seen.count, keys: keys, keyEvals: keyEvals,
                        aggregateValues: aggregateValues, outputs: outputs)
    }

    private func slotFold(_ a: AggregateCall, _ table: Table) -> SlotFold? {
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

/// One chunk's slots, written through pointers in the loop (arrays captured by the chunk's
/// closure would check their uniqueness on every row).
private final class ChunkSlots: @unchecked Sendable {
    let first: GroupSlots<Int>
    let counts: [GroupSlots<Int64>]
    let sums: [GroupSlots<Int128>]

    init(slots: Int, folds: Int) {
        first = GroupSlots(repeating: .max, count: slots)
        counts = (0..<folds).map { _ in GroupSlots(repeating: 0, count: slots) }
        sums = (0..<folds).map { _ in GroupSlots(repeating: 0, count: slots) }
    }
}
