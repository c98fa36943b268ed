// The physical plan: a chain of operators over one scanned table. The scan says how its
// candidate rows are found (time index, posting lists, or every row); `explain` prints it.

import EVQStore
import EVQSyntax
import Foundation

/// How a scan finds its rows. Invariant: `rows`, when not nil, is ascending and lies inside
/// `timeRange` when that is set.
public struct ScanAccess: Sendable {
    /// Rows selected by binary search over the time-sorted column.
    public var timeRange: Range<Int>?
    /// Rows selected by posting lists (intersected with `timeRange`).
    public var rows: [UInt32]?
    /// One line per index used, for `explain`: `time index: date >= 2024-10-01 (rows 100..<250)`.
    public var uses: [String]

    /// For a table stored in segments: how each segment that may hold rows is read, in store
    /// order (segments the index rules out are left out). Nil = every segment, every row.
    public var segments: [SegmentAccess]? = nil
    /// How many segments the table has, when `segments` is set.
    public var segmentTotal = 0

    public static let full = ScanAccess(timeRange: nil, rows: nil, uses: [])

    /// How many rows the scan hands to the next operator (before a segment's own filter).
    public func candidateCount(tableRows: Int) -> Int {
        if let segments { return segments.reduce(0) { $0 + $1.access.candidateCount(tableRows: $1.rowCount) } }
        if let rows { return rows.count }
        return timeRange?.count ?? tableRows
    }
}

/// One segment's part of a scan: its rows by its own indexes, then what of the filter its
/// indexes did not answer (segments differ in their dictionaries and time ranges).
public struct SegmentAccess: Sendable {
    public var segment: Int
    public var rowCount: Int
    public var access: ScanAccess
    public var residual: TypedExpr?
}

public indirect enum PlanNode: Sendable {
    case scan(TableRef, ScanAccess)
    case filter(PlanNode, TypedExpr)
    case project(PlanNode, [(name: String, expr: TypedExpr)])
    case sort(PlanNode, [CheckedSortKey])
    case limit(PlanNode, Int)
    case top(PlanNode, Int, [CheckedSortKey])
    case aggregate(PlanNode, keys: [(name: String, expr: TypedExpr)], aggregates: [AggregateCall], outputs: [(name: String, expr: TypedExpr)])
    case count(PlanNode)
    case distinct(PlanNode, [(name: String, expr: TypedExpr)])
    case tail(PlanNode, Int)
    case lookup(PlanNode, right: TableRef, leftKey: Int, rightKey: Int, columns: [(name: String, index: Int)])
    /// A source: the matches of its steps (SequencePlan.swift).
    case sequence(SequencePlan)
    /// The input joined with a sub-plan (JoinPlan.swift).
    case join(PlanNode, JoinPlan)
}

public struct Plan: Sendable {
    public var root: PlanNode
    public var output: [Field]
    /// Drawn after execution, when the query ends with `chart`.
    public var chart: ChartKind? = nil
    /// The query's source text, for printing expressions in `explain`.
    public var source: SourceFile
    /// The optimizer passes that ran, in order.
    public var passes: [PassReport] = []

