// evq's text operators in ClickHouse SQL. All but `matches` ignore case by lower-casing both
// sides (the pattern is lower-cased here, by Swift's rules; the value by SQLExpressionPrinter.lower).
//
// Word search (`has`) is not hasToken: ClickHouse's token rule keeps every non-ASCII byte
// inside a token, so hasToken finds no 'drone' in 'drone—strike' or '«drone»', where evq does
// (a word is a run of letters and digits). It is an RE2 match with evq's boundaries instead:
// a character that is no letter, mark or digit, or either end of the text.

import EVQEngine
import EVQStore
import EVQSyntax

extension SQLExpressionPrinter {
    func text(_ pattern: TextPattern, _ x: TypedExpr, _ span: Span) throws(Diagnostic) -> SQLText {
        let value = try print(x).text
        let lowered = Self.lower(value)
        switch pattern {
        case .caseless(let c, let source):
            let needle = SQLQuote.string(source.lowercased())
            switch c.test {
            case .contains: return .compound("position(\(lowered), \(needle)) > 0")
            case .prefix: return .atom("startsWith(\(lowered), \(needle))")
            case .suffix: return .atom("endsWith(\(lowered), \(needle))")
            }
        case .glob(_, let source):
            return .compound("\(lowered) LIKE \(SQLQuote.string(Self.likePattern(source)))")
        case .regex(_, let source):
            // ClickHouse's `.` matches a line break unless told otherwise; RE2's default does not.
            return .atom("match(\(value), \(SQLQuote.string("(?-s)" + source)))")
        case .words(let phrases, let all):
            let tests = phrases.map { "match(\(lowered), \(SQLQuote.string(Self.wordRegex($0))))" }
            if tests.count == 1 { return .atom(tests[0]) }
            // Bracketed even as a conjunct: its OR must not bind to a neighbouring AND.
            return all ? .compound(tests.joined(separator: " AND ")) : .atom("(" + tests.joined(separator: "\n   OR ") + ")")
        @unknown default:
            throw untranslatable("'\(source.text(of: span))'", at: span)
        }
    }

    /// evq's glob (`*` any run, `?` one code point) as a LIKE pattern over lower-cased text.
    static func likePattern(_ glob: String) -> String {
        var out = ""
        for ch in glob.lowercased() {
            switch ch {
            case "*": out += "%"
            case "?": out += "_"
            case "%", "_", "\\": out += "\\" + String(ch)
            default: out.append(ch)
            }
        }
        return out
    }

    /// A phrase of lower-case words, consecutive, each bounded as evq bounds words.
    static func wordRegex(_ words: [String]) -> String {
        let boundary = "[^\\p{L}\\p{M}\\p{N}]"
        let body = words.map(regexLiteral).joined(separator: boundary + "+")
        return "(?:^|\(boundary))\(body)(?:\(boundary)|$)"
    }

    /// Text matched literally by RE2 (words hold letters and digits only, but stay safe).
    static func regexLiteral(_ s: String) -> String {
        var out = ""
        for ch in s {
            if ch.isLetter || ch.isNumber { out.append(ch) } else { out += "\\x{" + String(ch.unicodeScalars.first!.value, radix: 16) + "}" }
        }
        return out
    }
}
