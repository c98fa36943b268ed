// Identifiers and literals in ClickHouse SQL. Every name and value from a query or a table is
// printed through here: nothing the user typed reaches the SQL text unquoted.

import EVQStore

public enum SQLQuote {
    /// Words that cannot stand bare as a column or table name.
    private static let reserved: Set<String> = [
        "all", "and", "any", "array", "as", "asc", "asof", "between", "by", "case", "cross", "desc", "distinct", "else",
        "end", "except", "false", "final", "format", "from", "full", "global", "group", "having", "if", "ilike", "in",
        "inner", "interval", "intersect", "into", "is", "join", "left", "like", "limit", "not", "null", "nulls", "offset",
        "on", "or", "order", "outer", "prewhere", "right", "sample", "select", "semi", "settings", "then", "totals",
        "true", "union", "using", "when", "where", "window", "with",
    ]

    /// A name, bare when it is a plain word, else in backquotes with `\` and `` ` `` escaped.
    public static func identifier(_ name: String) -> String {
        var plain = !name.isEmpty && !reserved.contains(name.lowercased())
        for (i, b) in name.utf8.enumerated() where plain {
            let letter = (b >= 97 && b <= 122) || (b >= 65 && b <= 90) || b == 95
            plain = letter || (i > 0 && b >= 48 && b <= 57)
        }
        return plain ? name : "`" + escape(name, quote: "`") + "`"
    }

    /// A string literal: `'...'` with backslash escapes for the quote, `\`, NUL and the
    /// control characters (ClickHouse reads backslash escapes in every string literal).
    public static func string(_ s: String) -> String { "'" + escape(s, quote: "'") + "'" }

    private static func escape(_ s: String, quote: Character) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count + 2)
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "\0": out += "\\0"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if Character(scalar) == quote { out += "\\" + String(quote) }
                else if scalar.value < 0x20 || scalar.value == 0x7F { out += "\\x" + hex(scalar.value) }
                else { out.unicodeScalars.append(scalar) }
            }
        }
        return out
    }

    private static func hex(_ v: UInt32) -> String {
        let digits = Array("0123456789abcdef")
        return String([digits[Int(v >> 4)], digits[Int(v & 15)]])
    }

    /// A time as a UTC DateTime64 of whole seconds.
    static func time(_ seconds: Int64) -> String {
        "toDateTime64(\(string(dateTimeText(seconds))), 0, 'UTC')"
    }

    /// `YYYY-MM-DD hh:mm:ss`, the layout ClickHouse parses and prints.
    static func dateTimeText(_ seconds: Int64) -> String {
        let day = TimeFormat.floorDiv(seconds, 86_400)
        let s = seconds - day * 86_400
        let date = TimeFormat.formatDate(day * 86_400)
        func two(_ v: Int64) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return "\(date) \(two(s / 3600)):\(two(s / 60 % 60)):\(two(s % 60))"
    }

    /// A constant as a literal. Durations are whole seconds; lists are arrays.
    public static func literal(_ v: Value) -> String {
        switch v {
        case .null: "NULL"
        case .bool(let b): b ? "true" : "false"
        case .int(let i): i < 0 ? "(\(i))" : String(i)
        case .float(let d): d < 0 ? "(\(ValueFormat.formatFloat(d)))" : ValueFormat.formatFloat(d)
        case .string(let s): string(s)
        case .time(let t): time(t)
        case .duration(let d): d < 0 ? "(\(d))" : String(d)
        case .list(let items): "[" + items.map(literal).joined(separator: ", ") + "]"
        }
    }
}
