// Collects rows from any number of files into one growing set of columns (union of names,
// first-seen order) as interned cell ids. Readers hand it only rows they have accepted.
// With a spill, every `chunkRows` rows go to it and the columns start empty again, so that
// memory holds one chunk; each chunk's type evidence is kept.

struct TableAccumulator {
    struct PendingColumn {
        let name: String
        /// Type from `IngestOptions.types`; nil = infer at the end.
        let forced: DataType?
        /// For a time column: how its text is written; nil = `TimeLayout.automatic`.
        let layout: TimeLayout?
        var texts = ByteInterner()
        /// One per row added so far (or one more while a row is open); `nullID` = empty cell.
        var ids: [UInt32] = []
        /// For a forced column: whether text `id` failed to convert (its cells become null).
        var unconvertible: [Bool] = []
        /// The cells as numbers once they look unique and numeric (`NumberCells`); `texts` is
        /// then empty, and `ids` say only which cells are null.
        var numbers: NumberCells?
        /// Whether the column may still turn into numbers: its type is inferred and it is not
        /// a time column by name.
        var mayBecomeNumbers = false
    }

    /// What the reader must report about a cell it stored.
    enum CellNote {
        case none
        /// Not convertible to the column's forced type; stored as null.
        case unconvertible(DataType)
        /// New text that is not valid UTF-8; stored with U+FFFD replacements.
        case invalidUTF8
        /// A second value for the same column in one row (JSON duplicate key); it replaced the first.
        case replaced
    }

    static let nullID = UInt32.max

    private(set) var columns: [PendingColumn] = []
    private var indexByName: [String: Int] = [:]
    private let forcedTypes: [String: DataType]
    private let layouts: [String: TimeLayout]
    /// Completed rows (of the current chunk); every column's `ids` has this many entries between rows.
    private(set) var rowCount = 0
    /// Rows of the chunks already spilled.
    private(set) var rowsSpilled = 0
    /// Where full chunks go; nil keeps every row here.
    var spill: ChunkSpill?
    var chunkRows = 1 << 20
    /// The first failure to spill, known once `finishSpilling` has waited for the spill; the
    /// load then fails at its end.
    private(set) var spillError: IngestError?
    /// The type evidence of the spilled chunks, by column (shorter when later chunks added columns).
    private(set) var spilledEvidence: [TypeEvidence] = []
    /// How the columns grow when a part joins (`append`).
    private var growth = Growth(share: 1, bytesLeft: 0)
    /// Whether columns whose texts look unique and numeric keep their cells as numbers
    /// (`NumberCells`).
    var keepsNumbers = true
    /// Columns that must stay text: a number column met a cell that is not a number before.
    var textOnly: Set<String> = []
    /// Number columns that met a cell that is not a number. The load must start again with
    /// them in `textOnly` (their earlier cells' texts are gone); until then cells are lost.
    private(set) var numbersFailed: Set<String> = []
    /// Columns that chunks already spilled held as numbers.
    private var spilledNumbers: Set<String> = []

    /// Columns held as numbers in some chunk: if the types of the whole input make one of
    /// them anything but int or float (a later chunk held a text that is not a number, read
    /// before the column turned), the load must start again with it in `textOnly`.
    var heldAsNumbers: Set<String> { spilledNumbers.union(columns.filter { $0.numbers != nil }.map(\.name)) }

    /// Room to make when a column's cells or texts outgrow their capacity.
    struct Growth {
        var share: Double
        var bytesLeft: Int

        /// Capacity for `needed` elements when `needed` come from the input read so far and
        /// each element takes at least `bytesPerElement` bytes of input: the count extrapolated
        /// to the whole input, a tenth over, but never more than the bytes left could add.
        func capacity(for needed: Int, bytesPerElement: Int) -> Int {
            guard share < 1, share > 0 else { return needed }
            let estimate = Double(needed) / share * 1.1
            let most = Double(needed) + Double(bytesLeft / max(1, bytesPerElement))
            return max(needed, Int(min(estimate, most)))
        }
    }

    init(forcedTypes: [String: DataType], layouts: [String: TimeLayout] = [:]) {
        self.forcedTypes = forcedTypes
        self.layouts = layouts
    }

    /// An accumulator with `other`'s columns (names, forced types, layouts) and no rows, for
    /// one part of a file read on its own core; `append` joins it back.
    init(shapedLike other: TableAccumulator) {
        forcedTypes = other.forcedTypes
        layouts = other.layouts
        keepsNumbers = other.keepsNumbers
        textOnly = other.textOnly
        columns = other.columns.map {
            var c = PendingColumn(name: $0.name, forced: $0.forced, layout: $0.layout)
            c.mayBecomeNumbers = $0.mayBecomeNumbers
            return c
        }
        indexByName = other.indexByName
    }

