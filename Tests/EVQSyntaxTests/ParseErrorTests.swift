// Every parse error: exact message, place (1️⃣..2️⃣), hint, notes, whether the prompt should
// ask for more input, and recovery to the next statement.

import Testing

@testable import EVQSyntax

/// A parse error case: `1️⃣` marks where the error starts and `2️⃣`, when present, where it ends
/// (an error at the end of the input or statement has an empty span).
struct ErrorCase: CustomTestStringConvertible, Sendable {
    let input: String
    let message: String
    var hint: String? = nil
    var atEnd: Bool = false

    var testDescription: String { input.debugDescription }
}

private let stageList = "(where, project, extend, sort, order, take, ...)"

@Suite struct ParseErrorTests {
    @Test(arguments: [
        ErrorCase(input: "events | 1️⃣wher2️⃣ country == \"Iraq\"", message: "unknown stage 'wher'", hint: "did you mean 'where'?"),
        ErrorCase(input: "events | 1️⃣summarise2️⃣ n = count()", message: "unknown stage 'summarise'", hint: "did you mean 'summarize'?"),
        ErrorCase(input: "events | 1️⃣sortt2️⃣ date", message: "unknown stage 'sortt'", hint: "did you mean 'sort'?"),
        ErrorCase(input: "events | 1️⃣zzzzzz2️⃣", message: "unknown stage 'zzzzzz'"),
        ErrorCase(input: "events 1️⃣where2️⃣ x > 1", message: "expected '|' or the end of the statement, found 'where'",
                  hint: "add '|' before 'where'"),
        ErrorCase(input: "events | where x > 1 1️⃣count2️⃣", message: "expected '|' or the end of the statement, found 'count'",
                  hint: "add '|' before 'count'"),
        ErrorCase(input: "events 1️⃣x2️⃣", message: "expected '|' or the end of the statement, found 'x'"),
        ErrorCase(input: "events | count 1️⃣52️⃣", message: "expected '|' or the end of the statement, found a number"),
        ErrorCase(input: "events | where x == 1 1️⃣)2️⃣", message: "expected '|' or the end of the statement, found ')'"),
        ErrorCase(input: "events 1️⃣\"x\"2️⃣", message: "expected '|' or the end of the statement, found a string"),
        ErrorCase(input: "events 1️⃣2024-10-012️⃣", message: "expected '|' or the end of the statement, found a date"),
        ErrorCase(input: "events | 1️⃣52️⃣", message: "expected a stage name after '|' \(stageList), found a number"),
        ErrorCase(input: "events | 1️⃣`where`2️⃣", message: "expected a stage name after '|' \(stageList), found `where`"),
        ErrorCase(input: "events | 1️⃣|2️⃣ count", message: "expected a stage name after '|' \(stageList), found '|'"),
        ErrorCase(input: "events | top 5 1️⃣|2️⃣ count", message: "expected 'by' after the number of rows, found '|'",
                  hint: "top needs what to rank by, for example: top 5 by fatalities (or 'take 5' for any five rows)"),
        ErrorCase(input: "events | where 1️⃣)2️⃣", message: "expected an expression, found ')'"),
        ErrorCase(input: "f(a, 1️⃣)2️⃣", message: "expected an expression, found ')'"),
        ErrorCase(input: "[1, 1️⃣,2️⃣ 2]", message: "expected an expression, found ','"),
        ErrorCase(input: "[1 1️⃣22️⃣]", message: "expected ',' or ']' in the list, found a number"),
        ErrorCase(input: "f(a 1️⃣b2️⃣)", message: "expected ',' or ')' after an argument of f(), found 'b'"),
        ErrorCase(input: "let x 1️⃣52️⃣", message: "expected '=' after the name, found a number"),
        ErrorCase(input: "events | lookup 1️⃣52️⃣", message: "expected a table name, found a number"),
        ErrorCase(input: "events | lookup actors 1️⃣by2️⃣ x", message: "expected 'on' and the key after the table name, found 'by'"),
        ErrorCase(input: "events | project 1️⃣by2️⃣", message: "expected a column to project, found 'by'"),
        ErrorCase(input: "events | project 1 1️⃣=2️⃣ 1", message: "expected '|' or the end of the statement, found '='",
                  hint: "to compare, write '==' (a single '=' names a column or a value)"),
        ErrorCase(input: "events | where actor1 1️⃣=2️⃣ \"IS\"", message: "expected '|' or the end of the statement, found '='",
                  hint: "to compare, write '==' (a single '=' names a column or a value)"),
        ErrorCase(input: "events | where fatalities 1️⃣between2️⃣ 1 and 5", message: "expected '|' or the end of the statement, found 'between'",
                  hint: "a range is written with '..', both ends included: fatalities in 1 .. 5, date in 2024-10-01 .. 2024-10-31"),
        ErrorCase(input: "events | where date in 2024-10-01 1️⃣to2️⃣ 2024-10-05", message: "expected '|' or the end of the statement, found 'to'",
                  hint: "a range is written with '..', both ends included: fatalities in 1 .. 5, date in 2024-10-01 .. 2024-10-31"),
    ])
    func midInputErrors(_ c: ErrorCase) {
        let m = Marked(c.input)
        let e = parseError(m.text)
        #expect(e?.message == c.message)
        #expect(e?.span == m.span(1, 2))
        #expect(e?.hint == c.hint)
        #expect(e?.isAtEndOfInput == false)
        #expect(e?.notes == [])
        #expect(e?.severity == .error)
    }

