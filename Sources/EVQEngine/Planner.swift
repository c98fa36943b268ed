// Turns a checked query into a plan, and selects indexes for the filter over the scan: its
// conditions are split at `and`; those on the time column become a binary search, those
// testing a string column against constants become posting-list lookups, word searches
// (`has`) read the word index, distance bounds read the grid cells, and the rest stay as a
// filter over the candidate rows.

import EVQStore
import EVQSyntax

/// Builds the plan of a bound query: the stages as a chain of operators over a full scan
/// (`logicalPlan`, what another engine could be given), then rewritten by the optimizer's
/// passes (Optimizer.swift), whose index selection reads the catalog's indexes.
public struct Planner {
    public var disabledPasses: Set<OptimizerPass> = []
    public let source: SourceFile
    public let catalog: Catalog

    public init(source: SourceFile, catalog: Catalog, disabledPasses: Set<OptimizerPass> = []) {
        self.source = source
        self.catalog = catalog
        self.disabledPasses = disabledPasses
    }

    public func plan(_ q: CheckedQuery) -> Plan {
        let (optimized, passes) = optimize(chain(q))
        return Plan(root: optimized, output: q.output, chart: q.chart, chartFile: q.chartFile, source: source, passes: passes)
    }

    func optimize(_ node: PlanNode) -> (PlanNode, [PassReport]) {
        Optimizer(disabled: disabledPasses, indexes: IndexSelector(source: source, catalog: catalog)).optimize(node)
    }

    /// The stages as a chain of operators over a full scan, before any pass (a sequence's
    /// steps are optimized on their own, each with its own index path).
    public func chain(_ q: CheckedQuery) -> PlanNode {
        q.stages.reduce(PlanNode.scan(q.source, .full)) { apply($1, to: $0) }
    }

    func apply(_ stage: CheckedStage, to node: PlanNode) -> PlanNode {
        switch stage.kind {
        case .filter(let p): .filter(node, p)
        case .project(let items): .project(node, items)
        case .sort(let keys): .sort(node, keys)
        case .take(let n): .limit(node, n)
        case .count: .count(node)
        case .summarize(let keys, let aggs, let outputs): .aggregate(node, keys: keys, aggregates: aggs, outputs: outputs)
        case .top(let n, let keys): .top(node, n, keys)
        case .distinct(let items): .distinct(node, items)
        case .tail(let n): .tail(node, n)
        case .lookup(let right, let leftKey, let rightKey, let columns):
            .lookup(node, right: right, leftKey: leftKey, rightKey: rightKey, columns: columns)
        case .chart: node  // the checker keeps charts out of the stages
        case .sequence(let s): .sequence(sequencePlan(s, pipeline: node))
        case .join(let j): .join(node, joinPlan(j))
        }
    }
}

/// The `indexSelection` pass: answers what it can of the filter right above the scan from the
/// table's indexes.
struct IndexSelector {
    let source: SourceFile
    let catalog: Catalog

    func select(_ node: PlanNode) -> PlanNode {
        switch node {
        case .filter(.scan(let ref, let access), let p) where access.uses.isEmpty && access.rows == nil && access.timeRange == nil:
            if let segmented = catalog.segmentedTables[ref.name] { return .scan(ref, selectSegments(segmented, p)) }
            guard let table = catalog.tables[ref.name] else { return node }  // no local data: nothing to index
            let (newAccess, rest) = selectIndexes(table, Optimizer.splitAnd(p))
            let scan = PlanNode.scan(ref, newAccess)
            return Optimizer.joinAnd(rest).map { .filter(scan, $0) } ?? scan
        default:
            // A sequence has no input here: its steps were optimized when it was planned.
            guard let input = node.input else { return node }
            return node.replacingInput(select(input))
        }
    }

    /// Each segment answers what it can of the filter from its own indexes and keeps the rest as
    /// its own filter; a segment its indexes rule out entirely is not read at all.
    func selectSegments(_ table: SegmentedTable, _ p: TypedExpr) -> ScanAccess {
        var out: [SegmentAccess] = []
        for (i, segment) in table.segments.enumerated() {
            let (access, rest) = selectIndexes(segment, Optimizer.splitAnd(p))
            if access.candidateCount(tableRows: segment.rowCount) == 0 { continue }
            out.append(SegmentAccess(segment: i, rowCount: segment.rowCount, access: access, residual: Optimizer.joinAnd(rest)))
        }
        var access = ScanAccess.full
        access.segments = out
        access.segmentTotal = table.segments.count
        access.uses = ["segments"]
        return access
    }

