// Type-checks expressions. Rules: comparisons need comparable types (numbers with numbers,
// a string literal that is a date with a time); a date literal names its whole day, so
// `date <= 2024-10-31` includes that day; `in` takes a list, a range, a period or a table.

import EVQStore
import EVQSyntax

extension Checker {
    func check(_ e: Expr, _ scope: inout Scope) throws(Diagnostic) -> TypedExpr {
        switch e.kind {
        case .null: return TypedExpr(.constant(.null), .null, e.span)
        case .bool(let b): return TypedExpr(.constant(.bool(b)), .bool, e.span)
        case .int(let v): return TypedExpr(.constant(.int(v)), .int, e.span)
        case .float(let v): return TypedExpr(.constant(.float(v)), .float, e.span)
        case .string(let s): return TypedExpr(.constant(.string(s)), .string, e.span)
        case .time(let t, _): return TypedExpr(.constant(.time(t)), .time, e.span)
        case .duration(let d): return TypedExpr(.constant(.duration(d)), .duration, e.span)
        case .name(let n, _): return try name(n, e.span, scope)
        case .list(let items):
            var values: [Value] = []
            for item in items {
                let t = try check(item, &scope)
                guard let v = try fold(t) else {
                    throw Diagnostic("list items must be constants", at: item.span)
                }
                values.append(v)
            }
            return TypedExpr(.constant(.list(values)), .list, e.span)
        case .range:
            throw Diagnostic("a range 'a .. b' can only follow 'in'", at: e.span, hint: "for example: date in 2024-10-01 .. 2024-10-31")
        case .subquery:
            throw Diagnostic("a subquery can only follow 'in'", at: e.span, hint: "for example: actor1 in (actors | where backer == \"Iran\" | project name)")
        case .unary(.not, let operand):
            let t = try check(operand, &scope)
            try expectBool(t, "'not'")
            return try folded(TypedExpr(.not(t), .bool, e.span))
        case .unary(.negate, let operand):
            let t = try check(operand, &scope)
            guard t.type.isNumeric || t.type == .duration || t.type == .null else {
                throw Diagnostic("cannot negate a value of type \(t.type.rawValue)", at: e.span)
            }
            return try folded(TypedExpr(.negate(t), t.type, e.span))
        case .binary(let op, let l, let r, let opSpan):
            return try binary(op, l, r, opSpan, e.span, &scope)
        case .call(let f, let args):
            return try call(f, args, e.span, &scope)
        }
    }

    private func name(_ n: String, _ span: Span, _ scope: Scope) throws(Diagnostic) -> TypedExpr {
        if let i = scope.fields.firstIndex(where: { $0.name == n }) {
            return TypedExpr(.column(i), scope.fields[i].type, span)
        }
        if let v = catalog.scalars[n] { return TypedExpr(.constant(v), v.type, span) }
        if catalog.tableRef(named: n) != nil {
            throw Diagnostic("'\(n)' is a table, not a value", at: span, hint: "use it after 'in', or as the start of a query")
        }
        if catalog.functions.isFunction(n) {
            throw Diagnostic("unknown field '\(n)'", at: span, hint: "\(n) is a function: write \(n)(...)")
        }
        if let d = Self.dottedFieldError(n, span, scope.fields) { throw d }
        let candidates = scope.fields.map(\.name) + catalog.scalars.keys.sorted()
        let shown = n.contains(" ") || n.isEmpty ? "`\(n)`" : n
        throw Diagnostic("unknown field '\(shown)'", at: span,
                         hint: Suggest.hint(for: n, in: candidates) ?? (scope.fields.isEmpty ? nil : "fields: " + scope.fields.prefix(8).map(\.name).joined(separator: ", ") + (scope.fields.count > 8 ? ", ..." : "")))
    }

    func expectBool(_ t: TypedExpr, _ what: String) throws(Diagnostic) {
        guard t.type == .bool || t.type == .null else {
            throw Diagnostic("\(what) needs a condition, found a value of type \(t.type.rawValue)", at: t.span)
        }
    }

