// Compiles typed expressions into closures over the rows of a table. Predicates get
// specialised closures for the common shapes (a column against a constant), which read the
// typed buffers and dictionary ids directly; everything else goes through boxed values.
// Null rule: any comparison with null is false, arithmetic with null is null.

import EVQStore
import EVQSyntax
#if canImport(Glibc)
    import Glibc
#endif

typealias RowEval = (Int) -> Value
typealias RowPredicate = (Int) -> Bool

enum ExpressionEvaluator {
    /// Values of the current group's aggregates, for `summarize` outputs.
    final class AggregateSlot {
        var values: [Value] = []
    }

    static func evaluateConstant(_ e: TypedExpr) throws(Diagnostic) -> Value {
        let empty = Table(name: "", columns: [], rowCount: 0)
        return compile(e, empty, nil)(0)
    }

    // MARK: values

    static func compile(_ e: TypedExpr, _ table: Table, _ aggregates: AggregateSlot?,
                        _ cancel: @escaping @Sendable () -> Bool = { false }) -> RowEval {
        switch e.kind {
        case .constant(let v):
            return { _ in v }
        case .column(let i):
            let c = table.columns[i]
            return { c.value(at: $0) }
        case .aggregateResult(let i):
            let slot = aggregates!
            return { _ in slot.values[i] }
        case .inQuery:
            preconditionFailure("an 'in (query)' reached the evaluator: QueryEngine binds every query before planning")
        case .not, .and, .or, .compare, .inSet, .inRange, .text:
            // Two-valued logic: a comparison with null is false, so conditions are never null.
            let p = predicate(e, table, aggregates, cancel)
            return { row in .bool(p(row)) }
        case .negate(let a):
            let f = compile(a, table, aggregates, cancel)
            return { row in
                switch f(row) {
                case .int(let v): v == .min ? .null : .int(-v)
                case .float(let v): .float(-v)
                case .duration(let v): v == .min ? .null : .duration(-v)
                default: .null
                }
            }
        case .arithmetic(let op, let a, let b):
            if aggregates == nil, let typed = compileFloat(e, table) { return { row in typed(row).map(Value.float) ?? .null } }
            let f = compile(a, table, aggregates, cancel), g = compile(b, table, aggregates, cancel)
            return { row in Arithmetic.apply(op, f(row), g(row)) }
        case .call(let fn, let args):
            if fn == .distance, aggregates == nil, let typed = compileFloat(e, table) { return { row in typed(row).map(Value.float) ?? .null } }
            let fs = args.map { compile($0, table, aggregates) }
            return ScalarFunctions.compile(fn, fs, args)
        }
    }

    // MARK: predicates

