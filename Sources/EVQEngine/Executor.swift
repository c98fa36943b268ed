// Runs a plan. Data flows as a `Relation`: a table plus the ids of the rows still in play,
// so filters, sorts and limits only shuffle row ids; projections and aggregates build a new
// columnar table. Cancellation is polled once per batch of rows.

import EVQStore
import EVQSyntax
import Foundation

public enum EngineError: Error, Sendable {
    case diagnostic(Diagnostic)
    /// The caller's cancellation check said stop (Ctrl-C).
    case cancelled
}

public struct ExecutionContext: Sendable {
    public var isCancelled: @Sendable () -> Bool
    /// A pause before each batch, for tests of cancellation (a query made slow on purpose);
    /// zero in normal use.
    public var batchDelayMilliseconds: Int
    /// Counts the rows of each batch, for a progress line (QueryProgress.swift); nil counts nothing.
    public var progress: QueryProgress?
    /// What the growing operators charge (MemoryBudget.swift); `isCancelled` also says stop
    /// once it is exceeded.
    public var memory: MemoryBudget

    public init(isCancelled: @escaping @Sendable () -> Bool = { false }, batchDelayMilliseconds: Int = 0, progress: QueryProgress? = nil,
                memory: MemoryBudget = .unlimited) {
        self.isCancelled = isCancelled
        self.batchDelayMilliseconds = batchDelayMilliseconds
        self.progress = progress
        self.memory = memory
    }

    /// Sleeps in short slices, so that a cancellation still stops the query within ~5 ms.
    func delay() throws(EngineError) {
        var left = batchDelayMilliseconds
        while left > 0 {
            if isCancelled() { throw .cancelled }
            usleep(useconds_t(min(left, 5) * 1000))
            left -= 5
        }
    }

    /// Rows processed between two cancellation checks (DuckDB's vector size).
    static let batchSize = 2048
}

public struct QueryStats: Sendable {
    /// Rows of the source table the query had to look at (after index lookups).
    public var rowsExamined: Int
    public var rowsInSource: Int
    /// Rows each operator produced, root first (the plan is a chain, so index = depth).
    public var operatorRows: [Int]
    /// Time each operator took itself (its input's time excluded), root first.
    public var operatorMilliseconds: [Double]

    public init(rowsExamined: Int, rowsInSource: Int, operatorRows: [Int] = [], operatorMilliseconds: [Double] = []) {
        self.rowsExamined = rowsExamined
        self.rowsInSource = rowsInSource
        self.operatorRows = operatorRows
        self.operatorMilliseconds = operatorMilliseconds
    }
}

public struct QueryResult: Sendable {
    public let table: Table
    public let stats: QueryStats

    public init(table: Table, stats: QueryStats) {
        self.table = table
        self.stats = stats
    }

    /// The values of the named column, top to bottom; nil when there is no such column.
    public func values(of column: String) -> [Value]? {
        guard let c = table.column(named: column) else { return nil }
        return (0..<table.rowCount).map { c.value(at: $0) }
    }

    public var rowCount: Int { table.rowCount }
    public var columnNames: [String] { table.columns.map(\.name) }
}

struct Relation {
    var table: Table
    /// Row ids of `table` in play, in order. Nil = every row in table order.
    var rows: [UInt32]?
    /// True when `rows` (or the table) is ascending in the table's time order.
    var inTimeOrder: Bool

    var count: Int { rows?.count ?? table.rowCount }

    func forEachRow(_ context: ExecutionContext, _ body: (Int) -> Void) throws(EngineError) {
        try forEachRow(context, positions: 0..<count, body)
    }

    /// The same over the positions `positions` only (one chunk of a parallel loop).
    func forEachRow(_ context: ExecutionContext, positions: Range<Int>, _ body: (Int) -> Void) throws(EngineError) {
        try Self.forEachBatch(context, positions: positions) { batch in
            if let rows {
                for k in batch { body(Int(rows[k])) }
            } else {
                for r in batch { body(r) }
            }
        }
    }

    /// `body` with each batch of `positions` in order, after the batch's cancellation check
    /// (and test delay), counting its rows as progress.
    static func forEachBatch(_ context: ExecutionContext, positions: Range<Int>, _ body: (Range<Int>) -> Void) throws(EngineError) {
        var start = positions.lowerBound
        while start < positions.upperBound {
            if context.batchDelayMilliseconds > 0 { try context.delay() }
            if context.isCancelled() { throw .cancelled }
            let end = min(positions.upperBound, start + ExecutionContext.batchSize)
            context.progress?.add(rows: end - start)
            body(start..<end)
            start = end
        }
    }

