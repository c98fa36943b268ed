// The physical plan: a chain of operators over one scanned table. The scan says how its
// candidate rows are found (time index, posting lists, or every row); `explain` prints it.

import EVQStore
import EVQSyntax

/// How a scan finds its rows. Invariant: `rows`, when not nil, is ascending and lies inside
/// `timeRange` when that is set.
public struct ScanAccess: Sendable {
    /// Rows selected by binary search over the time-sorted column.
    public var timeRange: Range<Int>?
    /// Rows selected by posting lists (intersected with `timeRange`).
    public var rows: [UInt32]?
    /// One line per index used, for `explain`: `time index: date >= 2024-10-01 (rows 100..<250)`.
    public var uses: [String]

    public static let full = ScanAccess(timeRange: nil, rows: nil, uses: [])

    /// How many rows the scan hands to the next operator.
    public func candidateCount(tableRows: Int) -> Int {
        if let rows { return rows.count }
        return timeRange?.count ?? tableRows
    }
}

public indirect enum PlanNode: Sendable {
    case scan(Table, ScanAccess)
    case filter(PlanNode, TypedExpr)
    case project(PlanNode, [(name: String, expr: TypedExpr)])
    case sort(PlanNode, [CheckedSortKey])
    case limit(PlanNode, Int)
    case top(PlanNode, Int, [CheckedSortKey])
    case aggregate(PlanNode, keys: [(name: String, expr: TypedExpr)], aggregates: [AggregateCall], outputs: [(name: String, expr: TypedExpr)])
    case count(PlanNode)
    case distinct(PlanNode, [(name: String, expr: TypedExpr)])
    case tail(PlanNode, Int)
    case lookup(PlanNode, right: Table, leftKey: Int, rightKey: Int, columns: [(name: String, index: Int)])
}

public struct Plan: Sendable {
    public var root: PlanNode
    public var output: [Field]
    /// Drawn after execution, when the query ends with `chart`.
    public var chart: ChartKind? = nil
    /// The query's source text, for printing expressions in `explain`.
    public var source: SourceFile

    /// The plan, one operator per line, innermost (the scan) last. With `actualRows` (from
    /// `QueryStats.operatorRows`), each operator line ends with the rows it produced.
    public func explain(actualRows: [Int]? = nil) -> String {
        var lines: [String] = []
        func text(_ e: TypedExpr) -> String { source.text(of: e.span) }
        func names(_ items: [(name: String, expr: TypedExpr)]) -> String {
            items.map { item in
                let t = text(item.expr)
                return t == item.name || t.isEmpty ? item.name : "\(item.name) = \(t)"
            }.joined(separator: ", ")
        }
        func keys(_ ks: [CheckedSortKey]) -> String {
            ks.map { text($0.expr) + ($0.descending ? " desc" : " asc") }.joined(separator: ", ")
        }
        func walk(_ node: PlanNode, _ depth: Int) {
            // Indentation stops growing at 16 levels, so a long chain prints in linear size.
            let pad = String(repeating: "  ", count: min(depth, 16))
            switch node {
            case .scan(let table, let access):
                let n = access.candidateCount(tableRows: table.rowCount)
                lines.append("\(pad)Scan \(table.name): \(n) of \(table.rowCount) rows")
                for use in access.uses { lines.append("\(pad)  \(use)") }
                if access.uses.isEmpty { lines.append("\(pad)  every row (no index applies)") }
            case .filter(let input, let e):
                lines.append("\(pad)Filter \(text(e))")
                walk(input, depth + 1)
            case .project(let input, let items):
                lines.append("\(pad)Project \(names(items))")
                walk(input, depth + 1)
            case .sort(let input, let ks):
                lines.append("\(pad)Sort \(keys(ks))")
                walk(input, depth + 1)
            case .limit(let input, let n):
                lines.append("\(pad)Limit \(n)")
                walk(input, depth + 1)
            case .top(let input, let n, let ks):
                lines.append("\(pad)Top \(n) by \(keys(ks))")
                walk(input, depth + 1)
            case .aggregate(let input, let ks, _, let outputs):
                lines.append("\(pad)Aggregate \(names(outputs))" + (ks.isEmpty ? "" : " by \(names(ks))"))
                walk(input, depth + 1)
            case .count(let input):
                lines.append("\(pad)Count")
                walk(input, depth + 1)
            case .distinct(let input, let items):
                lines.append("\(pad)Distinct \(names(items))")
                walk(input, depth + 1)
            case .tail(let input, let n):
                lines.append("\(pad)Tail \(n)")
                walk(input, depth + 1)
            case .lookup(let input, let right, _, let rightKey, let columns):
                lines.append("\(pad)Lookup \(right.name) on \(right.columns[rightKey].name): adds \(columns.map(\.name).joined(separator: ", "))")
                walk(input, depth + 1)
            }
        }
        walk(root, 0)
        guard let actualRows else { return lines.joined(separator: "\n") }
        // Operator lines start with a capital after their indent; index lines (lower case) do not.
        var depth = 0
        let annotated = lines.map { line -> String in
            let trimmed = line.drop(while: { $0 == " " })
            guard let first = trimmed.first, first.isUppercase else { return line }
            defer { depth += 1 }
            guard depth < actualRows.count else { return line }
            let n = actualRows[depth]
            return line + "  -> \(n) row\(n == 1 ? "" : "s")"
        }
        return annotated.joined(separator: "\n")
    }
}