    /// Appends the rows of `part`, an accumulator made by `init(shapedLike:)` of this one (or of
    /// one with fewer columns). Its texts are interned here, so ids stay this table's. With a
    /// spill, the rows that fill the current chunk go into it, the chunk is spilled, and the
    /// rest start the next: chunks keep `chunkRows` rows, as when rows are added one by one.
    ///
    /// `share` says what part of the whole input the rows held will make once `part` is in
    /// (0 < share ≤ 1, a byte fraction), and `bytesLeft` how many input bytes follow it: a
    /// column that must grow then grows once to about its final size, instead of by half
    /// again each time, each time copying all of it into memory the system must clear first.
    /// Capacity reserved beyond the final size is address space only, never touched.
    mutating func append(_ part: TableAccumulator, share: Double = 1, bytesLeft: Int = 0) {
        growth = Growth(share: share, bytesLeft: bytesLeft)
        numbersFailed.formUnion(part.numbersFailed)
        precondition(part.spill == nil && part.columns.count <= columns.count, "a part joins the accumulator it was shaped like")
        if rowCount == 0 && part.columns.count == columns.count && columns.allSatisfy({ $0.texts.count == 0 })
            && (spill == nil || part.rowCount < chunkRows)
        {
            columns = part.columns
            rowCount = part.rowCount
            return
        }
        guard spill != nil else {
            join(part, rows: 0..<part.rowCount, whole: true)
            return
        }
        var from = 0
        while from < part.rowCount {
            let take = spillError == nil ? min(part.rowCount - from, chunkRows - rowCount) : part.rowCount - from
            join(part, rows: from..<from + take, whole: false)
            from += take
            if rowCount >= chunkRows, spillError == nil { spillChunk() }
        }
    }

    /// Appends rows `rows` of `part`. Columns are independent: each core joins whole columns,
    /// the widest first (each slot is written by one core only, in place, so no column's
    /// buffers are copied). `whole`: every row of the part, whose every text is then interned
    /// (in text order); else only the texts those rows use (in row order), so that a chunk's
    /// dictionary holds its own values only.
    private mutating func join(_ part: TableAccumulator, rows: Range<Int>, whole: Bool) {
        let order = columns.indices.sorted { columns[$0].texts.byteCount > columns[$1].texts.byteCount }
        let growth = growth
        // Each core writes the flags of its own columns only.
        let failed = UnsafeMutableBufferPointer<Bool>.allocate(capacity: columns.count)
        failed.initialize(repeating: false)
        defer { failed.deallocate() }
        let failures = UncheckedSendable(failed)
        columns.withUnsafeMutableBufferPointer { columns in
            _ = Parallel.map(order.count) { k in
                let i = order[k]
                guard i < part.columns.count else {
                    Self.appendNulls(&columns[i], rows.count)
                    return
                }
                if columns[i].numbers != nil || part.columns[i].numbers != nil {
                    if !Self.joinNumbers(&columns[i], part.columns[i], rows: rows) { failures.value[i] = true }
                } else if whole {
                    Self.join(&columns[i], part.columns[i], growth: growth)
                } else {
                    Self.join(&columns[i], part.columns[i], rows: rows, growth: growth)
                }
            }
        }
        for i in columns.indices where failed[i] { numbersFailed.insert(columns[i].name) }
        rowCount += rows.count
    }

    /// Appends `count` null cells.
    private static func appendNulls(_ c: inout PendingColumn, _ count: Int) {
        c.ids.append(contentsOf: repeatElement(Self.nullID, count: count))
        c.numbers?.values.append(contentsOf: repeatElement(0, count: count))
    }

    /// Appends rows `rows` of `from` to `into` when either holds numbers: the other's texts
    /// become numbers first. False (and the rows appended as nulls) when some text is not a
    /// number, or the two cannot share one representation exactly.
    private static func joinNumbers(_ into: inout PendingColumn, _ from: PendingColumn, rows: Range<Int>) -> Bool {
        var from = from
        if into.numbers == nil {
            guard let (numbers, ids) = NumberCells.converting(into.texts, ids: into.ids) else { return fail(&into, from) }
            into.numbers = numbers
            into.ids = ids
            into.texts = ByteInterner()
        }
        if from.numbers == nil {
            guard let (numbers, ids) = NumberCells.converting(from.texts, ids: from.ids) else { return fail(&into, from) }
            from.numbers = numbers
            from.ids = ids
        }
        guard into.numbers!.append(from.numbers!, rows: rows) else { return fail(&into, from) }
        into.ids.append(contentsOf: from.ids[rows])
        return true

        func fail(_ into: inout PendingColumn, _ from: PendingColumn) -> Bool {
            appendNulls(&into, rows.count)
            return false
        }
    }

