// The rewriting passes that move operators: filters and limits down, sort + limit into top,
// filters on a distinct's values above it.
// Each keeps the answer and its row order: a filter commutes with a stable sort and with
// row-wise operators (projections) and with a join's left side for the conditions on its
// columns (a lookup is such a join); a limit commutes with
// row-wise projections only.

import EVQSyntax

extension Optimizer {
    // MARK: filterPushdown

    static func pushFilters(_ node: PlanNode) -> PlanNode {
        guard let input = node.input else { return node }
        let inner = pushFilters(input)
        if case .filter(_, let p) = node { return push(p, into: inner) }
        return node.replacingInput(inner)
    }

    /// `filter(node, p)`, with the conjuncts of `p` placed as low as they can go.
    private static func push(_ p: TypedExpr, into node: PlanNode) -> PlanNode {
        switch node {
        case .filter(let x, let q):
            return .filter(x, and(q, p))
        case .sort(let x, let keys):
            return .sort(push(p, into: x), keys)
        case .project(let x, let items):
            // A conjunct moves when every column it reads is passed through unchanged.
            var source: [Int: Int] = [:]
            for (out, item) in items.enumerated() {
                if let i = item.expr.columnIndex { source[out] = i }
            }
            var moved: [TypedExpr] = [], kept: [TypedExpr] = []
            for c in splitAnd(p) {
                if let m = c.remappingColumns({ source[$0] }) { moved.append(m) } else { kept.append(c) }
            }
            let below = joinAnd(moved).map { push($0, into: x) } ?? x
            let projected = PlanNode.project(below, items)
            return joinAnd(kept).map { .filter(projected, $0) } ?? projected
        case .lookup(let x, let right, let l, let r, let columns):
            return pushLeft(p, x) { .lookup($0, right: right, leftKey: l, rightKey: r, columns: columns) }
        case .join(let x, let j) where j.kind.keepsLeftOrder:
            return pushLeft(p, x) { .join($0, j) }
        default:
            return .filter(node, p)
        }
    }

    /// Below a join whose every output row is a left row with its matches (a lookup, an
    /// inner, leftouter, semi or anti join): the conjuncts on the left's columns (the right's
    /// come after them) keep the same rows before the join as after it.
    private static func pushLeft(_ p: TypedExpr, _ left: PlanNode, _ rebuild: (PlanNode) -> PlanNode) -> PlanNode {
        let leftWidth = left.width
        var moved: [TypedExpr] = [], kept: [TypedExpr] = []
        for c in splitAnd(p) {
            if c.referencedColumns.allSatisfy({ $0 < leftWidth }) { moved.append(c) } else { kept.append(c) }
        }
        let joined = rebuild(joinAnd(moved).map { push($0, into: left) } ?? left)
        return joinAnd(kept).map { .filter(joined, $0) } ?? joined
    }

    // MARK: limitPushdown

    static func pushLimits(_ node: PlanNode) -> PlanNode {
        guard let input = node.input else { return node }
        let inner = pushLimits(input)
        guard case .limit(_, let n) = node else { return node.replacingInput(inner) }
        switch inner {
        case .project(let x, let items):
            return .project(pushLimits(.limit(x, n)), items)
        case .limit(let x, let m):
            return .limit(x, min(n, m))
        default:
            return .limit(inner, n)
        }
    }

    // MARK: topN

    static func sortLimitToTop(_ node: PlanNode) -> PlanNode {
        guard let input = node.input else { return node }
        let inner = sortLimitToTop(input)
        if case .limit(_, let n) = node, case .sort(let x, let keys) = inner { return .top(x, n, keys) }
        return node.replacingInput(inner)
    }

    // MARK: filterAboveDistinct

    /// `distinct(filter(x, p))` with the conjuncts of `p` that read only plain-column items
    /// above the distinct (on its output columns). Exact, order included: a group's rows share
    /// those columns' values, so they pass or fail together, and the groups that pass keep
    /// their first rows.
    ///
    /// Over a table in segments, the conditions the indexes left are each segment's own filter
    /// (`SegmentAccess.residual`): those that read only plain items leave every segment's
    /// filter and run once above, as the same conjuncts (by their place in the query). A
    /// segment whose indexes answered such a condition keeps its index: its rows satisfy it.
    static func liftFiltersAboveDistinct(_ node: PlanNode) -> PlanNode {
        guard let input = node.input else { return node }
        let inner = liftFiltersAboveDistinct(input)
        let rebuilt = node.replacingInput(inner)
        guard case .distinct(let x, let items) = rebuilt else { return rebuilt }
        var output: [Int: Int] = [:]
        for (out, item) in items.enumerated() {
            if let c = item.expr.columnIndex, output[c] == nil { output[c] = out }
        }
        func lift(_ c: TypedExpr) -> TypedExpr? { c.referencedColumns.isEmpty ? nil : c.remappingColumns({ output[$0] }) }
        switch x {
        case .filter(let below, let p):
            var lifted: [TypedExpr] = [], kept: [TypedExpr] = []
            for c in splitAnd(p) {
                if let m = lift(c) { lifted.append(m) } else { kept.append(c) }
            }
            guard let above = joinAnd(lifted) else { return rebuilt }
            return .filter(.distinct(joinAnd(kept).map { PlanNode.filter(below, $0) } ?? below, items), above)
        case .scan(let ref, var access) where access.segments != nil:
            var lifted: [TypedExpr] = [], seen = Set<Span>()
            for k in access.segments!.indices {
                guard let residual = access.segments![k].residual else { continue }
                var kept: [TypedExpr] = []
                for c in splitAnd(residual) {
                    guard let m = lift(c) else {
                        kept.append(c)
                        continue
                    }
                    if seen.insert(c.span).inserted { lifted.append(m) }
                }
                access.segments![k].residual = joinAnd(kept)
            }
            guard let above = joinAnd(lifted) else { return rebuilt }
            return .filter(.distinct(.scan(ref, access), items), above)
        default:
            return rebuilt
        }
    }

    // MARK: conjunctions

    static func splitAnd(_ e: TypedExpr) -> [TypedExpr] {
        if case .and(let a, let b) = e.kind { return splitAnd(a) + splitAnd(b) }
        return [e]
    }

    static func joinAnd(_ es: [TypedExpr]) -> TypedExpr? {
        guard var acc = es.first else { return nil }
        for e in es.dropFirst() { acc = and(acc, e) }
        return acc
    }

    static func and(_ a: TypedExpr, _ b: TypedExpr) -> TypedExpr {
        TypedExpr(.and(a, b), .bool, a.span.to(b.span))
    }
}