    private func binary(_ op: BinaryOperator, _ l: Expr, _ r: Expr, _ opSpan: Span, _ span: Span, _ scope: inout Scope) throws(Diagnostic) -> TypedExpr {
        if op.isMembership { return try membership(op, l, r, opSpan, span, &scope) }
        if op.isText { return try textOperator(op, l, r, opSpan, span, &scope) }
        var left = try check(l, &scope)
        var right = try check(r, &scope)
        switch op {
        case .and, .or:
            try expectBool(left, "'\(op.rawValue)'")
            try expectBool(right, "'\(op.rawValue)'")
            return try folded(TypedExpr(op == .and ? .and(left, right) : .or(left, right), .bool, span))
        case .eqCaseless, .neCaseless:
            for t in [left, right] where t.type != .string && t.type != .null {
                throw Diagnostic("'\(op.rawValue)' compares text, found a value of type \(t.type.rawValue)", at: t.span,
                                 hint: "use '\(op == .eqCaseless ? "==" : "!=")' for other types")
            }
            return try folded(TypedExpr(.compare(op, left, right), .bool, span))
        case .eq, .ne, .lt, .le, .gt, .ge:
            coerceDateStrings(&left, &right)
            // A day, week, month or year literal names the whole period.
            if left.type == .time, let p = period(of: r, scope) {
                return periodComparison(op, left, start: p.start, unit: p.unit, span)
            }
            if right.type == .time, let p = period(of: l, scope) {
                return periodComparison(op.flipped, right, start: p.start, unit: p.unit, span)
            }
            try expectComparable(left, right, opSpan)
            return try folded(TypedExpr(.compare(op, left, right), .bool, span))
        default:
            let type = try arithmeticType(op, left, right, opSpan)
            return try folded(TypedExpr(.arithmetic(op, left, right), type, span))
        }
    }

    /// `date == "2024-10-01"` is allowed: the string is read as a date.
    private func coerceDateStrings(_ l: inout TypedExpr, _ r: inout TypedExpr) {
        if l.type == .time { Self.coerceDateString(&r) }
        if r.type == .time { Self.coerceDateString(&l) }
    }

    static func coerceDateString(_ t: inout TypedExpr) {
        if case .constant(.string(let s)) = t.kind, let v = TimeFormat.parse(Substring(s)) {
            t = TypedExpr(.constant(.time(v)), .time, t.span)
        }
    }

    private func periodComparison(_ op: BinaryOperator, _ t: TypedExpr, start: Int64, unit: TimeUnit, _ span: Span) -> TypedExpr {
        let end = Self.periodEnd(start: start, unit: unit)
        let kind: TypedExprKind
        switch op {
        case .eq: kind = .inRange(t, lower: .time(start), upper: .time(end), upperInclusive: false, negated: false)
        case .ne: kind = .inRange(t, lower: .time(start), upper: .time(end), upperInclusive: false, negated: true)
        case .lt: kind = .inRange(t, lower: nil, upper: .time(start), upperInclusive: false, negated: false)
        case .le: kind = .inRange(t, lower: nil, upper: .time(end), upperInclusive: false, negated: false)
        case .gt: kind = .inRange(t, lower: .time(end), upper: nil, upperInclusive: false, negated: false)
        default: kind = .inRange(t, lower: .time(start), upper: nil, upperInclusive: false, negated: false)
        }
        return TypedExpr(kind, .bool, span)
    }

    /// For a text column compared with dates: how to load it as time.
    static func textDateHint(_ e: Expr) -> String {
        if case .name(let n, _) = e.kind { return "if '\(n)' holds dates, load it with --type \(n)=time" }
        return "convert text to a time when loading, with --type COLUMN=time"
    }

    /// The period an operand names: a date, month or week literal, text that is exactly a
    /// date, or a `let`/`param` bound to one (not a column of the same name).
    func period(of e: Expr, _ scope: Scope) -> Period? {
        if case .name(let n, _) = e.kind {
            return scope.fields.contains(where: { $0.name == n }) ? nil : catalog.periods[n]
        }
        return Period.named(by: e)
    }

