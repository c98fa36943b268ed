// `lookup`: a LEFT ANY JOIN (one right row per key, as evq takes the first), with
// join_use_nulls so that a row without a match gets nulls rather than ClickHouse's defaults.

import EVQEngine
import EVQStore
import EVQSyntax

extension SQLBuilder {
    mutating func lookup(_ right: TableRef, _ leftKey: Int, _ rightKey: Int, _ added: [(name: String, index: Int)]) throws(Diagnostic) {
        close()
        let left = block
        let (rightFrom, rightColumns) = try relation(of: right)
        let on = "l.\(left.columns[leftKey].sql) = r.\(rightColumns[rightKey].sql)"
        var columns = left.columns.map { (sql: "l.\($0.sql)", name: $0.name) }
        for a in added { columns.append(("r.\(rightColumns[a.index].sql)", a.name)) }
        block = SQLBlock(from: "\(left.from) AS l\nLEFT ANY JOIN \(rightFrom) AS r ON \(on)", columns: columns,
                         order: left.order.map { SQLOrderKey(expr: "l.\($0.expr)", descending: $0.descending, nullsFirst: $0.nullsFirst) },
                         orderIsExplicit: left.orderIsExplicit)
        needsJoinNulls = true
    }
}