    @Test(arguments: [
        ErrorCase(input: "events |1️⃣", message: "expected a stage name after '|' \(stageList), found the end of the input"),
        ErrorCase(input: "events |1️⃣  \n", message: "expected a stage name after '|' \(stageList), found the end of the input"),
        ErrorCase(input: "events | where1️⃣", message: "expected an expression, found the end of the input"),
        ErrorCase(input: "events | where x ==1️⃣", message: "expected an expression, found the end of the input"),
        ErrorCase(input: "events | where x and1️⃣ ", message: "expected an expression, found the end of the input"),
        ErrorCase(input: "events | where x in~1️⃣", message: "expected an expression, found the end of the input"),
        ErrorCase(input: "events | project1️⃣", message: "expected a column to project, found the end of the input"),
        ErrorCase(input: "events | project a,1️⃣", message: "expected a column to project, found the end of the input"),
        ErrorCase(input: "events | extend1️⃣", message: "expected a column to add, found the end of the input"),
        ErrorCase(input: "events | distinct1️⃣", message: "expected a column, found the end of the input"),
        ErrorCase(input: "events | summarize1️⃣", message: "expected an aggregate such as count(), or 'by' and keys, found the end of the input"),
        ErrorCase(input: "events | summarize by1️⃣", message: "expected a key to group by, found the end of the input"),
        ErrorCase(input: "events | summarize count() by1️⃣", message: "expected a key to group by, found the end of the input"),
        ErrorCase(input: "events | top 51️⃣", message: "expected 'by' after the number of rows, found the end of the input"),
        ErrorCase(input: "events | top 5 by1️⃣", message: "expected an expression, found the end of the input"),
        ErrorCase(input: "events | sort by1️⃣", message: "expected an expression, found the end of the input"),
        ErrorCase(input: "events | take1️⃣", message: "expected an expression, found the end of the input"),
        ErrorCase(input: "events | lookup1️⃣", message: "expected a table name, found the end of the input"),
        ErrorCase(input: "events | lookup actors1️⃣", message: "expected 'on' and the key after the table name, found the end of the input"),
        ErrorCase(input: "events | lookup actors on1️⃣", message: "expected the key column, found the end of the input"),
        ErrorCase(input: "events | lookup actors on a =1️⃣", message: "expected the key column of actors, found the end of the input"),
        ErrorCase(input: "let x1️⃣", message: "expected '=' after the name, found the end of the input"),
        ErrorCase(input: "let x =1️⃣", message: "expected an expression, found the end of the input"),
        ErrorCase(input: "param n =1️⃣", message: "expected an expression, found the end of the input"),
        ErrorCase(input: "[1,1️⃣", message: "expected ']', found the end of the input"),
        ErrorCase(input: "f(a,1️⃣", message: "expected ')', found the end of the input"),
    ])
    func errorsAtTheEndOfInputAskForMore(_ c: ErrorCase) {
        let m = Marked(c.input)
        let e = parseError(m.text)
        #expect(e?.message == c.message)
        #expect(e?.span == Span(m[1], m[1]))
        #expect(e?.isAtEndOfInput == true)
    }

    @Test func openStringsAndNamesAtTheEndAskForMore() {
        let s = parseError("events | where notes has \"bas")
        #expect(s?.message == "unterminated string")
        #expect(s?.isAtEndOfInput == true)
        let q = parseError("events | project `Source")
        #expect(q?.message == "unterminated quoted name")
        #expect(q?.isAtEndOfInput == true)
    }

    @Test func theSameErrorFollowedByMoreInputIsGenuine() {
        // The error is at a statement end with more text after it: more input would not help.
        let e = parseError("events | where x ==\n\nevents")
        #expect(e?.message == "expected an expression, found the end of the statement")
        #expect(e?.isAtEndOfInput == false)
        let f = parseError("events |; events")
        #expect(f?.isAtEndOfInput == false)
        let g = parseError("events | where x == \"Iraq\" | take \"")
        #expect(g?.message == "unterminated string")
        #expect(g?.isAtEndOfInput == true)
        #expect(Parser.parse(SourceFile(name: "<query>", text: "'Iraq\n'")).1.isEmpty)  // a string may span lines
    }