    /// Answers what it can of `conjuncts` from the table's indexes; returns the rest.
    func selectIndexes(_ table: Table, _ conjuncts: [TypedExpr]) -> (ScanAccess, [TypedExpr]) {
        var lower: Int64? = nil, upper: Int64? = nil  // time bounds, [lower, upper)
        var postingSets: [[UInt32]] = []
        var uses: [String] = []
        var rest: [TypedExpr] = []
        var wordSearches: [(column: Int, phrases: [[String]], all: Bool, text: String)] = []
        // The time range first: the table is in time order, so each posting list (ascending
        // rows) is cut to it by binary search before anything is copied or intersected.
        for c in conjuncts {
            guard let (lo, hi) = timeBounds(c, table) else { continue }
            if let lo { lower = max(lower ?? lo, lo) }
            if let hi { upper = min(upper ?? hi, hi) }
        }
        let timeRange = lower != nil || upper != nil ? table.rowRange(timeFrom: lower, before: upper) : nil
        for c in conjuncts {
            if timeBounds(c, table) != nil {
                uses.append("time index: \(source.text(of: c.span))")
            } else if let (column, values) = stringEquality(c, table), case .string(let s) = table.columns[column].data {
                let ids = values.sorted().compactMap { s.dictionary.id(of: $0) }
                let (rows, counted) = Self.rows(of: ids, s, within: timeRange)
                postingSets.append(rows)
                uses.append("\(s.postingsPayOff ? "posting lists" : "dictionary"): \(source.text(of: c.span)) (\(counted))")
            } else if let (column, keys) = intEquality(c, table), let index = table.columns[column].keyIndex {
                let lists = Set(keys).sorted().map { index.rows(of: $0) }
                postingSets.append(RowLists.ascending(lists, within: timeRange))
                uses.append("key index: \(source.text(of: c.span)) (\(lists.reduce(0) { $0 + $1.count }) rows)")
            } else if let geo = GeoSelection.select(c, table) {
                // Exact: the cells on the circle's edge are checked row by row, so the condition is answered.
                postingSets.append(RowLists.clip(geo.rows, to: timeRange))
                uses.append("geo cells: \(source.text(of: c.span)) (\(geo.cells) cells, \(geo.insideCells) inside; \(geo.rows.count) rows)")
            } else if case .text(.words(let phrases, let all), let e, false) = c.kind, let i = e.columnIndex,
                      case .string = table.columns[i].data
            {
                // Word searches on one column that must all hold are intersected as dictionary
                // ids, before any row is read: `has "a" and has "b"` is `has_all ["a", "b"]`.
                if all, let k = wordSearches.firstIndex(where: { $0.column == i && $0.all }) {
                    wordSearches[k].phrases += phrases
                    wordSearches[k].text += " and " + source.text(of: c.span)
                } else {
                    wordSearches.append((i, phrases, all, source.text(of: c.span)))
                }
            } else {
                rest.append(c)
            }
        }
        for search in wordSearches {
            guard case .string(let s) = table.columns[search.column].data else { continue }
            let ids = ExpressionEvaluator.wordMatches(search.phrases, all: search.all, s.dictionary)
            let (rows, counted) = Self.rows(of: ids, s, within: timeRange)
            postingSets.append(rows)
            uses.append("word index: \(search.text) (\(counted))")
        }
        var access = ScanAccess(timeRange: nil, rows: nil, uses: uses)
        if let range = timeRange {
            access.timeRange = range
            if let i = uses.firstIndex(where: { $0.hasPrefix("time index") }) {
                access.uses[i] += " (rows \(range.lowerBound)..<\(range.upperBound))"
            }
        }
        if !postingSets.isEmpty {
            // Intersect the smallest list with the others (each already cut to the time range).
            postingSets.sort { $0.count < $1.count }
            var rows = postingSets[0]
            for other in postingSets.dropFirst() { rows = RowLists.intersect(rows, other) }
            access.rows = rows
        }
        return (access, rest)
    }

