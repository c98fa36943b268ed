// What the translator knows between two stages: the rows so far as one SELECT under
// construction (a "block") over a FROM, and how each evq column and the row order read there.

import EVQEngine
import EVQStore
import EVQSyntax

/// One key of the row order: an expression over the block's FROM.
struct SQLOrderKey: Equatable {
    var expr: String
    var descending: Bool
    var nullsFirst = false

    var sql: String { expr + (descending ? " DESC" : " ASC") + (nullsFirst ? " NULLS FIRST" : " NULLS LAST") }
    var reversed: SQLOrderKey { SQLOrderKey(expr: expr, descending: !descending, nullsFirst: !nullsFirst) }
}

/// A SELECT being built. Stages fill its clauses in SQL's order; a stage that needs a clause
/// already taken (a filter after a projection, a sort after a limit) closes it into a CTE.
struct SQLBlock {
    /// `events`, a CTE name, or a join.
    var from: String
    /// The evq columns: the SQL reading each one over `from`, and its name.
    var columns: [(sql: String, name: String)]
    var conditions: [String] = []
    /// Set by project, summarize, count, distinct: the select list replaces `columns`.
    var selectList: [(sql: String, name: String)]? = nil
    var distinct = false
    var groupBy: [String] = []
    /// Rows' order over `from`: the table's time order, or the keys of the last sort.
    var order: [SQLOrderKey]
    /// Whether the order was asked for (sort, top) rather than inherited from the table.
    var orderIsExplicit: Bool
    /// ORDER BY + LIMIT of this SELECT (take, top, tail).
    var limit: (keys: [SQLOrderKey], count: Int)? = nil
    /// Whether `order` puts every row in one place, as evq's engine does (a row-order column
    /// breaks the ties of time; a single row needs no order).
    var orderIsTotal = false

    var isBare: Bool { conditions.isEmpty && selectList == nil && limit == nil }
    var hasOutput: Bool { selectList != nil }
}

/// A positioned "cannot translate" error.
func untranslatable(_ what: String, at span: Span, hint: String? = nil) -> Diagnostic {
    Diagnostic("cannot translate \(what) to ClickHouse SQL yet", at: span, hint: hint)
}
