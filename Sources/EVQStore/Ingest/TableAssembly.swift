// Turns accumulated cell ids into a `Table`: infers each column's type over its distinct
// texts, converts each distinct text once, sorts rows by the time column, fills typed buffers.
// Builds `Column`s directly; `TableBuilder` would box every cell as a `Value` first.

enum TableAssembly {
    /// The column types and the time column of a table, from each column's evidence:
    /// `explicit` when given (the caller made sure it exists and is forced to time), else the
    /// first candidate name (any letter case) whose column is time, or whose every text reads
    /// in an automatic layout (`20150218`); such a column becomes time.
    struct Shape {
        var types: [DataType]
        var timeIndex: Int?
    }

    static func shape(_ pending: [TableAccumulator.PendingColumn], evidence: [TypeEvidence], explicit: String?) -> Shape {
        var types = pending.indices.map { pending[$0].forced ?? evidence[$0].inferredType }
        if let explicit { return Shape(types: types, timeIndex: pending.firstIndex { $0.name == explicit }) }
        for candidate in IngestOptions.timeColumnCandidates {
            guard let i = pending.firstIndex(where: { $0.name.lowercased() == candidate.lowercased() }) else { continue }
            if types[i] == .time { return Shape(types: types, timeIndex: i) }
            if pending[i].forced == nil, evidence[i].hasText, evidence[i].readsAsTime {
                types[i] = .time
                return Shape(types: types, timeIndex: i)
            }
        }
        return Shape(types: types, timeIndex: nil)
    }

    /// Whether some text is a timestamp with a fraction of a second (`14:30:05.250`), which a
    /// time column stores to the second.
    static func hasFractionalSeconds(_ texts: ByteInterner) -> Bool {
        (0..<texts.count).contains { id in
            texts.withValue(id) { b in
                b.count > 9 && (3..<b.count).contains { i in
                    b[i] == 0x2E && b[i - 3] == 0x3A && b[i - 1] &- 0x30 < 10 && i + 1 < b.count && b[i + 1] &- 0x30 < 10
                }
            }
        }
    }

    /// Whether every distinct text reads as time in an automatic layout, blanks aside.
    static func readsAsTime(_ texts: ByteInterner) -> Bool {
        (0..<texts.count).allSatisfy { id in
            texts.withValue(id) { b in
                let t = CellText.trim(b)
                return t.isEmpty || TimeLayout.parseAutomatic(t) != nil
            }
        }
    }

    /// The table of `pending`'s rows (`rows` of them) in `shape`, sorted by its time column.
    /// Columns are built on all cores (each is independent once the row order is known).
    static func build(_ pending: [TableAccumulator.PendingColumn], rows: Int, shape: Shape, name: String) -> Table {
        var order: [UInt32]? = nil
        if let t = shape.timeIndex {
            order = timeOrder(ids: pending[t].ids, times: perText(pending[t].texts) { CellText.time($0, layout: pending[t].layout) })
        }
        LoadTrace.mark("time order")
        // Widest first, so that the long text column does not start last; a column wider than
        // all the others together (notes) is built alone first, on every core (its sort and
        // dictionary split themselves).
        let columns = Parallel.mapLargestAlone(costs: pending.map(\.texts.byteCount)) { i in
            LoadTrace.timed("column \(pending[i].name)") { makeColumn(pending[i], type: shape.types[i], order: order) }
        }
        LoadTrace.mark("columns")
        return Table(name: name, columns: columns, rowCount: rows, timeColumnIndex: shape.timeIndex)
    }

    /// Row order by time ascending, ties and nulls (last) in input order; nil when the input
    /// is already in that order. A counting sort over the distinct times: linear in the rows
    /// (a time column holds far fewer distinct texts than rows), and stable.
    static func timeOrder(ids: [UInt32], times: [Int64?]) -> [UInt32]? {
        var timed: [(time: Int64, id: UInt32)] = []
        timed.reserveCapacity(times.count)
        for (id, t) in times.enumerated() { if let t { timed.append((t, UInt32(id))) } }
        timed.sort { $0.time < $1.time }
        let untimed = UInt32.max
        var rank = [UInt32](repeating: untimed, count: times.count)
        var ranks = 0
        for k in timed.indices {
            if k > 0 && timed[k].time != timed[k - 1].time { ranks += 1 }
            rank[Int(timed[k].id)] = UInt32(ranks)
        }
        let nullBucket = timed.isEmpty ? 0 : ranks + 1
        var starts = [Int](repeating: 0, count: nullBucket + 1)
        var sorted = true
        return rank.withUnsafeBufferPointer { rank -> [UInt32]? in
            ids.withUnsafeBufferPointer { ids -> [UInt32]? in
                func bucket(_ id: UInt32) -> Int {
                    guard id != TableAccumulator.nullID else { return nullBucket }
                    let r = rank[Int(id)]
                    return r == untimed ? nullBucket : Int(r)
                }
                var last = 0
                for id in ids {
                    let b = bucket(id)
                    if b < last { sorted = false }  // nulls' bucket is the last one
                    last = b
                    starts[b] += 1
                }
                if sorted { return nil }
                var at = 0
                for b in starts.indices {
                    let n = starts[b]
                    starts[b] = at
                    at += n
                }
                var order = [UInt32](repeating: 0, count: ids.count)
                order.withUnsafeMutableBufferPointer { order in
                    for row in 0..<ids.count {
                        let b = bucket(ids[row])
                        order[starts[b]] = UInt32(row)
                        starts[b] += 1
                    }
                }
                return order
            }
        }
    }

