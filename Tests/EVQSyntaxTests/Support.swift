// Helpers for the syntax tests: lexing and parsing shortcuts, `1️⃣` markers for positions
// (so byte offsets are never counted by hand), and an S-expression printer for the AST.

import EVQStore
import Testing

@testable import EVQSyntax

func source(_ text: String, name: String = "<query>", firstLine: Int = 1) -> SourceFile {
    SourceFile(name: name, text: text, firstLine: firstLine)
}

/// The token kinds of `text`, without the final `.eof`.
func kinds(_ text: String) throws(Diagnostic) -> [TokenKind] {
    var all = try Lexer.tokenize(source(text)).map(\.kind)
    #expect(all.last == .eof)
    all.removeLast()
    return all
}

/// The tokens of `text`, without the final `.eof`.
func tokens(_ text: String) throws(Diagnostic) -> [Token] {
    Array(try Lexer.tokenize(source(text)).dropLast())
}

/// The error `Lexer.tokenize` throws, or nil (recorded as a failure) when it does not throw.
func lexError(_ text: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) -> Diagnostic? {
    do {
        let t = try Lexer.tokenize(source(text))
        Issue.record("expected a lexer error, got \(t.map(\.kind))", sourceLocation: sourceLocation)
        return nil
    } catch {
        return error
    }
}

/// A single token of `text` (fails when there is not exactly one).
func single(_ text: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) -> Token? {
    do {
        let t = try tokens(text)
        #expect(t.count == 1, "tokens: \(t.map(\.kind))", sourceLocation: sourceLocation)
        return t.first
    } catch {
        Issue.record("unexpected lexer error: \(error.message)", sourceLocation: sourceLocation)
        return nil
    }
}

func parse(_ text: String) -> (Program, [Diagnostic]) { Parser.parse(source(text)) }

/// The program printed as S-expressions, one statement a line; records any diagnostic as a failure.
func sexp(_ text: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) -> String {
    let (program, diagnostics) = parse(text)
    #expect(diagnostics.map(\.message) == [], sourceLocation: sourceLocation)
    return ASTPrinter.print(program)
}

/// The only diagnostic of `text` (records a failure when there is not exactly one).
func parseError(_ text: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) -> Diagnostic? {
    let (_, diagnostics) = parse(text)
    #expect(diagnostics.count == 1, "diagnostics: \(diagnostics.map(\.message))", sourceLocation: sourceLocation)
    return diagnostics.first
}

// MARK: - Markers

/// Text with `1️⃣`…`9️⃣` markers removed, and the UTF-8 offset where each marker stood.
struct Marked {
    let text: String
    private let offsets: [Int: Int]

    init(_ marked: String) {
        var out = String.UnicodeScalarView()
        var offsets: [Int: Int] = [:]
        var byteCount = 0
        let scalars = Array(marked.unicodeScalars)
        var k = 0
        while k < scalars.count {
            let s = scalars[k]
            if k + 2 < scalars.count, ("1"..."9").contains(s), scalars[k + 1] == "\u{FE0F}", scalars[k + 2] == "\u{20E3}" {
                offsets[Int(s.value) - 48] = byteCount
                k += 3
                continue
            }
            out.append(s)
            byteCount += String(s).utf8.count
            k += 1
        }
        self.text = String(out)
        self.offsets = offsets
    }

    subscript(_ n: Int) -> Int { offsets[n]! }

    /// The span from marker `a` to marker `b`.
    func span(_ a: Int, _ b: Int) -> Span { Span(self[a], self[b]) }
}

// MARK: - AST printer

/// Prints the AST as S-expressions, e.g. `(pipe events (where (> fatalities 0)) (count))`.
/// Stage heads are the stage kind; an alias keyword is shown after a slash (`sort/order`).
enum ASTPrinter {
    static func print(_ program: Program) -> String {
        program.statements.map(print).joined(separator: "\n")
    }

    static func print(_ s: Statement) -> String {
        switch s.kind {
        case .binding(let name, let value): "(let \(name.name) \(print(value)))"
        case .param(let name, let value): "(param \(name.name) \(print(value)))"
        case .query(let q): print(q)
        case .explain(let q): "(explain \(print(q)))"
        case .explainAnalyze(let q): "(explain-analyze \(print(q)))"
        }
    }

