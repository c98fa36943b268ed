// The lexer: every token form, its value and span, and every lexical error with its exact text.

import EVQStore
import Testing

@testable import EVQSyntax

@Suite struct LexerTests {
    // MARK: Names

    @Test func identifiersIncludeDigitsUnderscoresAndNonASCIILetters() throws {
        let t = try tokens("actor1 _x été Ağrı")
        #expect(t.map(\.kind) == [.identifier("actor1"), .identifier("_x"), .identifier("été"), .identifier("Ağrı")])
        // Spans are UTF-8 byte ranges: é and ğ, ı are two bytes each.
        #expect(t.map(\.span) == [Span(0, 6), Span(7, 9), Span(10, 15), Span(16, 22)])
    }

    @Test func keywordsAreOrdinaryIdentifiers() throws {
        #expect(try kinds("where count and") == [.identifier("where"), .identifier("count"), .identifier("and")])
        #expect(Token(.identifier("by"), Span(0, 2)).isKeyword("by"))
        #expect(!Token(.quotedIdentifier("by"), Span(0, 4)).isKeyword("by"))
    }

    @Test func inTildeIsOneWord() throws {
        let t = try tokens("a in~ b")
        #expect(t.map(\.kind) == [.identifier("a"), .identifier("in~"), .identifier("b")])
        #expect(t[1].span == Span(2, 5))
        #expect(try kinds("a !in~ b") == [.identifier("a"), .symbol(.bang), .identifier("in~"), .identifier("b")])
        // Only `in` takes the tilde; elsewhere a lone `~` is not a token.
        let e = lexError("a int~ b")
        #expect(e?.message == "unexpected character '~'")
        #expect(e?.span == Span(5, 6))
    }

    @Test func backtickNames() throws {
        let t = single("`Source Country`")
        #expect(t?.kind == .quotedIdentifier("Source Country"))
        #expect(t?.span == Span(0, 16))
        #expect(try kinds("`a-b`.`c`") == [.quotedIdentifier("a-b"), .symbol(.dot), .quotedIdentifier("c")])
        #expect(TokenKind.quotedIdentifier("Event Date").display == "`Event Date`")
    }

    @Test func backtickErrors() {
        let open = lexError("x == `Source")
        #expect(open?.message == "unterminated quoted name")
        #expect(open?.span == Span(5, 12))
        #expect(open?.hint == "close it with `")
        #expect(open?.isAtEndOfInput == true)

        let broken = lexError("`Source\nCountry`")
        #expect(broken?.message == "unterminated quoted name")
        #expect(broken?.span == Span(0, 7))
        #expect(broken?.isAtEndOfInput == false)

        let empty = lexError("a ``")
        #expect(empty?.message == "empty quoted name")
        #expect(empty?.span == Span(2, 4))
        #expect(empty?.hint == nil)
    }

    // MARK: Strings

    @Test func stringsTakeEitherQuote() throws {
        #expect(single("\"Iraq\"")?.kind == .string("Iraq"))
        #expect(single("'Iraq'")?.kind == .string("Iraq"))
        #expect(single(#"'say "hi"'"#)?.kind == .string(#"say "hi""#))
        #expect(single(#""it's""#)?.kind == .string("it's"))
        #expect(single("\"\"")?.kind == .string(""))
        let t = single("\"Ağrı\"")
        #expect(t?.kind == .string("Ağrı"))
        #expect(t?.span == Span(0, 8))
    }

