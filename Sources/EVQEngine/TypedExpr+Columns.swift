// Which input columns an expression reads, and the same expression over another input
// (column indices renumbered). The optimizer uses both to move filters below projections.

import EVQStore

extension TypedExpr {
    /// Every column index the expression reads, in no particular order.
    var referencedColumns: Set<Int> {
        var out = Set<Int>()
        visitColumns { out.insert($0) }
        return out
    }

    /// Whether the expression reads an aggregate of an enclosing `summarize`.
    var readsAggregate: Bool {
        var found = false
        walk { if case .aggregateResult = $0.kind { found = true } }
        return found
    }

    private func visitColumns(_ body: (Int) -> Void) {
        walk { if case .column(let i) = $0.kind { body(i) } }
    }

    /// Calls `body` on this node and every node below it.
    func walk(_ body: (TypedExpr) -> Void) {
        body(self)
        for child in children { child.walk(body) }
    }

    private var children: [TypedExpr] {
        switch kind {
        case .constant, .column, .aggregateResult: []
        case .not(let a), .negate(let a): [a]
        case .and(let a, let b), .or(let a, let b), .compare(_, let a, let b), .arithmetic(_, let a, let b): [a, b]
        case .inSet(let a, _, _, _), .inQuery(let a, _, _, _), .inRange(let a, _, _, _, _), .text(_, let a, _): [a]
        case .call(_, let args): args
        }
    }

    /// The same node over new children (as many, in the order of `children`).
    private func replacingChildren(_ c: [TypedExpr]) -> TypedExpr {
        let newKind: TypedExprKind
        switch kind {
        case .constant, .column, .aggregateResult: return self
        case .not: newKind = .not(c[0])
        case .negate: newKind = .negate(c[0])
        case .and: newKind = .and(c[0], c[1])
        case .or: newKind = .or(c[0], c[1])
        case .compare(let op, _, _): newKind = .compare(op, c[0], c[1])
        case .arithmetic(let op, _, _): newKind = .arithmetic(op, c[0], c[1])
        case .inSet(_, let set, let caseless, let negated): newKind = .inSet(c[0], set, caseless: caseless, negated: negated)
        case .inQuery(_, let q, let caseless, let negated): newKind = .inQuery(c[0], q, caseless: caseless, negated: negated)
        case .inRange(_, let lower, let upper, let inclusive, let negated):
            newKind = .inRange(c[0], lower: lower, upper: upper, upperInclusive: inclusive, negated: negated)
        case .text(let pattern, _, let negated): newKind = .text(pattern, c[0], negated: negated)
        case .call(let fn, _): newKind = .call(fn, c)
        }
        return TypedExpr(newKind, type, span)
    }

    /// The expression rebuilt bottom-up: `f` sees each node after its children were rebuilt.
    func rewritten<E: Error>(_ f: (TypedExpr) throws(E) -> TypedExpr) throws(E) -> TypedExpr {
        let kids = children
        if kids.isEmpty { return try f(self) }
        var new: [TypedExpr] = []
        new.reserveCapacity(kids.count)
        for k in kids { new.append(try k.rewritten(f)) }
        return try f(replacingChildren(new))
    }

    /// The expression with each column `i` replaced by column `map(i)`; nil when `map` has no
    /// column for one of them (the expression cannot be moved to that input).
    func remappingColumns(_ map: (Int) -> Int?) -> TypedExpr? {
        struct Unmapped: Error {}
        do {
            return try rewritten { (e: TypedExpr) throws(Unmapped) -> TypedExpr in
                guard case .column(let i) = e.kind else { return e }
                guard let j = map(i) else { throw Unmapped() }
                return TypedExpr(.column(j), e.type, e.span)
            }
        } catch {
            return nil
        }
    }
}
