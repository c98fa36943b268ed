// Rendered diagnostics, character for character: header, gutter, caret, hint, notes, colour.

import Testing

@testable import EVQSyntax

@Suite struct DiagnosticRendererTests {
    let plain = DiagnosticRenderer()

    @Test func oneLine() {
        let m = Marked(#"events | where 1️⃣actr2️⃣ == "x""#)
        let d = Diagnostic("unknown field 'actr'", at: m.span(1, 2), hint: "did you mean 'actor1'?")
        #expect(plain.render(d, in: source(m.text)) == """
            <query>:1:16: error: unknown field 'actr'
             1 | events | where actr == "x"
               |                ^^^^ did you mean 'actor1'?

            """)
    }

    @Test func multiLineWithTwoDigitLineNumbers() {
        let lines = (1...9).map { "x\($0)" } + ["events | where fatalities > 0", "| sort 1️⃣datee2️⃣", "| count"]
        let m = Marked(lines.joined(separator: "\n"))
        let d = Diagnostic("unknown field 'datee'", at: m.span(1, 2), hint: "did you mean 'date'?")
        let file = source(m.text, name: "Queries/q.evq")
        #expect(plain.render(d, in: file) == """
            Queries/q.evq:11:8: error: unknown field 'datee'
             11 | | sort datee
                |        ^^^^^ did you mean 'date'?

            """)
        #expect(plain.renderShort(d, in: file) == "Queries/q.evq:11:8: error: unknown field 'datee'")
    }

    @Test func columnsCountCharactersNotBytes() {
        let m = Marked(#"where actor1 == "Ağrı" and 1️⃣fatalites2️⃣ > 0"#)
        #expect(m[1] == 29)  // two of the characters before it are two bytes long
        let d = Diagnostic("unknown field 'fatalites'", at: m.span(1, 2))
        #expect(plain.render(d, in: source(m.text)) == """
            <query>:1:28: error: unknown field 'fatalites'
             1 | where actor1 == "Ağrı" and fatalites > 0
               |                            ^^^^^^^^^

            """)
        // The caret width counts characters of the span too.
        let n = Marked(#"x == 1️⃣"Ağrı"2️⃣"#)
        let e = Diagnostic("w", at: n.span(1, 2))
        #expect(plain.render(e, in: source(n.text)).hasSuffix("\n   |      ^^^^^^\n"))
    }

    @Test func firstLineOffsetsLineNumbers() {
        let m = Marked("events\n| 1️⃣wher2️⃣ x")
        let d = Diagnostic("unknown stage 'wher'", at: m.span(1, 2), hint: "did you mean 'where'?")
        let file = source(m.text, name: "<stdin>", firstLine: 41)
        #expect(plain.render(d, in: file) == """
            <stdin>:42:3: error: unknown stage 'wher'
             42 | | wher x
                |   ^^^^ did you mean 'where'?

            """)
        #expect(plain.renderShort(d, in: file) == "<stdin>:42:3: error: unknown stage 'wher'")
    }

    @Test func notes() throws {
        let text = "events | where x in [1, 2"
        var d = try #require(parseError(text))
        d.notes.append(Diagnostic.Note("a list ends with ']'"))
        #expect(plain.render(d, in: source(text)) == """
            <query>:1:26: error: expected ']', found the end of the input
             1 | events | where x in [1, 2
               |                          ^
            <query>:1:21: note: to match this '['
             1 | events | where x in [1, 2
               |                     ^
            note: a list ends with ']'

            """)
    }

    @Test func noteOnAnotherLineGetsItsOwnGutter() {
        let m = Marked((1...9).map { _ in "x" }.joined(separator: "\n") + "\n1️⃣(a\n\n2️⃣b")
        let d = Diagnostic("expected ')'", at: Span(m[2], m[2]), notes: [Diagnostic.Note("to match this '('", span: Span(m[1], m[1] + 1))])
        #expect(plain.render(d, in: source(m.text)) == """
            <query>:12:1: error: expected ')'
             12 | b
                | ^
            <query>:10:1: note: to match this '('
             10 | (a
                | ^

            """)
    }

    @Test func spansThatRunPastTheLineAreCutAtItsEnd() {
        let text = "a \"bc\nd"
        let d = Diagnostic("unterminated string", at: Span(2, 7))
        #expect(plain.render(d, in: source(text)) == "<query>:1:3: error: unterminated string\n 1 | a \"bc\n   |   ^^^\n")
        // An empty span still gets one caret.
        let e = Diagnostic("here", at: Span(1, 1))
        #expect(plain.render(e, in: source("ab")) == "<query>:1:2: error: here\n 1 | ab\n   |  ^\n")
        // A span at the very end, after a final newline, is on the empty last line.
        let f = Diagnostic("end", at: Span(9, 9))
        #expect(plain.render(f, in: source("events |\n")) == "<query>:2:1: error: end\n 2 | \n   | ^\n")
        // A carriage return is not shown.
        let g = Diagnostic("cr", at: Span(0, 1))
        #expect(plain.render(g, in: source("a\r\nb")) == "<query>:1:1: error: cr\n 1 | a\n   | ^\n")
    }

    @Test func colourOnlyWhenAskedFor() {
        let d = Diagnostic("bad", at: Span(0, 1), hint: "h", notes: [Diagnostic.Note("n")])
        let esc = "\u{1b}"
        #expect(DiagnosticRenderer(useColor: true).render(d, in: source("x")) == """
            \(esc)[1m<query>:1:1: \(esc)[0m\(esc)[1;31merror:\(esc)[0m\(esc)[1m bad\(esc)[0m
             1 | x
               | \(esc)[1;32m^\(esc)[0m h
            \(esc)[1;36mnote: \(esc)[0mn

            """)
        var w = d
        w.severity = .warning
        #expect(DiagnosticRenderer(useColor: true).render(w, in: source("x")).contains("\(esc)[1;35mwarning:\(esc)[0m"))
        #expect(!plain.render(d, in: source("x")).contains(esc))
        #expect(!DiagnosticRenderer(useColor: true).renderShort(d, in: source("x")).contains(esc))
        #expect(DiagnosticRenderer().useColor == false)
    }

    @Test func renderShortUsesTheSeverity() {
        var d = Diagnostic("slow scan", at: Span(2, 3), severity: .warning)
        #expect(plain.renderShort(d, in: source("a\nbc")) == "<query>:2:1: warning: slow scan")
        d.severity = .note
        #expect(plain.renderShort(d, in: source("a\nbc")) == "<query>:2:1: note: slow scan")
    }

    @Test func sourceFileLineMap() {
        let f = source("ab\ncdé\n\nf")
        #expect(f.lineStarts == [0, 3, 8, 9])
        #expect(f.lineIndex(of: 0) == 0)
        #expect(f.lineIndex(of: 2) == 0)
        #expect(f.lineIndex(of: 3) == 1)
        #expect(f.lineIndex(of: 8) == 2)
        #expect(f.lineIndex(of: 100) == 3)
        #expect(f.location(of: 7) == SourceLocation(line: 2, column: 4))
        #expect(f.location(of: 9) == SourceLocation(line: 4, column: 1))
        #expect(f.lineText(1) == "cdé")
        #expect(f.lineText(2) == "")
        #expect(f.text(of: Span(3, 7)) == "cdé")
        #expect(f.text(of: Span(8, 50)) == "\nf")
        #expect(Span(5, 2) == Span(5, 5))
        #expect(Span(4, 6).to(Span(1, 2)) == Span(1, 6))
        #expect(Span(3, 7).description == "3..<7")
    }
}

@Suite struct TabRenderingTests {
    @Test func tabsAreShownAsOneSpaceSoTheCaretLinesUp() {
        let file = SourceFile(name: "t.evq", text: "events\t| where\tactr == 1")
        let d = Diagnostic("unknown field 'actr'", at: Span(15, 19))
        #expect(DiagnosticRenderer().render(d, in: file) == "t.evq:1:16: error: unknown field 'actr'\n 1 | events | where actr == 1\n   |                ^^^^\n")
    }
}