    /// The chunks' outputs joined in order; nil for a chunk that saw the cancellation.
    static func joined<T>(_ outputs: [[T]?]) throws(EngineError) -> [T] {
        if outputs.count == 1, let only = outputs[0] { return only }
        var joined: [T] = []
        joined.reserveCapacity(outputs.reduce(0) { $0 + ($1?.count ?? 0) })
        for part in outputs {
            guard let part else { throw .cancelled }
            joined.append(contentsOf: part)
        }
        return joined
    }

    /// `body(row, &out)` for every row in order, appending to `out`; the rows are cut into
    /// contiguous chunks that run on separate cores, and the chunks' outputs are joined in
    /// order, so the result is the single-threaded one. `body` must only read shared state.
    func collect<T>(_ context: ExecutionContext, _ body: (Int, inout [T]) -> Void) throws(EngineError) -> [T] {
        let n = count
        let parts = Parallel.chunks(n, minimum: 32_768)
        if parts.count <= 1 {
            var out: [T] = []
            out.reserveCapacity(n)
            try forEachRow(context) { row in body(row, &out) }
            return out
        }
        // A chunk that sees the cancellation gives nil; the join then throws.
        let outputs = Parallel.map(parts.count) { k -> [T]? in
            var out: [T] = []
            out.reserveCapacity(parts[k].count)
            do { try forEachRow(context, positions: parts[k]) { row in body(row, &out) } } catch { return nil }
            return out
        }
        return try Self.joined(outputs)
    }

    /// The rows that pass `kernel`, in order: a batch at a time, contiguous chunks on
    /// separate cores joined in order (as `collect`).
    func select(_ context: ExecutionContext, _ kernel: FilterKernel) throws(EngineError) -> [UInt32] {
        let parts = Parallel.chunks(count, minimum: 32_768)
        let outputs = Parallel.map(parts.count) { k -> [UInt32]? in
            let part = parts[k]
            guard !part.isEmpty else { return [] }
            var cancelled = false
            let out = [UInt32](unsafeUninitializedCapacity: part.count) { buffer, kept in
                let base = buffer.baseAddress!
                var n = 0
                func run(_ rows: UnsafeBufferPointer<UInt32>?) {
                    do {
                        try Self.forEachBatch(context, positions: part) { batch in n += kernel.select(rows, batch, into: base + n) }
                    } catch {
                        cancelled = true
                    }
                }
                if let rows { rows.withUnsafeBufferPointer { run($0) } } else { run(nil) }
                kept = cancelled ? 0 : n
            }
            return cancelled ? nil : out
        }
        return try Self.joined(outputs)
    }

    /// The relation as a standalone table (rows gathered when needed).
    func materialize() -> Table {
        guard let rows else { return table }
        return table.gather(rows, keepsTimeOrder: inTimeOrder)
    }
}

public struct Executor {
    /// Where the plan's table references find their data.
    public let catalog: Catalog
    public let context: ExecutionContext

    public init(catalog: Catalog, context: ExecutionContext = .init()) {
        self.catalog = catalog
        self.context = context
    }

    private func data(of ref: TableRef) throws(EngineError) -> Table {
        guard let table = catalog.table(named: ref.name) else {
            throw .diagnostic(Diagnostic("table '\(ref.name)' has no data here", at: .none))
        }
        return table
    }

    public func run(_ plan: Plan) throws(EngineError) -> QueryResult {
        var stats = QueryStats(rowsExamined: 0, rowsInSource: 0)
        let r = try run(plan.root, 0, &stats)
        // Each operator's time included its input's: keep only its own.
        for d in stats.operatorMilliseconds.indices.dropLast() {
            stats.operatorMilliseconds[d] = max(0, stats.operatorMilliseconds[d] - stats.operatorMilliseconds[d + 1])
        }
        return QueryResult(table: r.materialize(), stats: stats)
    }

    /// `needs`: the columns of the node's output that the operators above it read (nil = all;
    /// the result's own columns are all needed). A scan of a segmented table copies only those.
    /// `keep`: the groups the `top` above keeps, when the node is a summarize it can narrow.
    func run(_ node: PlanNode, _ depth: Int, _ stats: inout QueryStats, needs: Set<Int>? = nil,
             keep: Aggregation.GroupLimit? = nil) throws(EngineError) -> Relation {
        let start = DispatchTime.now().uptimeNanoseconds
        let r = try runOperator(node, depth, &stats, needs, keep)
        record(depth: depth, rows: r.count, since: start, &stats)
        return r
    }

