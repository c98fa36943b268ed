// `sort`, `take`, `top` and `tail`: ORDER BY and LIMIT. evq's sort is stable and puts nulls
// last in either direction, so every key says NULLS LAST and the previous order breaks ties.
// `take` and `tail` keep evq's row order, which SQL has only when it is spelled out: the
// table's row numbers or time column, a sort's keys, the groups' first rows.

import EVQEngine
import EVQSyntax

extension SQLBuilder {
    func orderKeys(_ keys: [CheckedSortKey]) throws(Diagnostic) -> [SQLOrderKey] {
        let p = printer()
        var out: [SQLOrderKey] = []
        for k in keys { out.append(SQLOrderKey(expr: try p.value(k.expr), descending: k.descending)) }
        // Ties keep the order the rows came in.
        for old in block.order where !out.contains(where: { $0.expr == old.expr }) { out.append(old) }
        return out
    }

    mutating func sort(_ keys: [CheckedSortKey]) throws(Diagnostic) {
        readable()
        if block.limit != nil { close() }
        block.order = try orderKeys(keys)
        block.orderIsExplicit = true
    }

    mutating func top(_ n: Int, _ keys: [CheckedSortKey]) throws(Diagnostic) {
        try sort(keys)
        block.limit = (block.order, n)
        cutByLimit = true
    }

    mutating func limit(_ n: Int) throws(Diagnostic) {
        // ORDER BY and LIMIT come after the select list and GROUP BY of the same SELECT.
        try requireOrder("take", closingOutput: false)
        cutByLimit = true
        if let current = block.limit {
            block.limit = (current.keys, min(current.count, n))
            return
        }
        block.limit = (block.order, n)
    }

    mutating func tail(_ n: Int) throws(Diagnostic) {
        try requireOrder("tail")
        cutByLimit = true
        if block.limit != nil { close() }
        // The last n rows: the first n in the reversed order, then back in order.
        block.limit = (block.order.map(\.reversed), n)
        close()
    }

    private mutating func requireOrder(_ stage: String, closingOutput: Bool = true) throws(Diagnostic) {
        if closingOutput { readable() }
        guard !block.order.isEmpty || block.orderIsTotal else {
            throw untranslatable("'\(stage)' over rows in no defined order", at: querySpan,
                                 hint: "the rows come from a table with no time column; sort first")
        }
    }
}
