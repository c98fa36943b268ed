// evq's aggregates in ClickHouse SQL: nulls skipped, and an aggregate of no values null
// (the -OrNull forms), as evq has them. first, last and values read the rows' order through
// `position` (SQLBuilder.position), the number of each row in evq's order.

import EVQEngine
import EVQStore
import EVQSyntax

extension SQLExpressionPrinter {
    func aggregate(_ call: AggregateCall, position: String?) throws(Diagnostic) -> String {
        var a: [String] = []
        for (i, arg) in call.arguments.enumerated() {
            a.append(call.function == .countif && i == 0 ? try condition(arg) : try value(arg))
        }
        switch call.function {
        case .count: return a.isEmpty ? "count()" : "count(\(a[0]))"
        case .countif: return "countIf(\(a[0]))"
        case .sum where call.arguments[0].type == .int || call.arguments[0].type == .duration:
            // evq: an integer sum that overflows is null; ClickHouse's Int64 sum wraps around.
            return SQLExpressionPrinter.checkedInt("sumOrNull(toInt128(\(a[0])))").text
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
            // The value of the first (last) row, null or not: in a tuple, argMin keeps a null.
            guard let position else { throw unordered(call) }
            return "\(call.function == .first ? "argMin" : "argMax")(tuple(\(a[0])), \(position)).1"
        case .values:
            // The distinct non-null values in order of their first row: an empty list for none.
            guard let position else { throw unordered(call) }
            return "arrayDistinct(arrayMap(v -> v.2, arraySort(groupArrayIf(tuple(\(position), \(a[0])), isNotNull(\(a[0]))))))"
        default:
            // An aggregate added to the registry has no SQL until it is written here.
            throw untranslatable("'\(call.function.rawValue)'", at: call.span)
        }
    }

    private func unordered(_ call: AggregateCall) -> Diagnostic {
        untranslatable("\(call.function.rawValue)() over rows in no defined order", at: call.span,
                       hint: "evq's first row of a group is the first in the input's order; sort first")
    }
}
