// Where statements end: `;`, a blank line, or a single newline after a complete statement
// that the next line does not continue.

import Testing

@testable import EVQSyntax

/// How many `.statementEnd` tokens the lexer produces.
private func ends(_ text: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) -> Int {
    do {
        return try kinds(text).filter { $0 == .statementEnd }.count
    } catch {
        Issue.record("lexer error: \(error.message)", sourceLocation: sourceLocation)
        return -1
    }
}

/// The statements of a program that must parse without errors.
private func statements(_ text: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) -> [String] {
    let (program, diagnostics) = parse(text)
    #expect(diagnostics.map(\.message) == [], sourceLocation: sourceLocation)
    return program.statements.map(ASTPrinter.print)
}

@Suite struct StatementEndTests {
    @Test func semicolons() {
        #expect(statements("events | count; actors | count") == ["(pipe events (count))", "(pipe actors (count))"])
        #expect(statements("a;;;b") == ["a", "b"])
        #expect((try? kinds("a;;;b")) == [.identifier("a"), .statementEnd, .identifier("b")])
        #expect((try? kinds(";;a")) == [.identifier("a")])
        #expect((try? kinds("a;")) == [.identifier("a"), .statementEnd])
        // Inside a statement that needs more, `;` still ends it.
        #expect(parse("events |; count").1.first?.message
            == "expected a stage name after '|' (where, project, extend, sort, order, take, ...), found the end of the statement")
    }

    @Test func blankLines() {
        #expect(statements("a\n\nb") == ["a", "b"])
        #expect(statements("a\n  \t \n b") == ["a", "b"])
        #expect(statements("a\n\n\n\n\nb") == ["a", "b"])
        #expect(ends("a\n\n\n\nb") == 1)
        // A comment line is not blank.
        #expect(ends("a +\n# note\n1") == 0)
        // A line ending in a comment, then a blank line.
        #expect(statements("a # note\n\nb") == ["a", "b"])
        // Windows line ends.
        #expect(statements("a\r\n\r\nb") == ["a", "b"])
        // Trailing blank lines produce nothing.
        #expect(statements("a\n\n\n") == ["a"])
    }

    @Test func aBlankLineEndsEvenAStatementThatNeedsMore() {
        let (program, diagnostics) = parse("events | where x ==\n\nevents | count")
        #expect(diagnostics.map(\.message) == ["expected an expression, found the end of the statement"])
        #expect(diagnostics.first?.isAtEndOfInput == false)
        #expect(program.statements.map(ASTPrinter.print) == ["(pipe events (count))"])
    }

    @Test func aBlankLineEndsTheStatementInsideAnUnclosedBracket() {
        let m = Marked("events | where x in 1️⃣[1, 2\n\nevents | count")
        #expect(ends(m.text) == 1)
        let (program, diagnostics) = parse(m.text)
        #expect(diagnostics.map(\.message) == ["expected ']', found the end of the statement"])
        #expect(diagnostics.first?.notes == [Diagnostic.Note("to match this '['", span: Span(m[1], m[1] + 1))])
        // The bracket depth is reset, so the next statement ends normally at a single newline.
        #expect(program.statements.map(ASTPrinter.print) == ["(pipe events (count))"])
        #expect(ends("f(1,\n\nb\nc") == 2)
    }

    @Test func aSingleNewlineEndsACompleteStatement() {
        #expect(statements("events | count\nactors | count") == ["(pipe events (count))", "(pipe actors (count))"])
        #expect(statements("events | where x == \"a\"\nevents") == ["(pipe events (where (== x \"a\")))", "events"])
        #expect(statements("f(x)\nb") == ["f(x)", "b"])
        #expect(statements("[1]\nb") == ["[1]", "b"])
        #expect(statements("let n = 5\nn + 1") == ["(let n 5)", "(+ n 1)"])
        #expect(statements("events | take 5\n(1)") == ["(pipe events (take 5))", "1"])
        #expect(statements("a # note\nb") == ["a", "b"])
        #expect(statements("3d\n2024-10-01\n\"s\"\n1.5") == ["(dur 259200)", "(day 2024-10-01)", "\"s\"", "1.5f"])
    }

    @Test(arguments: [
        "events\n| count",
        "events\n   | count",
        "events\n\n| count",  // a blank line does not end it before `|`
        "events\n# a comment\n| count",
        "events // c\n| count",
    ])
    func aLineStartingWithAPipeContinues(_ text: String) {
        #expect(statements(text) == ["(pipe events (count))"])
    }

    @Test(arguments: [
        ("events | where a == 1\nand b == 2", "(pipe events (where (and (== a 1) (== b 2))))"),
        ("events | where a == 1\n  or b == 2", "(pipe events (where (or (== a 1) (== b 2))))"),
        ("events | summarize count()\n  by country", "(pipe events (summarize (count()) (by country)))"),
        ("events | sort date\n  desc", "(pipe events (sort (desc date)))"),
        ("events | sort date\n  asc", "(pipe events (sort (asc date)))"),
        ("x\nin [1]", "(in x [1])"),
        ("x\nin~ [\"a\"]", "(in~ x [\"a\"])"),
        ("x\n!in [1]", "(!in x [1])"),
        ("notes\nhas \"base\"", "(has notes \"base\")"),
        ("1\n+ 2", "(+ 1 2)"),
        ("1\n- 2", "(- 1 2)"),
        ("2\n* 3", "(* 2 3)"),
        ("a\n== b", "(== a b)"),
        ("a\n< b", "(< a b)"),
        ("a\n>= b", "(>= a b)"),
        ("a\n=~ b", "(=~ a b)"),
        ("events | project a\n, b", "(pipe events (project a b))"),
        ("[1\n, 2\n]", "[1 2]"),
        ("f(a\n)", "f(a)"),
    ])
    func theNextLineContinues(_ text: String, _ expected: String) {
        #expect(statements(text) == [expected])
    }

    @Test(arguments: [
        ("events |\ncount", "(pipe events (count))"),
        ("events | project a,\nb", "(pipe events (project a b))"),
        ("events | where a and\nb", "(pipe events (where (and a b)))"),
        ("events | where a or\nb", "(pipe events (where (or a b)))"),
        ("events | where not\nb", "(pipe events (where (not b)))"),
        ("events | extend x =\n1", "(pipe events (extend (= x 1)))"),
        ("let n =\n5", "(let n 5)"),
        ("1 +\n2", "(+ 1 2)"),
        ("1 *\n2", "(* 1 2)"),
        ("a ==\nb", "(== a b)"),
        ("a !=\nb", "(!= a b)"),
        ("a in\n[1]", "(in a [1])"),
        ("a in~\n[1]", "(in~ a [1])"),
        ("1 ..\n5", "(.. 1 5)"),
        ("notes has_any\n[\"a\"]", "(has_any notes [\"a\"])"),
        ("events | top 5 by\nn", "(pipe events (top 5 (desc n)))"),
        ("events | summarize count() by\ncountry", "(pipe events (summarize (count()) (by country)))"),
        ("events | where\nx", "(pipe events (where x))"),
        ("events | lookup actors on\nname", "(pipe events (lookup actors (on name name)))"),
        ("f(\na)", "f(a)"),
        ("[\n1]", "[1]"),
    ])
    func theLineNeedsMore(_ text: String, _ expected: String) {
        #expect(statements(text) == [expected])
    }

    @Test func aStageKeywordAtTheEndOfALineSwallowsTheNextLine() {
        // `take` needs a count, so the line break does not end the statement.
        #expect(statements("events | take\nevents | count") == ["(pipe events (take events) (count))"])
        // `count` is complete by itself.
        #expect(statements("events | count\nevents | take 1") == ["(pipe events (count))", "(pipe events (take 1))"])
    }

    @Test func insideBracketsANewlineNeverEndsTheStatement() {
        #expect(ends("[1\n2]") == 0)
        #expect(ends("1\n2") == 1)
        #expect(ends("f(a\nb)") == 0)
        #expect(ends("(events\nx)") == 0)
        // After the bracket closes, newlines end statements again.
        #expect(ends("f(a\nb)\nc") == 1)
        // An unmatched closer does not make the depth negative.
        #expect(ends("a)\nb\nc") == 2)
        #expect(statements("(events | where x > 1\n| count)") == ["(subquery (pipe events (where (> x 1)) (count)))"])
    }

    @Test func statementKinds() {
        let (program, diagnostics) = parse("let a = events\nparam n = 3\nevents | count\n1 + 2\nexplain events | count")
        #expect(diagnostics.isEmpty)
        let kinds = program.statements.map { s -> String in
            switch s.kind {
            case .binding: "binding"
            case .param: "param"
            case .query: "query"
            case .explain: "explain"
            case .explainAnalyze: "explain analyze"
            }
        }
        #expect(kinds == ["binding", "param", "query", "query", "explain"])
    }

    @Test(.bug(id: "SYN-2", "a line ending in asc or desc does not end the statement"))
    func aLineEndingInADirectionEndsTheStatement() {
        do {
            #expect(statements("events | sort date desc\nevents | count") == ["(pipe events (sort (desc date)))", "(pipe events (count))"])
            #expect(statements("events | top 5 by n asc\nactors") == ["(pipe events (top 5 (asc n)))", "actors"])
        }
    }

    @Test(.bug(id: "SYN-6", "';' inside an unclosed bracket ends the statement but keeps the bracket depth"))
    func semicolonInsideAnUnclosedBracketResetsTheDepth() {
        let (program, diagnostics) = parse("events | where x in [1, 2;\nevents | count\nevents | take 1")
        #expect(diagnostics.first?.message == "expected ']', found the end of the statement")
        do {
            #expect(diagnostics.count == 1)
            #expect(program.statements.map(ASTPrinter.print) == ["(pipe events (count))", "(pipe events (take 1))"])
        }
    }
}