    /// Appends rows `rows` of `from` to `into`, interning each text they use when first met.
    private static func join(_ into: inout PendingColumn, _ from: PendingColumn, rows: Range<Int>, growth: Growth) {
        let unmapped = UInt32.max
        var newID = [UInt32](repeating: unmapped, count: from.texts.count)
        into.ids.reserveRoom(for: rows.count) { growth.capacity(for: $0, bytesPerElement: 1) }
        for r in rows {
            let id = from.ids[r]
            if id == Self.nullID {
                into.ids.append(Self.nullID)
                continue
            }
            var mine = newID[Int(id)]
            if mine == unmapped {
                let (interned, inserted) = from.texts.withValue(Int(id)) { into.texts.intern($0) }
                if inserted && into.forced != nil { into.unconvertible.append(from.unconvertible[Int(id)]) }
                mine = interned
                newID[Int(id)] = mine
            }
            into.ids.append(mine)
        }
    }

    /// Appends `from`'s cells to `into`, interning its texts there.
    private static func join(_ into: inout PendingColumn, _ from: PendingColumn, growth: Growth) {
        if !into.texts.deduplicates {
            // Values that look unique (notes, ids, coordinates) are appended whole: the part's
            // texts in one copy, its ids shifted, instead of a call per value. A value takes its
            // bytes and a delimiter of input; a cell at least its delimiter.
            into.texts.reserve(values: from.texts.count, bytes: from.texts.byteCount) { needed, isBytes in
                growth.capacity(for: needed, bytesPerElement: isBytes ? 1 : 2)
            }
            let base = into.texts.appendAll(from.texts)
            if into.forced != nil { into.unconvertible.append(contentsOf: from.unconvertible) }
            into.ids.reserveRoom(for: from.ids.count) { growth.capacity(for: $0, bytesPerElement: 1) }
            from.ids.withUnsafeBufferPointer { ids in
                into.ids.append(contentsOf: ids.lazy.map { $0 == Self.nullID ? Self.nullID : $0 &+ base })
            }
            return
        }
        var newID = [UInt32](repeating: 0, count: from.texts.count)
        into.ids.reserveRoom(for: from.ids.count) { growth.capacity(for: $0, bytesPerElement: 1) }
        for id in 0..<from.texts.count {
            let (mine, inserted) = from.texts.withValue(id) { into.texts.intern($0) }
            if inserted && into.forced != nil { into.unconvertible.append(from.unconvertible[id]) }
            newID[id] = mine
        }
        newID.withUnsafeBufferPointer { map in
            from.ids.withUnsafeBufferPointer { ids in
                into.ids.append(contentsOf: ids.lazy.map { $0 == Self.nullID ? Self.nullID : map[Int($0)] })
            }
        }
    }

    var columnNames: [String] { columns.map(\.name) }

    /// The index of the named column, created (null for all earlier rows) when new.
    mutating func column(named name: String) -> Int {
        if let i = indexByName[name] { return i }
        var c = PendingColumn(name: name, forced: forcedTypes[name], layout: layouts[name])
        c.mayBecomeNumbers = mayBecomeNumbers(c)
        c.ids = [UInt32](repeating: Self.nullID, count: rowCount)
        columns.append(c)
        indexByName[name] = columns.count - 1
        return columns.count - 1
    }

    /// Whether `c` may keep its cells as numbers: its type is inferred and it is no time column.
    private func mayBecomeNumbers(_ c: PendingColumn) -> Bool {
        keepsNumbers && c.forced == nil && c.layout == nil && !textOnly.contains(c.name)
            && !IngestOptions.timeColumnCandidates.contains { $0.lowercased() == c.name.lowercased() }
    }

    /// Stores a cell of the open row; empty text is null.
    mutating func set(_ column: Int, _ text: UnsafeBufferPointer<UInt8>) -> CellNote {
        if text.isEmpty { return setNull(column) }
        if columns[column].numbers != nil { return setNumber(column, text) }
        let (id, inserted) = columns[column].texts.intern(text)
        if columns[column].mayBecomeNumbers && !columns[column].texts.deduplicates {
            // The texts look unique now: numbers from here on if they all are numbers.
            columns[column].mayBecomeNumbers = false
            let replaced = store(column, id)
            if let (numbers, ids) = NumberCells.converting(columns[column].texts, ids: columns[column].ids) {
                columns[column].numbers = numbers
                columns[column].ids = ids
                columns[column].texts = ByteInterner()
                return replaced ? .replaced : .none
            }
            if !replaced { columns[column].ids.removeLast() }
        }
        var note = CellNote.none
        if inserted {
            if let type = columns[column].forced {
                let fails = !Self.converts(text, to: type, layout: columns[column].layout)
                columns[column].unconvertible.append(fails)
            }
            if !Self.isValidUTF8(text) { note = .invalidUTF8 }
        }
        if columns[column].forced != nil, columns[column].unconvertible[Int(id)], let type = columns[column].forced {
            note = .unconvertible(type)
        }
        return store(column, id) ? .replaced : note
    }

