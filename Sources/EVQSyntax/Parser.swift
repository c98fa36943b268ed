// Recursive-descent parser: tokens -> `Program`. Each parse function has its grammar rule
// above it. On an error it records a diagnostic and skips to the next statement, so a
// script reports every broken statement at once.

/// The stage keywords, defined once: the parser, completion and help read this list.
public enum StageName: String, CaseIterable, Sendable {
    case `where`, project, extend, sort, order, take, head, limit, tail, count, summarize, top, distinct, lookup, join, sequence, chart

    public var summary: String {
        switch self {
        case .where: "keep rows where a condition holds: where fatalities > 0"
        case .project: "choose, rename and compute columns: project date, who = actor1"
        case .extend: "add computed columns: extend year = year(date)"
        case .sort, .order: "order rows: sort by date desc, actor1"
        case .take, .head, .limit: "keep the first N rows: take 10"
        case .count: "count the rows: count"
        case .summarize: "aggregate by keys: summarize n = count(), killed = sum(fatalities) by country"
        case .top: "the first N rows by a key, largest first: top 5 by fatalities"
        case .distinct: "the distinct combinations of columns: distinct actor1, actor2"
        case .tail: "keep the last N rows: tail 10"
        case .lookup: "add a table's columns by key, one row per match: lookup actors on actor1 = name"
        case .join: "join rows by keys: join kind=leftouter actors on $left.actor1 == $right.name"
        case .sequence: "events in order by the same keys: sequence within 3d [where ...] as a by actor2 [where ...] as b by actor1"
        case .chart:
            "draw the result: chart bars (labels and values), chart timeline (values over time) or chart map (where the rows are); "
                + "chart bars to \"deaths.svg\" writes it to an SVG file instead"
        }
    }
}

public struct Parser {
    /// Deepest expression accepted: far beyond what a person writes, far below what the
    /// checker and evaluator can recurse through on a thread's stack in a debug build.
    public static let maxDepth = 256
    /// Most stages in one query and statements in one text: far above real use (a long
    /// analysis has tens), and checked as they are read, before anything recurses over them.
    public static let maxStages = 1000
    public static let maxStatements = 1_000_000

    private let file: SourceFile
    private var tokens: [Token]
    private(set) var p = 0
    public private(set) var diagnostics: [Diagnostic] = []

    public init(_ file: SourceFile, tokens: [Token]) {
        self.file = file
        self.tokens = tokens
    }

    /// Parses a whole program. Returns what parsed, plus every error found.
    public static func parse(_ file: SourceFile) -> (Program, [Diagnostic]) {
        let tokens: [Token]
        do {
            tokens = try Lexer.tokenize(file)
        } catch {
            return (Program(statements: []), [error])
        }
        var parser = Parser(file, tokens: tokens)
        let program = parser.program()
        return (program, parser.diagnostics)
    }

    var current: Token { tokens[p] }
    private var atStatementEnd: Bool { current.kind == .statementEnd || current.kind == .eof }

    mutating func advance() -> Token {
        let t = tokens[p]
        if p < tokens.count - 1 { p += 1 }
        return t
    }

    func peek(_ k: Int = 1) -> Token { tokens[min(p + k, tokens.count - 1)] }

    /// The span of the last token read.
    var previousSpan: Span { tokens[max(0, p - 1)].span }

    /// What a token left over after a statement usually means, for habits from SQL and other tools.
    private func trailingHint(_ t: Token) -> String? {
        if t.isSymbol(.assign) { return "to compare, write '==' (a single '=' names a column or a value)" }
        guard let word = t.identifier else { return nil }
        if StageName(rawValue: word) != nil { return "add '|' before '\(word)'" }
        switch word.lowercased() {
        case "between", "to": return "a range is written with '..', both ends included: fatalities in 1 .. 5, date in 2024-10-01 .. 2024-10-31"
        default: return nil
        }
    }

    func error(_ message: String, at span: Span? = nil, hint: String? = nil, notes: [Diagnostic.Note] = []) -> Diagnostic {
        Diagnostic(message, at: span ?? here, hint: hint, notes: notes, atEndOfInput: current.kind == .eof && span == nil)
    }