    /// Records the rows and time of the operator at `depth`: after each `run`, and for an
    /// operator run inside its parent (a segmented scan under a count, limit or top).
    func record(depth: Int, rows: Int, since start: UInt64, _ stats: inout QueryStats) {
        if stats.operatorRows.count <= depth {
            stats.operatorRows += Array(repeating: 0, count: depth + 1 - stats.operatorRows.count)
            stats.operatorMilliseconds += Array(repeating: 0, count: depth + 1 - stats.operatorMilliseconds.count)
        }
        stats.operatorRows[depth] = rows
        stats.operatorMilliseconds[depth] = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
    }

    private func runOperator(_ node: PlanNode, _ depth: Int, _ stats: inout QueryStats, _ needs: Set<Int>?,
                             _ keep: Aggregation.GroupLimit?) throws(EngineError) -> Relation {
        if let r = try runOverSegments(node, depth, &stats, needs, keep: keep) { return r }
        switch node {
        case .scan(let ref, let access):
            let table = try data(of: ref)
            stats.rowsInSource = table.rowCount
            stats.rowsExamined = access.candidateCount(tableRows: table.rowCount)
            return Self.scan(table, access)
        case .filter(let input, let p):
            return try filter(try run(input, depth + 1, &stats, needs: needs.map { $0.union(p.referencedColumns) }), p)
        case .project(let input, let items):
            let r = try run(input, depth + 1, &stats, needs: Self.columns(read: items.map(\.expr)))
            return try project(r, items)
        case .sort(let input, let keys):
            var r = try run(input, depth + 1, &stats, needs: needs.map { $0.union(Self.columns(read: keys.map(\.expr))) })
            r.rows = try sortedRows(r, keys)
            r.inTimeOrder = false
            return r
        case .limit(let input, let n):
            var r = try run(input, depth + 1, &stats, needs: needs)
            r.rows = r.rows.map { Array($0.prefix(n)) } ?? (0..<min(max(0, n), r.table.rowCount)).map(UInt32.init)
            return r
        case .top(let input, let n, let keys):
            // Over a summarize, by its aggregates: it need only build the groups kept.
            var keep: Aggregation.GroupLimit?
            if case .aggregate(_, let groupKeys, _, let outputs) = input {
                keep = Aggregation.GroupLimit(n, keys, keyCount: groupKeys.count, outputs: outputs)
            }
            var r = try run(input, depth + 1, &stats, needs: needs.map { $0.union(Self.columns(read: keys.map(\.expr))) }, keep: keep)
            r.rows = try orderedRows(r, keys, limit: n)
            r.inTimeOrder = false
            return r
        case .count(let input):
            return Self.countRelation(try run(input, depth + 1, &stats, needs: []).count)
        case .aggregate(let input, let keys, let aggs, let outputs):
            let read = keys.map(\.expr) + aggs.flatMap(\.arguments) + outputs.map(\.expr)
            let r = try run(input, depth + 1, &stats, needs: Self.columns(read: read))
            return try Aggregation(context: context).run(r, keys: keys, aggregates: aggs, outputs: outputs, keep: keep)
        case .tail(let input, let n):
            var r = try run(input, depth + 1, &stats, needs: needs)
            r.rows = Array((r.rows ?? (0..<r.table.rowCount).map(UInt32.init)).suffix(n))
            return r
        case .lookup(let input, let right, let leftKey, let rightKey, let columns):
            // A left-outer join: a key with several rows in the table gives several rows.
            let r = try run(input, depth + 1, &stats)
            return try hashJoin(r, Relation(table: try data(of: right), rows: nil, inTimeOrder: false), .leftouter,
                                leftKeys: [leftKey], rightKeys: [rightKey], rightColumns: columns, stage: MemoryStage("lookup", table: right.name))
        case .sequence(let s):
            return try runSequence(s, &stats, needs: needs)
        case .join(let input, let j):
            let left = try run(input, depth + 1, &stats)
            let right = try runSubplan(j.right, &stats)
            return try hashJoin(left, right, j.kind, leftKeys: j.leftKeys, rightKeys: j.rightKeys, rightColumns: j.rightColumns)
        case .distinct(let input, let items):
            return try distinct(try run(input, depth + 1, &stats, needs: Self.columns(read: items.map(\.expr))), items)
        }
    }

