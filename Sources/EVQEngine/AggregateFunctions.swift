// The built-in aggregates, each defined once: name, arity, the doc line `.help` and
// completion show, type rule and boxed kernel (the group's starting `Aggregation.State`,
// folded by Aggregation.swift). Typed loops over column buffers for the common ones are in
// Aggregation+Typed.swift and are tried first; a new aggregate needs none of them, and one
// whose fold fits no existing state brings its own `AggregateAccumulator`. The ClickHouse
// translation (EVQSQL/SQLAggregates.swift) says which aggregates it can write as SQL.

import EVQStore
import EVQSyntax

extension AggregateFunction {
    /// Every built-in, in the order `.help functions` lists them.
    static let builtins: [AggregateFunction] = [
        .count, .countif, .sum, .avg, .min, .max, .dcount, .percentile, .first, .last, .values,
    ]

    package static let count = AggregateFunction("count", arity: 0...1, "count() or count(x): rows, or rows where x is not null",
        example: "count()",
        type: { _ throws(Diagnostic) in .int },
        initialState: { _ in .count(0) })

    package static let countif = AggregateFunction("countif", arity: 1...1, "countif(condition): rows where the condition holds",
        type: { c throws(Diagnostic) in
            guard c[0].type == .bool || c[0].type == .null else {
                throw Diagnostic("'countif' needs a condition, found a value of type \(c[0].type.rawValue)", at: c[0].span)
            }
            return .int
        },
        initialState: { _ in .count(0) })

    package static let sum = AggregateFunction("sum", arity: 1...1, "sum(x): total of a number or duration, nulls ignored",
        type: { c throws(Diagnostic) in
            let t = c.argumentType
            guard t.isNumeric || t == .duration || t == .null else {
                throw Diagnostic("'sum' needs numbers, found \(t.rawValue)", at: c[0].span, hint: "count rows with count() or countif(...)")
            }
            return t == .null ? .int : t
        },
        initialState: { a in a.type == .float ? .sumFloat(0, seen: false) : .sumInt(0, seen: false) })

    package static let avg = AggregateFunction("avg", arity: 1...1, "avg(x): mean of a number, nulls ignored",
        type: { c throws(Diagnostic) in
            let t = c.argumentType
            guard t.isNumeric || t == .duration || t == .null else {
                throw Diagnostic("'avg' needs numbers, found \(t.rawValue)", at: c[0].span)
            }
            return t == .duration ? .duration : .float
        },
        initialState: { _ in .avg(0, 0) })

    package static let min = AggregateFunction("min", arity: 1...1, "min(x): smallest value",
        type: { c throws(Diagnostic) in try comparable(c) }, initialState: { _ in .extreme(.null) })

    package static let max = AggregateFunction("max", arity: 1...1, "max(x): largest value",
        type: { c throws(Diagnostic) in try comparable(c) }, initialState: { _ in .extreme(.null) })

    package static let dcount = AggregateFunction("dcount", arity: 1...1, "dcount(x): number of distinct non-null values",
        type: { _ throws(Diagnostic) in .int }, initialState: { _ in .distinct([]) })

    package static let percentile = AggregateFunction("percentile", arity: 2...2,
        "percentile(x, 50): the value at that percentile (nearest rank), nulls ignored",
        type: { c throws(Diagnostic) in
            let t = c.argumentType
            guard t.isNumeric || t == .time || t == .duration || t == .null else {
                throw Diagnostic("'percentile' needs numbers, times or durations, found \(t.rawValue)", at: c[0].span)
            }
            guard let p = c[1].constantValue?.asDouble, (0...100).contains(p) else {
                throw Diagnostic("'percentile' needs a constant percentage from 0 to 100", at: c[1].span, hint: "for example: percentile(fatalities, 90)")
            }
            return t
        },
        initialState: { _ in .collected([]) })

    package static let first = AggregateFunction("first", arity: 1...1, "first(x): x in the group's first row (input order: time order for events)",
        type: { c throws(Diagnostic) in c.argumentType }, initialState: { _ in .edge(.null, seen: false) })

    package static let last = AggregateFunction("last", arity: 1...1, "last(x): x in the group's last row",
        type: { c throws(Diagnostic) in c.argumentType }, initialState: { _ in .edge(.null, seen: false) })

    package static let values = AggregateFunction("values", arity: 1...1, "values(x): the distinct non-null values, in order of first appearance",
        type: { _ throws(Diagnostic) in .list }, initialState: { _ in .distinctList([], []) })

    /// min and max: any type that orders, so not lists.
    private static func comparable(_ c: AggregateCallTyping) throws(Diagnostic) -> DataType {
        guard c.argumentType != .list else { throw Diagnostic("'\(c.function.name)' cannot compare lists", at: c[0].span) }
        return c.argumentType
    }
}