    /// Converts each distinct text once, ignoring blanks around it; nil where it does not convert.
    static func perText<T>(_ texts: ByteInterner, _ convert: (UnsafeBufferPointer<UInt8>) -> T?) -> [T?] {
        (0..<texts.count).map { texts.withValue($0) { convert(CellText.trim($0)) } }
    }

    static func makeColumn(_ c: TableAccumulator.PendingColumn, type: DataType, order: [UInt32]?) -> Column {
        if let numbers = c.numbers { return numberColumn(c, numbers, type: type, order: order) }
        switch type {
        case .bool:
            let (data, mask) = expand(c.ids, perText(c.texts, CellText.bool), order: order, zero: false)
            return Column(name: c.name, type: .bool, data: .bool(data), isNull: mask)
        case .int, .time, .duration:
            let values: [Int64?] =
                switch type {
                case .int: perText(c.texts, CellText.int)
                case .time: perText(c.texts) { CellText.time($0, layout: c.layout) }
                default: perText(c.texts, CellText.duration)
                }
            let (data, mask) = expand(c.ids, values, order: order, zero: Int64(0))
            return Column(name: c.name, type: type, data: .int(data), isNull: mask)
        case .float:
            let (data, mask) = expand(c.ids, perText(c.texts, CellText.float), order: order, zero: 0.0)
            return Column(name: c.name, type: .float, data: .float(data), isNull: mask)
        case .string, .list, .null:
            return stringColumn(c, order: order)
        }
    }

    /// A column whose cells were kept as numbers: int or float, as its texts say (their
    /// candidates only ever allow these two; a text that is not a number restarts the load).
    static func numberColumn(_ c: TableAccumulator.PendingColumn, _ numbers: NumberCells, type: DataType, order: [UInt32]?) -> Column {
        precondition(type == .int || type == .float, "a number column is int or float, not \(type)")
        let n = c.ids.count
        // Ids, coordinates and amounts are seldom null: then no mask is gathered (at random).
        let anyNull = c.ids.contains(TableAccumulator.nullID)
        let mask = !anyNull ? nil : ContiguousArray<Bool>(unsafeUninitializedCapacity: n) { out, count in
            c.ids.withUnsafeBufferPointer { ids in
                for r in 0..<n { out[r] = ids[order.map { Int($0[r]) } ?? r] == TableAccumulator.nullID }
            }
            count = n
        }
        func rows<T>(_ value: (Int) -> T) -> ContiguousArray<T> {
            ContiguousArray(unsafeUninitializedCapacity: n) { out, count in
                if let order {
                    order.withUnsafeBufferPointer { order in for r in 0..<n { out[r] = value(Int(order[r])) } }
                } else {
                    for r in 0..<n { out[r] = value(r) }
                }
                count = n
            }
        }
        // A null cell's value is 0 (`NumberCells.values`), as `expand` writes.
        let data: ColumnData = type == .int ? .int(rows(numbers.int)) : .float(rows(numbers.float))
        return Column(name: c.name, type: type, data: data, isNull: mask)
    }

    /// Per-row values from per-text values, in `order`; null where the cell is empty or its
    /// text did not convert.
    static func expand<T>(
        _ ids: [UInt32], _ values: [T?], order: [UInt32]?, zero: T
    ) -> (ContiguousArray<T>, ContiguousArray<Bool>?) {
        let n = ids.count
        var data = ContiguousArray<T>(repeating: zero, count: n)
        var mask = ContiguousArray<Bool>(repeating: false, count: n)
        var anyNull = false
        ids.withUnsafeBufferPointer { ids in
            data.withUnsafeMutableBufferPointer { data in
                mask.withUnsafeMutableBufferPointer { mask in
                    for r in 0..<n {
                        let id = ids[order.map { Int($0[r]) } ?? r]
                        if id != TableAccumulator.nullID, let v = values[Int(id)] {
                            data[r] = v
                        } else {
                            mask[r] = true
                            anyNull = true
                        }
                    }
                }
            }
        }
        return (data, anyNull ? mask : nil)
    }

