// The parser's tree for every stage, statement and expression form, printed as S-expressions.

import Testing

@testable import EVQSyntax

@Suite struct ParserTests {
    // MARK: Stages

    @Test(arguments: [
        ("events | where fatalities > 0", "(pipe events (where (> fatalities 0)))"),
        ("events | project date, who = actor1, `Source Country`", "(pipe events (project date (= who actor1) `Source Country`))"),
        ("events | project `Event Date` = date", "(pipe events (project (= Event Date date)))"),
        ("events | extend y = year(date), n = fatalities * 2", "(pipe events (extend (= y year(date)) (= n (* fatalities 2))))"),
        ("events | extend fatalities + 1", "(pipe events (extend (+ fatalities 1)))"),
        ("events | sort date", "(pipe events (sort (asc date)))"),
        ("events | sort by date desc, actor1 asc, country", "(pipe events (sort (desc date) (asc actor1) (asc country)))"),
        ("events | order by date desc", "(pipe events (sort/order (desc date)))"),
        ("events | order date", "(pipe events (sort/order (asc date)))"),
        ("events | take 10", "(pipe events (take 10))"),
        ("events | head 5", "(pipe events (take/head 5))"),
        ("events | limit n + 1", "(pipe events (take/limit (+ n 1)))"),
        ("events | tail 3", "(pipe events (tail 3))"),
        ("events | count", "(pipe events (count))"),
        ("events | summarize n = count(), killed = sum(fatalities) by country, w = week(date)",
         "(pipe events (summarize ((= n count()) (= killed sum(fatalities))) (by country (= w week(date)))))"),
        ("events | summarize count()", "(pipe events (summarize (count()) (by)))"),
        ("events | summarize by actor1, actor2", "(pipe events (summarize () (by actor1 actor2)))"),
        ("events | top 10 by n", "(pipe events (top 10 (desc n)))"),
        ("events | top 3 by n asc", "(pipe events (top 3 (asc n)))"),
        ("events | top 5 by n desc, date asc, id", "(pipe events (top 5 (desc n) (asc date) (desc id)))"),
        ("events | distinct actor1, a2 = actor2", "(pipe events (distinct actor1 (= a2 actor2)))"),
        ("events | lookup actors on actor1 = name", "(pipe events (lookup actors (on actor1 name)))"),
        ("events | lookup actors on actor1 == name", "(pipe events (lookup actors (on actor1 name)))"),
        ("events | lookup actors on name", "(pipe events (lookup actors (on name name)))"),
        ("events | chart bars", "(pipe events (chart bars))"),
        ("events | chart timeline to \"~/deaths.svg\"", "(pipe events (chart timeline to \"~/deaths.svg\"))"),
        ("events | where x > 1 | sort date | take 5 | count", "(pipe events (where (> x 1)) (sort (asc date)) (take 5) (count))"),
    ])
    func stages(_ text: String, _ expected: String) {
        #expect(sexp(text) == expected)
    }

    @Test func sortDirectionsRecordWhetherTheyWereWritten() throws {
        let m = Marked("events | top 5 by n, d 1️⃣asc2️⃣")
        let (program, _) = parse(m.text)
        guard case .query(let q) = program.statements.first?.kind, case .top(let n, let keys) = q.stages.first?.kind else {
            Issue.record("not a top stage")
            return
        }
        #expect(ASTPrinter.print(n) == "5")
        #expect(keys.map(\.descending) == [true, false])
        #expect(keys.map(\.directionSpan) == [nil, m.span(1, 2)])
    }

    @Test func stageAndKeywordSpans() throws {
        let m = Marked("events | 1️⃣where2️⃣ x > 13️⃣ | 4️⃣count5️⃣")
        let (program, _) = parse(m.text)
        guard case .query(let q) = program.statements.first?.kind else {
            Issue.record("not a query")
            return
        }
        #expect(q.stages.map(\.keyword.name) == ["where", "count"])
        #expect(q.stages.map(\.keyword.span) == [m.span(1, 2), m.span(4, 5)])
        #expect(q.stages.map(\.span) == [m.span(1, 3), m.span(4, 5)])
        #expect(q.span == Span(0, m[5]))
        #expect(program.statements.first?.span == Span(0, m[5]))
    }

