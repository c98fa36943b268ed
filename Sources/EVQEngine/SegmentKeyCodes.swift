// The keys of a summarize or distinct over segments, coded the same in every segment: a text
// column by its shared id (SegmentedTable.sharedTextIDs), a bool by 0/1/2, an integer or time
// key (and day, week, month, bin of one) by its value. Text and bool keys with few codes
// together give each row its group straight from its code; otherwise each segment's groups
// are numbered in one space by their codes, a lookup per group, not per row. Either way no
// rows or dictionaries are merged to find the groups (SegmentGroups).

import EVQStore

struct SegmentKeyCodes {
    private enum Key {
        case text(column: Int, SharedTextIDs)
        case bool(column: Int)
        case int64(Aggregation.Bucket, expr: TypedExpr)
    }

    private let keys: [Key]
    private let aggregation: Aggregation

    /// Nil without keys, when a key is none of those shapes, or when a text column's
    /// dictionaries are too many values together (then the caller merges representatives).
    init?(_ keys: [(name: String, expr: TypedExpr)], _ table: SegmentedTable, _ parts: [MergePart], _ aggregation: Aggregation) {
        // No keys: one group, which the general path gives even over no rows.
        guard !keys.isEmpty else { return nil }
        let schema = table.schemaTable
        var coded: [Key] = []
        for key in keys {
            if let c = key.expr.columnIndex, case .string = schema.columns[c].data {
                guard let ids = table.sharedTextIDs(ofColumn: c, limit: table.sharedTextLimit) else { return nil }
                coded.append(.text(column: c, ids))
            } else if let c = key.expr.columnIndex, case .bool = schema.columns[c].data {
                coded.append(.bool(column: c))
            } else if let (_, _, bucket) = aggregation.int64Key(key.expr, schema) {
                coded.append(.int64(bucket, expr: key.expr))
            } else {
                return nil
            }
        }
        // Every segment must hold each key as the first does (the codes below read it so).
        for part in parts {
            for (key, k) in zip(coded, keys) {
                switch key {
                case .text(let c, let shared): guard case .string = part.table.columns[c].data, shared.ids(of: part.table) != nil else { return nil }
                case .bool(let c): guard case .bool = part.table.columns[c].data else { return nil }
                case .int64: guard aggregation.int64Key(k.expr, part.table) != nil else { return nil }
                }
            }
        }
        self.keys = coded
        self.aggregation = aggregation
    }

    /// How many codes the keys have together, when every key is a text or bool column and
    /// that is at most `limit`: then a row's code (mixed radix, the last key fastest) is its
    /// group in every segment, and rows need no grouping per segment first.
    func denseSlots(limit: Int) -> Int? {
        var slots = 1
        for key in keys {
            switch key {
            case .text(_, let shared): slots *= shared.count + 1
            case .bool: slots *= 3
            case .int64: return nil
            }
            if slots > limit { return nil }
        }
        return slots
    }

    /// Each position's code (`denseSlots`) in `part`, and the codes present there with
    /// their first rows, ascending by row: one pass per key over the part's rows.
    func rowCodes(_ part: Relation, slots: Int) -> (codes: ContiguousArray<Int32>, present: [Int32], firstRows: [UInt32]) {
        let n = part.count
        var codes = ContiguousArray<Int32>(repeating: 0, count: n)
        let positions = part.rows ?? []
        let scattered = part.rows != nil
        // A batch's values are gathered first, in a loop of independent loads: over a posting
        // list's scattered rows the codes would otherwise wait on one cache miss at a time.
        let gathered = UnsafeMutablePointer<UInt32>.allocate(capacity: ExecutionContext.batchSize)
        defer { gathered.deallocate() }
        codes.withUnsafeMutableBufferPointer { codes in
            positions.withUnsafeBufferPointer { positions in
                for key in keys {
                    switch key {
                    case .text(let c, let shared):
                        guard case .string(let text) = part.table.columns[c].data else { preconditionFailure("checked in init") }
                        // This segment's dictionary ids, then null, to codes.
                        let width = Int32(shared.count + 1)
                        let lut = shared.ids(of: part.table)!
                        let nullCode = lut.count - 1
                        text.ids.withUnsafeBufferPointer { ids in
                            lut.withUnsafeBufferPointer { lut in
                                var start = 0
                                while start < n {
                                    let m = min(n - start, ExecutionContext.batchSize)
                                    if scattered {
                                        for i in 0..<m { gathered[i] = ids[Int(positions[start + i])] }
                                    } else {
                                        for i in 0..<m { gathered[i] = ids[start + i] }
                                    }
                                    for i in 0..<m {
                                        let id = gathered[i]
                                        codes[start + i] = codes[start + i] &* width &+ Int32(lut[id == StringColumn.nullID ? nullCode : Int(id)])
                                    }
                                    start += m
                                }
                            }
                        }
                    case .bool(let c):
                        let column = part.table.columns[c]
                        guard case .bool(let v) = column.data else { preconditionFailure("checked in init") }
                        let mask = column.isNull
                        for p in 0..<n {
                            let r = scattered ? Int(positions[p]) : p
                            codes[p] = codes[p] &* 3 &+ (mask?[r] == true ? 2 : (v[r] ? 1 : 0))
                        }
                    case .int64:
                        preconditionFailure("denseSlots is nil with an integer key")
                    }
                }
            }
        }
        // Codes in order of first sight are in row order: the part's rows ascend.
        var seen = [Bool](repeating: false, count: slots)
        var present: [Int32] = [], firstRows: [UInt32] = []
        for p in 0..<n where !seen[Int(codes[p])] {
            seen[Int(codes[p])] = true
            present.append(codes[p])
            firstRows.append(scattered ? positions[p] : UInt32(p))
        }
        return (codes, present, firstRows)
    }