    /// Where an error about the current token points. At the end of a statement or of the
    /// input, that is just after the last token, on its line, not the start of the next one.
    private var here: Span {
        guard current.kind == .statementEnd || current.kind == .eof, p > 0 else { return current.span }
        let previousEnd = tokens[p - 1].kind == .statementEnd && p > 1 ? tokens[p - 2].span.end : tokens[p - 1].span.end
        return current.kind == .statementEnd && current.span.start == current.span.end || current.kind == .eof
            ? Span(previousEnd, previousEnd) : current.span
    }

    func unexpected(_ expected: String) -> Diagnostic {
        error("expected \(expected), found \(current.kind.display)")
    }

    private mutating func expect(_ s: Symbol, _ what: String) throws(Diagnostic) -> Token {
        guard current.isSymbol(s) else { throw unexpected(what) }
        return advance()
    }

    // program -> statement? (statementEnd statement?)* eof
    mutating func program() -> Program {
        var statements: [Statement] = []
        while current.kind != .eof {
            if current.kind == .statementEnd {
                _ = advance()
                continue
            }
            do throws(Diagnostic) {
                guard statements.count < Self.maxStatements else {
                    diagnostics.append(Diagnostic("too many statements (more than \(Self.maxStatements))", at: current.span,
                                                  hint: "split the script into several files"))
                    break
                }
                let s = try statement()
                if !atStatementEnd {
                    throw error("expected '|' or the end of the statement, found \(current.kind.display)", hint: trailingHint(current))
                }
                statements.append(s)
            } catch {
                diagnostics.append(error)
                synchronize()
            }
        }
        return Program(statements: statements)
    }

    /// Skips to the start of the next statement (jlox's synchronize).
    private mutating func synchronize() {
        while !atStatementEnd { _ = advance() }
    }

    // statement -> 'let' name '=' query | 'param' name '=' expr | 'explain' ['analyze'] query | query
    private mutating func statement() throws(Diagnostic) -> Statement {
        let start = current.span
        if current.isKeyword("let") || current.isKeyword("param"), peek().identifier != nil || isQuotedName(peek()) {
            let isParam = current.isKeyword("param")
            _ = advance()
            let name = try identifier("a name")
            _ = try expect(.assign, "'=' after the name")
            if isParam {
                let value = try expression()
                if current.isSymbol(.pipe) {
                    throw error("a param's default is a single expression, found '|'", hint: "use 'let' to name a query")
                }
                return Statement(kind: .param(name: name, defaultValue: value), span: start.to(value.span))
            }
            let value = try query()
            return Statement(kind: .binding(name: name, value: value), span: start.to(value.span))
        }
        // explain -> 'explain' ['analyze'] query
        if current.isKeyword("explain"), peek().kind != .statementEnd, peek().kind != .eof, !peek().isSymbol(.pipe) {
            _ = advance()
            var analyze = false
            if current.isKeyword("analyze"), peek().kind != .statementEnd, peek().kind != .eof, !peek().isSymbol(.pipe) {
                _ = advance()
                analyze = true
            }
            let q = try query()
            return Statement(kind: analyze ? .explainAnalyze(q) : .explain(q), span: start.to(q.span))
        }
        let q = try query()
        return Statement(kind: .query(q), span: q.span)
    }

    private func isQuotedName(_ t: Token) -> Bool {
        if case .quotedIdentifier = t.kind { return true }
        return false
    }

    mutating func identifier(_ what: String) throws(Diagnostic) -> Identifier {
        switch current.kind {
        case .identifier(let s), .quotedIdentifier(let s):
            let t = advance()
            return Identifier(name: s, span: t.span)
        default:
            throw unexpected(what)
        }
    }

    // query -> (expr | sequence) ('|' stage)*
    mutating func query() throws(Diagnostic) -> Query {
        var stages: [Stage] = []
        let source: Expr
        if startsSequenceSource {
            // A sequence that starts the query: its steps name their sources; the query's
            // source is the keyword itself (the checker reads the stage).
            let keyword = Identifier(name: "sequence", span: advance().span)
            let clause = try sequenceClause(keyword, isSource: true)
            source = Expr(.name("sequence", quoted: false), keyword.span)
            stages.append(Stage(kind: .sequence(clause), keyword: keyword, span: keyword.span.to(tokens[max(0, p - 1)].span)))
        } else {
            source = try expression()
        }
        while current.isSymbol(.pipe) {
            guard stages.count < Self.maxStages else {
                throw Diagnostic("too many stages in one query (more than \(Self.maxStages))", at: current.span,
                                 hint: "name a part with 'let' and continue from it")
            }
            _ = advance()
            stages.append(try stage())
        }
        return Query(source: source, stages: stages, span: source.span.to(stages.last?.span ?? source.span))
    }