    static func print(_ q: Query) -> String {
        if q.stages.isEmpty { return print(q.source) }
        return "(pipe \(print(q.source)) \(q.stages.map(print).joined(separator: " ")))"
    }

    static func print(_ stage: Stage) -> String {
        func head(_ kind: String) -> String { stage.keyword.name == kind ? kind : "\(kind)/\(stage.keyword.name)" }
        func list(_ items: [NamedExpr]) -> String { items.map(print).joined(separator: " ") }
        func keys(_ keys: [SortKey]) -> String { keys.map(print).joined(separator: " ") }
        switch stage.kind {
        case .where(let e): return "(where \(print(e)))"
        case .project(let items): return "(project \(list(items)))"
        case .extend(let items): return "(extend \(list(items)))"
        case .sort(let k): return "(\(head("sort")) \(keys(k)))"
        case .take(let n): return "(\(head("take")) \(print(n)))"
        case .count: return "(count)"
        case .summarize(let aggs, let by): return "(summarize (\(list(aggs))) (by\(by.isEmpty ? "" : " " + list(by))))"
        case .top(let n, let by): return "(top \(print(n)) \(keys(by)))"
        case .chart(let kind, let file): return "(chart \(kind.name)\(file.map { " to \"\($0.path)\"" } ?? ""))"
        case .distinct(let items): return "(distinct \(list(items)))"
        case .tail(let n): return "(tail \(print(n)))"
        case .lookup(let table, let left, let right): return "(lookup \(table.name) (on \(left.name) \(right.name)))"
        case .sequence(let s):
            func step(_ st: SequenceStep) -> String {
                let body = st.query.map(print) ?? "(stages \(st.stages.map(print).joined(separator: " ")))"
                return "(step \(body)" + (st.name.map { " (as \($0.name))" } ?? "") + (st.keys.isEmpty ? "" : " (by \(st.keys.map(print).joined(separator: " ")))") + ")"
            }
            let options = (s.mode.map { " (mode \($0.name))" } ?? "") + (s.keys.isEmpty ? "" : " (by \(s.keys.map(print).joined(separator: " ")))")
                + (s.within.map { " (within \(print($0)))" } ?? "")
            return "(sequence\(options) \(s.steps.map(step).joined(separator: " "))" + (s.until.map { " (until \(step($0)))" } ?? "") + ")"
        case .join(let j):
            let on = j.conditions.map { "(== \($0.left.name) \($0.right.name))" }.joined(separator: " ")
            return "(join \(j.kind?.name ?? "inner") \(print(j.right)) (on \(on)))"
        }
    }

    static func print(_ n: NamedExpr) -> String {
        n.name.map { "(= \($0.name) \(print(n.expr)))" } ?? print(n.expr)
    }

    static func print(_ k: SortKey) -> String { "(\(k.descending ? "desc" : "asc") \(print(k.expr)))" }

    static func print(_ e: Expr) -> String {
        switch e.kind {
        case .null: "null"
        case .bool(let b): "\(b)"
        case .int(let v): "\(v)"
        case .float(let v): "\(v)f"
        case .string(let s): String(reflecting: s)
        case .time(let t, let unit): "(\(unit) \(TimeFormat.format(t)))"
        case .duration(let s): "(dur \(s))"
        case .name(let n, let quoted): quoted ? "`\(n)`" : n
        case .list(let items): "[\(items.map(print).joined(separator: " "))]"
        case .range(let a, let b): "(.. \(print(a)) \(print(b)))"
        case .unary(.negate, let x): "(neg \(print(x)))"
        case .unary(.not, let x): "(not \(print(x)))"
        case .binary(let op, let a, let b, _): "(\(op.rawValue) \(print(a)) \(print(b)))"
        case .call(let f, let args): "\(f.name)(\(args.map(print).joined(separator: " ")))"
        case .subquery(let q): "(subquery \(print(q)))"
        }
    }
}