    @Test func everyEscape() {
        let t = single(#""a\nb\tc\rd\\e\"f\'g""#)
        #expect(t?.kind == .string("a\nb\tc\rd\\e\"f'g"))
        #expect(single(#"'\''"#)?.kind == .string("'"))
        #expect(single(#"'\"'"#)?.kind == .string("\""))
    }

    @Test func unknownEscape() {
        let m = Marked(#"x == "a1️⃣\q2️⃣b""#)
        let e = lexError(m.text)
        #expect(e?.message == #"unknown escape '\q' in string"#)
        #expect(e?.span == m.span(1, 2))
        #expect(e?.hint == #"escapes are \n \t \r \\ \" \'"#)
        #expect(e?.isAtEndOfInput == false)
    }

    @Test(.bug(id: "SYN-5", "a backslash before a multi-byte character names half the character"))
    func unknownEscapeBeforeAMultiByteCharacter() {
        let m = Marked(#""a1️⃣\é2️⃣""#)
        let e = lexError(m.text)
        do {
            #expect(e?.message == #"unknown escape '\é' in string"#)
            #expect(e?.span == m.span(1, 2))
        }
    }

    @Test(.bug(id: "SYN-4", "a backslash at the end of the line or input is reported as an unknown escape"))
    func backslashAtTheEndOfAnOpenString() {
        let atEnd = lexError(#"x == "abc\"#)
        do {
            #expect(atEnd?.message == "unterminated string")
            #expect(atEnd?.span == Span(5, 10))
            #expect(atEnd?.isAtEndOfInput == true)
        }
        // Before a line break, a backslash keeps the break in the string.
        #expect((try? kinds("x == \"abc\\\ny\"")) == [.identifier("x"), .symbol(.eq), .string("abc\ny")])
    }

    @Test func unterminatedString() {
        let m = Marked("where x == 1️⃣\"Iraq2️⃣")
        let e = lexError(m.text)
        #expect(e?.message == "unterminated string")
        #expect(e?.span == m.span(1, 2))
        #expect(e?.hint == "close it with \"")
        #expect(e?.isAtEndOfInput == true)

        #expect(lexError("'Iraq")?.hint == "close it with '")

        // A string may span lines, as in SQL; left open, it runs to the end of the input.
        #expect((try? kinds("'Ira\nq'")) == [.string("Ira\nq")])
        let n = Marked("1️⃣'Iraq\n| count2️⃣")
        let f = lexError(n.text)
        #expect(f?.message == "unterminated string")
        #expect(f?.span == n.span(1, 2))
        #expect(f?.isAtEndOfInput == true)
    }

    // MARK: Numbers

    @Test func integersAndFloats() throws {
        #expect(try kinds("0 42 3.25 1e3 2.5E-2 1E+2 007") == [
            .int(0), .int(42), .float(3.25), .float(1000), .float(0.025), .float(100), .int(7),
        ])
        #expect(single("9223372036854775807")?.kind == .int(.max))
        #expect(TokenKind.float(1).display == "a number")
    }

    @Test func aDotNeedsADigitAfterItToMakeAFloat() throws {
        let t = try tokens("1..5")
        #expect(t.map(\.kind) == [.int(1), .symbol(.dotdot), .int(5)])
        #expect(t.map(\.span) == [Span(0, 1), Span(1, 3), Span(3, 4)])
        #expect(try kinds("1.5..2.5") == [.float(1.5), .symbol(.dotdot), .float(2.5)])
        #expect(try kinds("1.x") == [.int(1), .symbol(.dot), .identifier("x")])
    }

    @Test func numberErrors() {
        let big = parseError("x > 9223372036854775808")
        #expect(big?.message == "number is too large")
        #expect(big?.span == Span(4, 23))
        #expect(big?.hint == "integers are 64-bit")

        // An `e` without digits is read as a unit.
        let e = lexError("1e")
        #expect(e?.message == "unknown unit 'e' after a number")
        #expect(e?.span == Span(0, 2))
    }

    /// Literals are 64-bit and the minus is not part of the number, yet Int64.min can be
    /// written: 2^63 is accepted right after a unary minus, and refused anywhere else.
    @Test func smallestIntegerLiteralIsAccepted() {
        #expect(sexp("-9223372036854775808") == "-9223372036854775808")
        #expect(sexp("- 9223372036854775808") == "-9223372036854775808")
        #expect(parseError("1 - 9223372036854775808")?.span == Span(4, 23))
        #expect(parseError("-(9223372036854775808)")?.message == "number is too large")
    }

    @Test func yearsPast9999AreDatesOutOfRangeNotSubtractions() {
        let e = lexError("date > 99999-01-01")
        #expect(e?.message == "date out of range '99999-01-01'")
        #expect(e?.span == Span(7, 18))
        #expect(e?.hint == "years run from 0000 to 9999")
    }

    @Test func namesHaveALengthCap() {
        let e = lexError(String(repeating: "y", count: 1001))
        #expect(e?.message == "name too long (1001 bytes; at most 1000): 'yyyyyyyyyyyyyyyyyyyy…'")
        #expect(e?.span == Span(0, 20))
        #expect(lexError("`" + String(repeating: "q", count: 2000) + "`")?.span == Span(1, 21))
    }

    // MARK: Durations

    @Test func durations() throws {
        let t = try tokens("90m 12h 3d 2w 30s 0s")
        #expect(t.map(\.kind) == [.duration(5_400), .duration(43_200), .duration(259_200), .duration(1_209_600), .duration(30), .duration(0)])
        #expect(t.map(\.span) == [Span(0, 3), Span(4, 7), Span(8, 10), Span(11, 13), Span(14, 17), Span(18, 20)])
        #expect(try kinds("1d..3d") == [.duration(86_400), .symbol(.dotdot), .duration(259_200)])
        #expect(TokenKind.duration(1).display == "a duration")
    }

    @Test func fractionalDuration() {
        let m = Marked("bin(date, 1️⃣1.5d2️⃣)")
        let e = lexError(m.text)
        #expect(e?.message == "a duration needs a whole number")
        #expect(e?.span == m.span(1, 2))
        #expect(e?.hint == "write 36h instead of 1.5d")
        #expect(lexError("2e3d")?.message == "a duration needs a whole number")
    }

    @Test func unknownUnit() {
        let m = Marked("near(\"Baghdad\", 1️⃣300yd2️⃣)")
        let e = lexError(m.text)
        #expect(e?.message == "unknown unit 'yd' after a number")
        #expect(e?.span == m.span(1, 2))
        #expect(e?.hint == "durations use s, m, h, d or w (for example 3d); distances km, mi or nmi (for example 50km)")
        #expect(lexError("3D")?.message == "unknown unit 'D' after a number")
        #expect(lexError("1_000")?.message == "unknown unit '_000' after a number")
    }

    @Test func durationTooLarge() {
        let e = lexError("99999999999999w")
        #expect(e?.message == "duration is too large")
        #expect(e?.span == Span(0, 15))
        #expect(e?.hint == nil)
    }

    @Test(.bug(id: "SYN-7", "a whole number too large for Int64 before a unit is called not whole"))
    func durationWithTooManyDigits() {
        let e = lexError("99999999999999999999d")
        #expect(e?.span == Span(0, 21))
        do {
            #expect(e?.message == "duration is too large")
        }
    }

    // MARK: Dates, timestamps, months, weeks

    @Test func dates() throws {
        let t = single("2024-10-01")
        #expect(t?.kind == .time(1_727_740_800, .day))
        #expect(t?.span == Span(0, 10))
        #expect(single("2024-02-29")?.kind == .time(TimeFormat.days(year: 2024, month: 2, day: 29) * 86_400, .day))
        #expect(single("1969-12-31")?.kind == .time(-86_400, .day))
        #expect(TokenKind.time(0, .day).display == "a date")
    }

    @Test(arguments: [
        ("2024-10-01T14:30Z", "2024-10-01T14:30:00Z"),
        ("2024-10-01T14:30", "2024-10-01T14:30:00Z"),
        ("2024-10-01T14:30:00+02:00", "2024-10-01T12:30:00Z"),
        ("2024-10-01T00:30-05:00", "2024-10-01T05:30:00Z"),
        ("2024-10-01T14:30:15.250Z", "2024-10-01T14:30:15Z"),
        ("2024-10-01T00:00Z", "2024-10-01"),
    ])
    func timestamps(_ text: String, _ utc: String) throws {
        let t = try #require(single(text))
        guard case .time(let seconds, let unit) = t.kind else {
            Issue.record("not a time: \(t.kind)")
            return
        }
        #expect(TimeFormat.format(seconds) == utc)
        #expect(unit == .instant)
        #expect(t.span == Span(0, text.utf8.count))
    }

    @Test func timestampValueIsExact() {
        let seconds: Int64 = 1_727_793_000  // 2024-10-01T14:30:00Z
        #expect(single("2024-10-01T14:30Z")?.kind == .time(seconds, .instant))
    }

    @Test func months() throws {
        let t = single("2024-10")
        #expect(t?.kind == .time(1_727_740_800, .month))
        #expect(t?.span == Span(0, 7))
        #expect(single("2024-01")?.kind == .time(TimeFormat.days(year: 2024, month: 1, day: 1) * 86_400, .month))
        #expect(try kinds("2024-10..2024-12") == [
            .time(1_727_740_800, .month), .symbol(.dotdot), .time(TimeFormat.days(year: 2024, month: 12, day: 1) * 86_400, .month),
        ])
    }

