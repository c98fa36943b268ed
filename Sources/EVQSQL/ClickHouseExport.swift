// An evq table written to a ClickHouse server: CREATE TABLE with evq's types (all Nullable)
// and the rows as JSONEachRow. For the equality tests and the benchmark, and for anyone who
// wants a loaded file on a server as evq typed it.

import EVQ
import EVQStore
import Foundation

public enum ClickHouseExport {
    /// The column `numbered` adds: each row's number in evq's order (SQLTranslator.rowOrder).
    public static let rowNumber = "__evq_row"

    public static func createTable(_ table: Table, as name: String, numbered: Bool = false) -> String {
        var columns = table.columns.map { "    \(SQLQuote.identifier($0.name)) \(ClickHouseTypes.name(of: $0.type))" }
        if numbered { columns.append("    \(rowNumber) Int64") }
        return "CREATE TABLE \(SQLQuote.identifier(name)) (\n" + columns.joined(separator: ",\n") + "\n) ENGINE = MergeTree ORDER BY tuple()"
    }

    /// The rows as JSON objects, one per line; times as `YYYY-MM-DD hh:mm:ss`.
    public static func rows(_ table: Table, range: Range<Int>? = nil, numbered: Bool = false) -> Data {
        var out = Data()
        let names = table.columns.map { jsonString($0.name) }
        for r in range ?? 0..<table.rowCount {
            out.append(UInt8(ascii: "{"))
            for (c, column) in table.columns.enumerated() {
                if c > 0 { out.append(UInt8(ascii: ",")) }
                out.append(contentsOf: names[c].utf8)
                out.append(UInt8(ascii: ":"))
                out.append(contentsOf: json(column.value(at: r)).utf8)
            }
            if numbered { out.append(contentsOf: ",\"\(rowNumber)\":\(r)".utf8) }
            out.append(contentsOf: "}\n".utf8)
        }
        return out
    }

    static func json(_ v: Value) -> String {
        switch v {
        case .null: "null"
        case .bool(let b): b ? "true" : "false"
        case .int(let i), .duration(let i): String(i)
        case .float(let d): d.isFinite ? "\(d)" : "null"
        case .string(let s): jsonString(s)
        case .time(let t): jsonString(SQLQuote.dateTimeText(t))
        case .list(let items): "[" + items.map(json).joined(separator: ",") + "]"
        }
    }

    /// JSON text, escaped as evq's JSON output escapes it.
    static func jsonString(_ s: String) -> String { Renderer.jsonString(s) }
}