    @Test func unclosedBracketsPointAtTheOpener() {
        let list = Marked("events | where x in 1️⃣[1, 22️⃣")
        let e = parseError(list.text)
        #expect(e?.message == "expected ']', found the end of the input")
        #expect(e?.span == Span(list[2], list[2]))
        #expect(e?.notes == [Diagnostic.Note("to match this '['", span: Span(list[1], list[1] + 1))])
        #expect(e?.isAtEndOfInput == true)

        let call = Marked("events | where f1️⃣(a, b2️⃣")
        let c = parseError(call.text)
        #expect(c?.message == "expected ')', found the end of the input")
        #expect(c?.notes == [Diagnostic.Note("to match this '('", span: Span(call[1], call[1] + 1))])
        #expect(c?.isAtEndOfInput == true)

        let sub = Marked("x in 1️⃣(actors | project name2️⃣")
        let s = parseError(sub.text)
        #expect(s?.message == "expected ')', found the end of the input")
        #expect(s?.notes == [Diagnostic.Note("to match this '('", span: Span(sub[1], sub[1] + 1))])
        #expect(s?.isAtEndOfInput == true)

        let empty = Marked("1️⃣[2️⃣")
        let l = parseError(empty.text)
        #expect(l?.message == "expected ']', found the end of the input")
        #expect(l?.notes.first?.span == empty.span(1, 2))

        // Mid-input: the bracket is closed by the wrong thing.
        let wrong = Marked("1️⃣(a 2️⃣b3️⃣)")
        let w = parseError(wrong.text)
        #expect(w?.message == "expected ')', found 'b'")
        #expect(w?.span == wrong.span(2, 3))
        #expect(w?.notes == [Diagnostic.Note("to match this '('", span: Span(wrong[1], wrong[1] + 1))])
        #expect(w?.isAtEndOfInput == false)
    }

    @Test func recoveryReportsOneErrorPerBrokenStatement() {
        let script = """
            events | wher x > 1
            events | take 5 5
            events | count

            events | top 5

            (1 + 2
            events | count

            events | where f(a b)
            actors | count
            events | project a,
            """
        let (program, diagnostics) = parse(script)
        #expect(diagnostics.map(\.message) == [
            "unknown stage 'wher'",
            "expected '|' or the end of the statement, found a number",
            "expected 'by' after the number of rows, found the end of the statement",
            "expected ')', found 'events'",
            "expected ',' or ')' after an argument of f(), found 'b'",
            "expected a column to project, found the end of the input",
        ])
        let file = source(script)
        #expect(diagnostics.map { file.location(of: $0.span.start).line } == [1, 2, 5, 8, 10, 12])
        #expect(diagnostics.map(\.isAtEndOfInput) == [false, false, false, false, false, true])
        // Statements that parsed are kept; a statement with trailing junk is kept too (SYN-11).
        #expect(program.statements.map(ASTPrinter.print).filter { $0 != "(pipe events (take 5))" }
            == ["(pipe events (count))", "(pipe actors (count))"])
    }

    @Test(.bug(id: "SYN-12", "a query after 'param NAME =' says \"expected '|' ..., found '|'\""))
    func paramDefaultIsOneExpression() {
        let m = Marked("param n = 5 1️⃣|2️⃣ count")
        let e = parseError(m.text)
        #expect(e?.span == m.span(1, 2))
        do {
            #expect(e?.message == "a param's default is a single expression, found '|'")
            #expect(e?.hint == "use 'let' to name a query")
        }
    }

    @Test(.bug(id: "SYN-11", "a statement followed by junk is kept in the program next to its error"))
    func aStatementWithTrailingJunkIsDropped() {
        let (program, diagnostics) = parse("events | take 5 5\nactors | count")
        #expect(diagnostics.map(\.message) == ["expected '|' or the end of the statement, found a number"])
        do {
            #expect(program.statements.map(ASTPrinter.print) == ["(pipe actors (count))"])
        }
    }

    @Test func anErrorAtAStatementEndPointsAtTheLineThatEnded() {
        let m = Marked("events | top 51️⃣  # a comment\n\nactors | count")
        let e = parseError(m.text)
        #expect(e?.message == "expected 'by' after the number of rows, found the end of the statement")
        #expect(e?.span == Span(m[1], m[1]))
        // At the end of the input too: just after the last token, not after trailing blanks.
        let n = Marked("events | where1️⃣   \n\n")
        #expect(parseError(n.text)?.span == Span(n[1], n[1]))
        // A `;` is its own token and is pointed at directly.
        let k = Marked("events | top 5 1️⃣;2️⃣ actors")
        #expect(parseError(k.text)?.span == k.span(1, 2))
    }

    @Test func aLexicalErrorStopsTheWholeScript() {
        // The lexer throws, so no statement is parsed and later errors are not reported.
        let (program, diagnostics) = parse("events | count\n\nevents | where x > 1.5d\n\nevents | wher")
        #expect(diagnostics.map(\.message) == ["a duration needs a whole number"])
        #expect(program.statements.isEmpty)
    }
}
