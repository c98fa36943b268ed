// The scan: FROM the server's table, each evq column read as the server column it maps to;
// rows in the table's time order. A table that lives only in evq (a `let` result) goes inline.

import EVQEngine
import EVQStore
import EVQSyntax

extension SQLBuilder {
    mutating func scan(_ ref: TableRef, _ access: ScanAccess) throws(Diagnostic) {
        guard access.uses.isEmpty, access.rows == nil, access.timeRange == nil else {
            throw untranslatable("a plan whose rows were chosen by evq's indexes", at: querySpan)
        }
        let (from, columns) = try relation(of: ref)
        block = SQLBlock(from: from, columns: columns, order: [], orderIsExplicit: false)
        // evq's row order: its row numbers where the server has them, else time (ties unordered).
        let table = catalog.table(named: ref.name)
        if let table, translator.serverTable(table) != nil, let row = translator.rowOrder(table) {
            block.order = [SQLOrderKey(expr: row, descending: false)]
            block.orderIsTotal = true
        } else if let table, translator.serverTable(table) == nil {
            block.order = [SQLOrderKey(expr: SQLInline.rowNumber, descending: false)]
            block.orderIsTotal = true
        } else {
            if let t = ref.timeColumnIndex { block.order = [SQLOrderKey(expr: columns[t].sql, descending: false)] }
            everyOrderTotal = false
        }
    }

    /// A table as a FROM item and its columns.
    func relation(of ref: TableRef) throws(Diagnostic) -> (String, [(sql: String, name: String)]) {
        guard let table = catalog.table(named: ref.name) else {
            throw untranslatable("the table '\(ref.name)' (not in this session)", at: querySpan)
        }
        if let name = translator.serverTable(table) {
            let from = name.split(separator: ".", maxSplits: 1).map { SQLQuote.identifier(String($0)) }.joined(separator: ".")
            return (from, table.columns.map { (translator.serverColumn(table, $0.name), $0.name) })
        }
        guard table.rowCount <= SQLTranslator.inlineRowLimit else {
            throw untranslatable("the table '\(table.name)' (\(table.rowCount) rows, only in evq)", at: querySpan,
                                 hint: "tables of up to \(SQLTranslator.inlineRowLimit) rows made by `let` are sent inline")
        }
        return ("(\(SQLInline.values(table)))", table.columns.map { (SQLQuote.identifier($0.name), $0.name) })
    }
}
