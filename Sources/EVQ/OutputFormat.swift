// Output modes, defined once (SQLite's aModeInfo): the CLI's --format, the prompt's `.mode`
// and their help all read this enum. Rendering is pure: a table in, text out.

import EVQEngine
import Foundation
import EVQStore

public enum OutputFormat: String, CaseIterable, Sendable {
    case table, csv, tsv, json, jsonl, markdown, line, box

    public var summary: String {
        switch self {
        case .table: "aligned columns for reading; null shown as null, control characters escaped, cells over 60 characters end in '…'"
        case .csv: "RFC 4180 comma-separated values with a header row; null is an empty field, empty text \"\""
        case .tsv: "tab-separated values; tabs and newlines in cells written as \\t and \\n"
        case .json: "one JSON array of objects"
        case .jsonl: "one JSON object per line"
        case .markdown: "a GitHub-flavoured Markdown table"
        case .line: "one field per line (name = value), whole values, a blank line between rows"
        case .box: "aligned columns in Unicode box lines"
        }
    }
}

public struct RenderOptions: Sendable {
    /// Rows shown at most (table and markdown only); the footer says how many were left out.
    public var maxRows: Int?
    /// Longest cell in table mode before it is cut with '…'; nil = never cut.
    public var maxCellWidth: Int?
    /// Widest line in table mode (the terminal's width at the prompt): columns that do not
    /// fit are left out and named in the footer. Nil = no limit.
    public var maxLineWidth: Int?

    public init(maxRows: Int? = nil, maxCellWidth: Int? = 60, maxLineWidth: Int? = nil) {
        self.maxRows = maxRows
        self.maxCellWidth = maxCellWidth
        self.maxLineWidth = maxLineWidth
    }
}

public enum Renderer {
    public static func render(_ table: Table, as format: OutputFormat, options: RenderOptions = .init()) -> String {
        switch format {
        case .table: aligned(table, options)
        case .csv: delimited(table, separator: ",", quote: csvQuote)
        case .tsv: delimited(table, separator: "\t", quote: tsvEscape)
        case .json: json(table, lines: false)
        case .jsonl: json(table, lines: true)
        case .markdown: markdown(table, options)
        case .line: lines(table, options)
        case .box: box(table, options)
        }
    }

    // MARK: table

    private static func aligned(_ t: Table, _ o: RenderOptions) -> String {
        let shown = min(t.rowCount, o.maxRows ?? t.rowCount)
        let allHeaders = t.columns.map { visible($0.name) }
        var cells = cellTexts(t, rows: shown, maxCellWidth: o.maxCellWidth)
        var widths = allHeaders.map(\.displayWidth)
        for row in cells { for (i, c) in row.enumerated() { widths[i] = max(widths[i], c.displayWidth) } }
        // Keep the columns that fit the line, from the left (at least one).
        var kept = widths.count
        if let limit = o.maxLineWidth {
            var used = 0
            for (i, w) in widths.enumerated() {
                used += w + (i == 0 ? 1 : 3)
                if used > limit && i > 0 {
                    kept = i
                    break
                }
            }
        }
        let hidden = Array(allHeaders[kept...])
        if kept < widths.count {
            widths = Array(widths[..<kept])
            cells = cells.map { Array($0[..<kept]) }
        }
        let headers = Array(allHeaders[..<kept])
        let rightAligned = t.columns.prefix(kept).map { $0.type.isNumeric || $0.type == .duration }
        func pad(_ s: String, _ i: Int) -> String {
            let fill = String(repeating: " ", count: widths[i] - s.displayWidth)
            return rightAligned[i] ? fill + s : s + fill
        }
        func line(_ row: [String]) -> String {
            var text = " " + row.enumerated().map { pad($1, $0) }.joined(separator: " | ")
            while text.last == " " { text.removeLast() }
            return text + "\n"
        }
        var out = line(headers)
        out += widths.map { String(repeating: "-", count: $0 + 2) }.joined(separator: "+") + "\n"
        for row in cells { out += line(row) }
        out += footer(t.rowCount, shown)
        if !hidden.isEmpty {
            // Name as many hidden columns as fit on one line.
            let head = "(\(hidden.count) more column\(hidden.count == 1 ? "" : "s") not shown: "
            let tail = "; use project)"
            var names = ""
            for (i, name) in hidden.enumerated() {
                let next = (names.isEmpty ? "" : ", ") + name
                let rest = i == hidden.count - 1 ? "" : ", ..."
                if let limit = o.maxLineWidth, head.count + names.count + next.count + rest.count + tail.count > limit {
                    names += names.isEmpty ? "..." : ", ..."
                    break
                }
                names += next
            }
            out += head + names + tail + "\n"
        }
        return out
    }

