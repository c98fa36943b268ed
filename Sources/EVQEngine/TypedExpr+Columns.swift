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
        case .inSet(let a, _, _, _), .inRange(let a, _, _, _, _), .text(_, let a, _): [a]
        case .call(_, let args): args
        }
    }

    /// The expression with each column `i` replaced by column `map(i)`; nil when `map` has no
    /// column for one of them (the expression cannot be moved to that input).
    func remappingColumns(_ map: (Int) -> Int?) -> TypedExpr? {
        func r(_ e: TypedExpr) -> TypedExpr? { e.remappingColumns(map) }
        let newKind: TypedExprKind
        switch kind {
        case .constant, .aggregateResult:
            return self
        case .column(let i):
            guard let j = map(i) else { return nil }
            newKind = .column(j)
        case .not(let a):
            guard let a = r(a) else { return nil }
            newKind = .not(a)
        case .negate(let a):
            guard let a = r(a) else { return nil }
            newKind = .negate(a)
        case .and(let a, let b):
            guard let a = r(a), let b = r(b) else { return nil }
            newKind = .and(a, b)
        case .or(let a, let b):
            guard let a = r(a), let b = r(b) else { return nil }
            newKind = .or(a, b)
        case .compare(let op, let a, let b):
            guard let a = r(a), let b = r(b) else { return nil }
            newKind = .compare(op, a, b)
        case .arithmetic(let op, let a, let b):
            guard let a = r(a), let b = r(b) else { return nil }
            newKind = .arithmetic(op, a, b)
        case .inSet(let a, let set, let caseless, let negated):
            guard let a = r(a) else { return nil }
            newKind = .inSet(a, set, caseless: caseless, negated: negated)
        case .inRange(let a, let lower, let upper, let inclusive, let negated):
            guard let a = r(a) else { return nil }
            newKind = .inRange(a, lower: lower, upper: upper, upperInclusive: inclusive, negated: negated)
        case .text(let pattern, let a, let negated):
            guard let a = r(a) else { return nil }
            newKind = .text(pattern, a, negated: negated)
        case .call(let fn, let args):
            var mapped: [TypedExpr] = []
            for a in args {
                guard let m = r(a) else { return nil }
                mapped.append(m)
            }
            newKind = .call(fn, mapped)
        }
        return TypedExpr(newKind, type, span)
    }
}