    /// The first second after the period that starts at `start`.
    static func periodEnd(start: Int64, unit: TimeUnit) -> Int64 {
        switch unit {
        case .instant: return start + 1
        case .day: return start + 86_400
        case .week: return start + 7 * 86_400
        case .month, .year:
            let (y, m, _) = TimeFormat.civil(days: TimeFormat.floorDiv(start, 86_400))
            let (ny, nm) = unit == .year ? (y + 1, m) : (m == 12 ? (y + 1, Int64(1)) : (y, m + 1))
            return TimeFormat.days(year: ny, month: nm, day: 1) * 86_400
        }
    }

    private func expectComparable(_ l: TypedExpr, _ r: TypedExpr, _ opSpan: Span) throws(Diagnostic) {
        if l.type == .null || r.type == .null || l.type == r.type || (l.type.isNumeric && r.type.isNumeric) { return }
        var hint: String? = nil
        if l.type == .string && r.type == .time, case .column = l.kind {
            hint = "is it a column of dates read as text? load it with --type COLUMN=time"
        } else if l.type == .time && r.type == .string || l.type == .string && r.type == .time {
            hint = "write dates without quotes: 2024-10-01"
        } else if l.type.isNumeric && r.type == .string || l.type == .string && r.type.isNumeric {
            hint = "write numbers without quotes, or compare with tostring(...)"
        }
        throw Diagnostic("cannot compare \(l.type.rawValue) with \(r.type.rawValue)", at: l.span.to(r.span), hint: hint)
    }

    private func arithmeticType(_ op: BinaryOperator, _ l: TypedExpr, _ r: TypedExpr, _ opSpan: Span) throws(Diagnostic) -> DataType {
        switch (l.type, r.type) {
        case (.null, let t), (let t, .null): return t == .null ? .null : (t == .time && op == .sub ? .null : t)
        case (.int, .int): return op == .div ? .float : .int
        case (let a, let b) where a.isNumeric && b.isNumeric: return .float
        case (.time, .duration) where op == .add || op == .sub: return .time
        case (.duration, .time) where op == .add: return .time
        case (.time, .time) where op == .sub: return .duration
        case (.duration, .duration) where op == .add || op == .sub: return .duration
        case (.duration, .duration) where op == .div: return .float
        case (.duration, .int) where op == .mul || op == .div, (.int, .duration) where op == .mul: return .duration
        default:
            throw Diagnostic("cannot apply '\(op.rawValue)' to \(l.type.rawValue) and \(r.type.rawValue)", at: opSpan,
                             hint: l.type == .string || r.type == .string ? "text cannot be used in arithmetic" : nil)
        }
    }

