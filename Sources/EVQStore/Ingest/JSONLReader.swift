// Reads JSON Lines (one object per line) into a `TableAccumulator`; a bad line is reported
// with its position and counted, and the next line is read as usual.

/// Hand-written rather than JSONSerialization because ingest needs what that API loses: key
/// order (columns appear in first-seen order), the written form of numbers (`3` is int, `3.0`
/// is float), exact error positions, and no Foundation objects per cell.
///
/// Cells: a string is its text (typed later like a CSV cell, so `"2024-10-01"` becomes a
/// time and `""` is null); a number is its literal text; `true`/`false`; `null` is null;
/// a nested array or object is its compact JSON text. Blank lines are skipped.
struct JSONLReader {
    var progress: ProgressMeter? = nil

    func read(
        _ bytes: UnsafeBufferPointer<UInt8>, file: String, into table: inout TableAccumulator, log: inout IssueLog
    ) -> CSVReader.Counts {
        var counts = CSVReader.Counts()
        var parser = JSONLineParser()
        // Rows usually repeat the previous row's keys in order: compare bytes, skip the hash lookup.
        var cachedKeys: [[UInt8]] = []
        var cachedColumns: [Int] = []
        let n = bytes.count
        var lineStart = n >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0
        var line = 1
        while lineStart < n {
            var lineEnd = lineStart
            while lineEnd < n && bytes[lineEnd] != 0x0A { lineEnd += 1 }
            defer {
                lineStart = lineEnd + 1
                line += 1
            }
            var contentEnd = lineEnd
            if contentEnd > lineStart && bytes[contentEnd - 1] == 0x0D { contentEnd -= 1 }
            var first = lineStart
            while first < contentEnd && JSONLineParser.isSpace(bytes[first]) { first += 1 }
            if first == contentEnd { continue }

            counts.rowsRead += 1
            if counts.rowsRead & (ProgressMeter.rowsPerTick - 1) == 0 {
                progress?.tick(rows: counts.rowsRead, position: lineStart)
                log.checkCancellation()
                if log.stopped { return counts }
            }
            if let failure = parser.parse(bytes, from: first, to: contentEnd) {
                counts.rowsRejected += 1
                let at = IssueLog.location(of: failure.pos, in: bytes, anchor: lineStart, anchorLine: line)
                log.add(file, at, .error, .badJSON, failure.message + "; line skipped")
                log.reject(.badJSON, row: UnsafeBufferPointer(rebasing: bytes[lineStart..<min(lineEnd + 1, n)]))
                if log.stopped { return counts }
                continue
            }
            func columnOf(_ k: Int, _ key: UnsafeBufferPointer<UInt8>) -> Int {
                if k < cachedKeys.count, cachedKeys[k].count == key.count,
                    ByteInterner.bytesEqual(key.baseAddress, cachedKeys[k], key.count)
                {
                    return cachedColumns[k]
                }
                let column = table.column(named: String(decoding: key, as: UTF8.self))
                if k < cachedKeys.count {
                    cachedKeys[k] = Array(key)
                    cachedColumns[k] = column
                } else {
                    cachedKeys.append(Array(key))
                    cachedColumns.append(column)
                }
                return column
            }
            for k in 0..<parser.fieldCount {
                let column = parser.withKey(k) { columnOf(k, $0) }
                let note = parser.withValue(k) { text in text.map { table.set(column, $0) } ?? table.setNull(column) }
                if case .none = note { continue }
                let at = IssueLog.location(of: parser.valueSpots[k], in: bytes, anchor: lineStart, anchorLine: line)
                parser.withValue(k) { text in
                    log.note(note, file: file, at: at, column: table.columns[column].name, text: text ?? UnsafeBufferPointer(start: nil, count: 0))
                }
            }
            table.endRow()
        }
        return counts
    }
}

/// Parses one line holding a JSON object into (key, cell text) pairs.
struct JSONLineParser {
    struct Failure: Error {
        let pos: Int
        let message: String
    }

    /// Unescaped keys and cell texts of the current line, back to back.
    private var buffer: [UInt8] = []
    private var keyRanges: [Range<Int>] = []
    /// nil for JSON null.
    private var valueRanges: [Range<Int>?] = []
    /// Byte offset of each value in the input, for issues about the cell.
    private(set) var valueSpots: [Int] = []

    private var b = UnsafeBufferPointer<UInt8>(start: nil, count: 0)
    private var i = 0
    private var end = 0

    static let maxDepth = 512

    var fieldCount: Int { keyRanges.count }

