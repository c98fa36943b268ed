// Settles what a checked query leaves to the data, just before planning: each `x in (query)`
// and `x in TABLE` runs its query once (it reads nothing of the outer row, like Postgres's
// init plans) and becomes the set of the values it returned, and `latest()` becomes the newest
// time of the default table. Subtrees that became constant are folded, so the index selection
// sees `date >= latest() - 7d` as a bound on the time column.

import EVQStore
import EVQSyntax

struct Binder {
    let catalog: Catalog
    /// Runs a subquery (itself bound first) and returns its result.
    let run: (CheckedQuery) throws(EngineError) -> Table

    func bind(_ q: CheckedQuery) throws(EngineError) -> CheckedQuery {
        guard q.stages.contains(where: \.kind.needsBinding) else { return q }
        return try q.mappingExpressions(bind)
    }

    func bind(_ e: TypedExpr) throws(EngineError) -> TypedExpr {
        guard e.needsBinding else { return e }
        return try e.rewritten { (node: TypedExpr) throws(EngineError) -> TypedExpr in
            switch node.kind {
            case .call(.latest, _):
                return TypedExpr(.constant(try latest(node.span)), .time, node.span)
            case .inQuery(let left, let q, let caseless, let negated):
                if let remote = q.tablesRead.first(where: catalog.remoteTables.contains) {
                    throw .diagnostic(Diagnostic("'in' needs the rows of '\(remote)', which are on the server: not supported on a remote engine yet", at: q.span,
                                                 hint: "bind them first: let names = \(remote) | ... | project name, then: in names"))
                }
                let table = try run(q)
                let values = (0..<table.rowCount).map { table.columns[0].value(at: $0) }
                do throws(Diagnostic) {
                    let set = try Checker.membershipSet(values, of: left.type, caseless: caseless, at: q.span)
                    return TypedExpr(.inSet(left, set, caseless: caseless, negated: negated), .bool, node.span)
                } catch {
                    throw .diagnostic(error)
                }
            default:
                guard node.isConstant, node.constantValue == nil else { return node }
                do throws(Diagnostic) {
                    let v = try ExpressionEvaluator.evaluateConstant(node)
                    return TypedExpr(.constant(v), node.type == .null ? v.type : node.type, node.span)
                } catch {
                    throw .diagnostic(error)
                }
            }
        }
    }

    /// The newest time of the default table: its last non-null time row (nulls sort last).
    private func latest(_ span: Span) throws(EngineError) -> Value {
        if catalog.remoteTables.contains(catalog.defaultTable) {
            throw .diagnostic(Diagnostic("'latest()' needs the newest time of '\(catalog.defaultTable)', which is on the server: not supported on a remote engine yet",
                                         at: span, hint: "write the date, such as 2024-11-05"))
        }
        if let segmented = catalog.segmentedTables[catalog.defaultTable] {
            // The newest of the segments' last rows: no segment needs reading beyond that.
            guard let newest = segmented.latestTime, let t = segmented.schemaTable.timeColumnIndex else {
                throw .diagnostic(Checker.latestNeedsTime(catalog.defaultTable, span))
            }
            return segmented.schemaTable.columns[t].type == .time ? .time(newest) : .int(newest)
        }
        guard let table = catalog.tables[catalog.defaultTable], let t = table.timeColumnIndex, table.nonNullTimeCount > 0 else {
            throw .diagnostic(Checker.latestNeedsTime(catalog.defaultTable, span))
        }
        return table.value(row: table.nonNullTimeCount - 1, column: t)
    }
}

extension CheckedQuery {
    /// The tables the query reads: its source, and those of lookups, joins and sequence steps.
    var tablesRead: [String] {
        var out = [source.name]
        for stage in stages {
            switch stage.kind {
            case .lookup(let right, _, _, _): out.append(right.name)
            case .join(let j): out += j.right.tablesRead
            case .sequence(let s):
                for step in s.steps + (s.until.map { [$0] } ?? []) {
                    if case .query(let q) = step.input { out += q.tablesRead }
                }
            default: break
            }
        }
        return out
    }
}

extension TypedExpr {
    /// Whether the binder has anything to settle in the expression.
    var needsBinding: Bool {
        var found = false
        walk { e in
            switch e.kind {
            case .call(.latest, _), .inQuery: found = true
            default: break
            }
        }
        return found
    }
}

extension CheckedStage.Kind {
    var needsBinding: Bool {
        var found = false
        _ = mappingExpressions { (e: TypedExpr) -> TypedExpr in
            if e.needsBinding { found = true }
            return e
        }
        return found
    }

    /// The stage with `f` applied to each of its expressions.
    func mappingExpressions<E: Error>(_ f: (TypedExpr) throws(E) -> TypedExpr) throws(E) -> Self {
        func named(_ items: [(name: String, expr: TypedExpr)]) throws(E) -> [(name: String, expr: TypedExpr)] {
            var out: [(name: String, expr: TypedExpr)] = []
            for item in items { out.append((item.name, try f(item.expr))) }
            return out
        }
        func keys(_ ks: [CheckedSortKey]) throws(E) -> [CheckedSortKey] {
            var out: [CheckedSortKey] = []
            for k in ks { out.append(CheckedSortKey(expr: try f(k.expr), descending: k.descending)) }
            return out
        }
        switch self {
        case .filter(let p): return .filter(try f(p))
        case .project(let items): return .project(try named(items))
        case .sort(let ks): return .sort(try keys(ks))
        case .top(let n, let ks): return .top(n, try keys(ks))
        case .distinct(let items): return .distinct(try named(items))
        case .summarize(let ks, let aggregates, let outputs):
            var calls: [AggregateCall] = []
            for a in aggregates {
                var call = a
                call.arguments = []
                for arg in a.arguments { call.arguments.append(try f(arg)) }
                calls.append(call)
            }
            return .summarize(keys: try named(ks), aggregates: calls, outputs: try named(outputs))
        case .sequence(var seq):
            func step(_ st: CheckedSequenceStep) throws(E) -> CheckedSequenceStep {
                var st = st
                switch st.input {
                case .query(let q): st.input = .query(try q.mappingExpressions(f))
                case .pipeline(let stages):
                    var out: [CheckedStage] = []
                    for stage in stages { out.append(try stage.mappingExpressions(f)) }
                    st.input = .pipeline(out)
                }
                var keys: [TypedExpr] = []
                for k in st.keys { keys.append(try f(k)) }
                st.keys = keys
                return st
            }
            var steps: [CheckedSequenceStep] = []
            for st in seq.steps { steps.append(try step(st)) }
            seq.steps = steps
            if let u = seq.until { seq.until = try step(u) }
            return .sequence(seq)
        case .join(var j):
            j.right = try j.right.mappingExpressions(f)
            return .join(j)
        case .take, .count, .tail, .lookup, .chart:
            return self
        }
    }
}

extension CheckedStage {
    func mappingExpressions<E: Error>(_ f: (TypedExpr) throws(E) -> TypedExpr) throws(E) -> CheckedStage {
        var s = self
        s.kind = try kind.mappingExpressions(f)
        return s
    }
}

extension CheckedQuery {
    /// The query with `f` applied to every expression of its stages, nested queries included
    /// (a sequence's steps, a join's right side).
    func mappingExpressions<E: Error>(_ f: (TypedExpr) throws(E) -> TypedExpr) throws(E) -> CheckedQuery {
        var q = self
        var stages: [CheckedStage] = []
        for stage in self.stages { stages.append(try stage.mappingExpressions(f)) }
        q.stages = stages
        return q
    }
}