    @Test func digitsThatAreNotATimeStayArithmetic() throws {
        #expect(try kinds("2024") == [.int(2024)])
        #expect(try kinds("2024-5") == [.int(2024), .symbol(.minus), .int(5)])
        #expect(try kinds("2024-100") == [.int(2024), .symbol(.minus), .int(100)])
        #expect(try kinds("12-10") == [.int(12), .symbol(.minus), .int(10)])
        // A month followed by a minus and a short number.
        #expect(try kinds("2024-10-5") == [.time(1_727_740_800, .month), .symbol(.minus), .int(5)])
        // A malformed week is a year minus a name.
        #expect(try kinds("2024-W1") == [.int(2024), .symbol(.minus), .identifier("W1")])
    }

    /// Mondays of ISO weeks, checked against published ISO calendars.
    @Test(arguments: [
        ("2020-W53", "2020-12-28"), ("2025-W01", "2024-12-30"), ("2024-W01", "2024-01-01"),
        ("2024-W44", "2024-10-28"), ("2021-W01", "2021-01-04"), ("2026-W01", "2025-12-29"),
        ("2026-W53", "2026-12-28"), ("2015-W53", "2015-12-28"), ("2009-W53", "2009-12-28"),
        ("2008-W01", "2007-12-31"), ("2010-W01", "2010-01-04"), ("2004-W53", "2004-12-27"),
        ("1969-W01", "1968-12-30"), ("2000-W52", "2000-12-25"),
    ])
    func isoWeekMondays(_ text: String, _ monday: String) throws {
        let t = try #require(single(text))
        guard case .time(let seconds, let unit) = t.kind else {
            Issue.record("not a time: \(t.kind)")
            return
        }
        #expect(TimeFormat.format(seconds) == monday)
        #expect(unit == .week)
        #expect(t.span == Span(0, 8))
    }

