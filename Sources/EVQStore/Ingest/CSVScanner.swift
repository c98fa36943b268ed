// The byte-level CSV state machine: splits a buffer into rows of field ranges, tracking
// line numbers. It decides nothing about headers or field counts; `CSVReader` does.
// It may start anywhere a row starts and stop before `limit`, so that cores read parts of one file.

/// The byte-level state machine: splits the buffer into rows of field ranges.
struct CSVScanner {
    enum Row {
        case fields
        /// A quoted field opened at this offset never closes; the scanner has moved past its line.
        case unterminated(quote: Int)
        case end
    }

    let bytes: UnsafeBufferPointer<UInt8>
    let delimiter: UInt8
    /// Whether blanks around a field's content are dropped (`--trim`); otherwise kept as written.
    let trims: Bool
    /// Blanks: space and tab, minus the delimiter. Always allowed around a quoted field.
    private let blank1: UInt8, blank2: UInt8
    private(set) var pos: Int
    /// 1-based line of `pos`, counted from the line of the start position.
    private(set) var line = 1
    /// No row starts at or after this offset (`bytes.count` unless reading part of a file).
    let limit: Int

    /// The current row: start offset, its line, and the offset of its line end.
    private(set) var rowStart = 0
    private(set) var rowLine = 1
    private(set) var rowEnd = 0
    struct Field {
        /// Content range in `bytes` (inside the quotes for a quoted field).
        var start: Int
        var end: Int
        /// Where issues about the field point: its opening quote or first character.
        var spot: Int
        /// Holds `""` escapes, so it must be copied before use.
        var escaped: Bool
    }

    /// The fields of the current row.
    private(set) var fields: [Field] = []
    /// Tolerated quotes of the current row: offset, and whether inside a quoted field.
    private(set) var strayQuotes: [(Int, Bool)] = []
    /// Offset of the last `"` that could close a quoted field; computed on the first quoted field.
    private var lastCloser: Int?

    private static let quote: UInt8 = 0x22, lf: UInt8 = 0x0A, cr: UInt8 = 0x0D
    private static let ones: UInt64 = 0x0101_0101_0101_0101
    private static let quoteWord = ones &* 0x22, lfWord = ones &* 0x0A, crWord = ones &* 0x0D
    /// The delimiter in every byte of a word.
    private let delimiterWord: UInt64

    /// Nonzero when some byte of `w` equals the byte repeated in `pattern` (exact: no false
    /// positives decide anything, the byte loop after it does).
    @inline(__always)
    private static func hasByte(_ w: UInt64, _ pattern: UInt64) -> UInt64 {
        let x = w ^ pattern
        return (x &- ones) & ~x & (ones &* 0x80)
    }

    /// `start` must be the start of the buffer or of a line; `lastCloser`, when known, saves
    /// each scanner of one buffer its own backward search.
    init(_ bytes: UnsafeBufferPointer<UInt8>, delimiter: UInt8, trims: Bool = false, start: Int = 0, limit: Int? = nil,
         lastCloser: Int? = nil) {
        self.bytes = bytes
        self.delimiter = delimiter
        self.trims = trims
        self.limit = limit ?? bytes.count
        delimiterWord = Self.ones &* UInt64(delimiter)
        self.lastCloser = lastCloser
        blank1 = delimiter == 0x20 ? 0x09 : 0x20
        blank2 = delimiter == 0x09 ? 0x20 : 0x09
        let bom = bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF
        pos = start == 0 && bom ? 3 : start
    }

    /// The offset of the last quote that could close a quoted field (-1: none), as computed
    /// by this scanner so far.
    var knownLastCloser: Int? { lastCloser }

    /// Moves past the empty lines at `pos` (what `nextRow` does first), so `pos` is where the
    /// next row starts.
    mutating func skipLineEnds() {
        let b = bytes, n = bytes.count
        while pos < n {
            if b[pos] == Self.lf {
                pos += 1
            } else if b[pos] == Self.cr && pos + 1 < n && b[pos + 1] == Self.lf {
                pos += 2
            } else {
                break
            }
            line += 1
        }
    }

    var fieldCount: Int { fields.count }

    /// Goes back to the start of the current row (a header-less file's first row is data).
    mutating func rewindRow() {
        pos = rowStart
        line = rowLine
    }

