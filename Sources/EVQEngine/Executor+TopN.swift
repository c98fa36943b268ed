// `sort` and `top` over row ids. Plain-column keys are compared on their typed buffers
// (Int64/Double with the null mask, dictionary ids for strings: the dictionary is sorted, so
// id order is string order); other keys are evaluated once into boxed values. `top n` keeps
// the n first rows in one pass with a bounded heap instead of sorting everything.
//
// Order (unchanged): keys in turn, each ascending or descending, nulls last whatever the
// direction; ties keep the input order. Every comparison below ends on the input position,
// so the order is total and any correct selection or sort gives exactly the stable result.

import EVQStore

/// A strict total order on positions 0..<count of a relation.
protocol PositionOrder {
    func before(_ a: Int, _ b: Int) -> Bool
    /// The positions of `range` in order (ties by position).
    func sorted(_ range: Range<Int>) -> [Int]
}

extension PositionOrder {
    func sorted(_ range: Range<Int>) -> [Int] { range.sorted(by: before) }
}

/// One sort key, read by position.
enum SortKeyData {
    /// int, time and duration columns (row ids through `rows`).
    case int(ColumnBuffer<Int64>, ColumnBuffer<Bool>?)
    case float(ColumnBuffer<Double>, ColumnBuffer<Bool>?)
    /// Dictionary ids; `StringColumn.nullID` is null.
    case ids(ColumnBuffer<UInt32>)
    case bool(ColumnBuffer<Bool>, ColumnBuffer<Bool>?)
    /// Evaluated values, indexed by position.
    case boxed([Value])

    /// -1, 0, 1 as `Value.compare`, with nulls after every value; 0 when both are null.
    @inline(__always)
    func compare(_ a: Int, _ b: Int, _ ra: Int, _ rb: Int) -> (nullOrder: Bool?, order: Int) {
        switch self {
        case .int(let v, let mask): return Self.compareTyped(v, mask, ra, rb)
        case .float(let v, let mask): return Self.compareTyped(v, mask, ra, rb)
        case .ids(let v):
            let x = v[ra], y = v[rb]
            let na = x == StringColumn.nullID, nb = y == StringColumn.nullID
            if na != nb { return (nb, 0) }
            return (nil, x < y ? -1 : (x == y ? 0 : 1))
        case .bool(let v, let mask):
            if let decided = Self.nullOrder(mask, ra, rb) { return decided }
            let x = v[ra], y = v[rb]
            return (nil, x == y ? 0 : (!x ? -1 : 1))
        case .boxed(let values):
            let x = values[a], y = values[b]
            if x.isNull != y.isNull { return (y.isNull, 0) }
            return (nil, Value.compare(x, y))
        }
    }
}

extension SortKeyData {
    /// When the null mask decides the order of rows `ra` and `rb` (nulls after values, two
    /// nulls equal), that order; nil when both have values.
    @inline(__always)
    static func nullOrder(_ mask: ColumnBuffer<Bool>?, _ ra: Int, _ rb: Int) -> (nullOrder: Bool?, order: Int)? {
        guard let mask else { return nil }
        let na = mask[ra], nb = mask[rb]
        if na != nb { return (nb, 0) }
        return na ? (nil, 0) : nil
    }

    @inline(__always)
    static func compareTyped<T: Comparable>(_ v: ColumnBuffer<T>, _ mask: ColumnBuffer<Bool>?, _ ra: Int, _ rb: Int) -> (nullOrder: Bool?, order: Int) {
        if let decided = nullOrder(mask, ra, rb) { return decided }
        let x = v[ra], y = v[rb]
        return (nil, x < y ? -1 : (x == y ? 0 : 1))
    }
}

/// Any number of keys of any kind.
struct GeneralOrder: PositionOrder {
    let keys: [(data: SortKeyData, descending: Bool)]
    let rows: [UInt32]?

    @inline(__always)
    func before(_ a: Int, _ b: Int) -> Bool {
        let ra = rows.map { Int($0[a]) } ?? a, rb = rows.map { Int($0[b]) } ?? b
        for key in keys {
            let (nullOrder, c) = key.data.compare(a, b, ra, rb)
            if let nullOrder { return nullOrder }
            if c != 0 { return key.descending ? c > 0 : c < 0 }
        }
        return a < b
    }
}