    /// `(3 rows)`, or how many rows were left out and how to see them.
    static func footer(_ total: Int, _ shown: Int) -> String {
        if shown < total {
            return "(\(total) rows; \(total - shown) not shown: raise .maxrows or use .last to see them all)\n"
        }
        return "(\(total) row\(total == 1 ? "" : "s"))\n"
    }

    /// A cell for reading: null is shown as `null`, and the text "null" as `"null"`, so neither
    /// can be mistaken for the other or for empty text.
    static func cellText(_ v: Value) -> String {
        if case .string("null") = v { return "\"null\"" }
        return v.isNull ? "null" : visible(ValueFormat.plain(v))
    }

    /// Control characters would break the layout or drive the terminal (ESC can set its title
    /// or clear the screen): they are shown escaped, `\n`, `\t`, `\r`, `\x1b`, `\u0085`.
    static func visible(_ s: String) -> String {
        guard s.unicodeScalars.contains(where: isControl) else { return s }
        var out = ""
        for u in s.unicodeScalars {
            guard isControl(u) else { out.unicodeScalars.append(u); continue }
            switch u {
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                let hex = String(u.value, radix: 16)
                out += u.value < 0x80 ? "\\x" + (hex.count < 2 ? "0" : "") + hex : "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            }
        }
        return out
    }

    /// C0 controls, DEL, C1 controls, and the line and paragraph separators.
    private static func isControl(_ u: Unicode.Scalar) -> Bool {
        u.value < 0x20 || (0x7F...0x9F).contains(u.value) || u.value == 0x2028 || u.value == 0x2029
    }

    // MARK: csv, tsv

    /// Null is an empty field; in csv, empty text is `""`, so the two read back apart.
    private static func delimited(_ t: Table, separator: String, quote: (String) -> String) -> String {
        var out = t.columns.map { quote($0.name) }.joined(separator: separator) + "\n"
        let emptyText = separator == "," ? "\"\"" : ""
        for r in 0..<t.rowCount {
            out += t.columns.map { c in
                let v = c.value(at: r)
                if case .string("") = v { return emptyText }
                return quote(ValueFormat.plain(v))
            }.joined(separator: separator) + "\n"
        }
        return out
    }

    private static func csvQuote(_ s: String) -> String {
        guard s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) else { return s }
        return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    private static func tsvEscape(_ s: String) -> String {
        guard s.contains(where: { $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\\" || $0 == "\r\n" }) else { return s }
        return s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\t", with: "\\t")
            .replacingOccurrences(of: "\r\n", with: "\\r\\n").replacingOccurrences(of: "\n", with: "\\n").replacingOccurrences(of: "\r", with: "\\r")
    }

    // MARK: json

    private static func json(_ t: Table, lines: Bool) -> String {
        let keys = t.columns.map { jsonString($0.name) }
        var rows: [String] = []
        rows.reserveCapacity(t.rowCount)
        for r in 0..<t.rowCount {
            let fields = t.columns.enumerated().map { i, c in keys[i] + ":" + jsonValue(c.value(at: r)) }
            rows.append("{" + fields.joined(separator: ",") + "}")
        }
        if lines { return rows.map { $0 + "\n" }.joined() }
        return rows.isEmpty ? "[]\n" : "[\n" + rows.map { "  " + $0 }.joined(separator: ",\n") + "\n]\n"
    }

    static func jsonValue(_ v: Value) -> String {
        switch v {
        case .null: "null"
        case .bool(let b): b ? "true" : "false"
        case .int(let i): String(i)
        // JSON has no infinity or NaN: they are written as the text the other formats show.
        case .float(let d): d.isFinite ? "\(d)" : jsonString(ValueFormat.plain(v))
        case .string(let s): jsonString(s)
        case .time, .duration: jsonString(ValueFormat.plain(v))
        case .list(let items): "[" + items.map(jsonValue).joined(separator: ",") + "]"
        }
    }

    public static func jsonString(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 {
                    let hex = String(u.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out + "\""
    }

    // MARK: markdown

    private static func markdown(_ t: Table, _ o: RenderOptions) -> String {
        let shown = min(t.rowCount, o.maxRows ?? t.rowCount)
        func cell(_ s: String) -> String { s.replacingOccurrences(of: "|", with: "\\|") }
        var out = "| " + t.columns.map { cell(visible($0.name)) }.joined(separator: " | ") + " |\n"
        out += "|" + t.columns.map { $0.type.isNumeric ? " ---: |" : " --- |" }.joined() + "\n"
        for r in 0..<shown {
            out += "| " + t.columns.map { cell(cellText($0.value(at: r))) }.joined(separator: " | ") + " |\n"
        }
        if shown < t.rowCount { out += "\n" + footer(t.rowCount, shown) }
        return out
    }
}