    mutating func setNull(_ column: Int) -> CellNote {
        let replaced = store(column, Self.nullID)
        if columns[column].numbers != nil { storeNumber(column, 0, replacing: replaced) }
        return replaced ? .replaced : .none
    }

    /// Stores a cell of a number column; a text that is not a number fails the column
    /// (`numbersFailed`), and its cell is lost until the load starts again.
    private mutating func setNumber(_ column: Int, _ text: UnsafeBufferPointer<UInt8>) -> CellNote {
        let cell = NumberCells.read(text)
        let replaced = store(column, cell?.bits == nil ? Self.nullID : 0)
        if let cell, columns[column].numbers!.add(cell, replacing: replaced) { return replaced ? .replaced : .none }
        storeNumber(column, 0, replacing: replaced)
        numbersFailed.insert(columns[column].name)
        return replaced ? .replaced : .none
    }

    private mutating func storeNumber(_ column: Int, _ bits: UInt64, replacing: Bool) {
        if replacing {
            columns[column].numbers!.values[rowCount] = bits
        } else {
            columns[column].numbers!.values.append(bits)
        }
    }

    /// Closes the open row: columns it did not mention get null.
    mutating func endRow() {
        let next = rowCount + 1
        for i in columns.indices where columns[i].ids.count < next {
            columns[i].ids.append(Self.nullID)
            columns[i].numbers?.values.append(0)
        }
        rowCount = next
        if next >= chunkRows, spill != nil, spillError == nil { spillChunk() }
    }

    /// Every column's evidence: the spilled chunks' and the current chunk's.
    var evidence: [TypeEvidence] {
        Parallel.map(columns.count) { i in
            var here = TypeEvidence(columns[i].texts, name: columns[i].name, forced: columns[i].forced)
            if let numbers = columns[i].numbers { here = here.merged(with: TypeEvidence(numbers)) }
            return i < spilledEvidence.count ? spilledEvidence[i].merged(with: here) : here
        }
    }

    /// Drops the current chunk's cells and texts (once they are assembled), keeping the columns.
    mutating func releaseRows() {
        for i in columns.indices {
            columns[i].ids = []
            columns[i].texts = ByteInterner()
            columns[i].unconvertible = []
            columns[i].numbers = nil
        }
    }

    /// Waits for the chunks being spilled; a failure becomes `spillError`.
    mutating func finishSpilling() {
        do { try spill?.finish() } catch { spillError = error }
    }

    private mutating func spillChunk() {
        spill!.write(columns, rows: rowCount)
        spilledNumbers = heldAsNumbers
        spilledEvidence = evidence
        for i in columns.indices {
            columns[i].ids.removeAll(keepingCapacity: true)
            columns[i].texts = ByteInterner()
            columns[i].unconvertible = []
            // The next chunk starts as text, and may turn into numbers on its own.
            columns[i].numbers = nil
            columns[i].mayBecomeNumbers = mayBecomeNumbers(columns[i])
        }
        rowsSpilled += rowCount
        rowCount = 0
    }

    /// Appends `id` to the open row, or replaces this row's earlier value (returns true then).
    private mutating func store(_ column: Int, _ id: UInt32) -> Bool {
        if columns[column].ids.count > rowCount {
            columns[column].ids[rowCount] = id
            return true
        }
        columns[column].ids.append(id)
        return false
    }

    /// Whether a cell reads as `type`; blanks around it are ignored, and a blank cell is
    /// null without complaint.
    static func converts(_ raw: UnsafeBufferPointer<UInt8>, to type: DataType, layout: TimeLayout? = nil) -> Bool {
        let text = CellText.trim(raw)
        if text.isEmpty { return true }
        switch type {
        case .bool: return CellText.bool(text) != nil
        case .int: return CellText.int(text) != nil
        case .float: return CellText.float(text) != nil
        case .time: return CellText.time(text, layout: layout) != nil
        case .duration: return CellText.duration(text) != nil
        case .string, .list, .null: return true
        }
    }

    static func isValidUTF8(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
        var ascii = true
        for byte in text where byte >= 0x80 {
            ascii = false
            break
        }
        return ascii || String(validating: text, as: UTF8.self) != nil
    }
}
