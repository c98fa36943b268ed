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
    static func build(_ pending: [TableAccumulator.PendingColumn], rows: Int, shape: Shape, name: String) -> Table {
        var order: [UInt32]? = nil
        if let t = shape.timeIndex {
            order = timeOrder(ids: pending[t].ids, times: perText(pending[t].texts) { CellText.time($0, layout: pending[t].layout) })
        }
        let columns = pending.indices.map { makeColumn(pending[$0], type: shape.types[$0], order: order) }
        return Table(name: name, columns: columns, rowCount: rows, timeColumnIndex: shape.timeIndex)
    }

    /// Row order by time ascending, ties and nulls (last) in input order; nil when the input
    /// is already in that order.
    static func timeOrder(ids: [UInt32], times: [Int64?]) -> [UInt32]? {
        var keyed: [(time: Int64, row: UInt32)] = []
        keyed.reserveCapacity(ids.count)
        var nulls: [UInt32] = []
        var sorted = true
        for (row, id) in ids.enumerated() {
            guard id != TableAccumulator.nullID, let t = times[Int(id)] else {
                nulls.append(UInt32(row))
                continue
            }
            if !nulls.isEmpty || (keyed.last.map { $0.time > t } ?? false) { sorted = false }
            keyed.append((t, UInt32(row)))
        }
        if sorted { return nil }
        keyed.sort { $0.time != $1.time ? $0.time < $1.time : $0.row < $1.row }
        return keyed.map(\.row) + nulls
    }

    /// Converts each distinct text once, ignoring blanks around it; nil where it does not convert.
    static func perText<T>(_ texts: ByteInterner, _ convert: (UnsafeBufferPointer<UInt8>) -> T?) -> [T?] {
        (0..<texts.count).map { texts.withValue($0) { convert(CellText.trim($0)) } }
    }

    static func makeColumn(_ c: TableAccumulator.PendingColumn, type: DataType, order: [UInt32]?) -> Column {
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
        let strings = (0..<c.texts.count).map { c.texts.string($0) }
        // Byte order is String order for NFC text, and much cheaper to sort by; one pass
        // checks it and falls back to comparing Strings (decomposed accents, bad UTF-8).
        var sorted = c.texts.sortedIDs()
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
        let n = c.ids.count
        var ids = ContiguousArray<UInt32>(repeating: StringColumn.nullID, count: n)
        var mask = ContiguousArray<Bool>(repeating: false, count: n)
        var anyNull = false
        for r in 0..<n {
            let id = c.ids[order.map { Int($0[r]) } ?? r]
            if id == TableAccumulator.nullID {
                mask[r] = true
                anyNull = true
            } else {
                ids[r] = newID[Int(id)]
            }
        }
        let dictionary = StringDictionary(sortedUnique: unique)
        return Column(name: c.name, type: .string, data: .string(StringColumn(ids: ids, dictionary: dictionary)),
                      isNull: anyNull ? mask : nil)
    }
}
