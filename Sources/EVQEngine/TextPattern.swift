// Text operators, prepared once per query: a lower-cased needle, a glob, an RE2 regular
// expression, or the word phrases of `has`. One rule for case: `==` is exact, `matches` is
// as the pattern says, and every other text operator ignores case.

import EVQStore
import EVQSyntax

public enum TextPattern: Sendable {
    /// `contains`, `startswith`, `endswith`: a lower-cased needle and where it must be.
    case caseless(CaselessText, source: String)
    /// `*` any run, `?` one code point; matched against the whole value, ignoring case.
    case glob(Glob, source: String)
    case regex(CompiledRegex, source: String)
    /// Word phrases; `all` = every phrase must appear (`has_all`), else any (`has`, `has_any`).
    case words([[String]], all: Bool)

    /// Whether `value` matches; the caseless forms fold case as they compare.
    func matches(_ value: String) -> Bool {
        switch self {
        case .caseless(let c, _): c.matches(value)
        case .glob(let g, _): g.matches(value)
        case .regex(let r, _): r.matches(value)
        case .words(let phrases, let all):
            { (words: [String]) in
                all ? phrases.allSatisfy { WordIndex.containsPhrase(words, $0) }
                    : phrases.contains { WordIndex.containsPhrase(words, $0) }
            }(WordIndex.words(in: value))
        }
    }

    /// `matches` for each distinct value of a dictionary; stops early (leaving false) when
    /// cancelled, and the executor then throws before using the answer.
    func matchEach(_ dictionary: StringDictionary, _ ids: Range<Int>, _ cancelled: () -> Bool) -> [Bool] {
        if case .caseless(let c, _) = self { return c.matchEach(dictionary, ids, cancelled) }
        var member = [Bool](repeating: false, count: ids.count)
        for (k, id) in ids.enumerated() {
            if k % 64 == 0, cancelled() { break }
            member[k] = matches(dictionary[id])
        }
        return member
    }
}

extension Checker {
    func textOperator(_ op: BinaryOperator, _ l: Expr, _ r: Expr, _ opSpan: Span, _ span: Span, _ scope: inout Scope) throws(Diagnostic) -> TypedExpr {
        let left = try check(l, &scope)
        guard left.type == .string || left.type == .null else {
            throw Diagnostic("'\(op.rawValue)' searches text, found a value of type \(left.type.rawValue)", at: left.span,
                             hint: "convert it first: tostring(\(scopeName(l)))")
        }
        let right = try check(r, &scope)
        let negated = op.positiveForm != nil
        let positive = op.positiveForm ?? op
        guard let value = try fold(right) else {
            throw Diagnostic("'\(op.rawValue)' needs a constant pattern", at: r.span, hint: "for example: notes \(op.rawValue) \"drone\"")
        }
        func text() throws(Diagnostic) -> String {
            guard case .string(let s) = value else {
                throw Diagnostic("'\(op.rawValue)' needs text on the right, found \(value.type.rawValue)", at: r.span,
                                 hint: positive == .has ? "use has_any [...] for several words" : nil)
            }
            return s
        }
        let pattern: TextPattern
        switch positive {
        case .contains: pattern = .caseless(CaselessText(try text(), .contains), source: try text())
        case .startswith: pattern = .caseless(CaselessText(try text(), .prefix), source: try text())
        case .endswith: pattern = .caseless(CaselessText(try text(), .suffix), source: try text())
        case .like: pattern = .glob(Glob(try text()), source: try text())
        case .matches:
            let source = try text()
            do {
                pattern = .regex(try CompiledRegex(source), source: source)
            } catch {
                throw Diagnostic("bad regular expression \(ValueFormat.literal(.string(CompiledRegex.cut(source)))): \(error.message)",
                                 at: r.span, hint: error.hint)
            }
        case .has:
            let phrase = WordIndex.words(in: try text())
            guard !phrase.isEmpty else { throw Diagnostic("'has' needs at least one word (letters or digits)", at: r.span) }
            pattern = .words([phrase], all: true)
        default:  // has_any, has_all
            guard case .list(let items) = value else {
                throw Diagnostic("'\(op.rawValue)' needs a list of words", at: r.span, hint: "for example: notes \(op.rawValue) [\"threat\", \"warned\"]")
            }
            var phrases: [[String]] = []
            for item in items {
                guard case .string(let s) = item else {
                    throw Diagnostic("'\(op.rawValue)' needs a list of text, found \(item.type.rawValue)", at: r.span)
                }
                let words = WordIndex.words(in: s)
                if !words.isEmpty { phrases.append(words) }
            }
            guard !phrases.isEmpty else {
                throw Diagnostic("'\(op.rawValue)' needs at least one word (letters or digits)", at: r.span)
            }
            pattern = .words(phrases, all: positive == .hasAll)
        }
        return try folded(TypedExpr(.text(pattern, left, negated: negated), .bool, span))
    }

    private func scopeName(_ e: Expr) -> String {
        if case .name(let n, _) = e.kind { return n }
        return "x"
    }
}