/// One int/time/duration or float column key.
struct TypedOrder<T: Comparable & BitwiseCopyable>: PositionOrder {
    let values: ColumnBuffer<T>
    let mask: ColumnBuffer<Bool>?
    let rows: [UInt32]?
    let descending: Bool

    @inline(__always)
    func before(_ a: Int, _ b: Int) -> Bool {
        let ra = rows.map { Int($0[a]) } ?? a, rb = rows.map { Int($0[b]) } ?? b
        if let mask {
            let na = mask[ra], nb = mask[rb]
            if na != nb { return nb }
            if na { return a < b }
        }
        let x = values[ra], y = values[rb]
        if x != y { return descending ? x > y : x < y }
        return a < b
    }
}

/// One string column key, on dictionary ids.
struct IDOrder: PositionOrder {
    let ids: ColumnBuffer<UInt32>
    let rows: [UInt32]?
    let descending: Bool

    @inline(__always)
    func before(_ a: Int, _ b: Int) -> Bool {
        let ra = rows.map { Int($0[a]) } ?? a, rb = rows.map { Int($0[b]) } ?? b
        let x = ids[ra], y = ids[rb]
        if x == y { return a < b }
        // nullID is the largest id: nulls come last in ascending order already.
        if x == StringColumn.nullID { return false }
        if y == StringColumn.nullID { return true }
        return descending ? x > y : x < y
    }

    /// Sorts the positions by their id's rank. When the ids seen span few values next to the
    /// positions (a `distinct` of a column, a selection), a counting sort: one pass to count,
    /// one to place, no comparison. Otherwise packed words (the rank, then the position) with
    /// `<`: no comparison closure and no stable-sort buffer. Ranks put nulls last in either
    /// direction, and both keep equal ids in position order, so the order is exactly `before`'s.
    func sorted(_ range: Range<Int>) -> [Int] {
        let null = StringColumn.nullID
        var ranks = [UInt32](repeating: 0, count: range.count)
        var low = UInt32.max, high: UInt32 = 0
        ranks.withUnsafeMutableBufferPointer { ranks in
            for (i, p) in range.enumerated() {
                let id = ids[rows.map { Int($0[p]) } ?? p]
                ranks[i] = id
                if id != null {
                    low = min(low, id)
                    high = max(high, id)
                }
            }
            for i in ranks.indices where ranks[i] != null {
                ranks[i] = descending ? high - ranks[i] : ranks[i] - low
            }
        }
        let span = low > high ? 0 : Int(high - low) + 1
        if range.count >= 64, span <= 4 * range.count + 1024 {
            return Self.countingSort(ranks, span: span, base: range.lowerBound)
        }
        var words = [UInt64]()
        words.reserveCapacity(range.count)
        for (i, rank) in ranks.enumerated() { words.append(UInt64(rank) << 32 | UInt64(UInt32(range.lowerBound + i))) }
        words.sort()
        return words.map { Int($0 & 0xFFFF_FFFF) }
    }

    /// Positions `base + i` ordered by `ranks[i]` (below `span`, or null: last), stable.
    private static func countingSort(_ ranks: [UInt32], span: Int, base: Int) -> [Int] {
        var next = [Int](repeating: 0, count: span + 2)
        ranks.withUnsafeBufferPointer { ranks in
            next.withUnsafeMutableBufferPointer { next in
                for rank in ranks { next[rank == StringColumn.nullID ? span + 1 : Int(rank) + 1] += 1 }
                for k in 1..<next.count { next[k] += next[k - 1] }
            }
        }
        return [Int](unsafeUninitializedCapacity: ranks.count) { out, initialized in
            ranks.withUnsafeBufferPointer { ranks in
                next.withUnsafeMutableBufferPointer { next in
                    for (i, rank) in ranks.enumerated() {
                        let k = rank == StringColumn.nullID ? span : Int(rank)
                        out[next[k]] = base + i
                        next[k] += 1
                    }
                }
            }
            initialized = ranks.count
        }
    }
}