    @Test func stageNamesAreDefinedOnce() {
        #expect(StageName.allCases.map(\.rawValue) == [
            "where", "project", "extend", "sort", "order", "take", "head", "limit", "tail", "count", "summarize", "top",
            "distinct", "lookup", "join", "sequence", "chart",
        ])
        #expect(StageName.top.summary == "the first N rows by a key, largest first: top 5 by fatalities")
    }

    // MARK: Statements

    @Test func letBindings() {
        #expect(sexp("let proxies = actors | where backer == \"Iran\" | project name")
            == "(let proxies (pipe actors (where (== backer \"Iran\")) (project name)))")
        #expect(sexp("let n = 5") == "(let n 5)")
        #expect(sexp("let `odd name` = 1") == "(let odd name 1)")
        // Without a name after it, `let` is an ordinary name.
        #expect(sexp("let") == "let")
        #expect(sexp("let + 1") == "(+ let 1)")
    }

    @Test func letSpansAndName() {
        let m = Marked("let 1️⃣n2️⃣ = 1 + 23️⃣")
        let (program, _) = parse(m.text)
        let s = program.statements.first
        #expect(s?.span == Span(0, m[3]))
        guard case .binding(let name, let value) = s?.kind else {
            Issue.record("not a binding")
            return
        }
        #expect(name == Identifier(name: "n", span: m.span(1, 2)))
        #expect(value.stages.isEmpty)
        #expect(ASTPrinter.print(value) == "(+ 1 2)")
    }

    @Test func params() {
        #expect(sexp("param since = 2024-10-01") == "(param since (day 2024-10-01))")
        #expect(sexp("param n = 2 + 3") == "(param n (+ 2 3))")
        #expect(sexp("param window = 3d; events") == "(param window (dur 259200))\nevents")
    }

    @Test func explain() {
        #expect(sexp("explain events | where x > 1 | count") == "(explain (pipe events (where (> x 1)) (count)))")
        #expect(sexp("explain events") == "(explain events)")
        // Without a query after it, `explain` is an ordinary name.
        #expect(sexp("explain") == "explain")
        #expect(sexp("explain | count") == "(pipe explain (count))")
        let m = Marked("explain events | 1️⃣count2️⃣")
        #expect(parse(m.text).0.statements.first?.span == Span(0, m[2]))
    }

    @Test func bareExpressionStatements() {
        #expect(sexp("1 + 2") == "(+ 1 2)")
        #expect(sexp("\"x\"") == "\"x\"")
        #expect(sexp("events") == "events")
        #expect(sexp("(events) | count") == "(pipe events (count))")
    }

    // MARK: Precedence

    @Test(arguments: [
        ("a or b and c", "(or a (and b c))"),
        ("a and b or c", "(or (and a b) c)"),
        ("a or b or c", "(or (or a b) c)"),
        ("not a and b", "(and (not a) b)"),
        ("not a or b", "(or (not a) b)"),
        ("not a == b", "(not (== a b))"),
        ("not not a", "(not (not a))"),
        ("a == b and c != d", "(and (== a b) (!= c d))"),
        ("x in 1 .. 5 + 1", "(in x (.. 1 (+ 5 1)))"),
        ("a < b .. c", "(< a (.. b c))"),
        ("a + 1 .. b * 2", "(.. (+ a 1) (* b 2))"),
        ("1 + 2 * 3 - 4 / 2 % 3", "(- (+ 1 (* 2 3)) (% (/ 4 2) 3))"),
        ("1 - 2 - 3", "(- (- 1 2) 3)"),
        ("8 / 4 / 2", "(/ (/ 8 4) 2)"),
        ("-a * b", "(* (neg a) b)"),
        ("-2 * 3", "(* -2 3)"),
        ("2 * -3", "(* 2 -3)"),
        ("1 - -2", "(- 1 -2)"),
        ("(a or b) and c", "(and (or a b) c)"),
        ("(1 + 2) * 3", "(* (+ 1 2) 3)"),
        ("a == 1 + 2", "(== a (+ 1 2))"),
    ])
    func precedence(_ text: String, _ expected: String) {
        #expect(sexp(text) == expected)
    }

    @Test func negativeLiteralsAreFolded() {
        #expect(sexp("-5") == "-5")
        #expect(sexp("- 5") == "-5")
        #expect(sexp("- -5") == "5")
        #expect(sexp("-(5)") == "-5")
        #expect(sexp("-1.5") == "-1.5f")
        #expect(sexp("-3d") == "(dur -259200)")
        #expect(sexp("-x") == "(neg x)")
        #expect(sexp("--x") == "(neg (neg x))")
        #expect(sexp("-2024-10-01") == "(neg (day 2024-10-01))")
        let m = Marked("1️⃣- 52️⃣")
        let (program, _) = parse(m.text)
        guard case .query(let q) = program.statements.first?.kind else { return }
        #expect(q.source.span == m.span(1, 2))
    }

    // MARK: Operators

    @Test(arguments: [
        ("a == 1", "(== a 1)"), ("a != 1", "(!= a 1)"), ("a < 1", "(< a 1)"), ("a <= 1", "(<= a 1)"),
        ("a > 1", "(> a 1)"), ("a >= 1", "(>= a 1)"), ("a =~ \"x\"", "(=~ a \"x\")"), ("a !~ \"x\"", "(!~ a \"x\")"),
        ("a in [1, 2]", "(in a [1 2])"), ("a !in [1, 2]", "(!in a [1 2])"),
        ("a in~ [\"x\"]", "(in~ a [\"x\"])"), ("a !in~ [\"x\"]", "(!in~ a [\"x\"])"),
        ("date in 2024-10-01 .. 2024-11-30", "(in date (.. (day 2024-10-01) (day 2024-11-30)))"),
        ("date in 2024-W44", "(in date (week 2024-10-28))"),
        ("date in 2024-10", "(in date (month 2024-10-01))"),
        ("notes has \"base\"", "(has notes \"base\")"), ("notes !has \"base\"", "(!has notes \"base\")"),
        ("notes has_any [\"a\", \"b\"]", "(has_any notes [\"a\" \"b\"])"), ("notes has_all [\"a\"]", "(has_all notes [\"a\"])"),
        ("n contains \"x\"", "(contains n \"x\")"), ("n !contains \"x\"", "(!contains n \"x\")"),
        ("n startswith \"x\"", "(startswith n \"x\")"), ("n !endswith \"x\"", "(!endswith n \"x\")"),
        ("n like \"*x*\"", "(like n \"*x*\")"), ("n !matches \"^a\"", "(!matches n \"^a\")"),
    ])
    func comparisonsAndMembership(_ text: String, _ expected: String) {
        #expect(sexp(text) == expected)
    }

    @Test func negatedOperatorSpanCoversTheBang() {
        let m = Marked("a 1️⃣!in~2️⃣ [\"x\"]")
        let (program, _) = parse(m.text)
        guard case .query(let q) = program.statements.first?.kind, case .binary(let op, _, _, let opSpan) = q.source.kind else {
            Issue.record("not a binary expression")
            return
        }
        #expect(op == .notInCaseless)
        #expect(opSpan == m.span(1, 2))
        #expect(q.source.span == Span(0, m.text.utf8.count))
    }

    @Test func comparisonsDoNotChain() {
        let m = Marked("a == b 1️⃣==2️⃣ c")
        let e = parseError(m.text)
        #expect(e?.message == "expected '|' or the end of the statement, found '=='")
        #expect(e?.span == m.span(1, 2))
    }

    @Test(.bug(id: "SYN-8", "'!' followed by a space before 'in' never reaches the \"expected 'in' ... after '!'\" error"))
    func bangWithoutInIsExplained() {
        let m = Marked("a 1️⃣!2️⃣ in [1]")
        let e = parseError(m.text)
        do {
            #expect(e?.message == "expected 'in' or a text operator such as 'contains' after '!'")
            #expect(e?.span == m.span(1, 2))
        }
    }

    // MARK: Primaries

    @Test func literals() {
        #expect(sexp("[1, \"a\", null, true, false, 2.5, 3d, 2024-10-01T14:30Z]")
            == "[1 \"a\" null true false 2.5f (dur 259200) (instant 2024-10-01T14:30:00Z)]")
        #expect(sexp("`Source Country` == \"Iraq\"") == "(== `Source Country` \"Iraq\")")
    }

    @Test func lists() {
        #expect(sexp("[]") == "[]")
        #expect(sexp("[1]") == "[1]")
        #expect(sexp("[1, 2, 3,]") == "[1 2 3]")
        #expect(sexp("[[1], [2, 3]]") == "[[1] [2 3]]")
        let m = Marked("1️⃣[1, 2,]2️⃣")
        let (program, _) = parse(m.text)
        guard case .query(let q) = program.statements.first?.kind else { return }
        #expect(q.source.span == m.span(1, 2))
    }

    @Test func calls() {
        #expect(sexp("count()") == "count()")
        #expect(sexp("f(a, b + 1)") == "f(a (+ b 1))")
        #expect(sexp("f(g(x), [1])") == "f(g(x) [1])")
        #expect(sexp("bin(date, 3d)") == "bin(date (dur 259200))")
        // A call needs its '(' right after the name, but spaces are allowed.
        #expect(sexp("f (x)") == "f(x)")
        let m = Marked("1️⃣sum2️⃣(x)3️⃣")
        let (program, _) = parse(m.text)
        guard case .query(let q) = program.statements.first?.kind, case .call(let name, _) = q.source.kind else {
            Issue.record("not a call")
            return
        }
        #expect(name.span == m.span(1, 2))
        #expect(q.source.span == m.span(1, 3))
    }

    @Test func parenthesesAndSubqueries() {
        #expect(sexp("actor1 in (actors | project name)") == "(in actor1 (subquery (pipe actors (project name))))")
        #expect(sexp("(actors | where backer == \"Iran\" | project name)")
            == "(subquery (pipe actors (where (== backer \"Iran\")) (project name)))")
        #expect(sexp("x in (actors | distinct name) and y") == "(and (in x (subquery (pipe actors (distinct name)))) y)")
        // Parentheses around a plain expression leave no node, only a wider span.
        let m = Marked("1️⃣(1 + 2)2️⃣ * 3")
        let (program, _) = parse(m.text)
        guard case .query(let q) = program.statements.first?.kind, case .binary(_, let left, _, _) = q.source.kind else {
            Issue.record("not a binary expression")
            return
        }
        #expect(ASTPrinter.print(left) == "(+ 1 2)")
        #expect(left.span == m.span(1, 2))
    }

    @Test func expressionSpans() {
        let m = Marked("events | where 1️⃣actor1 2️⃣==3️⃣ \"x\"4️⃣")
        let (program, _) = parse(m.text)
        guard case .query(let q) = program.statements.first?.kind, case .where(let e) = q.stages.first?.kind,
              case .binary(_, let left, let right, let op) = e.kind
        else {
            Issue.record("not a where with a comparison")
            return
        }
        #expect(e.span == m.span(1, 4))
        #expect(left.span == Span(m[1], m[2] - 1))
        #expect(op == m.span(2, 3))
        #expect(right.span == Span(m[3] + 1, m[4]))
    }

    @Test func namedExprSpanRunsFromTheName() {
        let m = Marked("events | extend 1️⃣n = a + 12️⃣")
        let (program, _) = parse(m.text)
        guard case .query(let q) = program.statements.first?.kind, case .extend(let items) = q.stages.first?.kind else {
            Issue.record("not an extend")
            return
        }
        #expect(items.first?.span == m.span(1, 2))
    }
}