    /// `sequence` followed by what only a sequence can have next (a table named `sequence`
    /// stays readable as `sequence | ...`).
    private var startsSequenceSource: Bool {
        guard current.isKeyword("sequence") else { return false }
        let next = peek()
        return next.isKeyword("within") || next.isKeyword("by") || next.isKeyword("mode") || next.isSymbol(.lbracket)
    }

    // stage -> where | project | extend | sort | take | count | summarize | top | distinct
    mutating func stage() throws(Diagnostic) -> Stage {
        guard let word = current.identifier else {
            throw unexpected("a stage name after '|' (\(StageName.allCases.map(\.rawValue).prefix(6).joined(separator: ", ")), ...)")
        }
        guard let name = StageName(rawValue: word) else {
            throw error("unknown stage '\(word)'", hint: Suggest.hint(for: word, in: StageName.allCases.map(\.rawValue)))
        }
        let keyword = Identifier(name: word, span: advance().span)
        let kind: Stage.Kind
        switch name {
        case .where:
            // where -> 'where' expr
            kind = .where(try expression())
        case .project:
            // project -> 'project' named (',' named)*
            kind = .project(try namedList("a column to project"))
        case .extend:
            // extend -> 'extend' named (',' named)*
            kind = .extend(try namedList("a column to add"))
        case .sort, .order:
            // sort -> ('sort' | 'order') ['by'] sortKey (',' sortKey)*
            if current.isKeyword("by") { _ = advance() }
            kind = .sort(try sortKeys())
        case .take, .head, .limit:
            // take -> ('take' | 'head' | 'limit') expr
            kind = .take(try expression())
        case .count:
            kind = .count
        case .summarize:
            // summarize -> 'summarize' [named (',' named)*] ['by' named (',' named)*]
            var aggregates: [NamedExpr] = []
            if !current.isKeyword("by") && !atStageEnd { aggregates = try namedList("an aggregate such as count()") }
            var keys: [NamedExpr] = []
            if current.isKeyword("by") {
                _ = advance()
                keys = try namedList("a key to group by")
            }
            if aggregates.isEmpty && keys.isEmpty {
                throw unexpected("an aggregate such as count(), or 'by' and keys")
            }
            kind = .summarize(aggregates: aggregates, by: keys)
        case .top:
            // top -> 'top' expr 'by' sortKey (',' sortKey)*   (default descending)
            let n = try expression()
            guard current.isKeyword("by") else {
                throw error("expected 'by' after the number of rows, found \(current.kind.display)",
                            hint: "top needs what to rank by, for example: top 5 by fatalities (or 'take 5' for any five rows)")
            }
            _ = advance()
            kind = .top(count: n, by: try sortKeys(defaultDescending: true))
        case .distinct:
            // distinct -> 'distinct' named (',' named)*
            kind = .distinct(try namedList("a column"))
        case .tail:
            // tail -> 'tail' expr
            kind = .tail(try expression())
        case .lookup:
            // lookup -> 'lookup' table 'on' name [('=' | '==') name]
            let table = try identifier("a table name")
            guard current.isKeyword("on") else { throw unexpected("'on' and the key after the table name") }
            _ = advance()
            let left = try identifier("the key column")
            var right = left
            if current.isSymbol(.assign) || current.isSymbol(.eq) {
                _ = advance()
                right = try identifier("the key column of \(table.name)")
            }
            kind = .lookup(table: table, left: left, right: right)
        case .sequence:
            kind = .sequence(try sequenceClause(keyword, isSource: false))
        case .join:
            kind = .join(try joinClause())
        case .chart:
            // chart -> 'chart' ('bars' | 'timeline' | 'map') ['to' string]
            let chartKind = try identifier("a chart kind (bars, timeline or map)")
            var file: ChartFile? = nil
            if current.isKeyword("to") {
                _ = advance()
                guard case .string(let path) = current.kind else {
                    throw error("expected the file to write the chart to, found \(current.kind.display)",
                                hint: "a file name in quotes: chart \(chartKind.name) to \"chart.svg\"")
                }
                file = ChartFile(path: path, span: advance().span)
            }
            kind = .chart(chartKind, to: file)
        }
        let end = tokens[max(0, p - 1)].span
        return Stage(kind: kind, keyword: keyword, span: keyword.span.to(end))
    }

