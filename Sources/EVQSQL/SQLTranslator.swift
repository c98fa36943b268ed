// Translates a plan into one ClickHouse SELECT: each plan node, from the scan up, fills the
// clauses of the SELECT being built (Stages/*.swift); a node that needs a clause already taken
// closes it into a named CTE (`s1`, `s2`, ...) and starts a new SELECT over it.

import EVQEngine
import EVQStore
import EVQSyntax

/// The SQL of one query and what the caller needs to read its answer.
public struct SQLTranslation: Sendable {
    public var sql: String
    /// evq's schema of the result, for turning the server's values back into evq's.
    public var output: [Field]
    /// Output columns that give the row order, major first (a prefix of the order keys that
    /// are visible columns); nil when the rows come in no defined order.
    public var orderColumns: [Int]?
    /// Whether a sort or top defined the order (rather than the table's time order).
    public var orderIsExplicit: Bool
    /// Whether the last step keeps the first n rows (take, top): rows tied at the cut may be
    /// any of the tied ones.
    public var isLimited: Bool
    /// Whether the rows come in exactly evq's order (every table read has a row-order column).
    public var orderIsTotal: Bool
}

public struct SQLTranslator {
    /// The server's name for a table (`events`, `db.gdelt`); nil for a table that lives only
    /// in evq (a `let` result), which is sent inline when small.
    public var serverTable: (Table) -> String?
    /// How a column of a server table reads there: its server column, quoted (the
    /// `--columns` mapping), or an expression over them (a named format's coded labels).
    public var serverColumn: (Table, String) -> String
    /// The tables are stand-ins (schemas without rows): values evq folded from them are unknown.
    public var standInTables: Bool
    /// A server column that numbers a table's rows in evq's order (as ClickHouseExport writes
    /// them), so that rows of the same time, and the groups they start, keep evq's order;
    /// nil: ties of time come in the server's order.
    public var rowOrder: (Table) -> String?
    /// The most rows of a local table sent inline in the SQL.
    public static let inlineRowLimit = 10_000

    public init(serverTable: @escaping (Table) -> String? = { $0.name }, serverColumn: @escaping (Table, String) -> String = { SQLQuote.identifier($1) },
                standInTables: Bool = false, rowOrder: @escaping (Table) -> String? = { _ in nil })
    {
        self.serverTable = serverTable
        self.serverColumn = serverColumn
        self.standInTables = standInTables
        self.rowOrder = rowOrder
    }

    /// `catalog`: where the plan's table references find their tables (a server table's
    /// stand-in, or a `let` result sent inline).
    public func translate(_ plan: Plan, catalog: Catalog) throws(Diagnostic) -> SQLTranslation {
        var builder = SQLBuilder(translator: self, catalog: catalog, source: plan.source)
        try builder.run(plan.root)
        return builder.finish(plan.output)
    }
}

/// The state of one translation: the CTEs written so far and the SELECT being built.
struct SQLBuilder {
    let translator: SQLTranslator
    let catalog: Catalog
    let source: SourceFile
    var ctes: [(name: String, sql: String)] = []
    var block = SQLBlock(from: "", columns: [], order: [], orderIsExplicit: false)
    var needsJoinNulls = false
    /// A take, top or tail cut the rows, and no summarize came after it.
    var cutByLimit = false
    /// Every table read numbered its rows in evq's order (SQLTranslator.rowOrder).
    var everyOrderTotal = true

    /// The whole query, where a node has no span of its own.
    var querySpan: Span { Span(0, source.text.utf8.count) }

    func printer(aggregates: [String] = []) -> SQLExpressionPrinter {
        SQLExpressionPrinter(columns: block.columns.map(\.sql), aggregates: aggregates,
                             foldedLatestIsUnknown: translator.standInTables, source: source)
    }

    /// Adds a node's chain, from its source up.
    mutating func run(_ root: PlanNode) throws(Diagnostic) {
        var chain: [PlanNode] = []
        var node: PlanNode? = root
        while let n = node {
            chain.append(n)
            node = n.inputNode
        }
        for n in chain.reversed() { try add(n) }
    }

    mutating func add(_ node: PlanNode) throws(Diagnostic) {
        switch node {
        case .scan(let table, let access): try scan(table, access)
        case .filter(_, let p): try filter(p)
        case .project(_, let items): try project(items)
        case .sort(_, let keys): try sort(keys)
        case .limit(_, let n): try limit(n)
        case .top(_, let n, let keys): try top(n, keys)
        case .tail(_, let n): try tail(n)
        case .aggregate(_, let keys, let aggregates, let outputs): try summarize(keys, aggregates, outputs)
        case .count: count()
        case .distinct(_, let items): try distinct(items)
        case .lookup(let input, let right, let leftKey, let rightKey, let columns):
            let scan = PlanNode.scan(right, .full)
            try join(.leftouter, scan, [leftKey], [rightKey], columns, leftTypes: input.sqlFieldTypes)
        case .join(let input, let j): try join(j, leftTypes: input.sqlFieldTypes)
        case .sequence(let s): try sequence(s)
        @unknown default:
            throw untranslatable("this stage", at: querySpan)
        }
    }