extension Executor {
    /// The typed form of each key: plain columns read their buffers, others are evaluated.
    func sortKeyData(_ r: Relation, _ keys: [CheckedSortKey]) throws(EngineError) -> [(data: SortKeyData, descending: Bool)] {
        var out: [(data: SortKeyData, descending: Bool)] = []
        for key in keys {
            if let c = key.expr.columnIndex {
                let column = r.table.columns[c]
                switch column.data {
                case .int(let v): out.append((.int(v, column.isNull), key.descending)); continue
                case .float(let v): out.append((.float(v, column.isNull), key.descending)); continue
                case .string(let s): out.append((.ids(s.ids), key.descending)); continue
                case .bool(let v): out.append((.bool(v, column.isNull), key.descending)); continue
                case .boxed: break
                }
            }
            let eval = ExpressionEvaluator.compile(key.expr, r.table, nil)
            var values: [Value] = []
            values.reserveCapacity(r.count)
            try r.forEachRow(context) { row in values.append(eval(row)) }
            context.memory.charge(MemoryBudget.bytes(of: values[...]), MemoryStage("sort", anchor: key.expr.span),
                                  grew: "sort keys of \(MemoryBudget.describe(count: values.count)) rows")
            out.append((.boxed(values), key.descending))
        }
        if context.isCancelled() { throw .cancelled }
        return out
    }

    /// Row ids ordered by the keys; stable; nulls last whatever the direction.
    func orderedRows(_ r: Relation, _ keys: [CheckedSortKey], limit: Int?) throws(EngineError) -> [UInt32] {
        let n = r.count
        let limit = limit.map { max(0, $0) }
        if limit == 0 || n == 0 { return [] }
        // Positions, their merge copies and the output: 20 bytes a row (a heap of k for top).
        let kept = min(limit ?? n, n)
        context.memory.charge(kept * 20, MemoryStage(limit == nil ? "sort" : "top", anchor: keys.first?.expr.span),
                              grew: "\(limit == nil ? "sort" : "top-N") buffer of \(MemoryBudget.describe(count: kept)) rows")
        let data = try sortKeyData(r, keys)
        let rows = r.rows
        let positions: [Int]
        func typed<T>(_ o: TypedOrder<T>) throws(EngineError) -> [Int] {
            if let k = limit, k < n { return try topTyped(r, o, k) }
            return try order(r, o, limit)
        }
        if data.count == 1, case .int(let v, let mask) = data[0].data {
            positions = try typed(TypedOrder(values: v, mask: mask, rows: rows, descending: data[0].descending))
        } else if data.count == 1, case .float(let v, let mask) = data[0].data {
            positions = try typed(TypedOrder(values: v, mask: mask, rows: rows, descending: data[0].descending))
        } else if data.count == 1, case .ids(let ids) = data[0].data {
            positions = try order(r, IDOrder(ids: ids, rows: rows, descending: data[0].descending), limit)
        } else {
            positions = try order(r, GeneralOrder(keys: data, rows: rows), limit)
        }
        guard let rows else { return positions.map { UInt32($0) } }
        return positions.map { rows[$0] }
    }

    /// Positions in order: all of them, or the first `limit` through a bounded heap. Each core
    /// orders a contiguous chunk; the chunks' results are merged. The order is total (ties end
    /// on the position), so the merge is exactly the one-thread answer.
    private func order<O: PositionOrder>(_ r: Relation, _ o: O, _ limit: Int?) throws(EngineError) -> [Int] {
        let n = r.count
        let parts = Parallel.chunks(n, minimum: 65_536)
        guard let k = limit, k < n else {
            // Runs of at most `sortRun` positions, so that Ctrl-C is seen between two of them.
            let pieces = parts.flatMap { part in
                stride(from: part.lowerBound, to: part.upperBound, by: Self.sortRun).map { $0..<min(part.upperBound, $0 + Self.sortRun) }
            }
            var runs = try perChunk(pieces.isEmpty ? [0..<0] : pieces) { (range: Range<Int>) throws(EngineError) -> [Int] in
                if context.isCancelled() { throw .cancelled }
                return o.sorted(range)
            }
            while runs.count > 1 {
                if context.isCancelled() { throw .cancelled }
                runs = stride(from: 0, to: runs.count, by: 2).map { i in i + 1 < runs.count ? Self.merge(runs[i], runs[i + 1], o) : runs[i] }
            }
            return runs[0]
        }
        let tops = try perChunk(parts) { (range: Range<Int>) throws(EngineError) -> [Int] in
            var heap = BoundedHeap(order: o, capacity: k)
            var position = range.lowerBound
            try r.forEachRow(context, positions: range) { _ in
                heap.offer(position)
                position += 1
            }
            return heap.sorted()
        }
        return Self.firstOfRuns(tops, o, k)
    }