    var atStageEnd: Bool { atStatementEnd || current.isSymbol(.pipe) || current.isSymbol(.rparen) || current.isSymbol(.rbracket) }

    // named -> name '=' expr | expr
    private mutating func namedList(_ what: String) throws(Diagnostic) -> [NamedExpr] {
        var items: [NamedExpr] = []
        repeat {
            if !items.isEmpty { _ = advance() }
            if atStageEnd || current.isKeyword("by") { throw unexpected(what) }
            if peek().isSymbol(.assign), current.identifier != nil || isQuotedName(current) {
                let name = try identifier("a name")
                _ = advance()
                items.append(NamedExpr(name: name, expr: try expression()))
            } else {
                items.append(NamedExpr(name: nil, expr: try expression()))
            }
        } while current.isSymbol(.comma)
        return items
    }

    // sortKey -> expr ['asc' | 'desc']
    private mutating func sortKeys(defaultDescending: Bool = false) throws(Diagnostic) -> [SortKey] {
        var keys: [SortKey] = []
        repeat {
            if !keys.isEmpty { _ = advance() }
            let e = try expression()
            var descending = defaultDescending
            var dirSpan: Span? = nil
            if current.isKeyword("asc") || current.isKeyword("desc") {
                descending = current.isKeyword("desc")
                dirSpan = advance().span
            }
            keys.append(SortKey(expr: e, descending: descending, directionSpan: dirSpan))
        } while current.isSymbol(.comma)
        return keys
    }

    // expr -> or
    public mutating func expression() throws(Diagnostic) -> Expr {
        guard nesting < Self.maxDepth else { throw tooDeep(current.span) }
        nesting += 1
        defer { nesting -= 1 }
        let e = try orExpr()
        guard e.depth <= Self.maxDepth else { throw tooDeep(e.span) }
        return e
    }

    /// Open parentheses, brackets and calls around the expression being parsed.
    private var nesting = 0

    private func tooDeep(_ span: Span) -> Diagnostic {
        Diagnostic("expression nested too deeply (more than \(Self.maxDepth) levels)", at: Span(span.start, span.start + 1),
                   hint: "for many alternatives use 'in [...]'")
    }

    /// Joins `left op right`, refusing chains deeper than `maxDepth` as they grow. A long run of
    /// one operator (`a or b or ...`) is named as such: nothing there looks nested to a reader.
    private func join(_ op: BinaryOperator, _ left: Expr, _ right: Expr, _ opSpan: Span) throws(Diagnostic) -> Expr {
        let e = Expr(.binary(op, left, right, operatorSpan: opSpan), left.span.to(right.span))
        guard e.depth <= Self.maxDepth else {
            var terms = 2, leftmost = left
            while case .binary(let inner, let l, _, _) = leftmost.kind, inner == op { terms += 1; leftmost = l }
            if terms > Self.maxDepth / 2 {
                throw Diagnostic("\(terms) terms joined by '\(op.rawValue)' nest too deeply (more than \(Self.maxDepth) levels)", at: opSpan,
                                 hint: op == .or ? "for many alternatives use 'in [...]'"
                                    : op == .and ? "split the condition over several 'where' stages" : nil)
            }
            throw tooDeep(opSpan)
        }
        return e
    }

    // or -> and ('or' and)*
    private mutating func orExpr() throws(Diagnostic) -> Expr {
        var left = try andExpr()
        while current.isKeyword("or") {
            let op = advance().span
            let right = try andExpr()
            left = try join(.or, left, right, op)
        }
        return left
    }

    // and -> not ('and' not)*
    private mutating func andExpr() throws(Diagnostic) -> Expr {
        var left = try notExpr()
        while current.isKeyword("and") {
            let op = advance().span
            let right = try notExpr()
            left = try join(.and, left, right, op)
        }
        return left
    }

