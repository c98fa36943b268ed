// Typed expressions as ClickHouse SQL. evq's logic is two-valued (a comparison with null is
// false, never null), SQL's three-valued: in a WHERE both agree as long as no NOT sits over a
// null, so `not` and conditions used as values are wrapped in ifNull(..., 0).

import EVQEngine
import EVQStore
import EVQSyntax

/// A piece of SQL and whether it can stand as an operand without parentheses.
struct SQLText {
    var text: String
    var atomic: Bool

    static func atom(_ t: String) -> SQLText { SQLText(text: t, atomic: true) }
    static func compound(_ t: String) -> SQLText { SQLText(text: t, atomic: false) }
    var operand: String { atomic ? text : "(" + text + ")" }
}

struct SQLExpressionPrinter {
    /// How each input column reads in SQL.
    var columns: [String]
    /// The SQL of each aggregate of the enclosing summarize (for `aggregateResult`).
    var aggregates: [String] = []
    /// When the tables are stand-ins for server tables, a folded `latest()` holds no real value.
    var foldedLatestIsUnknown: Bool
    let source: SourceFile

    /// The expression where a condition is expected (WHERE, countIf, AND/OR operands).
    func condition(_ e: TypedExpr) throws(Diagnostic) -> String { try print(e).text }

    /// The expression as a value: a condition gives 0 or 1, never null.
    func value(_ e: TypedExpr) throws(Diagnostic) -> String {
        let t = try print(e)
        if case .not = e.kind { return t.text }  // already never null
        return isCondition(e) ? "ifNull(\(t.text), 0)" : t.text
    }

    private func isCondition(_ e: TypedExpr) -> Bool {
        switch e.kind {
        case .not, .and, .or, .compare, .inSet, .inRange, .text: true
        default: false
        }
    }

    func print(_ e: TypedExpr) throws(Diagnostic) -> SQLText {
        switch e.kind {
        case .constant(let v):
            if foldedLatestIsUnknown, source.text(of: e.span).contains("latest(") {
                throw untranslatable("latest()", at: e.span, hint: "write the time itself, such as 2024-11-30")
            }
            return .atom(SQLQuote.literal(v))
        case .column(let i):
            return .atom(columns[i])
        case .aggregateResult(let i):
            return .atom(aggregates[i])
        case .not(let a):
            return .compound("NOT ifNull(\(try print(a).text), 0)")
        case .negate(let a):
            if a.type == .int || a.type == .duration { return Self.checkedInt("-toInt128(\(try print(a).operand))") }
            return .compound("-" + (try print(a).operand))
        case .and(let a, let b):
            // AND binds looser than comparisons and NOT: only an OR inside needs brackets.
            return .compound("\(try conjunct(a)) AND \(try conjunct(b))")
        case .or(let a, let b):
            return .compound("\(try print(a).operand) OR \(try print(b).operand)")
        case .compare(let op, let a, let b):
            return try compare(op, a, b, e.span)
        case .arithmetic(let op, let a, let b):
            return try arithmetic(op, a, b, e.span)
        case .inSet(let x, let set, let caseless, let negated):
            return try inSet(x, set, caseless: caseless, negated: negated)
        case .inRange(let x, let lower, let upper, let inclusive, let negated):
            let v = try print(x).operand
            var parts: [String] = []
            if let lower { parts.append("\(v) >= \(SQLQuote.literal(lower))") }
            if let upper { parts.append("\(v) \(inclusive ? "<=" : "<") \(SQLQuote.literal(upper))") }
            if parts.isEmpty { parts.append("isNotNull(\(v))") }
            let range = parts.joined(separator: " AND ")
            return .compound(negated ? "NOT (\(range))" : range)
        case .text(let pattern, let x, let negated):
            let t = try text(pattern, x, e.span)
            return negated ? .compound("NOT " + t.operand) : t
        case .call(let fn, let args):
            return try call(fn, args, e)
        case .inQuery:
            // The binder turns every subquery into a set before planning; one left here is a bug upstream.
            throw untranslatable("'\(source.text(of: e.span))' (a subquery the binder did not settle)", at: e.span)
        }
    }

