// Type-checks function calls: aggregates (only inside `summarize`) and scalar functions.

import EVQStore
import EVQSyntax

extension Checker {
    func call(_ f: Identifier, _ args: [Expr], _ span: Span, _ scope: inout Scope) throws(Diagnostic) -> TypedExpr {
        if let agg = AggregateFunction(rawValue: f.name) {
            return try aggregate(agg, f, args, span, &scope)
        }
        guard let fn = ScalarFunction(rawValue: f.name) else {
            let all = AggregateFunction.allCases.map(\.rawValue) + ScalarFunction.allCases.map(\.rawValue)
            throw Diagnostic("unknown function '\(f.name)'", at: f.span, hint: Suggest.hint(for: f.name, in: all))
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
        let type = try scalarType(fn, typed, f)
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
        if let a = AggregateFunction(rawValue: name) { return "usage: " + a.signature }
        if let s = ScalarFunction(rawValue: name) { return "usage: " + s.signature }
        return nil
    }

    private func aggregate(_ agg: AggregateFunction, _ f: Identifier, _ args: [Expr], _ span: Span, _ scope: inout Scope) throws(Diagnostic) -> TypedExpr {
        guard scope.allowAggregates else {
            throw Diagnostic("aggregate '\(agg.rawValue)' is only allowed in 'summarize'", at: f.span,
                             hint: "for example: | summarize \(agg == .count ? "count()" : "\(agg.rawValue)(...)") by country")
        }
        guard !scope.insideAggregate else {
            throw Diagnostic("aggregates cannot be nested", at: f.span)
        }
        try checkArity(f, agg.arity, args, span)
        scope.insideAggregate = true
        defer { scope.insideAggregate = false }
        var typed: [TypedExpr] = []
        for a in args { typed.append(try check(a, &scope)) }
        let argType = typed.first?.type ?? .null
        let resultType: DataType
        switch agg {
        case .count, .dcount:
            resultType = .int
        case .countif:
            try expectBool(typed[0], "'countif'")
            resultType = .int
        case .sum:
            guard argType.isNumeric || argType == .duration || argType == .null else {
                throw Diagnostic("'sum' needs numbers, found \(argType.rawValue)", at: typed[0].span, hint: "count rows with count() or countif(...)")
            }
            resultType = argType == .null ? .int : argType
        case .avg:
            guard argType.isNumeric || argType == .duration || argType == .null else {
                throw Diagnostic("'avg' needs numbers, found \(argType.rawValue)", at: typed[0].span)
            }
            resultType = argType == .duration ? .duration : .float
        case .min, .max:
            guard argType != .list else { throw Diagnostic("'\(agg.rawValue)' cannot compare lists", at: typed[0].span) }
            resultType = argType
        case .first, .last:
            resultType = argType
        case .values:
            resultType = .list
        case .percentile:
            guard argType.isNumeric || argType == .time || argType == .duration || argType == .null else {
                throw Diagnostic("'percentile' needs numbers, times or durations, found \(argType.rawValue)", at: typed[0].span)
            }
            guard let p = typed[1].constantValue?.asDouble, (0...100).contains(p) else {
                throw Diagnostic("'percentile' needs a constant percentage from 0 to 100", at: typed[1].span, hint: "for example: percentile(fatalities, 90)")
            }
            resultType = argType
        }
        scope.aggregates.append(AggregateCall(function: agg, arguments: typed, type: resultType, span: span))
        return TypedExpr(.aggregateResult(scope.aggregates.count - 1), resultType, span)
    }

    private func scalarType(_ fn: ScalarFunction, _ args: [TypedExpr], _ f: Identifier) throws(Diagnostic) -> DataType {
        func need(_ i: Int, _ allowed: [DataType], _ what: String) throws(Diagnostic) {
            let t = args[i].type
            guard t == .null || allowed.contains(t) else {
                throw Diagnostic("'\(fn.rawValue)' needs \(what), found \(t.rawValue)", at: args[i].span, hint: "usage: " + fn.signature)
            }
        }
        switch fn {
        case .day, .week, .month:
            try need(0, [.time], "a time")
            return .time
        case .year, .dayofweek:
            try need(0, [.time], "a time")
            return .int
        case .bin:
            if args[0].type == .time {
                try need(1, [.duration], "a duration such as 1d when binning times")
                guard case .constant(.duration(let d)) = args[1].kind, d > 0 else {
                    throw Diagnostic("'bin' needs a positive constant duration", at: args[1].span, hint: "for example: bin(date, 7d)")
                }
                return .time
            }
            try need(0, [.int, .float], "a time or a number")
            try need(1, [.int, .float], "a number")
            return args[0].type == .int && args[1].type == .int ? .int : .float
        case .latest, .now:
            return .time
        case .todatetime:
            try need(0, [.string, .int, .time], "text")
            if args.count == 2 {
                guard case .constant(.string(let name)) = args[1].kind else {
                    throw Diagnostic("'todatetime' needs a layout name in quotes", at: args[1].span, hint: "usage: " + fn.signature)
                }
                guard TimeLayout(name: name) != nil else {
                    throw Diagnostic("unknown layout '\(name)'", at: args[1].span,
                                     hint: "layouts: " + TimeLayout.allCases.map(\.rawValue).joined(separator: ", "))
                }
            }
            return .time
        case .make_datetime:
            for i in args.indices { try need(i, [.int], "whole numbers") }
            return .time
        case .isnull, .isnotnull:
            return .bool
        case .coalesce:
            let types = Set(args.map(\.type).filter { $0 != .null })
            if types.count > 1, !types.allSatisfy(\.isNumeric) {
                throw Diagnostic("'coalesce' needs arguments of one type, found \(types.map(\.rawValue).sorted().joined(separator: " and "))", at: f.span)
            }
            return types.count > 1 ? .float : (types.first ?? .null)
        case .tolower, .toupper:
            try need(0, [.string], "text")
            return .string
        case .strlen:
            try need(0, [.string], "text")
            return .int
        case .substring:
            try need(0, [.string], "text")
            try need(1, [.int], "a whole-number start")
            if args.count == 3 { try need(2, [.int], "a whole-number length") }
            return .string
        case .replace:
            for i in 0..<3 { try need(i, [.string], "text") }
            return .string
        case .trim:
            try need(0, [.string], "text")
            return .string
        case .strcat:
            return .string
        case .tostring:
            return .string
        case .toint:
            return .int
        case .tofloat:
            return .float
        case .abs:
            try need(0, [.int, .float, .duration], "a number")
            return args[0].type
        case .round:
            try need(0, [.int, .float], "a number")
            if args.count == 2 { try need(1, [.int], "a whole number of digits") }
            return args[0].type == .int ? .int : .float
        case .floor, .ceil:
            try need(0, [.int, .float], "a number")
            return args[0].type == .int ? .int : .float
        case .sqrt, .log:
            try need(0, [.int, .float], "a number")
            return .float
        case .pow:
            try need(0, [.int, .float], "a number")
            try need(1, [.int, .float], "a number")
            return .float
        case .distance:
            for i in 0..<4 { try need(i, [.int, .float], "coordinates in decimal degrees") }
            return .float
        case .near:
            return .bool  // checked (and rewritten) by near() above
        }
    }
}