    /// Dictionary in String order (what `StringDictionary` requires); texts whose Strings are
    /// equal (canonically equivalent, or the same after U+FFFD repair) share one id.
    static func stringColumn(_ c: TableAccumulator.PendingColumn, order: [UInt32]?) -> Column {
        let sorted = LoadTrace.timed("  sort of \(c.name)") { c.texts.sortedIDs() }
        let (dictionary, newID) = LoadTrace.timed("  dictionary of \(c.name)") {
            byteOrderedDictionary(c.texts, sorted: sorted) ?? stringOrderedDictionary(c.texts, sorted: sorted)
        }
        let n = c.ids.count
        var anyNull = false
        let mask = ContiguousArray<Bool>(unsafeUninitializedCapacity: n) { out, count in
            c.ids.withUnsafeBufferPointer { cells in
                for r in 0..<n {
                    let isNull = cells[order.map { Int($0[r]) } ?? r] == TableAccumulator.nullID
                    out[r] = isNull
                    if isNull { anyNull = true }
                }
            }
            count = n
        }
        let ids = ColumnBuffer<UInt32>(unsafeUninitializedCount: n) { out in
            c.ids.withUnsafeBufferPointer { cells in
                newID.withUnsafeBufferPointer { newID in
                    if let order {
                        order.withUnsafeBufferPointer { order in
                            for r in 0..<n {
                                let id = cells[Int(order[r])]
                                out[r] = id == TableAccumulator.nullID ? StringColumn.nullID : newID[Int(id)]
                            }
                        }
                    } else {
                        for r in 0..<n {
                            let id = cells[r]
                            out[r] = id == TableAccumulator.nullID ? StringColumn.nullID : newID[Int(id)]
                        }
                    }
                }
            }
        }
        return Column(name: c.name, type: .string, data: .string(StringColumn(ids: ids, dictionary: dictionary)),
                      isNull: anyNull ? mask : nil)
    }