    // not -> 'not' not | comparison
    private mutating func notExpr() throws(Diagnostic) -> Expr {
        if current.isKeyword("not") {
            guard nesting < Self.maxDepth else { throw tooDeep(current.span) }
            nesting += 1
            defer { nesting -= 1 }
            let start = advance().span
            let operand = try notExpr()
            return Expr(.unary(.not, operand), start.to(operand.span))
        }
        return try comparison()
    }

    // comparison -> range (compareOp range | inOp inTarget)?
    private mutating func comparison() throws(Diagnostic) -> Expr {
        let left = try range()
        if case .symbol(let s) = current.kind, let op = Self.comparisonOps[s] {
            let opSpan = advance().span
            let right = try range()
            return Expr(.binary(op, left, right, operatorSpan: opSpan), left.span.to(right.span))
        }
        // in, in~, !in, !in~, and the text operators, each with an optional '!'
        var negated = false
        var opStart = current.span
        if current.isSymbol(.bang) {
            // `!` after an operand can only start a negated operator (`!=` and `!~` are tokens of their own).
            guard let word = peek().identifier, peek().span.start == current.span.end,
                  word == "in" || word == "in~" || BinaryOperator.textOperators["!" + word] != nil
            else { throw error("expected 'in' or a text operator such as 'contains' after '!'") }
            negated = true
            opStart = advance().span
        }
        if let word = current.identifier, let op = BinaryOperator.textOperators[negated ? "!" + word : word] {
            let opSpan = opStart.to(advance().span)
            let right = try range()
            return Expr(.binary(op, left, right, operatorSpan: opSpan), left.span.to(right.span))
        }
        if current.isKeyword("in") || current.isKeyword("in~") {
            let caseless = current.isKeyword("in~")
            let opSpan = opStart.to(advance().span)
            let op: BinaryOperator = caseless ? (negated ? .notInCaseless : .inCaseless) : (negated ? .notIn : .in)
            let right = try range()
            return Expr(.binary(op, left, right, operatorSpan: opSpan), left.span.to(right.span))
        }
        if negated { throw error("expected 'in' or a text operator such as 'contains' after '!'") }
        return left
    }

    private static let comparisonOps: [Symbol: BinaryOperator] = [
        .eq: .eq, .ne: .ne, .lt: .lt, .le: .le, .gt: .gt, .ge: .ge, .tildeEq: .eqCaseless, .notTildeEq: .neCaseless,
    ]

    // range -> additive ('..' additive)?
    private mutating func range() throws(Diagnostic) -> Expr {
        let low = try additive()
        if current.isSymbol(.dotdot) {
            _ = advance()
            let high = try additive()
            return Expr(.range(low, high), low.span.to(high.span))
        }
        return low
    }

    // additive -> multiplicative (('+' | '-') multiplicative)*
    private mutating func additive() throws(Diagnostic) -> Expr {
        var left = try multiplicative()
        while current.isSymbol(.plus) || current.isSymbol(.minus) {
            let opToken = advance()
            let op: BinaryOperator = opToken.isSymbol(.plus) ? .add : .sub
            let right = try multiplicative()
            left = try join(op, left, right, opToken.span)
        }
        return left
    }

    // multiplicative -> unary (('*' | '/' | '%') unary)*
    private mutating func multiplicative() throws(Diagnostic) -> Expr {
        var left = try unary()
        while current.isSymbol(.star) || current.isSymbol(.slash) || current.isSymbol(.percent) {
            let opToken = advance()
            let op: BinaryOperator = opToken.isSymbol(.star) ? .mul : (opToken.isSymbol(.slash) ? .div : .mod)
            let right = try unary()
            left = try join(op, left, right, opToken.span)
        }
        return left
    }

    // unary -> '-' unary | primary
    private mutating func unary() throws(Diagnostic) -> Expr {
        if current.isSymbol(.minus) {
            guard nesting < Self.maxDepth else { throw tooDeep(current.span) }
            nesting += 1
            defer { nesting -= 1 }
            let start = advance().span
            if case .int(.min) = current.kind {  // -9223372036854775808, the smallest Int64
                let t = advance()
                return Expr(.int(.min), start.to(t.span))
            }
            let operand = try unary()
            // Fold negative literals so that -5 is a literal, which `take` and ranges need.
            switch operand.kind {
            case .int(let v) where v != .min: return Expr(.int(-v), start.to(operand.span))
            case .float(let v): return Expr(.float(-v), start.to(operand.span))
            case .duration(let v): return Expr(.duration(-v), start.to(operand.span))
            default: return Expr(.unary(.negate, operand), start.to(operand.span))
            }
        }
        return try primary()
    }

