// A column whose texts look unique and numeric (ids, coordinates, amounts) keeps its cells
// as numbers while it is read, not as interned texts: each text was copied twice (into its
// part, then into the table), converted once more at the end, and gathered through its id,
// about 60 bytes of fresh memory per cell where a number needs 8. At 10 M rows the three such
// columns of an event export cost 2.5 s of the load that way.
//
// The guess is checked on every cell. Types are still inferred over every text: a number
// cell adds the candidates its text has (`CellText.candidates`), so the inferred type is the
// one the texts give. A column is only ever int or float this way; a cell that is not a
// number (`n/a`, `007`, `true`) makes the column text, whose texts the load no longer has:
// the load then starts again, reading that column as text (`TableAccumulator.numbersFailed`).

struct NumberCells {
    /// One per row, as the column's `ids` (null there: 0 here): an Int64's bits, or a Double's
    /// once `isFloat`.
    var values: [UInt64] = []
    /// Whether `values` hold Doubles: some cell has a fraction (or is `-0`).
    var isFloat = false
    /// The candidates of every text (`CellText.candidates`, ANDed).
    var candidates: UInt8 = 0b1111
    /// Whether any non-empty cell was seen.
    var hasText = false

    /// An Int64's bits as the bits of the Double equal to it; nil beyond 2^53, where Doubles
    /// skip integers (a column holding such an integer has no float candidate).
    @inline(__always)
    static func exactDouble(_ bits: UInt64) -> UInt64? {
        let v = Int64(bitPattern: bits)
        return v.magnitude > CellText.exactIntegerLimit ? nil : Double(v).bitPattern
    }

    /// One cell's text read as a number, with its candidates; nil when it is not a number.
    /// A blank text is null (`bits` nil) and fits every type, as in `CellText.candidates`.
    struct Cell {
        var candidates: UInt8
        var bits: UInt64?
        var isFloat: Bool
    }

    /// What `CellText.candidates` and the conversions of `TableAssembly.makeColumn` give for
    /// `raw`, in one pass when it is a number.
    @inline(__always)
    static func read(_ raw: UnsafeBufferPointer<UInt8>) -> Cell? {
        let b = CellText.trim(raw)
        if b.isEmpty { return Cell(candidates: 0b1111, bits: nil, isFloat: false) }
        if let v = CellText.int(b) {
            guard !CellText.hasLeadingZero(b) else { return nil }
            let candidates = CellText.candidates(ofInt: v)
            // `-0` is 0 as an int, but -0.0 as a float: kept as the float, which reads back as 0.
            if v == 0 && b[0] == 0x2D { return Cell(candidates: candidates, bits: (-0.0 as Double).bitPattern, isFloat: true) }
            return Cell(candidates: candidates, bits: UInt64(bitPattern: v), isFloat: false)
        }
        guard CellText.candidates(b) == 4, let d = CellText.float(b) else { return nil }
        return Cell(candidates: 4, bits: d.bitPattern, isFloat: true)
    }

    /// Adds one cell (at the end, or in place of the last when `replacing`); false when the
    /// column can no longer be numbers exactly (an integer beyond 2^53 among floats).
    @inline(__always)
    mutating func add(_ cell: Cell, replacing: Bool) -> Bool {
        candidates &= cell.candidates
        hasText = true
        var bits = cell.bits ?? 0
        if cell.bits != nil {
            if cell.isFloat && !isFloat {
                guard makeFloat() else { return false }
            } else if !cell.isFloat && isFloat {
                guard let exact = Self.exactDouble(bits) else { return false }
                bits = exact
            }
        }
        if replacing { values[values.count - 1] = bits } else { values.append(bits) }
        return true
    }

    /// Turns the Int64s into Doubles (exact: none is beyond 2^53); false when one is.
    mutating func makeFloat() -> Bool {
        guard !isFloat else { return true }
        guard values.allSatisfy({ Self.exactDouble($0) != nil }) else { return false }
        for k in values.indices { values[k] = Self.exactDouble(values[k])! }
        isFloat = true
        return true
    }

    /// The cells of a text column (`ids` into `texts`) as numbers, and their ids (0 for a
    /// number, null for a blank); nil when some text is not a number.
    static func converting(_ texts: ByteInterner, ids: [UInt32]) -> (NumberCells, [UInt32])? {
        var perText: [Cell] = []
        perText.reserveCapacity(texts.count)
        var numbers = NumberCells()
        // Every text's candidates, as `TypeEvidence` reads them (also a text no row holds
        // any more, replaced by a later value of its row).
        for id in 0..<texts.count {
            guard let cell = texts.withValue(id, read) else { return nil }
            perText.append(cell)
            numbers.candidates &= cell.candidates
        }
        var newIDs = [UInt32](repeating: TableAccumulator.nullID, count: ids.count)
        numbers.values.reserveCapacity(ids.count)
        for (k, id) in ids.enumerated() {
            guard id != TableAccumulator.nullID else {
                numbers.values.append(0)
                continue
            }
            let cell = perText[Int(id)]
            guard numbers.add(cell, replacing: false) else { return nil }
            if cell.bits != nil { newIDs[k] = 0 }
        }
        numbers.hasText = texts.count > 0
        return (numbers, newIDs)
    }

    /// Appends `other`'s cells `rows`; false when the two cannot share one representation
    /// exactly. `other`'s evidence is all of its cells' (a part split between two chunks
    /// gives each the evidence of the whole part: evidence only narrows the candidates that
    /// the whole input leaves, which are the same).
    mutating func append(_ other: NumberCells, rows: Range<Int>) -> Bool {
        var other = other
        if other.isFloat != isFloat {
            guard makeFloat(), other.makeFloat() else { return false }
        }
        values.append(contentsOf: other.values[rows])
        candidates &= other.candidates
        hasText = hasText || other.hasText
        return true
    }

    /// Row `row`'s value as `type` (int or float; the inferred type of a number column).
    @inline(__always)
    func int(_ row: Int) -> Int64 {
        isFloat ? Int64(Double(bitPattern: values[row])) : Int64(bitPattern: values[row])
    }

    @inline(__always)
    func float(_ row: Int) -> Double {
        isFloat ? Double(bitPattern: values[row]) : Double(Int64(bitPattern: values[row]))
    }
}
