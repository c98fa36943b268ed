// Type-checks function calls: aggregates (only inside `summarize`) and scalar functions,
// found in the catalog's function registry; each function's own type rule is in its
// definition (ScalarFunctions.swift, AggregateFunctions.swift). `near` and `latest` are
// special forms handled here.

import EVQStore
import EVQSyntax

extension Checker {
    func call(_ f: Identifier, _ args: [Expr], _ span: Span, _ scope: inout Scope) throws(Diagnostic) -> TypedExpr {
        let functions = catalog.functions
        if let agg = functions.aggregate(named: f.name) {
            return try aggregate(agg, f, args, span, &scope)
        }
        guard let fn = functions.scalar(named: f.name) else {
            throw Diagnostic("unknown function '\(f.name)'", at: f.span, hint: Suggest.hint(for: f.name, in: functions.names))
        }
        try checkArity(f, fn.arity, args, span)
        if fn == .near { return try near(f, args, span, &scope) }
        if fn == .latest {
            // The newest time in the default table: the binder reads it from the data.
            guard catalog.tableRef(named: catalog.defaultTable)?.timeColumnIndex != nil else {
                throw Self.latestNeedsTime(catalog.defaultTable, span)
            }
            return TypedExpr(.call(.latest, []), .time, span)
        }
        let typed = try args.map { a throws(Diagnostic) in try check(a, &scope) }
        let type = try fn.typeRule(ScalarCallTyping(function: fn, arguments: typed, nameSpan: f.span))
        return try folded(TypedExpr(.call(fn, typed), type, span))
    }

    static func latestNeedsTime(_ table: String, _ span: Span) -> Diagnostic {
        Diagnostic("'latest()' needs a '\(table)' table with a time column", at: span)
    }

    private func checkArity(_ f: Identifier, _ arity: ClosedRange<Int>, _ args: [Expr], _ span: Span) throws(Diagnostic) {
        guard arity.contains(args.count) else {
            let expected = arity.lowerBound == arity.upperBound
                ? "\(arity.lowerBound) argument\(arity.lowerBound == 1 ? "" : "s")"
                : "\(arity.lowerBound) to \(arity.upperBound) arguments"
            throw Diagnostic("'\(f.name)' takes \(expected), found \(args.count)", at: span, hint: usage(of: f.name))
        }
    }

    private func usage(of name: String) -> String? {
        catalog.functions.signature(of: name).map { "usage: " + $0 }
    }

    private func aggregate(_ agg: AggregateFunction, _ f: Identifier, _ args: [Expr], _ span: Span, _ scope: inout Scope) throws(Diagnostic) -> TypedExpr {
        guard scope.allowAggregates else {
            throw Diagnostic("aggregate '\(agg.rawValue)' is only allowed in 'summarize'", at: f.span,
                             hint: "for example: | summarize \(agg.example) by country")
        }
        guard !scope.insideAggregate else {
            throw Diagnostic("aggregates cannot be nested", at: f.span)
        }
        try checkArity(f, agg.arity, args, span)
        scope.insideAggregate = true
        defer { scope.insideAggregate = false }
        var typed: [TypedExpr] = []
        for a in args { typed.append(try check(a, &scope)) }
        let resultType = try agg.typeRule(AggregateCallTyping(function: agg, arguments: typed))
        scope.aggregates.append(AggregateCall(function: agg, arguments: typed, type: resultType, span: span))
        return TypedExpr(.aggregateResult(scope.aggregates.count - 1), resultType, span)
    }
}
