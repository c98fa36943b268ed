// `summarize`, `count` and `distinct`: GROUP BY, count(), SELECT DISTINCT. Their rows come
// in no order ClickHouse can reproduce (evq: each group where its first row was).

import EVQEngine
import EVQSyntax

extension SQLBuilder {
    mutating func summarize(_ keys: [(name: String, expr: TypedExpr)], _ aggregates: [AggregateCall],
                            _ outputs: [(name: String, expr: TypedExpr)]) throws(Diagnostic)
    {
        readable()
        if block.limit != nil { close() }
        var calls: [String] = []
        for a in aggregates { calls.append(try printer().aggregate(a)) }
        let p = printer(aggregates: calls)
        var list: [(sql: String, name: String)] = []
        var groupBy: [String] = []
        for k in keys {
            let sql = try p.value(k.expr)
            list.append((sql, k.name))
            groupBy.append(sql)
        }
        for o in outputs { list.append((try p.value(o.expr), o.name)) }
        block.selectList = list
        block.groupBy = groupBy
        cutByLimit = false
        block.order = []
        block.orderIsExplicit = false
    }

    mutating func count() {
        readable()
        if block.limit != nil { close() }
        block.selectList = [("count()", "count")]
        block.order = []
        block.orderIsExplicit = false
    }

    mutating func distinct(_ items: [(name: String, expr: TypedExpr)]) throws(Diagnostic) {
        try project(items)
        block.distinct = true
        block.order = []
        block.orderIsExplicit = false
    }
}