    static func predicate(_ e: TypedExpr, _ table: Table, _ aggregates: AggregateSlot?,
                          _ cancel: @escaping @Sendable () -> Bool = { false }) -> RowPredicate {
        switch e.kind {
        case .constant(let v):
            let b = v == .bool(true)
            return { _ in b }
        case .and(let a, let b):
            let f = predicate(a, table, aggregates, cancel), g = predicate(b, table, aggregates, cancel)
            return { f($0) && g($0) }
        case .or(let a, let b):
            let f = predicate(a, table, aggregates, cancel), g = predicate(b, table, aggregates, cancel)
            return { f($0) || g($0) }
        case .not(let a):
            let f = predicate(a, table, aggregates, cancel)
            return { !f($0) }
        case .compare(let op, let a, let b):
            if let i = a.columnIndex, let v = b.constantValue, let fast = columnCompare(table.columns[i], op, v) { return fast }
            if let i = b.columnIndex, let v = a.constantValue, let fast = columnCompare(table.columns[i], op.flipped, v) { return fast }
            if let fast = floatCompare(op, a, b, table) { return fast }
            let f = compile(a, table, aggregates, cancel), g = compile(b, table, aggregates, cancel)
            return { row in Comparison.holds(op, f(row), g(row)) }
        case .inRange(let a, let lower, let upper, let inclusive, let negated):
            let inner: RowPredicate
            if let i = a.columnIndex, let fast = columnRange(table.columns[i], lower, upper, inclusive) {
                inner = fast
            } else {
                let f = compile(a, table, aggregates, cancel)
                inner = { row in Comparison.inRange(f(row), lower, upper, inclusive) }
            }
            return negated ? nonNullNegation(inner, a, table, aggregates) : inner
        case .inSet(let a, let set, let caseless, let negated):
            let inner: RowPredicate
            if let i = a.columnIndex, case .string(let s) = table.columns[i].data {
                // One lookup per distinct value, then a table lookup per row.
                var member = [Bool](repeating: false, count: s.dictionary.count)
                for (id, text) in s.dictionary.values.enumerated() {
                    member[id] = set.contains(.string(caseless ? text.lowercased() : text))
                }
                inner = rowsWithValues(s, member)
            } else {
                let f = compile(a, table, aggregates, cancel)
                inner = { row in
                    var v = f(row)
                    if v.isNull { return false }
                    if caseless, case .string(let t) = v { v = .string(t.lowercased()) }
                    if case .int(let x) = v, !set.contains(v) { return set.contains(.float(Double(x))) }
                    return set.contains(v)
                }
            }
            return negated ? nonNullNegation(inner, a, table, aggregates) : inner
        case .text(let pattern, let a, let negated):
            let inner: RowPredicate
            if let i = a.columnIndex, case .string(let s) = table.columns[i].data {
                // Match each distinct value once; rows then look their value up.
                inner = rowsWithValues(s, dictionaryMatches(pattern, s.dictionary, cancel))
            } else {
                let f = compile(a, table, aggregates, cancel)
                inner = { row in
                    guard case .string(let text) = f(row) else { return false }
                    return pattern.matches(text)
                }
            }
            return negated ? nonNullNegation(inner, a, table, aggregates) : inner
        case .call(let fn, let args) where (fn == .isnull || fn == .isnotnull) && args.count == 1 && args[0].columnIndex != nil:
            // A null test on a column reads its null mask (or its ids), not boxed values.
            let c = table.columns[args[0].columnIndex!]
            let wantNull = fn == .isnull
            switch (c.data, c.isNull) {
            case (.string(let s), _):
                return FilterKernel.IDTest.null(wantNull).predicate(s.ids)
            case (.boxed, _):
                let f = compile(e, table, aggregates, cancel)
                return { f($0) == .bool(true) }
            case (_, let mask?):
                return { mask[$0] == wantNull }
            case (_, nil):
                return { _ in !wantNull }
            }
        default:
            let f = compile(e, table, aggregates, cancel)
            return { f($0) == .bool(true) }
        }
    }

    /// For each dictionary id, whether its value matches; word patterns use the word index.
    /// Matching a regular expression against every distinct value can take seconds, so it
    /// stops early when the query is cancelled: the executor then throws before using it.
    static func dictionaryMatches(_ pattern: TextPattern, _ dictionary: StringDictionary,
                                  _ cancelled: @Sendable () -> Bool = { false }) -> [Bool] {
        if case .words(let phrases, let all) = pattern {
            var member = [Bool](repeating: false, count: dictionary.count)
            for id in wordMatches(phrases, all: all, dictionary) { member[Int(id)] = true }
            return member
        }
        // Distinct values are matched in contiguous chunks on separate cores.
        let parts = Parallel.chunks(dictionary.count, minimum: 50_000)
        if parts.count <= 1 { return pattern.matchEach(dictionary, 0..<dictionary.count, cancelled) }
        return Parallel.map(parts.count) { k in pattern.matchEach(dictionary, parts[k], cancelled) }.flatMap { $0 }
    }

    /// The ascending dictionary ids of the values holding the phrases (`all`: every phrase,
    /// else any), from the word index.
    static func wordMatches(_ phrases: [[String]], all: Bool, _ dictionary: StringDictionary) -> [UInt32] {
        let index = dictionary.wordIndex
        var result: [UInt32]? = nil
        for phrase in phrases {
            let ids = index.dictionaryIDs(matching: phrase, in: dictionary)
            guard let soFar = result else {
                result = ids
                continue
            }
            result = all ? IndexSelector.intersect(soFar, ids) : IndexSelector.union(soFar, ids)
        }
        return result ?? []
    }