    func withKey<R>(_ k: Int, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        buffer.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[keyRanges[k]])) }
    }

    func withValue<R>(_ k: Int, _ body: (UnsafeBufferPointer<UInt8>?) -> R) -> R {
        guard let range = valueRanges[k] else { return body(nil) }
        return buffer.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[range])) }
    }

    @inline(__always)
    static func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0D || c == 0x0A }

    /// Parses `bytes[from..<to]`; nil on success, else where and why it failed.
    mutating func parse(_ bytes: UnsafeBufferPointer<UInt8>, from: Int, to: Int) -> Failure? {
        b = bytes
        i = from
        end = to
        buffer.removeAll(keepingCapacity: true)
        keyRanges.removeAll(keepingCapacity: true)
        valueRanges.removeAll(keepingCapacity: true)
        valueSpots.removeAll(keepingCapacity: true)
        do throws(Failure) {
            try topObject()
            skipSpace()
            if i < end { throw Failure(pos: i, message: "unexpected \(describe(i)) after the object") }
            return nil
        } catch {
            return error
        }
    }

    // line -> ws '{' ws (pair (',' pair)*)? '}' ws ;  pair -> string ws ':' ws value ws
    private mutating func topObject() throws(Failure) {
        guard i < end, b[i] == 0x7B else { throw Failure(pos: i, message: "expected a JSON object, found \(describe(i))") }
        i += 1
        skipSpace()
        if i < end && b[i] == 0x7D {
            i += 1
            return
        }
        while true {
            guard i < end, b[i] == 0x22 else { throw Failure(pos: i, message: "expected a string key, found \(describe(i))") }
            let keyStart = buffer.count
            try string(raw: false)
            keyRanges.append(keyStart..<buffer.count)
            skipSpace()
            guard i < end, b[i] == 0x3A else { throw Failure(pos: i, message: "expected ':' after the key, found \(describe(i))") }
            i += 1
            skipSpace()
            valueSpots.append(i)
            try topValue()
            skipSpace()
            guard i < end else { throw Failure(pos: i, message: "expected ',' or '}', found end of line") }
            if b[i] == 0x2C {
                i += 1
                skipSpace()
                continue
            }
            guard b[i] == 0x7D else { throw Failure(pos: i, message: "expected ',' or '}', found \(describe(i))") }
            i += 1
            return
        }
    }

    /// A value of the top object: strings unescaped, everything else as compact JSON text.
    private mutating func topValue() throws(Failure) {
        guard i < end else { throw Failure(pos: i, message: "expected a value, found end of line") }
        let start = buffer.count
        switch b[i] {
        case 0x22: try string(raw: false)
        case 0x6E:
            try literal("null", copy: false)
            valueRanges.append(nil)
            return
        default: try value(depth: 1)
        }
        valueRanges.append(start..<buffer.count)
    }

    // value -> string | number | object | array | 'true' | 'false' | 'null'   (copied compactly)
    private mutating func value(depth: Int) throws(Failure) {
        guard i < end else { throw Failure(pos: i, message: "expected a value, found end of line") }
        switch b[i] {
        case 0x22: try string(raw: true)
        case 0x74: try literal("true")
        case 0x66: try literal("false")
        case 0x6E: try literal("null")
        case 0x2D, 0x30...0x39: try number()
        case 0x7B, 0x5B: try container(depth: depth)
        default: throw Failure(pos: i, message: "expected a value, found \(describe(i))")
        }
    }

    // object -> '{' (string ':' value (',' string ':' value)*)? '}' ;  array -> '[' (value (',' value)*)? ']'
    private mutating func container(depth: Int) throws(Failure) {
        guard depth <= Self.maxDepth else { throw Failure(pos: i, message: "nesting deeper than \(Self.maxDepth) levels") }
        let isObject = b[i] == 0x7B
        let close: UInt8 = isObject ? 0x7D : 0x5D
        buffer.append(b[i])
        i += 1
        skipSpace()
        if i < end && b[i] == close {
            buffer.append(close)
            i += 1
            return
        }
        while true {
            if isObject {
                guard i < end, b[i] == 0x22 else { throw Failure(pos: i, message: "expected a string key, found \(describe(i))") }
                try string(raw: true)
                skipSpace()
                guard i < end, b[i] == 0x3A else { throw Failure(pos: i, message: "expected ':' after the key, found \(describe(i))") }
                buffer.append(0x3A)
                i += 1
                skipSpace()
            }
            try value(depth: depth + 1)
            skipSpace()
            guard i < end else { throw Failure(pos: i, message: "expected ',' or '\(Character(Unicode.Scalar(close)))', found end of line") }
            if b[i] == 0x2C {
                buffer.append(0x2C)
                i += 1
                skipSpace()
                continue
            }
            guard b[i] == close else {
                throw Failure(pos: i, message: "expected ',' or '\(Character(Unicode.Scalar(close)))', found \(describe(i))")
            }
            buffer.append(close)
            i += 1
            return
        }
    }

    /// A string at `b[i] == '"'`. `raw` copies it as written, quotes and escapes included
    /// (inside nested values); otherwise its unescaped UTF-8 text is appended.
    private mutating func string(raw: Bool) throws(Failure) {
        let open = i
        if raw { buffer.append(0x22) }
        i += 1
        while true {
            let runStart = i
            while i < end && b[i] != 0x22 && b[i] != 0x5C && b[i] >= 0x20 { i += 1 }
            if i > runStart { buffer.append(contentsOf: UnsafeBufferPointer(rebasing: b[runStart..<i])) }
            guard i < end else { throw Failure(pos: open, message: "unterminated string") }
            let c = b[i]
            if c == 0x22 {
                if raw { buffer.append(0x22) }
                i += 1
                return
            }
            if c < 0x20 { throw Failure(pos: i, message: "control character in a string (escape it)") }
            // A backslash escape.
            guard i + 1 < end else { throw Failure(pos: open, message: "unterminated string") }
            let e = b[i + 1]
            if raw {
                guard e == 0x75 || Self.simpleEscape(e) != nil else { throw Failure(pos: i, message: "invalid escape '\\\(describeByte(e))'") }
                if e == 0x75 { _ = try hex4(at: i + 2, escape: i) }
                let length = e == 0x75 ? 6 : 2
                buffer.append(contentsOf: UnsafeBufferPointer(rebasing: b[i..<(i + length)]))
                i += length
                continue
            }
            if let simple = Self.simpleEscape(e) {
                buffer.append(simple)
                i += 2
                continue
            }
            guard e == 0x75 else { throw Failure(pos: i, message: "invalid escape '\\\(describeByte(e))'") }
            var scalar = UInt32(try hex4(at: i + 2, escape: i))
            i += 6
            if (0xD800..<0xDC00).contains(scalar) {
                // A high surrogate pairs with a following \uDC00-\uDFFF; alone it is unrepresentable.
                if i + 1 < end, b[i] == 0x5C, b[i + 1] == 0x75, let low = try? hex4(at: i + 2, escape: i),
                    (0xDC00..<0xE000).contains(low)
                {
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (UInt32(low) - 0xDC00)
                    i += 6
                } else {
                    scalar = 0xFFFD
                }
            } else if (0xDC00..<0xE000).contains(scalar) {
                scalar = 0xFFFD
            }
            for unit in UTF8.encode(Unicode.Scalar(scalar)!)! { buffer.append(unit) }
        }
    }

    private static func simpleEscape(_ e: UInt8) -> UInt8? {
        switch e {
        case 0x22, 0x5C, 0x2F: e
        case 0x62: 0x08
        case 0x66: 0x0C
        case 0x6E: 0x0A
        case 0x72: 0x0D
        case 0x74: 0x09
        default: nil
        }
    }

    private func hex4(at p: Int, escape: Int) throws(Failure) -> UInt16 {
        guard p + 4 <= end else { throw Failure(pos: escape, message: "invalid \\u escape") }
        var v: UInt16 = 0
        for k in p..<(p + 4) {
            let c = b[k]
            let d: UInt8
            switch c {
            case 0x30...0x39: d = c - 0x30
            case 0x41...0x46: d = c - 0x41 + 10
            case 0x61...0x66: d = c - 0x61 + 10
            default: throw Failure(pos: escape, message: "invalid \\u escape")
            }
            v = v << 4 | UInt16(d)
        }
        return v
    }

    // number -> '-'? ('0' | [1-9][0-9]*) ('.' [0-9]+)? ([eE] [+-]? [0-9]+)?
    private mutating func number() throws(Failure) {
        let start = i
        func digits() -> Int {
            let s = i
            while i < end && b[i] &- 0x30 < 10 { i += 1 }
            return i - s
        }
        if b[i] == 0x2D { i += 1 }
        if i < end && b[i] == 0x30 {
            i += 1
        } else if digits() == 0 {
            throw Failure(pos: start, message: "invalid number")
        }
        if i < end && b[i] == 0x2E {
            i += 1
            guard digits() > 0 else { throw Failure(pos: start, message: "invalid number") }
        }
        if i < end && b[i] | 0x20 == 0x65 {
            i += 1
            if i < end && (b[i] == 0x2B || b[i] == 0x2D) { i += 1 }
            guard digits() > 0 else { throw Failure(pos: start, message: "invalid number") }
        }
        buffer.append(contentsOf: UnsafeBufferPointer(rebasing: b[start..<i]))
    }

    /// `true`, `false` or `null` at `i`, appended to the buffer when `copy`.
    private mutating func literal(_ word: StaticString, copy: Bool = true) throws(Failure) {
        let n = word.utf8CodeUnitCount
        guard i + n <= end, ByteInterner.bytesEqual(word.utf8Start, b.baseAddress! + i, n) else {
            throw Failure(pos: i, message: "expected a value, found \(describe(i))")
        }
        if copy { buffer.append(contentsOf: UnsafeBufferPointer(start: word.utf8Start, count: n)) }
        i += n
    }

    private mutating func skipSpace() {
        while i < end && Self.isSpace(b[i]) { i += 1 }
    }

    private func describe(_ p: Int) -> String {
        p >= end ? "end of line" : "'\(describeByte(b[p]))'"
    }

    private func describeByte(_ c: UInt8) -> String {
        c >= 0x20 && c < 0x7F ? String(Character(Unicode.Scalar(c))) : "\\u{\(String(c, radix: 16))}"
    }
}
