// Answers as text, so the two engines can be compared cell by cell: evq's typed results and
// DuckDB's Python values are both rendered the same way (dates as YYYY-MM-DD, floats as %.6g,
// nulls as "null"), then compared as the query's `Compare` says.

import BenchSupport
import EVQ
import Foundation

struct Answer: Equatable {
    var columns: [String]
    var rows: [[String]]
}

extension Answer {
    init(_ r: QueryResult) {
        columns = r.columnNames
        rows = (0..<r.rowCount).map { row in r.table.columns.map { cellText($0.value(at: row)) } }
    }

    /// "1,234" for a one-cell numeric answer, else the row count.
    var summary: String {
        if rows.count == 1, rows[0].count == 1, let n = Int(rows[0][0]) { return grouped(n) }
        return rows.count == 1 ? "1 row" : "\(grouped(rows.count)) rows"
    }

    func preview(_ limit: Int = 3) -> String {
        let shown = rows.prefix(limit).map { "(" + $0.joined(separator: ", ") + ")" }.joined(separator: " ")
        return "\(rows.count) rows: " + shown + (rows.count > limit ? " ..." : "")
    }
}

func cellText(_ v: Value) -> String {
    switch v {
    case .null: return "null"
    case .bool(let b): return b ? "true" : "false"
    case .int(let i): return String(i)
    case .float(let f):
        if f == f.rounded(), abs(f) < 1e15 { return String(Int64(f)) }
        return String(format: "%.6g", f)
    case .string(let s): return s
    case .time(let t): return t % 86_400 == 0 ? TimeFormat.formatDate(t) : TimeFormat.format(t)
    case .duration(let d): return String(d)
    case .list(let l): return "[" + l.map(cellText).joined(separator: ", ") + "]"
    }
}

/// nil when the answers agree under `compare`, else what differs.
func difference(_ a: Answer, _ b: Answer, _ compare: Compare) -> String? {
    func key(_ row: [String]) -> String { row.joined(separator: "\u{1}") }
    switch compare {
    case .ordered:
        if a.rows == b.rows { return nil }
    case .unordered:
        if a.rows.map(key).sorted() == b.rows.map(key).sorted() { return nil }
    case .topBy(let column):
        guard let i = a.columns.firstIndex(of: column), let j = b.columns.firstIndex(of: column) else {
            return "no column '\(column)' in both answers (\(a.columns) vs \(b.columns))"
        }
        let ka = a.rows.map { $0[i] }, kb = b.rows.map { $0[j] }
        guard ka == kb else { break }
        // Rows strictly above the last (smallest) value must be the same rows.
        guard let cut = ka.last else { return nil }
        let above = { (rows: [[String]], c: Int) in rows.filter { $0[c] != cut }.map(key).sorted() }
        if above(a.rows, i) == above(b.rows, j) { return nil }
    }
    let firstDiff = (zip(a.rows, b.rows).enumerated().first { $0.element.0 != $0.element.1 }?.offset).map { "first difference at row \($0 + 1)" } ?? "row counts differ"
    return "\(a.preview()) vs \(b.preview()); \(firstDiff)"
}