    // primary -> literal | name | name '(' args ')' | '(' expr ')' | '(' query ')' | '[' list ']'
    private mutating func primary() throws(Diagnostic) -> Expr {
        let t = current
        switch t.kind {
        case .int(let v):
            guard v != .min else { throw Diagnostic("number is too large", at: t.span, hint: "integers are 64-bit") }
            _ = advance()
            return Expr(.int(v), t.span)
        case .float(let v): _ = advance(); return Expr(.float(v), t.span)
        case .string(let s): _ = advance(); return Expr(.string(s), t.span)
        case .time(let v, let unit): _ = advance(); return Expr(.time(v, unit), t.span)
        case .duration(let v): _ = advance(); return Expr(.duration(v), t.span)
        case .quotedIdentifier(let s): _ = advance(); return Expr(.name(s, quoted: true), t.span)
        case .identifier(let s):
            switch s {
            case "true": _ = advance(); return Expr(.bool(true), t.span)
            case "false": _ = advance(); return Expr(.bool(false), t.span)
            case "null": _ = advance(); return Expr(.null, t.span)
            default: break
            }
            _ = advance()
            if current.isSymbol(.lparen) {
                return try call(Identifier(name: s, span: t.span))
            }
            if let dotted = dottedName(after: t) { return dotted }
            return Expr(.name(s, quoted: false), t.span)
        case .symbol(.lparen):
            let open = advance()
            let inner = try query()
            let close = try closing(.rparen, opened: open)
            if inner.stages.isEmpty { return Expr(inner.source.kind, open.span.to(close.span)) }
            return Expr(.subquery(inner), open.span.to(close.span))
        case .symbol(.lbracket):
            let open = advance()
            var items: [Expr] = []
            while !current.isSymbol(.rbracket) {
                if !items.isEmpty {
                    guard current.isSymbol(.comma) else {
                        if current.kind == .eof || current.kind == .statementEnd { _ = try closing(.rbracket, opened: open) }
                        throw unexpected("',' or ']' in the list")
                    }
                    _ = advance()
                    if current.isSymbol(.rbracket) { break }  // trailing comma
                }
                if current.kind == .eof { _ = try closing(.rbracket, opened: open) }
                items.append(try expression())
            }
            let close = advance()
            return Expr(.list(items), open.span.to(close.span))
        default:
            throw unexpected("an expression")
        }
    }

    /// `step.field` written without spaces (a sequence's columns: `strike.date`), as one name.
    private mutating func dottedName(after first: Token) -> Expr? {
        guard case .identifier(let head) = first.kind, current.isSymbol(.dot), current.span.start == first.span.end,
              peek().span.start == current.span.end else { return nil }
        let field: String
        switch peek().kind {
        case .identifier(let f), .quotedIdentifier(let f): field = f
        default: return nil
        }
        _ = advance()
        let last = advance()
        return Expr(.name(head + "." + field, quoted: false), first.span.to(last.span))
    }

    // call -> name '(' (expr (',' expr)*)? ')'
    private mutating func call(_ name: Identifier) throws(Diagnostic) -> Expr {
        let open = advance()
        var args: [Expr] = []
        while !current.isSymbol(.rparen) {
            if !args.isEmpty {
                guard current.isSymbol(.comma) else {
                    if current.kind == .eof || current.kind == .statementEnd { _ = try closing(.rparen, opened: open) }
                    throw unexpected("',' or ')' after an argument of \(name.name)()")
                }
                _ = advance()
            }
            if current.kind == .eof { _ = try closing(.rparen, opened: open) }
            args.append(try expression())
        }
        let close = advance()
        return Expr(.call(name, args), name.span.to(close.span))
    }

    /// Expects the bracket closing `opened`; the error points back at the opener (Lua's check_match).
    mutating func closing(_ s: Symbol, opened: Token) throws(Diagnostic) -> Token {
        guard current.isSymbol(s) else {
            let openText = opened.isSymbol(.lparen) ? "(" : "["
            throw error("expected '\(s.rawValue)', found \(current.kind.display)",
                        notes: [Diagnostic.Note("to match this '\(openText)'", span: opened.span)])
        }
        return advance()
    }
}
