// What the distinct texts of a column say about its type, in a form that folds: an ingest
// that writes segments as it goes sees its texts one chunk at a time, and must still infer
// the type every text of the input allows (as a load into memory does).

struct TypeEvidence {
    /// The types every text so far reads as (`CellText.candidates`, ANDed).
    var candidates: UInt8 = 0b1111
    /// Whether any non-empty cell was seen (a column of blanks is text).
    var hasText = false
    /// Whether every text reads as time in an automatic layout (blanks aside); only looked at
    /// for a column named as a time column (`IngestOptions.timeColumnCandidates`).
    var readsAsTime = true
    /// Whether some text is a timestamp with a fraction of a second.
    var hasFractionalSeconds = false

    init() {}

    /// The evidence of one set of texts. `name` and `forced` say whether the time checks are
    /// worth their scan.
    init(_ texts: ByteInterner, name: String, forced: DataType?) {
        hasText = texts.count > 0
        for id in 0..<texts.count {
            candidates &= texts.withValue(id, CellText.candidates)
            if candidates == 0 { break }
        }
        let named = IngestOptions.timeColumnCandidates.contains { $0.lowercased() == name.lowercased() }
        if named && forced == nil { readsAsTime = TableAssembly.readsAsTime(texts) }
        if named || forced == .time || CellText.inferredType(candidates: candidates) == .time {
            hasFractionalSeconds = TableAssembly.hasFractionalSeconds(texts)
        }
    }

    /// The evidence of a column's cells kept as numbers (never time by name: see
    /// `TableAccumulator.PendingColumn.mayBecomeNumbers`).
    init(_ numbers: NumberCells) {
        candidates = numbers.candidates
        hasText = numbers.hasText
    }

    /// The evidence of both sets of texts.
    func merged(with other: TypeEvidence) -> TypeEvidence {
        var m = TypeEvidence()
        m.candidates = candidates & other.candidates
        m.hasText = hasText || other.hasText
        m.readsAsTime = readsAsTime && other.readsAsTime
        m.hasFractionalSeconds = hasFractionalSeconds || other.hasFractionalSeconds
        return m
    }

    /// The inferred type: string also when no cell had text.
    var inferredType: DataType { hasText ? CellText.inferredType(candidates: candidates) : .string }
}
