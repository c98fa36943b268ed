// `where`: a condition of the WHERE clause (conditions of adjacent filters are ANDed).

import EVQEngine
import EVQSyntax

extension SQLBuilder {
    mutating func filter(_ p: TypedExpr) throws(Diagnostic) {
        readable()
        if block.limit != nil { close() }  // a filter after a take filters the rows taken
        // One line of the WHERE per conjunct.
        var conjuncts: [TypedExpr] = []
        func split(_ e: TypedExpr) {
            if case .and(let a, let b) = e.kind { split(a); split(b) } else { conjuncts.append(e) }
        }
        split(p)
        let printer = printer()
        for c in conjuncts { block.conditions.append(try printer.conjunct(c)) }
    }
}