    /// Every local group's shared group, numbered in order of first sight (part by part, each
    /// part's groups in order); and how many there are. `firstRows`: each part's local groups'
    /// first rows, in group order.
    func number(_ firstRows: [[UInt32]], _ parts: [Relation]) -> (ofLocal: [[Int32]], count: Int) {
        var combined: [Int64] = []
        var width: Int64 = 1
        for key in keys {
            let (codes, w) = codes(of: key, firstRows, parts)
            if combined.isEmpty {
                combined = codes
                width = w
                continue
            }
            // Mixed radix while the product fits; else renumber densely first.
            if width.multipliedReportingOverflow(by: w).overflow || width * w >= 1 << 62 {
                (combined, width) = Self.dense(combined)
            }
            for i in combined.indices { combined[i] = combined[i] * w + codes[i] }
            width *= w
        }
        let (ids, count) = Self.dense(combined)
        var ofLocal: [[Int32]] = []
        var at = 0
        for rows in firstRows {
            ofLocal.append(ids[at..<at + rows.count].map { Int32($0) })
            at += rows.count
        }
        return (ofLocal, Int(count))
    }

    /// One key's code for every local group (parts one after another), and how many codes
    /// there can be (codes are below it).
    private func codes(of key: Key, _ firstRows: [[UInt32]], _ parts: [Relation]) -> ([Int64], Int64) {
        var out: [Int64] = []
        out.reserveCapacity(firstRows.reduce(0) { $0 + $1.count })
        switch key {
        case .text(let c, let shared):
            for (s, rows) in firstRows.enumerated() {
                guard case .string(let text) = parts[s].table.columns[c].data else { preconditionFailure("a text key's column is text in every segment") }
                let map = shared.ids(of: parts[s].table)!, ids = text.ids
                for row in rows { out.append(Int64(SharedTextIDs.code(of: ids[Int(row)], in: map))) }
            }
            return (out, Int64(shared.count + 1))
        case .bool(let c):
            for (s, rows) in firstRows.enumerated() {
                let column = parts[s].table.columns[c]
                guard case .bool(let v) = column.data else { preconditionFailure("a bool key's column is bool in every segment") }
                for row in rows.map(Int.init) { out.append(column.isNull?[row] == true ? 2 : (v[row] ? 1 : 0)) }
            }
            return (out, 3)
        case .int64(let bucket, let expr):
            // Values are any Int64: numbered densely first, null after them all.
            var map = GroupIDTable()
            var values: [Int64?] = []
            var next: Int32 = 0
            for (s, rows) in firstRows.enumerated() {
                guard let (column, v, _) = aggregation.int64Key(expr, parts[s].table) else { preconditionFailure("an integer key reads integers in every segment") }
                for row in rows.map(Int.init) {
                    if column.isNull?[row] == true {
                        values.append(nil)
                        continue
                    }
                    let g = map.group(of: bucket.apply(v[row]), newGroup: next)
                    if g == next { next += 1 }
                    values.append(Int64(g))
                }
            }
            let null = Int64(next)
            return (values.map { $0 ?? null }, null + 1)
        }
    }

    /// Codes renumbered 0, 1, … in order of first appearance, and how many there are.
    private static func dense(_ codes: [Int64]) -> ([Int64], Int64) {
        var map = GroupIDTable(expected: min(codes.count, 1 << 20))
        var next: Int32 = 0
        let out = codes.map { code -> Int64 in
            let g = map.group(of: code, newGroup: next)
            if g == next { next += 1 }
            return Int64(g)
        }
        return (out, Int64(next))
    }
}
