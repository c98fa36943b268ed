// `summarize`: groups rows by key values and folds each aggregate per group. Groups come
// out in the order their first row was seen (time order for the event table), so results
// are deterministic. Typed keys (string ids, Int64 time buckets) and typed aggregate loops
// are in Aggregation+Typed.swift; the boxed `State` below is the general path.

import EVQStore

struct Aggregation {
    let context: ExecutionContext

    /// Running state of one aggregate for one group.
    enum State {
        case count(Int64)
        /// The exact total (a sum of Int64s fits Int128 for any table evq can hold), so the
        /// answer is the same in any order: by one core, several, or segment by segment.
        case sumInt(Int128, seen: Bool)
        case sumFloat(FloatSum, seen: Bool)
        case avg(FloatSum, Int64)
        case extreme(Value)
        case distinct(Set<Value>)
        /// first/last: the value, and whether a row was seen.
        case edge(Value, seen: Bool)
        /// percentile: every non-null value; values: distinct values in order.
        case collected([Value])
        case distinctList(Set<Value>, [Value])
        /// An aggregate that brings its own fold (its registry entry's accumulator).
        case accumulator(any AggregateAccumulator)
    }

    /// `keep`: the `top` right above, when its keys are aggregates; a path that can may then
    /// build only the groups it keeps (in their order of first appearance). Others build all.
    func run(_ r: Relation, keys: [(name: String, expr: TypedExpr)], aggregates: [AggregateCall],
             outputs: [(name: String, expr: TypedExpr)], keep: GroupLimit? = nil) throws(EngineError) -> Relation
    {
        if let folded = try byTextKey(r, keys: keys, aggregates: aggregates, outputs: outputs, keep: keep) { return folded }
        let table = r.table
        let keyEvals = keys.map { ExpressionEvaluator.compile($0.expr, table, nil) }
        let argEvals = aggregates.map { a in a.arguments.map { ExpressionEvaluator.compile($0, table, nil) } }
        let conditions = aggregates.map { a in a.function == .countif ? ExpressionEvaluator.predicate(a.arguments[0], table, nil, context.isCancelled) : nil }

        // Group ids per row (typed when the keys allow), then each aggregate's value per group
        // (typed loops, or the boxed `State` fold): Aggregation+Typed.swift.
        let groups = try self.groups(r, keys: keys, keyEvals)
        let groupCount = groups.count
        var aggregateValues: [[Value]] = []  // [aggregate][group]
        for (k, agg) in aggregates.enumerated() {
            // A state per group; percentile, dcount and values also keep up to every value.
            let keepsValues = [.percentile, .dcount, .values].contains(agg.function)
            context.memory.charge(groupCount * 24 + (keepsValues ? r.count * 24 : 0), MemoryStage("summarize", anchor: agg.span),
                                  grew: "\(agg.function.rawValue) states of \(MemoryBudget.describe(count: groupCount)) groups")
            if context.isCancelled() { throw .cancelled }
            aggregateValues.append(try values(of: agg, r, groups, argEvals[k], conditions[k]))
        }

        // With no keys there is one group even over no rows: its first position is no row.
        let firstRows = keys.isEmpty ? [] : groups.firstRows(of: r)
        return assemble(table, firstRows: firstRows, groupCount: groupCount, keys: keys, keyEvals: keyEvals,
                        aggregateValues: aggregateValues, outputs: outputs)
    }

    /// The result table: key columns (a plain column's typed values gathered at each group's
    /// first row of `table`, dictionary shared; a computed key evaluated there), then the outputs.
    func assemble(_ table: Table, firstRows: [UInt32], groupCount: Int, keys: [(name: String, expr: TypedExpr)], keyEvals: [RowEval],
                  aggregateValues: [[Value]], outputs: [(name: String, expr: TypedExpr)]) -> Relation {
        var columns: [Column] = []
        for (k, key) in keys.enumerated() {
            if let c = key.expr.columnIndex {
                columns.append(table.columns[c].gather(firstRows).renamed(key.name))
                continue
            }
            let values = firstRows.map { keyEvals[k](Int($0)) }
            columns.append(TableBuilder.makeColumn(name: key.name, values: values, type: key.expr.type == .null ? TableBuilder.inferType(values) : key.expr.type))
        }
        // An output that is one aggregate (`n = count()`) is that aggregate's values; others
        // are evaluated per group over the aggregates (`share = count() * 100 / sum(x)`).
        let slot = ExpressionEvaluator.AggregateSlot()
        let empty = Table(name: "", columns: [], rowCount: 1)
        for out in outputs {
            var values: [Value]
            if case .aggregateResult(let i) = out.expr.kind {
                // (Some typed paths give the one value of an empty input even when grouped.)
                values = Array(aggregateValues[i].prefix(groupCount))
            } else {
                let eval = ExpressionEvaluator.compile(out.expr, empty, slot)
                values = []
                values.reserveCapacity(groupCount)
                for g in 0..<groupCount {
                    slot.values = aggregateValues.map { $0[g] }
                    values.append(eval(0))
                }
            }
            let type = out.expr.type == .null ? TableBuilder.inferType(values) : out.expr.type
            columns.append(TableBuilder.makeColumn(name: out.name, values: values, type: type))
        }
        let result = Table(name: "result", columns: columns, rowCount: groupCount)
        return Relation(table: result, rows: nil, inTimeOrder: false)
    }