    /// The dictionary straight from the texts' bytes, when byte order is String order for
    /// them: always between two ASCII texts (their Strings compare byte by byte), and checked
    /// through Strings for any pair with another byte. Nil when a pair is out of String order
    /// (decomposed accents, bad UTF-8): then `stringOrderedDictionary` sorts Strings.
    /// Returns the dictionary and the new id of each text. On all cores for many texts (a
    /// notes column): each core takes a run of the sorted ids, finds where a new value begins,
    /// then numbers the values and places them, from where the runs before it ended; then
    /// each core copies the bytes of a range of ids, in id order.
    ///
    /// Two ASCII neighbours are equal when the sort says so (`equalToPrevious`), and whether
    /// each text is ASCII is found first, reading them in id order: only a neighbour with
    /// another byte is read in sorted order (at random).
    static func byteOrderedDictionary(_ texts: ByteInterner, sorted order: ByteInterner.SortedTexts) -> (StringDictionary, [UInt32])? {
        let sorted = order.ids, same = order.equalToPrevious
        let n = sorted.count
        let chunks = Parallel.chunks(n, minimum: 1 << 16)
        let asciiByID: [Bool] = texts.storage.withUnsafeBufferPointer { s in
            texts.offsets.withUnsafeBufferPointer { o in
                let runs = Parallel.map(chunks.count) { c in
                    chunks[c].map { id in Self.isASCII(UnsafeBufferPointer(rebasing: s[o[id]..<o[id + 1]])) }
                }
                return Array(runs.joined())
            }
        }
        // Per run of the sorted ids: the ids that begin a value (differ from the id before,
        // across the run's start too), repaired bytes of those not UTF-8, and their bytes.
        struct Run {
            var firsts: [Int] = []
            var repaired: [Int: [UInt8]] = [:]
            var bytes = 0
        }
        let found: [Run?] = texts.storage.withUnsafeBufferPointer { s in
            texts.offsets.withUnsafeBufferPointer { o in
                func bytes(_ id: Int) -> UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(rebasing: s[o[id]..<o[id + 1]]) }
                return Parallel.map(chunks.count) { c -> Run? in
                    var run = Run()
                    run.firsts.reserveCapacity(chunks[c].count)
                    var previous = chunks[c].lowerBound > 0 ? sorted[chunks[c].lowerBound - 1] : -1
                    var previousIsASCII = previous < 0 || asciiByID[previous]
                    for k in chunks[c] {
                        let id = sorted[k]
                        let isASCII = asciiByID[id]
                        var equal = false
                        if previous >= 0 {
                            if isASCII && previousIsASCII {
                                equal = same[k]
                            } else {
                                let a = String(decoding: bytes(previous), as: UTF8.self), z = String(decoding: bytes(id), as: UTF8.self)
                                if z < a { return nil }
                                equal = a == z
                            }
                        }
                        if !equal {
                            run.firsts.append(id)
                            if !isASCII, String(validating: bytes(id), as: UTF8.self) == nil {
                                let fixed = Array(String(decoding: bytes(id), as: UTF8.self).utf8)
                                run.repaired[id] = fixed
                                run.bytes += fixed.count
                            } else {
                                run.bytes += o[id + 1] - o[id]
                            }
                        }
                        previous = id
                        previousIsASCII = isASCII
                    }
                    return run
                }
            }
        }
        guard !found.contains(where: { $0 == nil }) else { return nil }
        let runs = found.map { $0! }
        // Where each run's values and bytes begin.
        var firstValue = [0], firstByte = [0]
        for run in runs {
            firstValue.append(firstValue.last! + run.firsts.count)
            firstByte.append(firstByte.last! + run.bytes)
        }
        let values = firstValue.last!
        var newID = [UInt32](repeating: 0, count: texts.count)
        // Whether each id is the first of its value in sorted order (the one whose bytes go in).
        var isFirst = [Bool](repeating: false, count: texts.count)
        var repaired: [Int: [UInt8]] = [:]
        for run in runs { repaired.merge(run.repaired) { a, _ in a } }
        var blob = ColumnBuffer<UInt8>()
        let offsets = ColumnBuffer<UInt64>(unsafeUninitializedCount: values + 1) { offsets in
            offsets[values] = UInt64(firstByte.last!)
            blob = ColumnBuffer<UInt8>(unsafeUninitializedCount: firstByte.last!) { blob in
                newID.withUnsafeMutableBufferPointer { newID in
                  isFirst.withUnsafeMutableBufferPointer { isFirst in
                    texts.storage.withUnsafeBufferPointer { s in
                        texts.offsets.withUnsafeBufferPointer { o in
                            // Numbers and offsets in sorted order, each core its own runs' slots.
                            let shared = UncheckedSendable((newID, offsets, isFirst))
                            _ = Parallel.map(runs.count) { c in
                                let (newID, offsets, isFirst) = shared.value
                                let run = runs[c]
                                // The value going on from the run before (its last) until this run's first.
                                var value = firstValue[c] - 1
                                var nextFirst = 0
                                for k in chunks[c] {
                                    let id = sorted[k]
                                    if nextFirst < run.firsts.count && run.firsts[nextFirst] == id {
                                        value += 1
                                        nextFirst += 1
                                    }
                                    newID[id] = UInt32(value)
                                }
                                var at = firstByte[c]
                                for (j, id) in run.firsts.enumerated() {
                                    offsets[firstValue[c] + j] = UInt64(at)
                                    isFirst[id] = true
                                    at += run.repaired[id]?.count ?? o[id + 1] - o[id]
                                }
                            }
                            // The bytes in id order: texts are read in sequence and written at
                            // random, where reading them in sorted order waited on a cache miss
                            // for each (900 MB of texts at 10 M rows).
                            let ids = Parallel.chunks(texts.count, minimum: 1 << 16)
                            let copying = UncheckedSendable((newID, offsets, isFirst, blob))
                            _ = Parallel.map(ids.count) { c in
                                let (newID, offsets, isFirst, blob) = copying.value
                                for id in ids[c] where isFirst[id] {
                                    let at = Int(offsets[Int(newID[id])])
                                    if let fixed = repaired[id] {
                                        for (k, byte) in fixed.enumerated() { blob[at + k] = byte }
                                    } else {
                                        let lo = o[id], count = o[id + 1] - lo
                                        if count > 0 { (blob.baseAddress! + at).initialize(from: s.baseAddress! + lo, count: count) }
                                    }
                                }
                            }
                        }
                    }
                  }
                }
            }
        }
        return (StringDictionary(offsets: offsets, bytes: blob), newID)
    }

    /// The dictionary of texts sorted as Strings: the general case.
    static func stringOrderedDictionary(_ texts: ByteInterner, sorted byteOrder: ByteInterner.SortedTexts) -> (StringDictionary, [UInt32]) {
        let strings = (0..<texts.count).map { texts.string($0) }
        var sorted = byteOrder.ids
        for k in sorted.indices.dropFirst() where strings[sorted[k]] < strings[sorted[k - 1]] {
            sorted.sort { strings[$0] < strings[$1] }
            break
        }
        var newID = [UInt32](repeating: 0, count: strings.count)
        var unique: [String] = []
        unique.reserveCapacity(strings.count)
        for i in sorted {
            if unique.last != strings[i] { unique.append(strings[i]) }
            newID[i] = UInt32(unique.count - 1)
        }
        return (StringDictionary(sortedUnique: unique), newID)
    }

    /// Whether every byte is below 0x80.
    @inline(__always)
    static func isASCII(_ b: UnsafeBufferPointer<UInt8>) -> Bool { ASCIIBytes.all(b) }
}
