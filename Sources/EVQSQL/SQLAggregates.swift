// evq's aggregates in ClickHouse SQL: nulls skipped, and an aggregate of no values null
// (the -OrNull forms), as evq has them.

import EVQEngine
import EVQStore
import EVQSyntax

extension SQLExpressionPrinter {
    func aggregate(_ call: AggregateCall) throws(Diagnostic) -> String {
        var a: [String] = []
        for (i, arg) in call.arguments.enumerated() {
            a.append(call.function == .countif && i == 0 ? try condition(arg) : try value(arg))
        }
        switch call.function {
        case .count: return a.isEmpty ? "count()" : "count(\(a[0]))"
        case .countif: return "countIf(\(a[0]))"
        case .sum: return "sumOrNull(\(a[0]))"
        case .avg: return "avgOrNull(\(a[0]))"
        case .min: return "minOrNull(\(a[0]))"
        case .max: return "maxOrNull(\(a[0]))"
        case .dcount: return "uniqExact(\(a[0]))"
        case .percentile:
            // evq's nearest rank: the ceil(p/100 · n)-th smallest value. quantileExact and its
            // Low/High forms take the value at floor(p · n) (or its neighbour), which differs
            // whenever p · n is whole (the 10th percentile of 10 values), so the rank is spelled out.
            guard let p = call.arguments[1].constantValue?.asDouble else {
                throw untranslatable("a percentile that is not a constant", at: call.arguments[1].span)
            }
            let n = "count(\(a[0]))"
            return "if(\(n) = 0, NULL, arraySort(groupArray(\(a[0])))[toUInt64(greatest(1, ceil(\(ValueFormat.formatFloat(p)) / 100 * \(n))))])"
        case .first, .last:
            // evq's first row of a group is its first in input order, ties in time included;
            // argMin by time picks any of the tied rows.
            throw untranslatable("\(call.function.rawValue)()", at: call.span, hint: "ClickHouse has no row order of its own; use min() or max()")
        case .values:
            throw untranslatable("values()", at: call.span, hint: "use dcount() or summarize by the column")
        @unknown default:
            throw untranslatable("'\(call.function.rawValue)'", at: call.span)
        }
    }
}
