// Output modes, defined once (SQLite's aModeInfo): the CLI's --format, the prompt's `.mode`
// and their help all read this enum. Rendering is pure: a table in, text out (csv, tsv, json
// and jsonl also in pieces of rows, so that a large result is never one string).

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
        case .csv, .tsv, .json, .jsonl: streamed(table, format)
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

    // MARK: csv, tsv, json, jsonl: streamed

    /// Rows formatted per piece handed to `stream`'s sink.
    public static let rowsPerPiece = 4096

    /// Whether `format` is written row by row, in pieces (a header, then rows): csv, tsv,
    /// json, jsonl. The others need every row first (to align columns or count a footer).
    public static func streams(_ format: OutputFormat) -> Bool {
        switch format {
        case .csv, .tsv, .json, .jsonl: true
        case .table, .markdown, .line, .box: false
        }
    }

    /// The text of `render(table, as: format)` in pieces of `rowsPerPiece` rows, so that a
    /// result of millions of rows is written without ever being one string. `sink` returns
    /// false to stop (Ctrl-C); then so does `stream`.
    @discardableResult
    public static func stream(_ t: Table, as format: OutputFormat, rowsPerPiece: Int = rowsPerPiece, _ sink: (String) -> Bool) -> Bool {
        guard streams(format) else { return sink(render(t, as: format)) }
        var piece = ""
        switch format {
        case .csv: piece = t.columns.map { csvQuote($0.name) }.joined(separator: ",") + "\n"
        case .tsv: piece = t.columns.map { tsvEscape($0.name) }.joined(separator: "\t") + "\n"
        case .json: piece = t.rowCount == 0 ? "[]\n" : "[\n"
        default: break
        }
        let keys = t.columns.map { jsonString($0.name) + ":" }
        var start = 0
        while start < t.rowCount {
            let end = min(t.rowCount, start + max(1, rowsPerPiece))
            for r in start..<end {
                switch format {
                case .csv: delimitedRow(t, r, separator: ",", emptyText: "\"\"", quote: csvQuote, into: &piece)
                case .tsv: delimitedRow(t, r, separator: "\t", emptyText: "", quote: tsvEscape, into: &piece)
                case .json:
                    piece += "  "
                    jsonRow(t, r, keys, into: &piece)
                    piece += r == t.rowCount - 1 ? "\n]\n" : ",\n"
                default:
                    jsonRow(t, r, keys, into: &piece)
                    piece += "\n"
                }
            }
            guard sink(piece) else { return false }
            piece = ""
            start = end
        }
        return piece.isEmpty || sink(piece)
    }

    private static func streamed(_ t: Table, _ format: OutputFormat) -> String {
        var out = ""
        stream(t, as: format, rowsPerPiece: Int.max) { out += $0; return true }
        return out
    }

    /// Null is an empty field; in csv, empty text is `""`, so the two read back apart.
    private static func delimitedRow(_ t: Table, _ r: Int, separator: String, emptyText: String, quote: (String) -> String, into out: inout String) {
        for (i, c) in t.columns.enumerated() {
            if i > 0 { out += separator }
            let v = c.value(at: r)
            if case .string("") = v { out += emptyText } else { out += quote(ValueFormat.plain(v)) }
        }
        out += "\n"
    }

    private static func csvQuote(_ s: String) -> String {
        // Bytes, not Characters: no grapheme breaking per cell of a million-row export.
        guard s.utf8.contains(where: { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }) else { return s }
        return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    private static func tsvEscape(_ s: String) -> String {
        guard s.utf8.contains(where: { $0 == 0x09 || $0 == 0x0A || $0 == 0x0D || $0 == 0x5C }) else { return s }
        return s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\t", with: "\\t")
            .replacingOccurrences(of: "\r\n", with: "\\r\\n").replacingOccurrences(of: "\n", with: "\\n").replacingOccurrences(of: "\r", with: "\\r")
    }

    private static func jsonRow(_ t: Table, _ r: Int, _ keys: [String], into out: inout String) {
        out += "{"
        for (i, c) in t.columns.enumerated() {
            if i > 0 { out += "," }
            out += keys[i]
            out += jsonValue(c.value(at: r))
        }
        out += "}"
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
