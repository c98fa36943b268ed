// A small table that lives only in evq (a `let` result), written into the SQL as the
// `values` table function with explicit types, each row with its number in evq's order.

import EVQStore

enum SQLInline {
    static var rowNumber: String { ClickHouseExport.rowNumber }

    static func values(_ table: Table) -> String {
        let structure = (table.columns.map { "\(SQLQuote.identifier($0.name)) \(ClickHouseTypes.name(of: $0.type))" } + ["\(rowNumber) Int64"])
            .joined(separator: ", ")
        var rows: [String] = []
        for r in 0..<table.rowCount {
            rows.append("(" + (table.columns.map { SQLQuote.literal($0.value(at: r)) } + [String(r)]).joined(separator: ", ") + ")")
        }
        if rows.isEmpty {
            return "SELECT * FROM values(\(SQLQuote.string(structure)), (\((table.columns.map { _ in "NULL" } + ["0"]).joined(separator: ", ")))) WHERE 0"
        }
        return "SELECT * FROM values(\(SQLQuote.string(structure)), \(rows.joined(separator: ", ")))"
    }
}