    /// The first row of each group of equal values, in order of first appearance: the typed
    /// grouping of `summarize`, then the items computed for those rows only.
    func distinct(_ r: Relation, _ items: [(name: String, expr: TypedExpr)]) throws(EngineError) -> Relation {
        let groups = try Aggregation(context: context).groups(r, keys: items, items.map { ExpressionEvaluator.compile($0.expr, r.table, nil) })
        return try distinctRelation(Relation(table: r.table, rows: groups.firstRows(of: r), inTimeOrder: false), items)
    }

    /// `distinct`'s result: the items of `r`'s rows, one row per distinct value.
    func distinctRelation(_ r: Relation, _ items: [(name: String, expr: TypedExpr)]) throws(EngineError) -> Relation {
        let t = try project(r, items).table
        return Relation(table: Table(name: t.name, columns: t.columns, rowCount: t.rowCount), rows: nil, inTimeOrder: false)
    }

    /// The rows `access` selects of `table`, in time order.
    static func scan(_ table: Table, _ access: ScanAccess) -> Relation {
        if let rows = access.rows { return Relation(table: table, rows: rows, inTimeOrder: true) }
        if let range = access.timeRange { return Relation(table: table, rows: range.map(UInt32.init), inTimeOrder: true) }
        return Relation(table: table, rows: nil, inTimeOrder: true)
    }

    /// The rows of `r` for which `p` holds, in order.
    func filter(_ r: Relation, _ p: TypedExpr) throws(EngineError) -> Relation {
        var r = r
        if let kernel = FilterKernel.make(p, r.table) {
            r.rows = try r.select(context, kernel)
            return r
        }
        let test = ExpressionEvaluator.predicate(p, r.table, nil, context.isCancelled)
        r.rows = try r.collect(context) { row, kept in if test(row) { kept.append(UInt32(row)) } }
        return r
    }

    static func countRelation(_ n: Int) -> Relation {
        let column = TableBuilder.makeColumn(name: "count", values: [.int(Int64(n))], type: .int)
        return Relation(table: Table(name: "result", columns: [column], rowCount: 1), rows: nil, inTimeOrder: false)
    }

    /// The input columns that `exprs` read.
    static func columns(read exprs: [TypedExpr]) -> Set<Int> {
        exprs.reduce(into: Set<Int>()) { $0.formUnion($1.referencedColumns) }
    }

    /// Builds the projected table. Plain column references are gathered (no boxing); computed
    /// columns are evaluated row by row. The time order survives when its column is kept.
    func project(_ r: Relation, _ items: [(name: String, expr: TypedExpr)]) throws(EngineError) -> Relation {
        var columns: [Column] = []
        var timeIndex: Int? = nil
        let rowIDs = r.rows ?? (0..<r.table.rowCount).map(UInt32.init)
        for (i, item) in items.enumerated() {
            if let c = item.expr.columnIndex {
                let source = r.table.columns[c]
                columns.append((r.rows == nil ? source : source.gather(rowIDs)).renamed(item.name))
                if c == r.table.timeColumnIndex, r.inTimeOrder, timeIndex == nil { timeIndex = i }
                continue
            }
            let eval = ExpressionEvaluator.compile(item.expr, r.table, nil)
            let values = try r.collect(context, charging: MemoryStage("extend", anchor: item.expr.span)) { row, out in out.append(eval(row)) }
            let type = item.expr.type == .null ? TableBuilder.inferType(values) : item.expr.type
            columns.append(TableBuilder.makeColumn(name: item.name, values: values, type: type))
        }
        let table = Table(name: r.table.name, columns: columns, rowCount: rowIDs.count, timeColumnIndex: timeIndex)
        return Relation(table: table, rows: nil, inTimeOrder: timeIndex != nil)
    }

    /// A sub-plan (a sequence's step, a join's right side) run on its own: its rows examined
    /// count toward the query's, its operators are not the chain's.
    /// `needs` as in `run`: the columns of its output read by its parent (nil = all).
    func runSubplan(_ node: PlanNode, _ stats: inout QueryStats, needs: Set<Int>? = nil) throws(EngineError) -> Relation {
        var own = QueryStats(rowsExamined: 0, rowsInSource: 0)
        let r = try run(node, 0, &own, needs: needs)
        stats.rowsExamined += own.rowsExamined
        stats.rowsInSource = max(stats.rowsInSource, own.rowsInSource)
        return r
    }

    /// Row ids ordered by the keys; stable; nulls last whatever the direction (typed keys and
    /// the bounded heap of `top` in Executor+TopN.swift).
    private func sortedRows(_ r: Relation, _ keys: [CheckedSortKey]) throws(EngineError) -> [UInt32] {
        try orderedRows(r, keys, limit: nil)
    }
}
