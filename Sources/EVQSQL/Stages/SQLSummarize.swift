// `summarize`, `count` and `distinct`: GROUP BY, count(), and DISTINCT as a GROUP BY. evq puts
// each group where its first row was, so the groups are ordered by their first row's position.

import EVQEngine
import EVQSyntax

extension SQLBuilder {
    mutating func summarize(_ keys: [(name: String, expr: TypedExpr)], _ aggregates: [AggregateCall],
                            _ outputs: [(name: String, expr: TypedExpr)]) throws(Diagnostic)
    {
        let position = self.position()
        var calls: [String] = []
        for a in aggregates { calls.append(try printer().aggregate(a, position: position)) }
        let p = printer(aggregates: calls)
        var list: [(sql: String, name: String)] = []
        var groupBy: [String] = []
        for k in keys {
            let sql = try p.value(k.expr)
            list.append((sql, k.name))
            groupBy.append(sql)
        }
        for o in outputs { list.append((try p.value(o.expr), o.name)) }
        group(list, by: groupBy, position: position)
    }

    /// The select list over groups, each group where its first row was.
    private mutating func group(_ list: [(sql: String, name: String)], by groupBy: [String], position: String?) {
        block.selectList = list
        block.groupBy = groupBy
        cutByLimit = false
        block.orderIsExplicit = false
        if groupBy.isEmpty {
            block.order = []
            block.orderIsTotal = true  // one row
        } else {
            block.order = position.map { [SQLOrderKey(expr: "min(\($0))", descending: false)] } ?? []
            block.orderIsTotal = block.orderIsTotal && position != nil
        }
    }

    mutating func count() {
        readable()
        if block.limit != nil { close() }
        block.selectList = [("count()", "count")]
        block.order = []
        block.orderIsExplicit = false
        block.orderIsTotal = true
    }

    mutating func distinct(_ items: [(name: String, expr: TypedExpr)]) throws(Diagnostic) {
        let position = self.position()
        let p = printer()
        var list: [(sql: String, name: String)] = []
        for item in items { list.append((try p.value(item.expr), item.name)) }
        group(list, by: list.map(\.sql), position: position)
    }
}
