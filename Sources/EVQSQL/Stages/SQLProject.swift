// `project` and `extend`: the select list.

import EVQEngine
import EVQSyntax

extension SQLBuilder {
    mutating func project(_ items: [(name: String, expr: TypedExpr)]) throws(Diagnostic) {
        readable()
        let p = printer()
        var list: [(sql: String, name: String)] = []
        for item in items { list.append((try p.value(item.expr), item.name)) }
        block.selectList = list
    }
}