    /// `top k` by one typed column: once the heap is full, a row is compared with
    /// the root's raw value only. Positions arrive in increasing order, so a row whose value
    /// equals the root's comes after it, and a null row comes after every kept row.
    private func topTyped<T>(_ r: Relation, _ o: TypedOrder<T>, _ k: Int) throws(EngineError) -> [Int] {
        let values = o.values, mask = o.mask, rows = r.rows, descending = o.descending
        let tops = try perChunk(Parallel.chunks(r.count, minimum: 65_536)) { (range: Range<Int>) throws(EngineError) -> [Int] in
            var heap = BoundedHeap(order: o, capacity: k)
            var position = range.lowerBound
            var rootValue: T? = nil, rootIsNull = false
            try r.forEachRow(context, positions: range) { row in
                defer { position += 1 }
                if !heap.isFull {
                    heap.offer(position)
                    if heap.isFull {
                        let root = heap.root
                        let rootRow = rows.map { Int($0[root]) } ?? root
                        rootIsNull = mask?[rootRow] ?? false
                        rootValue = values[rootRow]
                    }
                    return
                }
                if let mask, mask[row] { return }
                let x = values[row]
                guard rootIsNull || (descending ? x > rootValue! : x < rootValue!) else { return }
                heap.replaceRoot(position)
                let root = heap.root
                let rootRow = rows.map { Int($0[root]) } ?? root
                rootIsNull = mask?[rootRow] ?? false
                rootValue = values[rootRow]
            }
            return heap.sorted()
        }
        return Self.firstOfRuns(tops, o, k)
    }

    /// Positions sorted between two looks at cancellation in a full sort.
    static let sortRun = 1 << 17

    /// `body` over each chunk on its own core, results in chunk order; the first error wins.
    private func perChunk<T>(_ parts: [Range<Int>], _ body: (Range<Int>) throws(EngineError) -> T) throws(EngineError) -> [T] {
        try ChunkedWork.run(parts, body)
    }

    /// The first `k` of the union of sorted runs.
    private static func firstOfRuns<O: PositionOrder>(_ runs: [[Int]], _ o: O, _ k: Int) -> [Int] {
        if runs.count == 1 { return runs[0] }
        return Array(runs.joined().sorted(by: o.before).prefix(k))
    }

    /// Two sorted runs as one.
    private static func merge<O: PositionOrder>(_ a: [Int], _ b: [Int], _ o: O) -> [Int] {
        var out: [Int] = []
        out.reserveCapacity(a.count + b.count)
        var i = 0, j = 0
        while i < a.count && j < b.count {
            if o.before(b[j], a[i]) {
                out.append(b[j]); j += 1
            } else {
                out.append(a[i]); i += 1
            }
        }
        out.append(contentsOf: a[i...])
        out.append(contentsOf: b[j...])
        return out
    }
}

/// The first `capacity` positions offered, in an order: a max-heap whose root is the last
/// of those kept.
struct BoundedHeap<O: PositionOrder> {
    let order: O
    let capacity: Int
    private var heap: [Int] = []

    init(order: O, capacity: Int) {
        self.order = order
        self.capacity = capacity
        heap.reserveCapacity(capacity)
    }

    var isFull: Bool { heap.count >= capacity }
    var root: Int { heap[0] }

    @inline(__always)
    mutating func offer(_ p: Int) {
        if heap.count < capacity {
            heap.append(p)
            var child = heap.count - 1
            while child > 0 {
                let parent = (child - 1) / 2
                guard order.before(heap[parent], heap[child]) else { break }
                heap.swapAt(parent, child)
                child = parent
            }
        } else if capacity > 0, order.before(p, heap[0]) {
            replaceRoot(p)
        }
    }

    /// Puts `p` (which comes before the root) in the root's place.
    mutating func replaceRoot(_ p: Int) {
        heap[0] = p
        var parent = 0
        while true {
            let left = 2 * parent + 1
            if left >= heap.count { break }
            let right = left + 1
            var last = left
            if right < heap.count, order.before(heap[left], heap[right]) { last = right }
            guard order.before(heap[parent], heap[last]) else { break }
            heap.swapAt(parent, last)
            parent = last
        }
    }

    func sorted() -> [Int] { heap.sorted(by: order.before) }
}