    // x in [list] | x in a .. b | x in 2024-10 | x in 2024 | x in table | x in (subquery)
    private func membership(_ op: BinaryOperator, _ l: Expr, _ r: Expr, _ opSpan: Span, _ span: Span, _ scope: inout Scope) throws(Diagnostic) -> TypedExpr {
        let left = try check(l, &scope)
        let negated = op == .notIn || op == .notInCaseless
        let caseless = op == .inCaseless || op == .notInCaseless
        if caseless, left.type != .string, left.type != .null {
            throw Diagnostic("'\(op.rawValue)' compares text, found a value of type \(left.type.rawValue)", at: left.span, hint: "use 'in'")
        }
        switch r.kind {
        case .range(let lo, let hi):
            var low = try check(lo, &scope), high = try check(hi, &scope)
            if left.type == .time {
                Self.coerceDateString(&low)
                Self.coerceDateString(&high)
            }
            try expectComparable(left, low, opSpan)
            try expectComparable(left, high, opSpan)
            guard let lv = try fold(low), let hv = try fold(high) else {
                // `date in latest() - 7d .. latest()`: ends known once the data is bound.
                guard low.isBindable, high.isBindable else { throw Diagnostic("the ends of a range must be constants", at: r.span) }
                let within = TypedExpr(.and(TypedExpr(.compare(.ge, left, low), .bool, span), TypedExpr(.compare(.le, left, high), .bool, span)), .bool, span)
                return negated ? TypedExpr(.and(TypedExpr(.call(.isnotnull, [left]), .bool, span), TypedExpr(.not(within), .bool, span)), .bool, span) : within
            }
            // A day (or month...) at the upper end includes that whole period.
            if left.type == .time, let p = period(of: hi, scope), case .time = hv {
                return TypedExpr(.inRange(left, lower: lv, upper: .time(Self.periodEnd(start: p.start, unit: p.unit)), upperInclusive: false, negated: negated), .bool, span)
            }
            return TypedExpr(.inRange(left, lower: lv, upper: hv, upperInclusive: true, negated: negated), .bool, span)
        case _ where left.type == .time && period(of: r, scope) != nil:
            let p = period(of: r, scope)!
            return TypedExpr(.inRange(left, lower: .time(p.start), upper: .time(Self.periodEnd(start: p.start, unit: p.unit)), upperInclusive: false, negated: negated), .bool, span)
        case .time(let start, let unit) where left.type == .null:
            return TypedExpr(.inRange(left, lower: .time(start), upper: .time(Self.periodEnd(start: start, unit: unit)), upperInclusive: false, negated: negated), .bool, span)
        case .list(let items) where left.type == .time && items.contains(where: { period(of: $0, scope) != nil }):
            // `date in [2024-10-31, 2024-11-05]`: each day is a whole day.
            var alternatives: [TypedExpr] = []
            for item in items {
                if let p = period(of: item, scope) {
                    alternatives.append(TypedExpr(.inRange(left, lower: .time(p.start), upper: .time(Self.periodEnd(start: p.start, unit: p.unit)),
                                                           upperInclusive: false, negated: false), .bool, item.span))
                } else {
                    var t = try check(item, &scope)
                    Self.coerceDateString(&t)
                    guard let v = try fold(t) else { throw Diagnostic("list items must be constants", at: item.span) }
                    guard v.type == .time || v.isNull else {
                        throw Diagnostic("cannot look for time values in a list of \(v.type.rawValue)", at: r.span)
                    }
                    alternatives.append(TypedExpr(.inSet(left, [v], caseless: false, negated: false), .bool, item.span))
                }
            }
            let any = alternatives.dropFirst().reduce(alternatives[0]) { TypedExpr(.or($0, $1), .bool, span) }
            return negated ? TypedExpr(.and(TypedExpr(.call(.isnotnull, [left]), .bool, span), TypedExpr(.not(any), .bool, span)), .bool, span) : any
        case .int(let year) where left.type == .time && (1...9999).contains(year):
            let start = TimeFormat.days(year: year, month: 1, day: 1) * 86_400
            return TypedExpr(.inRange(left, lower: .time(start), upper: .time(Self.periodEnd(start: start, unit: .year)), upperInclusive: false, negated: negated), .bool, span)
        default:
            break
        }
        if left.type == .string, period(of: r, scope) != nil, !(r.kind.isStringLiteral) {
            throw Diagnostic("a period needs a time on the left of 'in', found text", at: left.span,
                             hint: Self.textDateHint(l))
        }
        if let sub = try membershipQuery(r, scope) {
            guard sub.output.count == 1 else {
                throw Diagnostic("'in' needs a table with one column, '\(sub.source.name)' has \(sub.output.count)", at: r.span,
                                 hint: "pick one: \(sub.source.name) | project \(sub.output.first?.name ?? "name")")
            }
            let t = sub.output[0].type
            // Text can hold times (`"2024-10-31"`): those are checked value by value when bound.
            if t != .null, left.type != .null, t != left.type, !(left.type.isNumeric && t.isNumeric), !(left.type == .time && t == .string) {
                throw Diagnostic("cannot look for \(left.type.rawValue) values in a list of \(t.rawValue)", at: r.span)
            }
            return TypedExpr(.inQuery(left, sub, caseless: caseless, negated: negated), .bool, span)
        }
        let set = try Self.membershipSet(try membershipValues(r, &scope), of: left.type, caseless: caseless, at: r.span)
        return TypedExpr(.inSet(left, set, caseless: caseless, negated: negated), .bool, span)
    }

