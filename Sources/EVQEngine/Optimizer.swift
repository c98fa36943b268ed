// Rewrites a plan through an ordered list of named passes, as DuckDB does: each pass can be
// switched off (tests, `explain`), is timed, and in debug builds the plan is verified after
// it (column references in range, the output schema unchanged). A pass must never change an
// answer, row order included: the differential tests run every query with all passes off.

import EVQSyntax
import Foundation

public enum OptimizerPass: String, CaseIterable, Sendable {
    /// Filters move below projections, sorts and lookups (as far as the columns they read
    /// allow), and adjacent filters merge, so that more conditions reach the scan's indexes.
    case filterPushdown
    /// `take n` moves below projections: only the rows kept are computed.
    case limitPushdown
    /// `sort ... | take n` becomes `top n`: a bounded heap instead of a full sort.
    case topN
    /// Conditions of the filter right above the scan become a binary search on the time
    /// column, posting-list lookups or word-index lookups; the rest stays a filter.
    case indexSelection
    /// Conditions that read only a `distinct`'s plain-column items move above it: the rows
    /// of one distinct value all pass or all fail, so the distinct reads each row once and the
    /// condition runs once per value. After index selection, which takes what the indexes answer.
    case filterAboveDistinct
}

/// What one pass did, for `explain`.
public struct PassReport: Sendable {
    public var pass: OptimizerPass
    public var changedPlan: Bool
    public var milliseconds: Double
}

struct Optimizer {
    var disabled: Set<OptimizerPass>
    let indexes: IndexSelector

    func optimize(_ root: PlanNode) -> (PlanNode, [PassReport]) {
        var node = root
        var reports: [PassReport] = []
        for pass in OptimizerPass.allCases where !disabled.contains(pass) {
            let start = DispatchTime.now().uptimeNanoseconds
            let before = node
            node = apply(pass, node)
            let ms = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
            #if DEBUG
                PlanVerifier.verify(node, against: before, after: pass)
            #endif
            reports.append(PassReport(pass: pass, changedPlan: node.shape != before.shape, milliseconds: ms))
        }
        return (node, reports)
    }

    private func apply(_ pass: OptimizerPass, _ node: PlanNode) -> PlanNode {
        switch pass {
        case .filterPushdown: Self.pushFilters(node)
        case .limitPushdown: Self.pushLimits(node)
        case .topN: Self.sortLimitToTop(node)
        case .indexSelection: indexes.select(node)
        case .filterAboveDistinct: Self.liftFiltersAboveDistinct(node)
        }
    }
}

extension PlanNode {
    /// The node's input, for the single-input operators (every node but the scan).
    var input: PlanNode? {
        switch self {
        case .scan, .sequence: nil
        case .join(let i, _): i
        case .filter(let i, _), .project(let i, _), .sort(let i, _), .limit(let i, _), .top(let i, _, _),
             .aggregate(let i, _, _, _), .count(let i), .distinct(let i, _), .tail(let i, _), .lookup(let i, _, _, _, _):
            i
        }
    }

    /// The same node over another input.
    func replacingInput(_ new: PlanNode) -> PlanNode {
        switch self {
        case .scan, .sequence: self
        case .join(_, let j): .join(new, j)
        case .filter(_, let p): .filter(new, p)
        case .project(_, let items): .project(new, items)
        case .sort(_, let keys): .sort(new, keys)
        case .limit(_, let n): .limit(new, n)
        case .top(_, let n, let keys): .top(new, n, keys)
        case .aggregate(_, let keys, let aggs, let outputs): .aggregate(new, keys: keys, aggregates: aggs, outputs: outputs)
        case .count: .count(new)
        case .distinct(_, let items): .distinct(new, items)
        case .tail(_, let n): .tail(new, n)
        case .lookup(_, let right, let l, let r, let columns): .lookup(new, right: right, leftKey: l, rightKey: r, columns: columns)
        }
    }

    /// How many columns the node produces.
    var width: Int {
        switch self {
        case .scan(let table, _): table.fields.count
        case .project(_, let items), .distinct(_, let items): items.count
        case .aggregate(_, let keys, _, let outputs): keys.count + outputs.count
        case .count: 1
        case .lookup(let input, _, _, _, let columns): input.width + columns.count
        case .sequence(let s): s.width
        case .join(let input, let j): input.width + j.rightColumns.count
        case .filter(let i, _), .sort(let i, _), .limit(let i, _), .top(let i, _, _), .tail(let i, _): i.width
        }
    }

    /// The operator kinds top to bottom, with what distinguishes a rewrite (a pass that
    /// changed nothing leaves the same shape).
    var shape: String {
        var parts: [String] = []
        var node: PlanNode? = self
        while let n = node {
            switch n {
            case .scan(_, let access): parts.append("scan\(access.uses.count)")
            case .filter(_, let p): parts.append("filter\(p.span.start)-\(p.span.end)")
            case .project: parts.append("project")
            case .sort: parts.append("sort")
            case .limit(_, let k): parts.append("limit\(k)")
            case .top: parts.append("top")
            case .aggregate: parts.append("aggregate")
            case .count: parts.append("count")
            case .distinct: parts.append("distinct")
            case .tail: parts.append("tail")
            case .lookup: parts.append("lookup")
            case .sequence: parts.append("sequence")
            case .join: parts.append("join")
            }
            node = n.input
        }
        return parts.joined(separator: "/")
    }
}