    /// The rows holding the values `ids` (ascending) within `range`, and what explain says of
    /// them. Posting lists where the column has them (explain gives the rows they hold in the
    /// whole table). Near-unique text has none: they would cost a row number per row, and
    /// building them here would cost more than the query; its ids are scanned once against a
    /// bitmap of the values (`RowLists.scan`), and explain gives the rows found in the range.
    private static func rows(of ids: [UInt32], _ s: StringColumn, within range: Range<Int>?) -> (rows: [UInt32], explained: String) {
        if s.postingsPayOff {
            let postings = s.postings
            return (RowLists.ascending(ids: ids, postings, within: range), "\(ids.reduce(0) { $0 + postings.count(of: $1) }) rows")
        }
        let rows = RowLists.scan(s.ids, for: ids, valueCount: s.dictionary.count, within: range)
        let values = ids.count == 1 ? "1 value" : "\(ids.count) values"
        return (rows, "\(values); \(rows.count) rows\(range == nil ? "" : " in the time range"), by a scan of ids")
    }

    /// `[lower, upper)` in seconds when `c` bounds the time column by constants.
    private func timeBounds(_ c: TypedExpr, _ table: Table) -> (Int64?, Int64?)? {
        guard let t = table.timeColumnIndex else { return nil }
        switch c.kind {
        case .inRange(let e, let lo, let hi, let inclusive, false) where e.columnIndex == t:
            var l: Int64? = nil, h: Int64? = nil
            if let lo { guard case .time(let v) = lo else { return nil }; l = v }
            if let hi { guard case .time(let v) = hi else { return nil }; h = inclusive ? v + 1 : v }
            return (l, h)
        case .compare(let op, let a, let b):
            var op = op
            var column = a, constant = b
            if b.columnIndex == t { (column, constant) = (b, a); op = op.flipped }
            guard column.columnIndex == t, case .constant(.time(let v)) = constant.kind else { return nil }
            switch op {
            case .eq: return (v, v + 1)
            case .lt: return (nil, v)
            case .le: return (nil, v + 1)
            case .gt: return (v + 1, nil)
            case .ge: return (v, nil)
            default: return nil
            }
        default:
            return nil
        }
    }

    /// `(column, values)` when `c` is `col == "x"` or `col in ["x", "y"]` on a string column.
    private func stringEquality(_ c: TypedExpr, _ table: Table) -> (Int, [String])? {
        switch c.kind {
        case .compare(.eq, let a, let b):
            let (col, k) = a.columnIndex != nil ? (a, b) : (b, a)
            guard let i = col.columnIndex, case .string = table.columns[i].data, case .constant(.string(let s)) = k.kind else { return nil }
            return (i, [s])
        case .inSet(let a, let set, false, false):
            guard let i = a.columnIndex, case .string = table.columns[i].data else { return nil }
            var values: [String] = []
            for v in set {
                guard case .string(let s) = v else { continue }  // null never matches
                values.append(s)
            }
            return (i, values)
        default:
            return nil
        }
    }

    /// `(column, keys)` when `c` is `col == 5` or `col in [1, 2]` on an int column with int
    /// constants (a float constant equal to an int also matches by value: left to the scan).
    private func intEquality(_ c: TypedExpr, _ table: Table) -> (Int, [Int64])? {
        func intColumn(_ e: TypedExpr) -> Int? {
            guard let i = e.columnIndex, table.columns[i].type == .int else { return nil }
            return i
        }
        switch c.kind {
        case .compare(.eq, let a, let b):
            let (col, k) = a.columnIndex != nil ? (a, b) : (b, a)
            guard let i = intColumn(col), case .constant(.int(let v)) = k.kind else { return nil }
            return (i, [v])
        case .inSet(let a, let set, false, false):
            guard let i = intColumn(a) else { return nil }
            var keys: [Int64] = []
            for v in set {
                switch v {
                case .int(let x): keys.append(x)
                case .null: continue
                default: return nil
                }
            }
            return (i, keys)
        default:
            return nil
        }
    }

    /// Union of two ascending lists, without duplicates.
    static func union(_ a: [UInt32], _ b: [UInt32]) -> [UInt32] {
        var out: [UInt32] = []
        out.reserveCapacity(a.count + b.count)
        var i = 0, j = 0
        while i < a.count || j < b.count {
            if j == b.count || (i < a.count && a[i] < b[j]) {
                out.append(a[i]); i += 1
            } else if i == a.count || b[j] < a[i] {
                out.append(b[j]); j += 1
            } else {
                out.append(a[i]); i += 1; j += 1
            }
        }
        return out
    }

    /// Intersection of two ascending lists.
    static func intersect(_ a: [UInt32], _ b: [UInt32]) -> [UInt32] { RowLists.intersect(a, b) }
}