    /// Text lower-cased as evq lower-cases it (String.lowercased: Unicode's full mappings, no
    /// context). lowerUTF8 has the same mappings (ICU) but one rule of context: a capital
    /// sigma at the end of a word becomes 'ς', where evq writes 'σ'; so Σ is made σ first.
    static func lower(_ sql: String) -> String { "lowerUTF8(replaceAll(\(sql), 'Σ', 'σ'))" }

    /// Text lower-cased: a constant here, by Swift's rules, as evq does; a value by `lower`.
    private func lowered(_ e: TypedExpr) throws(Diagnostic) -> String {
        if case .constant(.string(let s)) = e.kind { return SQLQuote.string(s.lowercased()) }
        return Self.lower(try print(e).text)
    }

    /// An operand of AND.
    func conjunct(_ e: TypedExpr) throws(Diagnostic) -> String {
        if case .or = e.kind { return try print(e).operand }
        return try print(e).text
    }

    private func compare(_ op: BinaryOperator, _ a: TypedExpr, _ b: TypedExpr, _ span: Span) throws(Diagnostic) -> SQLText {
        let l = try print(a).operand, r = try print(b).operand
        switch op {
        case .eq: return .compound("\(l) = \(r)")
        case .ne: return .compound("\(l) != \(r)")
        case .lt: return .compound("\(l) < \(r)")
        case .le: return .compound("\(l) <= \(r)")
        case .gt: return .compound("\(l) > \(r)")
        case .ge: return .compound("\(l) >= \(r)")
        // Caseless: both sides lower-cased, as evq does (String.lowercased, code point by code point).
        case .eqCaseless: return .compound("\(try lowered(a)) = \(try lowered(b))")
        case .neCaseless: return .compound("\(try lowered(a)) != \(try lowered(b))")
        default: throw untranslatable("the operator '\(op.rawValue)'", at: span)
        }
    }

    private func arithmetic(_ op: BinaryOperator, _ a: TypedExpr, _ b: TypedExpr, _ span: Span) throws(Diagnostic) -> SQLText {
        let l = try print(a).operand, r = try print(b).operand
        switch (op, a.type, b.type) {
        case (.add, .time, .duration): return .atom("addSeconds(\(l), \(r))")
        case (.add, .duration, .time): return .atom("addSeconds(\(r), \(l))")
        case (.sub, .time, .duration): return .atom("subtractSeconds(\(l), \(r))")
        case (.sub, .time, .time): return .atom("dateDiff('second', \(r), \(l))")
        // evq: integer arithmetic that overflows is null; ClickHouse's Int64 wraps around.
        case (.add, .int, .int), (.add, .duration, .duration): return Self.checkedInt("toInt128(\(l)) + \(r)")
        case (.sub, .int, .int), (.sub, .duration, .duration): return Self.checkedInt("toInt128(\(l)) - \(r)")
        case (.mul, .int, .int), (.mul, .duration, .int), (.mul, .int, .duration): return Self.checkedInt("toInt128(\(l)) * \(r)")
        case (.add, _, _): return .compound("\(l) + \(r)")
        case (.sub, _, _): return .compound("\(l) - \(r)")
        case (.mul, _, _): return .compound("\(l) * \(r)")
        // evq: `/` always gives a float, and division by zero gives null.
        case (.div, _, _): return .compound("\(l) / nullIf(\(r), 0)")
        case (.mod, _, _): return .compound("\(l) % nullIf(\(r), 0)")
        default: throw untranslatable("the operator '\(op.rawValue)'", at: span)
        }
    }

    /// An Int128 result as evq's Int64: null where it does not fit.
    static func checkedInt(_ wide: String) -> SQLText {
        .atom("accurateCastOrNull(\(wide), 'Int64')")
    }

    private func inSet(_ x: TypedExpr, _ set: Set<Value>, caseless: Bool, negated: Bool) throws(Diagnostic) -> SQLText {
        var v = try print(x).operand
        if caseless { v = Self.lower(try print(x).text) }
        // A set's order is arbitrary: sorted, the SQL is the same every time. Null never matches.
        let values = set.filter { !$0.isNull }.sorted { Value.compare($0, $1) < 0 }
        if values.isEmpty { return .compound(negated ? "isNotNull(\(v))" : "0") }
        let list = values.map(SQLQuote.literal).joined(separator: ", ")
        return .compound("\(v) \(negated ? "NOT IN" : "IN") (\(list))")
    }
}
