// Debug-build checks after each optimizer pass (DuckDB's Verify): every column an operator
// reads exists in its input, nothing is left for the binder (a subquery, `latest()`), and the
// pass left the plan's output width as it was. A failure
// is a bug in a pass, so it stops the program with the pass's name.

import EVQStore

enum PlanVerifier {
    static func verify(_ node: PlanNode, against before: PlanNode, after pass: OptimizerPass) {
        precondition(node.width == before.width, "optimizer pass \(pass.rawValue) changed the output width \(before.width) -> \(node.width)")
        var current: PlanNode? = node
        while let n = current {
            for (e, width) in readExpressions(n) {
                for c in e.referencedColumns {
                    precondition(c >= 0 && c < width, "optimizer pass \(pass.rawValue): column \(c) out of range 0..<\(width) in \(n.shape)")
                }
                precondition(!e.needsBinding, "optimizer pass \(pass.rawValue): an unbound subquery or latest() in \(n.shape)")
            }
            current = n.input
        }
    }

    /// The expressions an operator evaluates, each with the width of the input it reads.
    private static func readExpressions(_ node: PlanNode) -> [(TypedExpr, Int)] {
        guard let input = node.input else { return [] }
        let w = input.width
        switch node {
        case .filter(_, let p): return [(p, w)]
        case .project(_, let items), .distinct(_, let items): return items.map { ($0.expr, w) }
        case .sort(_, let keys), .top(_, _, let keys): return keys.map { ($0.expr, w) }
        case .aggregate(_, let keys, let aggs, _):
            return keys.map { ($0.expr, w) } + aggs.flatMap { $0.arguments.map { ($0, w) } }
        case .lookup(_, _, let leftKey, _, _):
            return [(TypedExpr(.column(leftKey), .null, .none), w)]
        case .join(_, let j): return j.leftKeys.map { (TypedExpr(.column($0), .null, .none), w) }
        case .scan, .limit, .count, .tail, .sequence: return []
        }
    }
}