    @Test func weeksInAYear() {
        let years: [Int64: Int64] = [2015: 53, 2019: 52, 2020: 53, 2021: 52, 2024: 52, 2026: 53, 2032: 53, 1992: 53, 2016: 52]
        for (year, weeks) in years {
            #expect(Lexer.isoWeeks(in: year) == weeks, "\(year)")
        }
        #expect(Lexer.isoWeekStart(year: 2021, week: 53) == nil)
        #expect(Lexer.isoWeekStart(year: 2024, week: 0) == nil)
    }

    @Test func badWeek() {
        let m = Marked("date in 1️⃣2021-W532️⃣")
        let e = lexError(m.text)
        #expect(e?.message == "bad ISO week '2021-W53'")
        #expect(e?.span == m.span(1, 2))
        #expect(e?.hint == "2021 has weeks 01 to 52")
        #expect(lexError("2020-W54")?.hint == "2020 has weeks 01 to 53")
        #expect(lexError("2024-W00")?.message == "bad ISO week '2024-W00'")
    }

    @Test func badMonth() {
        let m = Marked("date in 1️⃣2024-132️⃣ | count")
        let e = lexError(m.text)
        #expect(e?.message == "bad month '2024-13'")
        #expect(e?.span == m.span(1, 2))
        #expect(e?.hint == "months run from 01 to 12")
        #expect(lexError("2024-00")?.message == "bad month '2024-00'")
    }

    @Test func badDates() {
        let m = Marked("date == 1️⃣2023-02-292️⃣")
        let e = lexError(m.text)
        #expect(e?.message == "bad date '2023-02-29'")
        #expect(e?.span == m.span(1, 2))
        #expect(e?.hint == "no such day in the calendar")
        #expect(lexError("2024-13-01")?.hint == "no such day in the calendar")

        let ts = lexError("2024-10-01T25:00Z")
        #expect(ts?.message == "bad date '2024-10-01T25:00Z'")
        #expect(ts?.span == Span(0, 17))
        #expect(ts?.hint == "write timestamps as 2024-10-01T14:30Z")

        let tail = lexError("2024-10-01x | count")
        #expect(tail?.message == "bad date '2024-10-01x'")
        #expect(tail?.span == Span(0, 11))
        #expect(tail?.hint == "write dates as 2024-10-01 or 2024-10-01T14:30Z")

        // `T` with too few digits after it is not a time of day.
        #expect(lexError("2024-10-01T14")?.message == "bad date '2024-10-01T14'")
    }