    /// The groups a `top n by …` right above a summarize keeps, when each of its keys is an
    /// output that is one aggregate (`top 20 by n` over `n = count()`).
    struct GroupLimit {
        let count: Int
        let keys: [(aggregate: Int, descending: Bool)]

        /// Nil unless every key is such an output; `keyCount` is the summarize's group keys
        /// (its output columns come after them).
        init?(_ count: Int, _ sortKeys: [CheckedSortKey], keyCount: Int, outputs: [(name: String, expr: TypedExpr)]) {
            var keys: [(aggregate: Int, descending: Bool)] = []
            for key in sortKeys {
                guard case .column(let c) = key.expr.kind, c >= keyCount, c - keyCount < outputs.count,
                      case .aggregateResult(let a) = outputs[c - keyCount].expr.kind else { return nil }
                keys.append((a, key.descending))
            }
            guard !keys.isEmpty else { return nil }
            self.count = max(0, count)
            self.keys = keys
        }
    }

    /// A group's state before its first row: the function's definition says which
    /// (AggregateFunctions.swift).
    static func initial(_ a: AggregateCall) -> State { a.function.initialState(a) }

    @inline(__always)
    static func fold(_ state: inout State, _ f: AggregateFunction, _ args: [RowEval], _ condition: RowPredicate?, _ row: Int) {
        switch state {
        case .count(let n):
            if f == .countif {
                if condition!(row) { state = .count(n + 1) }
            } else if args.isEmpty || !args[0](row).isNull {
                state = .count(n + 1)
            }
        case .sumInt(let s, _):
            switch args[0](row) {
            case .int(let v), .duration(let v): state = .sumInt(s + Int128(v), seen: true)
            default: break
            }
        case .sumFloat(let s, _):
            if let v = args[0](row).asDouble { state = .sumFloat(s + v, seen: true) }
        case .avg(let s, let n):
            switch args[0](row) {
            case .int(let v), .duration(let v): state = .avg(s + Double(v), n + 1)
            case .float(let v): state = .avg(s + v, n + 1)
            default: break
            }
        case .extreme(let current):
            let v = args[0](row)
            if v.isNull { return }
            if current.isNull { state = .extreme(v); return }
            let c = Value.compare(v, current)
            if (f == .min && c < 0) || (f == .max && c > 0) { state = .extreme(v) }
        case .distinct(var set):
            let v = args[0](row)
            if v.isNull { return }
            state = .distinct([])  // release the reference so the insert does not copy
            set.insert(v)
            state = .distinct(set)
        case .edge(_, let seen):
            if f == .first && seen { return }
            state = .edge(args[0](row), seen: true)
        case .collected(var values):
            let v = args[0](row)
            if v.isNull { return }
            state = .collected([])
            values.append(v)
            state = .collected(values)
        case .distinctList(var set, var list):
            let v = args[0](row)
            if v.isNull || set.contains(v) { return }
            state = .distinctList([], [])
            set.insert(v)
            list.append(v)
            state = .distinctList(set, list)
        case .accumulator(var a):
            state = .count(0)  // release the box so that adding does not copy it
            a.add(args.map { $0(row) })
            state = .accumulator(a)
        }
    }

    /// The aggregate's value. A sum or average over no values is null, as in SQL; an integer
    /// sum whose total does not fit 64 bits is null.
    static func result(_ state: State, _ call: AggregateCall) -> Value {
        let type = call.type
        switch state {
        case .count(let n): return .int(n)
        case .sumInt(let s, let seen):
            guard seen, let total = Int64(exactly: s) else { return .null }
            return type == .duration ? .duration(total) : .int(total)
        case .sumFloat(let s, let seen): return seen && s.total.isFinite ? .float(s.total) : .null
        case .avg(let s, let n):
            let mean = s / Double(n)
            guard n > 0, mean.isFinite else { return .null }
            guard type == .duration else { return .float(mean) }
            return Int64(exactly: mean.rounded()).map(Value.duration) ?? .null
        case .extreme(let v): return v
        case .distinct(let set): return .int(Int64(set.count))
        case .edge(let v, _): return v
        case .distinctList(_, let list): return .list(list)
        case .accumulator(let a): return a.result(call)
        case .collected(var values):
            guard !values.isEmpty, let p = call.arguments[1].constantValue?.asDouble else { return .null }
            // Nearest rank: the smallest value with at least p% of the values at or below it.
            values.sort { Value.compare($0, $1) < 0 }
            return values[Aggregation.nearestRankIndex(p, of: values.count)]
        }
    }
}
