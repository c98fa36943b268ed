// `join` of every kind, and `lookup` (a leftouter join): each side a CTE that carries its rows'
// position, joined with join_use_nulls (a missing side is null, not ClickHouse's defaults), and
// ordered as evq orders a join: the left's order, each left row's matches in the right's order,
// the right rows no left row matched last.

import EVQEngine
import EVQStore
import EVQSyntax

extension SQLBuilder {
    mutating func join(_ j: JoinPlan, leftTypes: [DataType]) throws(Diagnostic) {
        try join(j.kind, j.right, j.leftKeys, j.rightKeys, j.rightColumns, leftTypes: leftTypes)
    }

    mutating func join(_ joinKind: JoinKind, _ rightPlan: PlanNode, _ leftKeys: [Int], _ rightKeys: [Int],
                       _ rightColumns: [(name: String, index: Int)], leftTypes: [DataType]) throws(Diagnostic) {
        let leftPosition = exposePosition(as: "__evq_lpos")
        let left = block
        let right = try subquery(rightPlan, positionName: "__evq_rpos")
        // Keys compare by value, as `==` does: an int meets the float equal to it.
        var on: [String] = []
        for (l, r) in zip(leftKeys, rightKeys) {
            let a = "l.\(left.columns[l].sql)", b = "r.\(right.columns[r].sql)"
            let mixed = leftTypes[l] != right.types[r] && leftTypes[l].isNumeric && right.types[r].isNumeric
            on.append(mixed ? "toFloat64(\(a)) = toFloat64(\(b))" : "\(a) = \(b)")
        }
        let kind: String
        switch joinKind {
        case .inner: kind = "INNER JOIN"
        case .leftouter: kind = "LEFT JOIN"
        case .rightouter: kind = "RIGHT JOIN"
        case .fullouter: kind = "FULL JOIN"
        case .leftsemi: kind = "LEFT SEMI JOIN"
        case .leftanti: kind = "LEFT ANTI JOIN"
        }
        var columns = left.columns.map { (sql: "l.\($0.sql)", name: $0.name) }
        var order = leftPosition.map { [SQLOrderKey(expr: "l.\($0)", descending: false)] } ?? []
        let addsRight = joinKind != .leftsemi && joinKind != .leftanti
        if addsRight {
            for (name, index) in rightColumns { columns.append(("r.\(right.columns[index].sql)", name)) }
            if let p = right.position { order.append(SQLOrderKey(expr: "r.\(p)", descending: false)) }
        }
        let complete = leftPosition != nil && (!addsRight || right.position != nil)
        block = SQLBlock(from: "\(left.from) AS l\n\(kind) \(right.from) AS r ON \(on.joined(separator: " AND "))", columns: columns,
                         order: complete ? order : [], orderIsExplicit: left.orderIsExplicit)
        block.orderIsTotal = complete && left.orderIsTotal && right.orderIsTotal
        needsJoinNulls = true
    }

    /// Closes the rows so far into a CTE that also carries each row's position as the column
    /// `name` (not one of the evq columns); the position's name there, nil without an order.
    mutating func exposePosition(as name: String) -> String? {
        let position = position()
        if let position { block.selectList = block.columns + [(position, name)] }
        close()
        if position != nil { block.columns.removeLast() }
        return position == nil ? nil : name
    }

    /// A sub-plan (a join's right side, a sequence's step) as a CTE of its own. `unique`: the
    /// position names one row each; where the order has ties (time without row numbers), the
    /// row's values break them (rows equal in every value are interchangeable).
    mutating func subquery(_ node: PlanNode, positionName: String, unique: Bool = false) throws(Diagnostic) -> SQLSubquery {
        var sub = SQLBuilder(translator: translator, catalog: catalog, source: source)
        sub.ctes = ctes
        try sub.run(node)
        if unique {
            sub.readable()
            if sub.block.limit != nil { sub.close() }
            if !sub.block.orderIsTotal, !sub.block.order.isEmpty {
                sub.block.order += sub.block.columns.map { SQLOrderKey(expr: $0.sql, descending: false) }
                sub.block.orderIsTotal = true
                sub.everyOrderTotal = false
            }
        }
        let position = sub.exposePosition(as: positionName)
        ctes = sub.ctes
        everyOrderTotal = everyOrderTotal && sub.everyOrderTotal
        needsJoinNulls = needsJoinNulls || sub.needsJoinNulls
        return SQLSubquery(from: sub.block.from, columns: sub.block.columns, types: node.sqlFieldTypes, position: position,
                           orderIsTotal: sub.block.orderIsTotal)
    }
}

/// A sub-plan written as a CTE: its evq columns (identifiers) and the column of its rows' position.
struct SQLSubquery {
    var from: String
    var columns: [(sql: String, name: String)]
    var types: [DataType]
    var position: String?
    var orderIsTotal: Bool
}