    @Test func dateRangeWithoutSpaces() throws {
        #expect(try kinds("2024-10-01..2024-10-31") == [
            .time(1_727_740_800, .day), .symbol(.dotdot), .time(1_727_740_800 + 30 * 86_400, .day),
        ])
    }

    @Test(.bug(id: "SYN-3", "a timestamp range without spaces is read as one bad timestamp"))
    func timestampRangeWithoutSpaces() throws {
        let text = "2024-10-01T14:30Z..2024-10-02T00:00Z"
        do {
            let k = try kinds(text)
            let from: Int64 = 1_727_793_000, to: Int64 = 1_727_827_200
            #expect(k == [.time(from, .instant), .symbol(.dotdot), .time(to, .instant)])
        }
    }

    // MARK: Comments, symbols, odd characters

    @Test func comments() throws {
        #expect(try kinds("a # the rest | is ignored") == [.identifier("a")])
        #expect(try kinds("a // so is this") == [.identifier("a")])
        #expect(try kinds("# only a comment") == [])
        #expect(try kinds("a / b") == [.identifier("a"), .symbol(.slash), .identifier("b")])
        #expect(try kinds("\"# not a comment\"") == [.string("# not a comment")])
        #expect(try kinds("a # one\n# two\n| b // three") == [.identifier("a"), .symbol(.pipe), .identifier("b")])
    }

    @Test func everySymbol() throws {
        let text = Symbol.allCases.map(\.rawValue).joined(separator: " ")
        #expect(try kinds(text) == Symbol.allCases.map { .symbol($0) })
        #expect(try kinds("a<=b") == [.identifier("a"), .symbol(.le), .identifier("b")])
        #expect(try kinds("a=~b") == [.identifier("a"), .symbol(.tildeEq), .identifier("b")])
        #expect(try kinds("a!~b") == [.identifier("a"), .symbol(.notTildeEq), .identifier("b")])
        #expect(try kinds("a<-1") == [.identifier("a"), .symbol(.lt), .symbol(.minus), .int(1)])
        #expect(TokenKind.symbol(.pipe).display == "'|'")
    }

    @Test func semicolonEndsAStatement() throws {
        let t = try tokens("a;b")
        #expect(t.map(\.kind) == [.identifier("a"), .statementEnd, .identifier("b")])
        #expect(t[1].span == Span(1, 2))
        #expect(TokenKind.statementEnd.display == "the end of the statement")
        #expect(TokenKind.eof.display == "the end of the input")
    }

    @Test func eofSpanIsTheEndOfTheText() throws {
        let all = try Lexer.tokenize(source("ab  "))
        #expect(all.last == Token(.eof, Span(4, 4)))
        #expect(try Lexer.tokenize(source("")) == [Token(.eof, Span(0, 0))])
    }

    @Test func unexpectedASCIICharacter() {
        let e = lexError("a ? b")
        #expect(e?.message == "unexpected character '?'")
        #expect(e?.span == Span(2, 3))
        #expect(e?.hint == nil)
        #expect(lexError("a $")?.message == "unexpected character '$'")
        #expect(lexError("a @b")?.message == "unexpected character '@'")
    }

    @Test(.bug(id: "SYN-1", "every non-ASCII character starts an identifier, so punctuation and spaces become names"))
    func unexpectedMultiByteCharacter() throws {
        do {
            let e = try #require(lexError("a ¤ b"))
            #expect(e.message == "unexpected character '¤'")
            #expect(e.span == Span(2, 4))
            #expect(lexError("x == “Iraq”")?.message == "unexpected character '“'")
            #expect(lexError("a × b")?.message == "unexpected character '×'")
            // U+00A0 pasted from a document is an error, never part of a name.
            #expect(lexError("a\u{A0}b")?.message == "unexpected character '\u{A0}'")
        }
    }
}
