// A hash join over typed keys: a table from the right side's key codes to its rows (in the
// right's order), probed by each left row. Output: the left's order, each left row followed
// by its matches in the right's order; right rows no left row matched come last
// (rightouter, fullouter). A null key never matches. `lookup` is this join, kind leftouter.

import EVQStore

extension Executor {
    func hashJoin(_ left: Relation, _ right: Relation, _ kind: JoinKind, leftKeys: [Int], rightKeys: [Int],
                  rightColumns: [(name: String, index: Int)], stage: MemoryStage = MemoryStage("join")) throws(EngineError) -> Relation {
        let asFloat = zip(leftKeys, rightKeys).map { l, r in
            let a = left.table.columns[l].type, b = right.table.columns[r].type
            return a != b && a.isNumeric && b.isNumeric
        }
        func keyExprs(_ columns: [Int], _ r: Relation) -> [TypedExpr] {
            columns.map { TypedExpr(.column($0), r.table.columns[$0].type, .none) }
        }
        var interner = KeyInterner()
        let rightCodes = interner.keys(keyExprs(rightKeys, right), right, asFloat: asFloat, context.isCancelled)
        if context.isCancelled() { throw .cancelled }
        let leftCodes = interner.keys(keyExprs(leftKeys, left), left, asFloat: asFloat, context.isCancelled)
        if context.isCancelled() { throw .cancelled }
        // first[id]: the key's first right position; next[p]: the one after p (-1: none).
        var ids = KeyIDTable(expected: right.count)
        var first: [Int32] = []
        var next = [Int32](repeating: -1, count: right.count)
        for p in stride(from: right.count - 1, through: 0, by: -1) {
            if p % ExecutionContext.batchSize == 0, context.isCancelled() { throw .cancelled }
            guard let k = rightCodes[p] else { continue }
            let id = Int(ids.id(k))
            if id == first.count { first.append(-1) }
            next[p] = first[id]
            first[id] = Int32(p)
        }
        // Key codes of both sides, the table and its chains: about 48 bytes a right row.
        let memory = context.memory
        memory.charge((left.count + right.count) * 16 + right.count * 32, stage, grew: "hash table of \(MemoryBudget.describe(count: right.count)) rows, keys of \(MemoryBudget.describe(count: left.count)) probed")
        if context.isCancelled() { throw .cancelled }
        // Each output row costs its pair and a gathered value per column; one left row may have
        // a million matches, so the output is charged (and Ctrl-C seen) every 65,536 of them.
        let outputRowBytes = 8 * (1 + left.table.columns.count + rightColumns.count)
        let isCancelled = context.isCancelled, stopped = StopLatch()
        let pairs: [(Int32, Int32)] = try left.positions(context) { (lp: Int, out: inout [(Int32, Int32)]) in
            if stopped.isRaised { return }
            let id = leftCodes[lp].map { ids.find($0) } ?? -1
            var h: Int32 = id >= 0 ? first[Int(id)] : -1
            switch kind {
            case .inner, .leftouter, .rightouter, .fullouter:
                if h < 0, kind == .leftouter || kind == .fullouter { out.append((Int32(lp), -1)) }
                while h >= 0 {
                    out.append((Int32(lp), h))
                    h = next[Int(h)]
                    if out.count & 0xFFFF == 0 {
                        let rows = out.count
                        memory.charge(0x10000 * outputRowBytes, stage, grew: "output of \(MemoryBudget.describe(count: rows)) rows")
                        if isCancelled() { stopped.raise(); break }
                    }
                }
            case .leftsemi: if h >= 0 { out.append((Int32(lp), -1)) }
            case .leftanti: if h < 0 { out.append((Int32(lp), -1)) }
            }
        }
        memory.charge((pairs.count & 0xFFFF) * outputRowBytes, stage, grew: "output of \(MemoryBudget.describe(count: pairs.count)) rows")
        if context.isCancelled() { throw .cancelled }
        var leftPositions = pairs.map { $0.0 }, rightPositions = pairs.map { $0.1 }
        if kind == .rightouter || kind == .fullouter {
            var matched = [Bool](repeating: false, count: right.count)
            for r in rightPositions where r >= 0 { matched[Int(r)] = true }
            for p in 0..<right.count where !matched[p] {
                leftPositions.append(-1)
                rightPositions.append(Int32(p))
            }
        }
        var columns = left.table.columns.map { Self.gather($0, left, leftPositions) }
        for (name, index) in rightColumns { columns.append(Self.gather(right.table.columns[index], right, rightPositions).renamed(name)) }
        let keepsTime = kind.keepsLeftOrder && left.inTimeOrder && left.table.timeColumnIndex != nil
        let table = Table(name: left.table.name, columns: columns, rowCount: leftPositions.count,
                          timeColumnIndex: keepsTime ? left.table.timeColumnIndex : nil)
        return Relation(table: table, rows: nil, inTimeOrder: keepsTime)
    }

    /// `column` at the relation's positions; -1 is null (an outer join's missing side).
    static func gather(_ column: Column, _ r: Relation, _ positions: [Int32]) -> Column {
        func rowID(_ p: Int32) -> UInt32 { p < 0 ? 0 : (r.rows.map { $0[Int(p)] } ?? UInt32(p)) }
        guard positions.contains(-1) else { return column.gather(positions.map(rowID)) }
        guard column.count > 0 else {
            return TableBuilder.makeColumn(name: column.name, values: Array(repeating: .null, count: positions.count), type: column.type)
        }
        let g = column.gather(positions.map(rowID))
        var mask = g.isNull.map { ContiguousArray($0) } ?? ContiguousArray(repeating: false, count: positions.count)
        for (i, p) in positions.enumerated() where p < 0 { mask[i] = true }
        var data = g.data
        if case .string(let s) = data {
            var ids = ContiguousArray(s.ids)
            for (i, p) in positions.enumerated() where p < 0 { ids[i] = StringColumn.nullID }
            data = .string(StringColumn(ids: ColumnBuffer(ids), dictionary: s.dictionary))
        }
        return Column(name: g.name, type: g.type, data: data, isNull: mask)
    }
}

extension Relation {
    /// `body(position, &out)` for every position (not row id) of the relation, in order,
    /// over the cores when it is large; the outputs are joined in position order.
    func positions<T>(_ context: ExecutionContext, _ body: (Int, inout [T]) -> Void) throws(EngineError) -> [T] {
        let parts = Parallel.chunks(count, minimum: 32_768)
        let outputs = Parallel.map(parts.count) { k -> [T]? in
            var out: [T] = []
            for p in parts[k] {
                if p % ExecutionContext.batchSize == 0, context.isCancelled() { return nil }
                body(p, &out)
            }
            return out
        }
        var joined: [T] = []
        for part in outputs {
            guard let part else { throw .cancelled }
            joined.append(contentsOf: part)
        }
        return joined
    }
}