    /// Makes the current columns readable as plain columns: a SELECT that already has its
    /// select list is closed into a CTE first.
    mutating func readable() {
        if block.hasOutput { close() }
    }

    /// Writes the SELECT being built as the next CTE, and starts a new one over it. Order keys
    /// the select list drops travel along as hidden columns, so the final ORDER BY can use them.
    mutating func close() {
        let name = "s\(ctes.count + 1)"
        var items = block.selectList ?? block.columns
        var order: [SQLOrderKey] = []
        var hidden = 0
        for key in block.order {
            if let item = items.first(where: { $0.sql == key.expr }) {
                order.append(SQLOrderKey(expr: SQLQuote.identifier(item.name), descending: key.descending, nullsFirst: key.nullsFirst))
            } else {
                hidden += 1
                let column = "__evq_order_\(hidden)"
                items.append((key.expr, column))
                order.append(SQLOrderKey(expr: column, descending: key.descending, nullsFirst: key.nullsFirst))
            }
        }
        var closing = block
        closing.selectList = items
        ctes.append((name, render(closing, finalOrder: false)))
        let visible = (block.selectList ?? block.columns).map { (SQLQuote.identifier($0.name), $0.name) }
        let total = block.orderIsTotal
        block = SQLBlock(from: name, columns: visible, order: order, orderIsExplicit: block.orderIsExplicit)
        block.orderIsTotal = total
    }

    /// An expression over the block's FROM that numbers its rows in their order (ties of a
    /// partial order numbered as the server meets them); nil when the rows have no order.
    /// A single ascending key serves as it is; otherwise the rows are numbered first.
    mutating func position() -> String? {
        readable()
        if block.limit != nil { close() }
        guard !block.order.isEmpty else { return nil }
        if block.order.count == 1, !block.order[0].descending { return block.order[0].expr }
        let over = "row_number() OVER (ORDER BY \(block.order.map(\.sql).joined(separator: ", ")))"
        block.selectList = block.columns + [(over, "__evq_position")]
        close()
        block.columns.removeLast()
        block.order = [SQLOrderKey(expr: "__evq_position", descending: false)]
        return "__evq_position"
    }

    /// One SELECT, a clause per line.
    func render(_ b: SQLBlock, finalOrder: Bool) -> String {
        let items = (b.selectList ?? b.columns).map { item in
            let alias = SQLQuote.identifier(item.name)
            return item.sql == alias ? alias : "\(item.sql) AS \(alias)"
        }
        var lines = ["SELECT " + (b.distinct ? "DISTINCT " : "") + items.joined(separator: ", "), "FROM " + b.from]
        if !b.conditions.isEmpty { lines.append("WHERE " + b.conditions.joined(separator: "\n  AND ")) }
        if !b.groupBy.isEmpty { lines.append("GROUP BY " + b.groupBy.joined(separator: ", ")) }
        if let limit = b.limit {
            if !limit.keys.isEmpty { lines.append("ORDER BY " + limit.keys.map(\.sql).joined(separator: ", ")) }
            lines.append("LIMIT \(limit.count)")
        } else if finalOrder, !b.order.isEmpty {
            lines.append("ORDER BY " + b.order.map(\.sql).joined(separator: ", "))
        }
        return lines.joined(separator: "\n")
    }

    func finish(_ output: [Field]) -> SQLTranslation {
        var text = ""
        if !ctes.isEmpty {
            text = "WITH\n" + ctes.map { cte in
                "    \(cte.name) AS (\n" + cte.sql.split(separator: "\n").map { "        " + $0 }.joined(separator: "\n") + "\n    )"
            }.joined(separator: ",\n") + "\n"
        }
        text += render(block, finalOrder: true)
        // Names in expressions are columns, never the aliases of the same SELECT (as in evq,
        // where `killed = sum(killed)` reads the input's killed); lookups give nulls, not defaults.
        var settings = ["prefer_column_name_to_alias = 1"]
        if needsJoinNulls { settings.append("join_use_nulls = 1") }
        text += "\nSETTINGS " + settings.joined(separator: ", ")
        // The visible order keys, as output columns.
        let items = block.selectList ?? block.columns
        var orderColumns: [Int] = []
        let keys = block.limit?.keys ?? block.order
        for key in keys {
            guard let i = items.firstIndex(where: { $0.sql == key.expr }) else { break }
            orderColumns.append(i)
        }
        let ordered = !(block.limit?.keys ?? block.order).isEmpty
        return SQLTranslation(sql: text, output: output, orderColumns: ordered ? orderColumns : nil, orderIsExplicit: block.orderIsExplicit,
                              isLimited: cutByLimit, orderIsTotal: block.orderIsTotal && everyOrderTotal)
    }
}

extension PlanNode {
    /// The node's input; nil for a scan (and for node kinds this module does not know yet).
    var inputNode: PlanNode? {
        switch self {
        case .scan: nil
        case .filter(let i, _), .project(let i, _), .sort(let i, _), .limit(let i, _), .top(let i, _, _),
             .aggregate(let i, _, _, _), .count(let i), .distinct(let i, _), .tail(let i, _), .lookup(let i, _, _, _, _), .join(let i, _):
            i
        case .sequence: nil
        @unknown default: nil
        }
    }
}
