// Output that a hostile cell cannot subvert: control characters escaped where a terminal
// reads them (table, markdown), data kept exact where a program reads it (csv, tsv, json),
// checked by parsing the output back. Null, the text "null", inf and nan each have one form.

import EVQ
import EVQStore
import Foundation
import Testing

@Suite struct SafeOutputTests {
    static let cells: [String?] = [
        "title\u{1B}]0;pwned\u{07}", "clear\u{1B}[2J", "bell\u{07}back\u{08}", "c1\u{9B}31m", "two\nlines", "tab\there",
        "cr\r", "null", "", nil, "quote \"x\", comma", "back\\slash", "sep\u{2028}", "del\u{7F}", "é 🙂",
    ]

    static func table() -> Table {
        var b = TableBuilder(name: "t")
        b.addColumn("id", cells.indices.map { .int(Int64($0)) })
        b.addColumn("text", cells.map { $0.map(Value.string) ?? .null })
        return b.build()
    }

    @Test func terminalFormatsShowControlCharactersEscaped() {
        for format in [OutputFormat.table, .markdown] {
            let out = Renderer.render(Self.table(), as: format)
            let bad = out.unicodeScalars.filter { ($0.value < 0x20 && $0 != "\n") || (0x7F...0x9F).contains($0.value) || $0.value == 0x2028 }
            #expect(bad.isEmpty, "\(format): raw control characters \(bad.map(\.value))")
            #expect(out.components(separatedBy: "\n").count == (format == .table ? Self.cells.count + 4 : Self.cells.count + 3))
        }
        let out = Renderer.render(Self.table(), as: .table)
        for shown in ["title\\x1b]0;pwned\\x07", "clear\\x1b[2J", "bell\\x07back\\x08", "c1\\u009b31m", "two\\nlines", "tab\\there",
                      "cr\\r", "\"null\"", "sep\\u2028", "del\\x7f", "é 🙂"] {
            #expect(out.contains(" \(shown)"), "missing \(shown)")
        }
        let lines = out.components(separatedBy: "\n")
        #expect(lines[11].hasSuffix("| null"))  // the real null
        #expect(lines[10].hasSuffix("|"))  // the empty text (trailing spaces trimmed)
    }

    /// RFC 4180, as a reader would implement it: quoted fields may hold commas, quotes, newlines.
    static func parseCSV(_ text: String) -> [[String?]] {
        var rows: [[String?]] = [], row: [String?] = [], field = "", quoted = false, inQuotes = false
        var it = Array(text.unicodeScalars)[...]
        while let c = it.popFirst() {
            if inQuotes {
                if c == "\"" { if it.first == "\"" { field.unicodeScalars.append(it.removeFirst()) } else { inQuotes = false } }
                else { field.unicodeScalars.append(c) }
            } else if c == "\"" { inQuotes = true; quoted = true }
            else if c == "," || c == "\n" {
                row.append(field.isEmpty && !quoted ? nil : field)
                field = ""; quoted = false
                if c == "\n" { rows.append(row); row = [] }
            } else { field.unicodeScalars.append(c) }
        }
        return rows
    }

    @Test func csvReadsBackExactlyWithNullApartFromEmptyText() {
        let rows = Self.parseCSV(Renderer.render(Self.table(), as: .csv))
        #expect(rows.first == ["id", "text"])
        #expect(rows.dropFirst().map { $0[1] } == Self.cells)
    }

    @Test func tsvReadsBackExactly() {
        let lines = Renderer.render(Self.table(), as: .tsv).split(separator: "\n", omittingEmptySubsequences: false).dropFirst().dropLast()
        func unescape(_ s: Substring) -> String {
            var out = "", escaped = false
            for c in s {
                if escaped { out.append(["t": "\t", "n": "\n", "r": "\r", "\\": "\\"][c] ?? c); escaped = false }
                else if c == "\\" { escaped = true } else { out.append(c) }
            }
            return out
        }
        let texts = lines.map { unescape($0.split(separator: "\t", maxSplits: 1, omittingEmptySubsequences: false)[1]) }
        // TSV has one empty form: null and empty text both read back as "".
        #expect(texts == Self.cells.map { $0 ?? "" })
    }

    @Test func jsonReadsBackExactly() throws {
        for format in [OutputFormat.json, .jsonl] {
            let out = Renderer.render(Self.table(), as: format)
            let objects: [[String: Any]] = format == .json
                ? try JSONSerialization.jsonObject(with: Data(out.utf8)) as! [[String: Any]]
                : try out.split(separator: "\n").map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
            #expect(objects.map { $0["text"] as? String } == Self.cells)
            #expect(objects.map { $0["text"] is NSNull } == Self.cells.map { $0 == nil })
        }
    }

    @Test func infinityAndNaNHaveOneSpellingInEveryFormat() throws {
        let s = Session()
        let r = try s.query("let big = 1e308\nbig * 10 - big * 10")  // nan, from arithmetic
        let inf = try s.query("1e308 * 10")
        #expect(Renderer.render(inf.table, as: .table).contains(" inf\n"))
        #expect(Renderer.render(inf.table, as: .csv) == "value\ninf\n")
        #expect(Renderer.render(inf.table, as: .tsv) == "value\ninf\n")
        #expect(Renderer.render(inf.table, as: .jsonl) == "{\"value\":\"inf\"}\n")
        #expect(Renderer.render(r.table, as: .csv) == "value\nnan\n")
        #expect(Renderer.render(r.table, as: .jsonl) == "{\"value\":\"nan\"}\n")
    }
}
