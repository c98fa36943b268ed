// Which server column holds each of evq's columns, so that a script written for evq's
// canonical names (date, actor1, fatalities...) runs on a server table of raw GDELT or ACLED
// rows. Either a named format (`--columns acled`: the same mapping evq's own importer uses)
// or a file of `evq_name<TAB>server_column` lines (`actors.name<TAB>actor` for another table).

import EVQStore
import EVQSyntax
import Foundation

public struct ColumnMapping: Sendable {
    /// [evq table: [evq column: SQL reading it on the server]]
    public private(set) var columns: [String: [String: String]] = [:]
    /// [evq table: [evq column: the server column]], where the SQL is that one column.
    private var plainColumns: [String: [String: String]] = [:]

    public init() {}

    /// The SQL for an evq column of `table`: its mapped server column or its own name.
    public func sql(table: String, column: String) -> String {
        columns[table]?[column] ?? SQLQuote.identifier(column)
    }

    /// The server column an evq column is read from, when it is one column (not an expression).
    public func serverColumnName(table: String, column: String) -> String? {
        plainColumns[table]?[column]
    }

    private mutating func map(_ table: String, _ column: String, to server: String) {
        columns[table, default: [:]][column] = SQLQuote.identifier(server)
        plainColumns[table, default: [:]][column] = server
    }

    /// The canonical columns of a named input format, on the table `table`: a plain column,
    /// or for coded columns (GDELT's root codes, UCDP's type of violence) their labels.
    public static func format(_ format: EventFormat, table: String = "events") -> ColumnMapping {
        var m = ColumnMapping()
        for (canonical, server) in format.canonicalSources {
            m.map(table, canonical, to: server)
            if let labels = format.canonicalLabels[canonical] {
                let sql = SQLQuote.identifier(server)
                let codes = labels.keys.sorted()
                m.plainColumns[table]?[canonical] = nil
                m.columns[table, default: [:]][canonical] = "transform(toString(\(sql)), [\(codes.map(SQLQuote.string).joined(separator: ", "))], "
                    + "[\(codes.map { SQLQuote.string(labels[$0]!) }.joined(separator: ", "))], toString(\(sql)))"
            }
        }
        return m
    }

    /// A mapping file's lines: `name<TAB>server_column`, `#` comments and blank lines skipped.
    public static func parse(_ text: String, file: String, defaultTable: String = "events") throws(Diagnostic) -> ColumnMapping {
        var m = ColumnMapping()
        for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let l = line.hasSuffix("\r") ? line.dropLast() : line
            if l.trimmingCharacters(in: .whitespaces).isEmpty || l.hasPrefix("#") { continue }
            let fields = l.split(separator: "\t", omittingEmptySubsequences: false)
            guard fields.count == 2, !fields[0].isEmpty, !fields[1].isEmpty else {
                throw Diagnostic("\(file):\(i + 1): expected 'evq_column<TAB>server_column', found '\(l)'", at: .none)
            }
            var table = defaultTable, column = String(fields[0])
            if let dot = column.firstIndex(of: ".") {
                table = String(column[..<dot])
                column = String(column[column.index(after: dot)...])
            }
            m.map(table, column, to: String(fields[1]))
        }
        return m
    }
}