    /// The current row as read, from its first byte to the next row (line end included).
    var rowBytes: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(rebasing: bytes[rowStart..<pos]) }

    /// Field `k`'s bytes as they stand in the input (still escaped when `escaped`).
    func rawField(_ k: Int) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(rebasing: bytes[fields[k].start..<fields[k].end])
    }

    /// Calls `body` with field `k`'s text, unescaping `""` into `scratch` when needed.
    func withField<R>(_ k: Int, _ scratch: inout [UInt8], _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        let field = fields[k]
        let raw = UnsafeBufferPointer(rebasing: bytes[field.start..<field.end])
        guard field.escaped else { return body(raw) }
        scratch.removeAll(keepingCapacity: true)
        var i = 0
        while i < raw.count {
            scratch.append(raw[i])
            i += raw[i] == Self.quote && i + 1 < raw.count && raw[i + 1] == Self.quote ? 2 : 1
        }
        return scratch.withUnsafeBufferPointer(body)
    }

    @inline(__always)
    private func isBlank(_ c: UInt8) -> Bool { c == blank1 || c == blank2 }

    /// True when a field may end at `j`: end of input, a delimiter, LF, or CR before LF/end.
    @inline(__always)
    private func isFieldEnd(_ j: Int) -> Bool {
        let n = bytes.count
        if j >= n { return true }
        let c = bytes[j]
        return c == delimiter || c == Self.lf || (c == Self.cr && (j + 1 == n || bytes[j + 1] == Self.lf))
    }

    mutating func nextRow() -> Row {
        let b = bytes, n = bytes.count
        skipLineEnds()
        if pos >= limit { return .end }
        fields.removeAll(keepingCapacity: true)
        strayQuotes.removeAll(keepingCapacity: true)
        rowStart = pos
        rowLine = line

        while true {
            let fieldStart = pos
            var p = pos
            while p < n && isBlank(b[p]) { p += 1 }
            if p < n && b[p] == Self.quote {
                let open = p
                let openLine = line
                if lastCloser == nil { lastCloser = findLastCloser() }
                var closed = false
                var hasEscapes = false
                p += 1
                if lastCloser! > open {
                    while p < n {
                        let c = b[p]
                        if c == Self.lf {
                            line += 1
                        } else if c == Self.quote {
                            if p + 1 < n && b[p + 1] == Self.quote {
                                hasEscapes = true
                                p += 2
                                continue
                            }
                            var j = p + 1
                            while j < n && isBlank(b[j]) { j += 1 }
                            if isFieldEnd(j) {
                                closed = true
                                break
                            }
                            strayQuotes.append((p, true))
                        }
                        p += 1
                    }
                }
                guard closed else {
                    resume(afterLineOf: open, line: openLine)
                    return .unterminated(quote: open)
                }
                var field = Field(start: open + 1, end: p, spot: open, escaped: hasEscapes)
                if trims { trim(&field) }
                fields.append(field)
                p += 1
                while p < n && isBlank(b[p]) { p += 1 }
            } else {
                var e = p
                // Eight bytes at a time past bytes that cannot end the field or be a quote.
                if let base = b.baseAddress {
                    let raw = UnsafeRawPointer(base)
                    while e + 8 <= n {
                        let w = raw.loadUnaligned(fromByteOffset: e, as: UInt64.self)
                        if Self.hasByte(w, delimiterWord) | Self.hasByte(w, Self.lfWord) | Self.hasByte(w, Self.crWord)
                            | Self.hasByte(w, Self.quoteWord) != 0
                        {
                            break
                        }
                        e += 8
                    }
                }
                while e < n {
                    let c = b[e]
                    if c == delimiter || c == Self.lf { break }
                    if c == Self.cr && (e + 1 == n || b[e + 1] == Self.lf) { break }
                    if c == Self.quote { strayQuotes.append((e, false)) }
                    e += 1
                }
                var field = Field(start: fieldStart, end: e, spot: fieldStart, escaped: false)
                if trims { trim(&field) }
                fields.append(field)
                p = e
            }
            // At a delimiter, a line end or the end of input.
            if p >= n {
                rowEnd = n
                pos = n
                return .fields
            }
            if b[p] == delimiter {
                pos = p + 1
                continue
            }
            rowEnd = p
            pos = min(b[p] == Self.cr ? p + 2 : p + 1, n)
            line += 1
            return .fields
        }
    }

    private func trim(_ field: inout Field) {
        while field.start < field.end && isBlank(bytes[field.start]) { field.start += 1 }
        while field.end > field.start && isBlank(bytes[field.end - 1]) { field.end -= 1 }
        if field.spot < field.start && bytes[field.spot] != Self.quote { field.spot = field.start }
    }

    /// Whether every field of the current row is blank (a blank line, or only delimiters).
    var rowIsBlank: Bool {
        fields.allSatisfy { f in (f.start..<f.end).allSatisfy { isBlank(bytes[$0]) } }
    }

    /// After an unterminated quote: continue on the line after the quote's line.
    private mutating func resume(afterLineOf open: Int, line openLine: Int) {
        var p = open
        while p < bytes.count && bytes[p] != Self.lf { p += 1 }
        pos = min(p + 1, bytes.count)
        line = openLine + 1
    }

    /// The last `"` followed (after blanks) by a field end; -1 when there is none. A quote
    /// opened after it can never close, which keeps many stray opening quotes linear.
    private func findLastCloser() -> Int {
        var p = bytes.count - 1
        while p >= 0 {
            if bytes[p] == Self.quote {
                var j = p + 1
                while j < bytes.count && isBlank(bytes[j]) { j += 1 }
                if isFieldEnd(j) { return p }
            }
            p -= 1
        }
        return -1
    }
}
