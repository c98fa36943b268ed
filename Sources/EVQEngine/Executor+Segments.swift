// Scans of a table stored in several segments. Each segment is read by its own indexes and
// filtered on its own (ScanAccess.segments); only then are the surviving rows merged in time
// order, and only the columns the rest of the plan reads. A count adds the segments' counts,
// and a limit or top takes at most its n rows from each segment before merging, so neither
// copies more than n rows per segment; summarize and distinct group each segment on its own
// and merge only one row per group (SegmentGroups.swift).

import EVQStore
import Foundation

extension Executor {
    /// The node run over segments when it is a segmented scan, or a count, limit or top right
    /// above one; nil for anything else. `keep`: as for `run`.
    func runOverSegments(_ node: PlanNode, _ depth: Int, _ stats: inout QueryStats, _ needs: Set<Int>?,
                         keep: Aggregation.GroupLimit? = nil) throws(EngineError) -> Relation? {
        switch node {
        case .scan(let ref, let access):
            guard let table = catalog.segmentedTables[ref.name] else { return nil }
            let parts = try segmentParts(table, access, &stats)
            return merge(table, parts, needs: needs)
        case .count(.scan(let ref, let access)):
            guard let table = catalog.segmentedTables[ref.name] else { return nil }
            let start = DispatchTime.now().uptimeNanoseconds
            let n = try segmentParts(table, access, &stats).reduce(0) { $0 + $1.count }
            record(depth: depth + 1, rows: n, since: start, &stats)
            return Self.countRelation(n)
        case .limit(.scan(let ref, let access), let n):
            guard let table = catalog.segmentedTables[ref.name] else { return nil }
            let start = DispatchTime.now().uptimeNanoseconds
            let parts = try segmentParts(table, access, &stats)
            record(depth: depth + 1, rows: parts.reduce(0) { $0 + $1.count }, since: start, &stats)
            return merge(table, parts, needs: needs, limit: max(0, n))
        case .top(.scan(let ref, let access), let n, let keys):
            guard let table = catalog.segmentedTables[ref.name] else { return nil }
            let start = DispatchTime.now().uptimeNanoseconds
            let parts = try segmentParts(table, access, &stats)
            record(depth: depth + 1, rows: parts.reduce(0) { $0 + $1.count }, since: start, &stats)
            // Each segment's own top n, back in time order: every row of the whole top n is among
            // them, and the merge keeps the order the top breaks ties by.
            var tops: [MergePart] = []
            for part in parts {
                let rows = try orderedRows(Relation(table: part.table, rows: part.rows, inTimeOrder: true), keys, limit: n)
                tops.append(MergePart(part.table, rows: rows.sorted()))
            }
            var r = merge(table, tops, needs: needs.map { $0.union(Self.columns(read: keys.map(\.expr))) })
            r.rows = try orderedRows(r, keys, limit: n)
            r.inTimeOrder = false
            return r
        default:
            return try groupOverSegments(node, depth, &stats, keep: keep)
        }
    }

    /// Each segment the access reads, with its rows after its own filter.
    func segmentParts(_ table: SegmentedTable, _ access: ScanAccess, _ stats: inout QueryStats) throws(EngineError) -> [MergePart] {
        let reads = access.segments ?? table.segments.indices.map {
            SegmentAccess(segment: $0, rowCount: table.segments[$0].rowCount, access: .full, residual: nil)
        }
        stats.rowsInSource = table.rowCount
        stats.rowsExamined = access.candidateCount(tableRows: table.rowCount)
        var parts: [MergePart] = []
        for read in reads {
            let segment = table.segments[read.segment]
            var r = Self.scan(segment, read.access)
            if let p = read.residual { r = try filter(r, p) }
            if r.count > 0 { parts.append(MergePart(segment, rows: r.rows)) }
        }
        return parts
    }

    /// The parts' rows as one relation in time order. A single part is used in place.
    func merge(_ table: SegmentedTable, _ parts: [MergePart], needs: Set<Int>?, limit: Int? = nil) -> Relation {
        if parts.count == 1 {
            var rows = parts[0].rows
            if let limit, parts[0].count > limit { rows = Array((rows ?? (0..<parts[0].count).map(UInt32.init)).prefix(limit)) }
            return Relation(table: parts[0].table, rows: rows, inTimeOrder: true)
        }
        let sources = parts.isEmpty ? [MergePart(table.schemaTable, rows: [])] : parts
        let rows = min(limit ?? .max, sources.reduce(0) { $0 + $1.count })
        let merged = Table.merging(sources, name: table.name, columns: needs, limit: limit, sharedTexts: table.sharedTexts(needs, rows: rows))
        return Relation(table: merged, rows: nil, inTimeOrder: true)
    }
}