    /// The plan, one operator per line, innermost (the scan) last, each with its estimated
    /// rows. With `stats` (from running it: `explain analyze`), each operator line also gives
    /// the rows it produced and its own time; then a line names the passes that rewrote it.
    public func explain(stats: QueryStats? = nil, showPasses: Bool = false) -> String {
        var lines: [String] = []
        var depth = 0
        var node: PlanNode? = root
        while let n = node {
            // Indentation stops growing at 16 levels, so a long chain prints in linear size.
            let pad = String(repeating: "  ", count: min(depth, 16))
            var line = pad + describe(n)
            let estimate = Self.estimatedRows(n)
            line += "  (~\(estimate) row\(estimate == 1 ? "" : "s"))"
            if let stats, depth < stats.operatorRows.count {
                let rows = stats.operatorRows[depth]
                line += " -> \(rows) row\(rows == 1 ? "" : "s")"
                if depth < stats.operatorMilliseconds.count { line += " in " + Self.milliseconds(stats.operatorMilliseconds[depth]) }
            }
            lines.append(line)
            if case .scan(_, let access) = n {
                if let segments = access.segments {
                    lines += segmentLines(segments, total: access.segmentTotal, pad: pad)
                } else {
                    for use in access.uses { lines.append("\(pad)  \(use)") }
                    if access.uses.isEmpty { lines.append("\(pad)  every row (no index applies)") }
                }
            }
            lines += subplanLines(n, pad: pad)
            node = n.input
            depth += 1
        }
        if showPasses {
            let rewrote = passes.filter(\.changedPlan).map(\.pass.rawValue)
            let total = passes.reduce(0) { $0 + $1.milliseconds }
            lines.append("optimizer: " + (rewrote.isEmpty ? "no pass changed the plan" : "rewritten by " + rewrote.joined(separator: ", "))
                         + (stats != nil ? " in " + Self.milliseconds(total) : ""))
        }
        return lines.joined(separator: "\n")
    }

    /// A segmented scan: how many segments are read, then each one's indexes and own filter
    /// (the first eight; the rest counted).
    private func segmentLines(_ segments: [SegmentAccess], total: Int, pad: String) -> [String] {
        let skipped = total - segments.count
        var lines = ["\(pad)  segments: \(segments.count) of \(total) read" + (skipped > 0 ? " (\(skipped) skipped: their indexes hold no matching row)" : "")]
        for s in segments.prefix(8) {
            let uses = s.access.uses.isEmpty ? ["every row (no index applies)"] : s.access.uses
            lines.append("\(pad)  segment \(s.segment + 1) (\(s.rowCount) rows): " + uses.joined(separator: "; ")
                         + (s.residual.map { "; then " + text($0, []) } ?? ""))
        }
        if segments.count > 8 { lines.append("\(pad)  ... \(segments.count - 8) more segments") }
        return lines
    }

    /// The sub-plans a node reads besides its input: a sequence's steps, a join's right side.
    private func subplanLines(_ node: PlanNode, pad: String) -> [String] {
        switch node {
        case .sequence(let s): sequenceStepLines(s, pad: pad)
        case .join(_, let j): ["\(pad)  right side:"] + subplan(j.right, pad: pad + "    ")
        default: []
        }
    }

    private func describe(_ node: PlanNode) -> String {
        let inputNames = node.input?.columnNames ?? []
        func text(_ e: TypedExpr) -> String { self.text(e, inputNames) }
        func names(_ items: some Collection<(name: String, expr: TypedExpr)>) -> String {
            items.map { item in
                let t = text(item.expr)
                return t == item.name || t.isEmpty ? item.name : "\(item.name) = \(t)"
            }.joined(separator: ", ")
        }
        func keys(_ ks: [CheckedSortKey]) -> String {
            ks.map { text($0.expr) + ($0.descending ? " desc" : " asc") }.joined(separator: ", ")
        }
        switch node {
        case .scan(let table, let access):
            let order = table.timeColumnIndex.map { ", in \(table.fields[$0].name) order" } ?? ""
            let rows = table.statistics.map { "\(access.candidateCount(tableRows: $0.rowCount)) of \($0.rowCount) rows" } ?? "rows"
            return "Scan \(table.name): \(rows)\(order)"
        case .filter(_, let e): return "Filter \(text(e))"
        case .project(_, let items):
            // `extend`: every input column kept in place, then the new ones; name only what it adds or replaces.
            if items.count >= inputNames.count, zip(items, inputNames).allSatisfy({ $0.0.name == $0.1 }) {
                let changed = items.enumerated().filter { i, item in i >= inputNames.count || item.expr.columnIndex != i }.map(\.element)
                return "Extend \(names(changed))"
            }
            return "Project \(names(items))"
        case .sort(_, let ks): return "Sort \(keys(ks))"
        case .limit(_, let n): return "Limit \(n)"
        case .top(_, let n, let ks): return "Top \(n) by \(keys(ks))"
        case .aggregate(_, let ks, _, let outputs):
            return "Aggregate \(names(outputs))" + (ks.isEmpty ? "" : " by \(names(ks))")
        case .count: return "Count"
        case .distinct(_, let items): return "Distinct \(names(items))"
        case .tail(_, let n): return "Tail \(n)"
        case .lookup(_, let right, _, let rightKey, let columns):
            return "Lookup \(right.name) on \(right.fields[rightKey].name): adds \(columns.map(\.name).joined(separator: ", "))"
        case .sequence(let s): return describeSequence(s)
        case .join(let left, let j): return describeJoin(j, leftNames: left.columnNames)
        }
    }

