// Turns source bytes into tokens. Comments (`#` or `//` to end of line) are skipped. A line
// break ends a statement when the statement can end there: not inside brackets, not after a
// token that needs more (`|`, `,`, `and`, an operator...), and not before a line that
// continues it (one starting with `|`, `and`, `or`, `by`, an operator...).

import EVQStore

public struct Lexer {
    private let file: SourceFile
    private let b: [UInt8]
    private var i = 0
    /// Open ( and [ : a blank line inside them does not end the statement.
    private var depth = 0
    /// The last token produced, to tell whether a line break can end the statement.
    private var last: TokenKind? = nil

    public init(_ file: SourceFile) {
        self.file = file
        self.b = file.bytes
    }

    /// All tokens, ending with `.eof`.
    public static func tokenize(_ file: SourceFile) throws(Diagnostic) -> [Token] {
        var lexer = Lexer(file)
        var out: [Token] = []
        while true {
            let t = try lexer.next()
            // Collapse runs of statement ends and drop a leading one.
            if t.kind == .statementEnd, out.isEmpty || out.last?.kind == .statementEnd { continue }
            out.append(t)
            if t.kind == .eof { return out }
        }
    }

    private func peek(_ k: Int = 0) -> UInt8 { i + k < b.count ? b[i + k] : 0 }