    /// The values on the right of `in` as the set the left side is looked up in: converted to
    /// the left side's type where that is exact, lower-cased for `in~`.
    static func membershipSet(_ values: [Value], of type: DataType, caseless: Bool, at span: Span) throws(Diagnostic) -> Set<Value> {
        var set = Set<Value>()
        for v in values {
            var v = v
            if type == .time, case .string(let s) = v, let t = TimeFormat.parse(Substring(s)) { v = .time(t) }
            if type == .float, case .int(let i) = v { v = .float(Double(i)) }
            if type == .int, case .float(let d) = v, let i = Int64(exactly: d) { v = .int(i) }
            if !v.isNull, type != .null, v.type != type, !(type.isNumeric && v.type.isNumeric) {
                throw Diagnostic("cannot look for \(type.rawValue) values in a list of \(v.type.rawValue)", at: span)
            }
            set.insert(caseless ? (v.stringValue.map { .string($0.lowercased()) } ?? v) : v)
        }
        return set
    }

    /// The query on the right of `in`, when it is one: a table name or a subquery.
    private func membershipQuery(_ r: Expr, _ scope: Scope) throws(Diagnostic) -> CheckedQuery? {
        switch r.kind {
        case .name(let n, _) where !scope.fields.contains(where: { $0.name == n }):
            guard let table = catalog.tableRef(named: n) else { return nil }
            return CheckedQuery(source: table, stages: [], output: table.fields, chart: nil, span: r.span)
        case .subquery(let q):
            var sub = try check(q)
            sub.span = r.span
            return sub
        default:
            return nil
        }
    }

    /// The constants on the right of `in`: a list (or a scalar bound to one).
    private func membershipValues(_ r: Expr, _ scope: inout Scope) throws(Diagnostic) -> [Value] {
        let t = try check(r, &scope)
        guard let v = try fold(t) else {
            throw Diagnostic("'in' needs a list, a range, a period or a table", at: r.span, hint: "for example: country in [\"Iraq\", \"Syria\"]")
        }
        if case .list(let items) = v { return items }
        throw Diagnostic("'in' needs a list, a range, a period or a table, found a value of type \(v.type.rawValue)", at: r.span,
                         hint: "use '==' to compare with one value")
    }

    /// Evaluates an expression that reads no column; nil when it does read one.
    func fold(_ t: TypedExpr) throws(Diagnostic) -> Value? {
        if case .constant(let v) = t.kind { return v }
        guard t.isConstant else { return nil }
        return try ExpressionEvaluator.evaluateConstant(t)
    }

    /// Replaces a constant subtree by its value (so `3d * 2` is one literal for the planner).
    func folded(_ t: TypedExpr) throws(Diagnostic) -> TypedExpr {
        guard t.isConstant, let v = try fold(t) else { return t }
        return TypedExpr(.constant(v), t.type == .null ? v.type : t.type, t.span)
    }
}

extension TypedExpr {
    /// True when no column and no aggregate is read.
    var isConstant: Bool {
        switch kind {
        case .constant: true
        case .column, .aggregateResult: false
        case .not(let a), .negate(let a): a.isConstant
        case .and(let a, let b), .or(let a, let b), .compare(_, let a, let b), .arithmetic(_, let a, let b): a.isConstant && b.isConstant
        case .inSet(let a, _, _, _), .inRange(let a, _, _, _, _), .text(_, let a, _): a.isConstant
        case .call(let f, let args): f.isFoldable && args.allSatisfy(\.isConstant)
        case .inQuery: false
        }
    }

    /// True when the expression reads no column: constant once the binder has settled
    /// `latest()` (and, for this purpose, the time `now()`).
    var isBindable: Bool {
        var reads = false
        walk { e in
            switch e.kind {
            case .column, .aggregateResult, .inQuery: reads = true
            default: break
            }
        }
        return !reads
    }
}

extension Value {
    var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }
}

extension BinaryOperator {
    /// The operator with its operands swapped: `a < b` is `b > a`.
    var flipped: BinaryOperator {
        switch self {
        case .lt: .gt
        case .le: .ge
        case .gt: .lt
        case .ge: .le
        default: self
        }
    }
}

extension ExprKind {
    var isStringLiteral: Bool {
        if case .string = self { return true }
        return false
    }
}