    /// An expression as the user wrote it. A bare column is printed by its input name (the
    /// columns `extend` passes through have no text of their own); conjunctions the optimizer
    /// merged from several stages are printed part by part.
    func text(_ e: TypedExpr, _ inputNames: [String]) -> String {
        if case .column(let i) = e.kind, i < inputNames.count {
            let name = inputNames[i]
            return name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) ? name : "`\(name)`"
        }
        if case .and(let a, let b) = e.kind, source.text(of: e.span).contains("|") {
            return text(a, inputNames) + " and " + text(b, inputNames)
        }
        return source.text(of: e.span)
    }

    /// Rows the operator is expected to produce, from what the plan knows before running:
    /// index candidates are exact; a residual filter is assumed to keep a quarter.
    static func estimatedRows(_ node: PlanNode) -> Int {
        switch node {
        case .scan(let table, let access): return access.candidateCount(tableRows: table.statistics?.rowCount ?? 0)
        case .filter(let input, _): return (estimatedRows(input) + 3) / 4
        case .limit(let input, let n), .top(let input, let n, _), .tail(let input, let n): return min(n, estimatedRows(input))
        case .count: return 1
        case .aggregate(let input, let keys, _, _):
            guard !keys.isEmpty else { return 1 }
            var groups = 1
            for k in keys {
                guard let c = k.expr.columnIndex, let t = input.scannedTableColumns, let stats = t.statistics,
                      c < stats.distinctValues.count, let distinct = stats.distinctValues[c] else { return estimatedRows(input) }
                groups = groups.multipliedReportingOverflow(by: distinct + 1).partialValue
            }
            return min(groups, estimatedRows(input))
        case .project(let input, _), .sort(let input, _), .distinct(let input, _), .lookup(let input, _, _, _, _):
            return estimatedRows(input)
        case .sequence(let s): return s.steps.map { estimatedRows($0.plan) }.min() ?? 0
        case .join(let input, let j): return j.kind == .fullouter || j.kind == .rightouter ? estimatedRows(input) + estimatedRows(j.right) : estimatedRows(input)
        }
    }

    static func milliseconds(_ ms: Double) -> String {
        ms < 10 ? String(format: "%.2f ms", ms) : String(format: "%.0f ms", ms)
    }
}

extension PlanNode {
    /// The names of the columns the node produces.
    var columnNames: [String] {
        switch self {
        case .scan(let table, _): table.fields.map(\.name)
        case .project(_, let items), .distinct(_, let items): items.map(\.name)
        case .aggregate(_, let keys, _, let outputs): keys.map(\.name) + outputs.map(\.name)
        case .count: ["count"]
        case .lookup(let input, _, _, _, let columns): input.columnNames + columns.map(\.name)
        case .sequence(let s): s.columnNames
        case .join(let input, let j): input.columnNames + j.rightColumns.map(\.name)
        case .filter(let i, _), .sort(let i, _), .limit(let i, _), .top(let i, _, _), .tail(let i, _): i.columnNames
        }
    }

    /// The scanned table, when every operator down to the scan keeps its columns in place
    /// (column i of this node is column i of the table).
    var scannedTableColumns: TableRef? {
        switch self {
        case .scan(let t, _): t
        case .filter(let i, _), .sort(let i, _), .limit(let i, _), .top(let i, _, _), .tail(let i, _), .lookup(let i, _, _, _, _):
            i.scannedTableColumns
        case .project, .aggregate, .count, .distinct, .sequence, .join: nil
        }
    }
}