    private static func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }
    private static func isIdentStart(_ c: UInt8) -> Bool { (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c == 95 || c >= 0x80 }
    private static func isIdentChar(_ c: UInt8) -> Bool { isIdentStart(c) || isDigit(c) }

    /// Byte length of the name character at `k`, or 0: ASCII letters, digits and `_`, and
    /// non-ASCII letters (XID), but not symbols or spaces such as `×`, `“` or U+00A0.
    private func nameCharLength(at k: Int, first: Bool) -> Int {
        guard k < b.count else { return 0 }
        if b[k] < 0x80 { return (first ? Self.isIdentStart(b[k]) : Self.isIdentChar(b[k])) ? 1 : 0 }
        var bytes = b[k...].makeIterator()
        var utf8 = UTF8()
        guard case .scalarValue(let s) = utf8.decode(&bytes) else { return 0 }
        return (first ? s.properties.isXIDStart : s.properties.isXIDContinue) ? String(s).utf8.count : 0
    }

    /// Skips spaces and comments; returns true when a line break ends the statement here.
    private mutating func skipTrivia() -> Bool {
        var sawNewline = false
        var sawBlankLine = false
        var lineHasText = true
        while i < b.count {
            let c = b[i]
            if c == 10 {
                if sawNewline && !lineHasText { sawBlankLine = true }
                sawNewline = true
                lineHasText = false
                i += 1
            } else if c == 32 || c == 9 || c == 13 {
                i += 1
            } else if c == 35 || (c == 47 && peek(1) == 47) {  // # or //
                while i < b.count, b[i] != 10 { i += 1 }
                lineHasText = true
            } else {
                break
            }
        }
        guard sawNewline, i < b.count, let last, last != .statementEnd, peek() != 124 else { return false }
        // A blank line always ends the statement, even inside brackets: a script recovers
        // there, and at the prompt an empty line gets out of an unfinished statement.
        if sawBlankLine {
            depth = 0
            return true
        }
        guard depth == 0 else { return false }
        return !Self.needsMore(after: last) && !continuesStatement()
    }

    /// Tokens after which a statement cannot end.
    private static func needsMore(after kind: TokenKind) -> Bool {
        switch kind {
        case .symbol(let s): return s != .rparen && s != .rbracket
        case .identifier(let w):
            return continuationWords.contains(w) || w == "not" || w == "in" || w == "in~" || BinaryOperator.textOperators[w] != nil
                || StageName(rawValue: w) != nil && w != "count"
        default: return false
        }
    }

    private static let continuationWords: Set<String> = ["and", "or", "by", "on", "let", "param", "within", "until", "as"]

    /// Whether the next line starts with something that continues the statement above.
    private func continuesStatement() -> Bool {
        let c = peek()
        // | . , ) ] = ! < > + - * / % continue (a minus starting a line is a binary minus), and
        // so does [ (the next step of a sequence).
        if [124, 46, 44, 41, 93, 61, 33, 60, 62, 43, 45, 42, 47, 37, 91].contains(c) { return true }
        guard Self.isIdentStart(c) else { return false }
        var j = i
        while j < b.count, Self.isIdentChar(b[j]) { j += 1 }
        let word = String(decoding: b[i..<j], as: UTF8.self)
        return ["and", "or", "by", "asc", "desc", "in", "in~", "until", "on", "as"].contains(word) || BinaryOperator.textOperators[word] != nil
    }

    public mutating func next() throws(Diagnostic) -> Token {
        let t = try scan()
        last = t.kind
        return t
    }

    private mutating func scan() throws(Diagnostic) -> Token {
        if skipTrivia() { return Token(.statementEnd, Span(i, i)) }
        let start = i
        guard i < b.count else { return Token(.eof, Span(i, i)) }
        let c = b[i]

        if Self.isDigit(c) { return try number(start) }
        if nameCharLength(at: i, first: true) > 0 {
            while case let n = nameCharLength(at: i, first: false), n > 0 { i += n }
            try checkNameLength(start, i)
            var word = String(decoding: b[start..<i], as: UTF8.self)
            if word == "in", peek() == 126 {  // in~
                i += 1
                word = "in~"
            }
            return Token(.identifier(word), Span(start, i))
        }
        // `$left` and `$right` name the sides of a join's condition.
        if c == 36, let side = ["$left", "$right"].first(where: { b[i...].starts(with: $0.utf8) && !Self.isIdentChar(peek($0.utf8.count)) }) {
            i += side.utf8.count
            return Token(.identifier(side), Span(start, i))
        }
        switch c {
        case 34, 39: return try string(start, quote: c)
        case 96: return try backtick(start)
        case 59:
            depth = 0
            i += 1
            return Token(.statementEnd, Span(start, i))
        default: break
        }
        let two = i + 1 < b.count ? String(decoding: b[i..<i + 2], as: UTF8.self) : ""
        if let s = Symbol(rawValue: two), two.count == 2 {
            i += 2
            return Token(.symbol(s), Span(start, i))
        }
        let one = String(decoding: b[i..<i + 1], as: UTF8.self)
        if let s = Symbol(rawValue: one) {
            i += 1
            switch s {
            case .lparen, .lbracket: depth += 1
            case .rparen, .rbracket: depth = max(0, depth - 1)
            default: break
            }
            return Token(.symbol(s), Span(start, i))
        }
        // One whole character, even when it is several bytes long.
        var end = i + 1
        while end < b.count, b[end] & 0xC0 == 0x80 { end += 1 }
        let ch = String(decoding: b[i..<end], as: UTF8.self)
        throw Diagnostic("unexpected character '\(ch)'", at: Span(start, end))
    }

    // number -> digits ['.' digits] [exponent] [unit] | date | timestamp | month | week
    private mutating func number(_ start: Int) throws(Diagnostic) -> Token {
        if let t = try timeLiteral(start) { return t }
        while Self.isDigit(peek()) { i += 1 }
        var isFloat = false
        if peek() == 46, Self.isDigit(peek(1)) {  // '.' digit; `1..5` stays a range
            isFloat = true
            i += 1
            while Self.isDigit(peek()) { i += 1 }
        }
        if peek() == 101 || peek() == 69, Self.isDigit(peek(1)) || ((peek(1) == 43 || peek(1) == 45) && Self.isDigit(peek(2))) {
            isFloat = true
            i += 2
            while Self.isDigit(peek()) { i += 1 }
        }
        let text = String(decoding: b[start..<i], as: UTF8.self)
        if Self.isIdentStart(peek()) {
            let unitStart = i
            while Self.isIdentChar(peek()) { i += 1 }
            let unit = String(decoding: b[unitStart..<i], as: UTF8.self)
            if let kilometres = Self.distanceUnits[unit] {
                // A distance is a float in kilometres: `distance()` returns kilometres too.
                return Token(.float((Double(text) ?? .nan) * kilometres), Span(start, i))
            }
            guard let seconds = Self.durationUnits[unit] else {
                throw Diagnostic("unknown unit '\(unit)' after a number", at: Span(start, i), hint: Self.unitHint(unit, number: text))
            }
            guard !isFloat else {
                throw Diagnostic("a duration needs a whole number", at: Span(start, i), hint: "write 36h instead of 1.5d")
            }
            guard let n = Int64(text) else { throw Diagnostic("duration is too large", at: Span(start, i)) }
            let (total, overflow) = n.multipliedReportingOverflow(by: seconds)
            if overflow { throw Diagnostic("duration is too large", at: Span(start, i)) }
            return Token(.duration(total), Span(start, i))
        }
        if isFloat {
            return Token(.float(Double(text) ?? .nan), Span(start, i))
        }
        // 2^63 has no Int64, but -2^63 does: the token carries Int64.min, which the parser
        // accepts only right after a unary minus (and refuses anywhere else).
        if text == Self.twoToThe63 { return Token(.int(.min), Span(start, i)) }
        guard let v = Int64(text) else {
            throw Diagnostic("number is too large", at: Span(start, i), hint: "integers are 64-bit")
        }
        return Token(.int(v), Span(start, i))
    }

    static let twoToThe63 = "9223372036854775808"

    static let durationUnits: [String: Int64] = ["s": 1, "m": 60, "h": 3_600, "d": 86_400, "w": 604_800]

    /// Distance units, in kilometres. `m` is minutes, so metres have no unit of their own:
    /// `500m` is a duration, and half a kilometre is written `0.5km`.
    static let distanceUnits: [String: Double] = ["km": 1, "mi": 1.609344, "nmi": 1.852]

    /// The hint for an unknown unit; metres get the rule that `m` is minutes.
    private static func unitHint(_ unit: String, number: String) -> String {
        if ["meters", "metres", "meter", "metre", "mt", "mtr", "M"].contains(unit) {
            let km = (Double(number) ?? 0) / 1000
            var text = String(km)
            if text.hasSuffix(".0") { text.removeLast(2) }
            return "'m' means minutes; write metres in kilometres: \(text)km"
        }
        return "durations use s, m, h, d or w (for example 3d); distances km, mi or nmi (for example 50km)"
    }

    /// `YYYY-MM-DD[THH:MM[:SS][Z|±HH:MM]]`, `YYYY-MM` or `YYYY-Www`; nil when the digits are a plain number.
    private mutating func timeLiteral(_ start: Int) throws(Diagnostic) -> Token? {
        func digitsAt(_ k: Int, _ n: Int) -> Bool { (0..<n).allSatisfy { Self.isDigit(peek(k + $0)) } }
        // 99999-01-01 is a date with a year past 9999, not a subtraction.
        var run = 0
        while Self.isDigit(peek(run)) { run += 1 }
        if run > 4, peek(run) == 45, digitsAt(run + 1, 2), peek(run + 3) == 45, digitsAt(run + 4, 2) {
            let end = i + run + 6
            throw Diagnostic("date out of range '\(file.text(of: Span(start, end)))'", at: Span(start, end),
                             hint: "years run from 0000 to 9999")
        }
        guard digitsAt(0, 4), peek(4) == 45 else { return nil }
        let year = Int64(String(decoding: b[i..<i + 4], as: UTF8.self))!
        if peek(5) == 87, digitsAt(6, 2), !Self.isIdentChar(peek(8)) {  // 2024-W44
            let week = Int64(String(decoding: b[i + 6..<i + 8], as: UTF8.self))!
            i += 8
            guard let first = Self.isoWeekStart(year: year, week: week) else {
                throw Diagnostic("bad ISO week '\(file.text(of: Span(start, i)))'", at: Span(start, i),
                                 hint: "\(year) has weeks 01 to \(Self.isoWeeks(in: year))")
            }
            return Token(.time(first, .week), Span(start, i))
        }
        guard digitsAt(5, 2) else { return nil }
        if peek(7) != 45 || !digitsAt(8, 2) {  // 2024-10: a month
            guard !Self.isDigit(peek(7)), !Self.isIdentChar(peek(7)) else { return nil }
            let month = Int64(String(decoding: b[i + 5..<i + 7], as: UTF8.self))!
            i += 7
            guard (1...12).contains(month) else {
                throw Diagnostic("bad month '\(file.text(of: Span(start, i)))'", at: Span(start, i), hint: "months run from 01 to 12")
            }
            return Token(.time(TimeFormat.days(year: year, month: month, day: 1) * 86_400, .month), Span(start, i))
        }
        // A date, maybe with a time of day.
        var end = i + 10
        var unit = TimeUnit.day
        if end < b.count, b[end] == 84, end + 3 < b.count, Self.isDigit(b[end + 1]) {  // 'T'
            unit = .instant
            end += 1
            while end < b.count, Self.isDigit(b[end]) || b[end] == 58 || b[end] == 90 || b[end] == 43
                || (b[end] == 46 && end + 1 < b.count && Self.isDigit(b[end + 1]))
                || (b[end] == 45 && end + 1 < b.count && Self.isDigit(b[end + 1]))
            {
                end += 1
            }
        }
        let text = String(decoding: b[i..<end], as: UTF8.self)
        i = end
        if Self.isIdentChar(peek()) {
            while Self.isIdentChar(peek()) { i += 1 }
            throw Diagnostic("bad date '\(file.text(of: Span(start, i)))'", at: Span(start, i),
                             hint: "write dates as 2024-10-01 or 2024-10-01T14:30Z")
        }
        guard let seconds = TimeFormat.parse(Substring(text)) else {
            throw Diagnostic("bad date '\(text)'", at: Span(start, end),
                             hint: unit == .day ? "no such day in the calendar" : "write timestamps as 2024-10-01T14:30Z")
        }
        return Token(.time(seconds, unit), Span(start, end))
    }

    /// Monday of ISO week `week` of `year`, in UTC seconds.
    static func isoWeekStart(year: Int64, week: Int64) -> Int64? {
        guard week >= 1, week <= isoWeeks(in: year) else { return nil }
        let jan4 = TimeFormat.days(year: year, month: 1, day: 4)
        let weekday = (jan4 + 3) % 7  // 0 = Monday (1970-01-01 was a Thursday)
        let monday = jan4 - (weekday < 0 ? weekday + 7 : weekday)
        return (monday + (week - 1) * 7) * 86_400
    }

    static func isoWeeks(in year: Int64) -> Int64 {
        // A year has 53 ISO weeks when it starts on a Thursday, or is leap and starts on a Wednesday.
        let jan1 = (TimeFormat.days(year: year, month: 1, day: 1) + 3) % 7
        let wd = jan1 < 0 ? jan1 + 7 : jan1
        return wd == 3 || (wd == 2 && TimeFormat.isLeap(year)) ? 53 : 52
    }

    private mutating func string(_ start: Int, quote: UInt8) throws(Diagnostic) -> Token {
        i += 1
        var bytes: [UInt8] = []
        while i < b.count {
            let c = b[i]
            if c == quote {
                i += 1
                return Token(.string(String(decoding: bytes, as: UTF8.self)), Span(start, i))
            }
            // A string may span lines (as in SQL), so an open quote at the prompt asks for more.
            if c == 92 {  // backslash
                if i + 1 >= b.count {  // nothing to escape: the string is open
                    i += 1
                    break
                }
                let escStart = i
                i += 1
                switch peek() {
                case 110: bytes.append(10)
                case 116: bytes.append(9)
                case 114: bytes.append(13)
                case 92: bytes.append(92)
                case 34: bytes.append(34)
                case 39: bytes.append(39)
                case 10: bytes.append(10)  // a backslash before a line break keeps the break
                default:
                    var end = i + 1
                    while end < b.count, b[end] & 0xC0 == 0x80 { end += 1 }
                    throw Diagnostic("unknown escape '\\\(String(decoding: b[i..<end], as: UTF8.self))' in string", at: Span(escStart, end),
                                     hint: "escapes are \\n \\t \\r \\\\ \\\" \\'")
                }
                i += 1
                continue
            }
            bytes.append(c)
            i += 1
        }
        throw Diagnostic("unterminated string", at: Span(start, i), hint: "close it with \(quote == 34 ? "\"" : "'")",
                         atEndOfInput: i >= b.count)
    }

    /// Longest name accepted, in bytes: far above any real column name, and it keeps messages
    /// (which echo names) short and suggestions (edit distance) fast.
    public static let maxNameLength = 1000

    private func checkNameLength(_ start: Int, _ end: Int) throws(Diagnostic) {
        guard end - start > Self.maxNameLength else { return }
        let head = String(decoding: b[start..<start + 20], as: UTF8.self)
        throw Diagnostic("name too long (\(end - start) bytes; at most \(Self.maxNameLength)): '\(head)…'", at: Span(start, start + 20))
    }

    private mutating func backtick(_ start: Int) throws(Diagnostic) -> Token {
        i += 1
        let nameStart = i
        while i < b.count, b[i] != 96, b[i] != 10 { i += 1 }
        guard i < b.count, b[i] == 96 else {
            throw Diagnostic("unterminated quoted name", at: Span(start, i), hint: "close it with `", atEndOfInput: i >= b.count)
        }
        try checkNameLength(nameStart, i)
        let name = String(decoding: b[nameStart..<i], as: UTF8.self)
        i += 1
        guard !name.isEmpty else { throw Diagnostic("empty quoted name", at: Span(start, i)) }
        return Token(.quotedIdentifier(name), Span(start, i))
    }
}