    /// Rows whose value is marked in `member` (indexed by dictionary id); nulls never are.
    private static func rowsWithValues(_ s: StringColumn, _ member: [Bool]) -> RowPredicate {
        let ids = s.ids
        return { row in
            let id = ids[row]
            return id != StringColumn.nullID && member[Int(id)]
        }
    }

    /// `x !in S` is false when x is null, like every comparison with null.
    private static func nonNullNegation(_ inner: @escaping RowPredicate, _ a: TypedExpr, _ table: Table, _ aggregates: AggregateSlot?) -> RowPredicate {
        if let i = a.columnIndex {
            let c = table.columns[i]
            return { row in !c.isNull(row) && !inner(row) }
        }
        let f = compile(a, table, aggregates)
        return { row in !f(row).isNull && !inner(row) }
    }

    /// A column compared with a constant, on the typed buffer. Nil when no fast path applies.
    private static func columnCompare(_ c: Column, _ op: BinaryOperator, _ v: Value) -> RowPredicate? {
        if v.isNull { return { _ in false } }
        let mask = c.isNull
        switch (c.data, v) {
        case (.string(let s), .string(let text)):
            return FilterKernel.IDTest.compare(s, op, text)?.predicate(s.ids)
        case (.int(let xs), .int(let k)) where c.type == .int, (.int(let xs), .time(let k)) where c.type == .time,
             (.int(let xs), .duration(let k)) where c.type == .duration:
            return withMask(mask, typedCompare(xs, op, k))
        case (.int(let xs), .float(let k)) where c.type == .int:
            return withMask(mask, doubleCompare(xs, op, k))
        case (.float(let xs), _):
            guard let k = v.asDouble else { return nil }
            return withMask(mask, typedCompare(xs, op, k))
        case (.bool(let xs), .bool(let k)) where op == .eq || op == .ne:
            return withMask(mask, op == .eq ? { xs[$0] == k } : { xs[$0] != k })
        default:
            return nil
        }
    }

    private static func withMask(_ mask: ColumnBuffer<Bool>?, _ p: RowPredicate?) -> RowPredicate? {
        guard let p else { return nil }
        guard let mask else { return p }
        return { !mask[$0] && p($0) }
    }

    /// A typed column against a constant of the same type; one closure per operator, so the
    /// per-row work is one load and one compare.
    private static func typedCompare<T: Comparable>(_ xs: ColumnBuffer<T>, _ op: BinaryOperator, _ k: T) -> RowPredicate? {
        switch op {
        case .eq: { xs[$0] == k }
        case .ne: { xs[$0] != k }
        case .lt: { xs[$0] < k }
        case .le: { xs[$0] <= k }
        case .gt: { xs[$0] > k }
        case .ge: { xs[$0] >= k }
        default: nil
        }
    }

    private static func doubleCompare(_ xs: ColumnBuffer<Int64>, _ op: BinaryOperator, _ k: Double) -> RowPredicate? {
        switch op {
        case .eq: { Double(xs[$0]) == k }
        case .ne: { Double(xs[$0]) != k }
        case .lt: { Double(xs[$0]) < k }
        case .le: { Double(xs[$0]) <= k }
        case .gt: { Double(xs[$0]) > k }
        case .ge: { Double(xs[$0]) >= k }
        default: nil
        }
    }

    private static func columnRange(_ c: Column, _ lower: Value?, _ upper: Value?, _ inclusive: Bool) -> RowPredicate? {
        guard case .int(let xs) = c.data, c.type == .int || c.type == .time || c.type == .duration else { return nil }
        func raw(_ v: Value?) -> Int64?? {
            switch v {
            case nil: return .some(nil)
            case .int(let x)?, .time(let x)?, .duration(let x)?: return .some(x)
            default: return nil
            }
        }
        guard let lo = raw(lower), let hi = raw(upper) else { return nil }
        let low = lo ?? Int64.min
        let high = hi ?? Int64.max
        let p: RowPredicate = inclusive || hi == nil
            ? { let x = xs[$0]; return x >= low && x <= high }
            : { let x = xs[$0]; return x >= low && x < high }
        return withMask(c.isNull, p)
    }
}

/// Comparison of boxed values, with the null rule.
enum Comparison {
    static func holds(_ op: BinaryOperator, _ a: Value, _ b: Value) -> Bool {
        if a.isNull || b.isNull { return false }
        switch op {
        case .eqCaseless, .neCaseless:
            guard case .string(let x) = a, case .string(let y) = b else { return false }
            let same = x.lowercased() == y.lowercased()
            return op == .eqCaseless ? same : !same
        default: break
        }
        let c = Value.compare(a, b)
        switch op {
        case .eq: return c == 0
        case .ne: return c != 0
        case .lt: return c < 0
        case .le: return c <= 0
        case .gt: return c > 0
        case .ge: return c >= 0
        default: return false
        }
    }

    static func inRange(_ v: Value, _ lower: Value?, _ upper: Value?, _ inclusive: Bool) -> Bool {
        if v.isNull { return false }
        if let lower, Value.compare(v, lower) < 0 { return false }
        if let upper {
            let c = Value.compare(v, upper)
            return inclusive ? c <= 0 : c < 0
        }
        return true
    }
}

/// `+ - * / %` over boxed values. Integer overflow wraps to null rather than trapping;
/// division by zero is null.
enum Arithmetic {
    static func apply(_ op: BinaryOperator, _ a: Value, _ b: Value) -> Value {
        switch (a, b) {
        case (.null, _), (_, .null): return .null
        case (.int(let x), .int(let y)):
            switch op {
            case .add: let (r, o) = x.addingReportingOverflow(y); return o ? .null : .int(r)
            case .sub: let (r, o) = x.subtractingReportingOverflow(y); return o ? .null : .int(r)
            case .mul: let (r, o) = x.multipliedReportingOverflow(by: y); return o ? .null : .int(r)
            case .div: return y == 0 ? .null : .float(Double(x) / Double(y))
            case .mod: return y == 0 ? .null : .int(x.remainderReportingOverflow(dividingBy: y).partialValue)
            default: return .null
            }
        case (.time(let t), .duration(let d)):
            let (r, overflow) = op == .add ? t.addingReportingOverflow(d) : t.subtractingReportingOverflow(d)
            return overflow ? .null : .time(r)
        case (.duration(let d), .time(let t)):
            let (r, overflow) = t.addingReportingOverflow(d)
            return overflow ? .null : .time(r)
        case (.time(let x), .time(let y)):
            let (r, overflow) = x.subtractingReportingOverflow(y)
            return overflow ? .null : .duration(r)
        case (.duration(let x), .duration(let y)):
            switch op {
            case .add: let (r, o) = x.addingReportingOverflow(y); return o ? .null : .duration(r)
            case .sub: let (r, o) = x.subtractingReportingOverflow(y); return o ? .null : .duration(r)
            case .div: return y == 0 ? .null : .float(Double(x) / Double(y))
            default: return .null
            }
        case (.duration(let d), .int(let k)):
            if op == .mul {
                let (r, overflow) = d.multipliedReportingOverflow(by: k)
                return overflow ? .null : .duration(r)
            }
            guard k != 0 else { return .null }
            let (q, overflow) = d.dividedReportingOverflow(by: k)
            return overflow ? .null : .duration(q)
        case (.int(let k), .duration(let d)):
            let (r, overflow) = d.multipliedReportingOverflow(by: k)
            return overflow ? .null : .duration(r)
        default:
            guard let x = a.asDouble, let y = b.asDouble else { return .null }
            switch op {
            case .add: return .float(x + y)
            case .sub: return .float(x - y)
            case .mul: return .float(x * y)
            case .div: return y == 0 ? .null : .float(x / y)
            case .mod: return y == 0 ? .null : .float(x.truncatingRemainder(dividingBy: y))
            default: return .null
            }
        }
    }
}
