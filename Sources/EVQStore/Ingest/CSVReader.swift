// Reads CSV/TSV bytes (RFC 4180) into a `TableAccumulator`, reporting malformed rows.
// Works on the raw buffer: a field is located by byte offsets and copied only when it has `""`.

/// CSV rules, beyond RFC 4180:
/// - Line ends are LF or CRLF; a lone CR is an ordinary character. A UTF-8 BOM at the start
///   is skipped. Empty lines are skipped (they are not rows).
/// - Spaces and tabs in a field are kept as written, quoted or not (as Python's csv and DuckDB
///   do), unless `trim` is set. They are allowed between a delimiter and an opening quote or a
///   closing quote and a delimiter, and are not part of the field there.
/// - An empty field, quoted (`""`) or not, is null; so is a field that is exactly one of the
///   null tokens (`NA`, `NULL`, …).
/// - Lines before the header that hold nothing but blanks and delimiters are skipped, with a
///   warning, so that a blank first line does not become the header.
///
/// Tolerated, loaded, reported as a warning:
/// - a `"` inside an unquoted field (`12" pipe`): kept as a character;
/// - a `"` inside a quoted field that is neither doubled nor followed by a delimiter or line
///   end (`"say "hi" now"`): kept as a character, the field stays open.
///
/// A header one name short of the first row's fields is R's `write.csv` convention: the first
/// field of every row is a row name, loaded as column `row_name`, with one warning.
///
/// Errors; the row is rejected (not loaded), reported and counted, and reading goes on:
/// - a row whose field count differs from the header's (`expected 15 fields, found 14`),
///   located at the end of the row (too few) or at the first extra field (too many);
/// - a quoted field still open at end of file, located at its opening quote; reading resumes
///   on the line after that quote, so one stray quote does not swallow the rest of the file.
///   In the header this skips the whole file (its columns are unknown).
///
/// Issue positions are line and character column of the offending spot; when that is not on
/// the line where the row starts, the message says where the row starts.
struct CSVReader {
    let delimiter: UInt8
    let hasHeader: Bool
    var trims = false
    var nullTokens = NullTokens(IngestOptions.defaultNullTokens)
    /// Column names for a file without a header (a named format's); nil = from the header, or
    /// `column_N` without one.
    var columnNames: [String]? = nil
    /// Rows of at least this many fields (and at most the header's) load, the rest null.
    var minimumFields: Int? = nil
    var progress: ProgressMeter? = nil

    struct Counts {
        var rowsRead = 0
        var rowsRejected = 0
        /// The accumulator columns the file's header named (CSV only).
        var columns: [Int] = []
    }

    /// Reads the whole file: its header, then its rows. With `chunkBytes`, the rows are read
    /// in parts of about that many bytes on all cores (`CSVReader+Parallel.swift`), with the
    /// same table, issues and counts as one pass gives.
    func read(
        _ bytes: UnsafeBufferPointer<UInt8>, file: String, into table: inout TableAccumulator, log: inout IssueLog,
        chunkBytes: Int? = nil, window: Int? = nil
    ) -> Counts {
        var counts = Counts()
        guard let header = readHeader(bytes, file: file, into: &table, log: &log) else { return counts }
        counts.columns = header.columnOf
        if let chunkBytes {
            let starts = Self.partStarts(bytes, from: header.rowsStart, bytesPerPart: chunkBytes)
            if starts.count > 1 {
                let rows = readParts(bytes, file: file, header: header, starts: starts, into: &table, log: &log, window: window)
                counts.rowsRead = rows.rowsRead
                counts.rowsRejected = rows.rowsRejected
                return counts
            }
        }
        let rows = readRows(bytes, file: file, header: header, from: header.rowsStart, line: header.rowsLine,
                            limit: bytes.count, into: &table, log: &log)
        counts.rowsRead = rows.counts.rowsRead
        counts.rowsRejected = rows.counts.rowsRejected
        return counts
    }

    /// What the header says, and where the rows begin.
    struct Header {
        /// The accumulator column of each field.
        var columnOf: [Int]
        /// Fields per row.
        var expected: Int
        /// Offset and line of the first data row (or of the line after the header).
        var rowsStart: Int
        var rowsLine: Int
        /// The last quote that can close a field, when the header scan found it.
        var lastCloser: Int?
    }

    /// Reads the header (or, without one, the first row's width); nil when the file has no
    /// rows to read (empty, or an unterminated quote in the header).
    func readHeader(
        _ bytes: UnsafeBufferPointer<UInt8>, file: String, into table: inout TableAccumulator, log: inout IssueLog
    ) -> Header? {
        var scanner = CSVScanner(bytes, delimiter: delimiter, trims: trims)
        var columnOf: [Int] = []
        var unescaped: [UInt8] = []
        func at(_ pos: Int) -> (line: Int, column: Int) {
            IssueLog.location(of: pos, in: bytes, anchor: scanner.rowStart, anchorLine: scanner.rowLine)
        }
        var expected = 0
        while true {
            switch scanner.nextRow() {
            case .end:
                return nil
            case .unterminated(let quote):
                log.add(file, at(quote), .error, .unterminatedQuote, "unterminated quoted field in the header; file skipped")
                return nil
            case .fields:
                if hasHeader && scanner.rowIsBlank {
                    log.add(file, (scanner.rowLine, 1), .warning, .header, "blank line before the header; skipped")
                    continue
                }
                expected = scanner.fieldCount
                if hasHeader {
                    Self.reportQuotes(scanner, file: file, log: &log, at: at)
                    var raw: [String] = []
                    for k in 0..<expected { raw.append(scanner.withField(k, &unescaped) { String(decoding: $0, as: UTF8.self) }) }
                    // R's write.csv: a header one name short of its rows, whose first field is a row name.
                    var peek = scanner
                    if case .fields = peek.nextRow(), peek.fieldCount == expected + 1 {
                        let name = HeaderNames.unique(raw + ["row_name"]).last!.name
                        log.add(
                            file, (scanner.rowLine, 1), .warning, .header,
                            "the header has \(expected) names for rows of \(expected + 1) fields (R's row names); "
                                + "the first field is loaded as column '\(name)'")
                        columnOf.append(table.column(named: name))
                        expected += 1
                    }
                    for (k, entry) in HeaderNames.unique(raw).enumerated() {
                        columnOf.append(table.column(named: entry.name))
                        if let message = entry.renameMessage { log.add(file, at(scanner.fields[k].spot), .warning, .header, message) }
                    }
                } else {
                    if let names = columnNames {
                        expected = names.count
                        columnOf = names.map { table.column(named: $0) }
                    } else {
                        columnOf = (1...expected).map { table.column(named: "column_\($0)") }
                    }
                    scanner.rewindRow()
                }
                return Header(columnOf: columnOf, expected: expected, rowsStart: scanner.pos, rowsLine: scanner.line,
                              lastCloser: scanner.knownLastCloser)
            }
        }
    }

    /// Where a call of `readRows` began and ended reading: the offsets of its first row and
    /// of the row after its last (empty lines skipped), so that parts read apart can be
    /// checked to join up.
    struct RowsRead {
        var counts = Counts()
        var entry = 0
        var exit = 0
    }

    /// Reads the rows that start in `start ..< limit` into `table`. `start` is a line start;
    /// `line` its line number, or nil to count it only when an issue needs it.
    func readRows(
        _ bytes: UnsafeBufferPointer<UInt8>, file: String, header: Header, from start: Int, line: Int?, limit: Int,
        into table: inout TableAccumulator, log: inout IssueLog
    ) -> RowsRead {
        var scanner = CSVScanner(bytes, delimiter: delimiter, trims: trims, start: start, limit: limit,
                                 lastCloser: header.lastCloser)
        var result = RowsRead()
        var unescaped: [UInt8] = []
        let columnOf = header.columnOf, expected = header.expected
        // The scanner counts lines from `start`; issues show them counted from the file's start.
        var lineOffset = line.map { $0 - 1 }
        func offset() -> Int {
            if let o = lineOffset { return o }
            let o = Self.lineFeeds(in: bytes, before: start)
            lineOffset = o
            return o
        }
        func at(_ pos: Int) -> (line: Int, column: Int) {
            let p = IssueLog.location(of: pos, in: bytes, anchor: scanner.rowStart, anchorLine: scanner.rowLine)
            return (p.line + offset(), p.column)
        }
        func rowNote(_ pos: Int) -> String {
            let line = at(pos).line
            let rowLine = scanner.rowLine + offset()
            return line == rowLine ? "" : " (row starts at line \(rowLine))"
        }

        let shortest = minimumFields ?? expected
        scanner.skipLineEnds()
        result.entry = scanner.pos
        var counts = Counts()
        // Progress counts bytes from the file's start for its first part, from `start` for the others.
        var ticked = line != nil ? 0 : start
        while true {
            switch scanner.nextRow() {
            case .end:
                result.exit = scanner.pos
                result.counts = counts
                return result
            case .unterminated(let quote):
                counts.rowsRead += 1
                counts.rowsRejected += 1
                log.add(
                    file, at(quote), .error, .unterminatedQuote,
                    "unterminated quoted field; row skipped, reading resumes at line \(scanner.line + offset())" + rowNote(quote))
                log.reject(.unterminatedQuote, row: scanner.rowBytes)
                if log.stopped {
                    result.counts = counts
                    return result
                }
            case .fields:
                counts.rowsRead += 1
                if counts.rowsRead & (ProgressMeter.rowsPerTick - 1) == 0 {
                    progress?.advance(rows: ProgressMeter.rowsPerTick, bytes: scanner.pos - ticked)
                    ticked = scanner.pos
                    log.checkCancellation()
                    if log.stopped {
                        result.counts = counts
                        return result
                    }
                }
                let found = scanner.fieldCount
                if found != expected && !(found >= shortest && found < expected) {
                    counts.rowsRejected += 1
                    let spot = found < expected ? scanner.rowEnd : scanner.fields[expected].spot
                    log.add(file, at(spot), .error, .fieldCount, "expected \(expected) fields, found \(found)" + rowNote(spot))
                    log.reject(.fieldCount, row: scanner.rowBytes)
                    if log.stopped {
                        result.counts = counts
                        return result
                    }
                    continue
                }
                if !scanner.strayQuotes.isEmpty { Self.reportQuotes(scanner, file: file, log: &log, at: at) }
                for k in 0..<found where scanner.fields[k].start != scanner.fields[k].end {
                    if !scanner.fields[k].escaped && nullTokens.matches(scanner.rawField(k)) { continue }
                    let column = columnOf[k]
                    let note = scanner.withField(k, &unescaped) { table.set(column, $0) }
                    if case .none = note { continue }
                    scanner.withField(k, &unescaped) { text in
                        log.note(note, file: file, at: at(scanner.fields[k].spot), column: table.columns[column].name, text: text)
                    }
                }
                table.endRow()
            }
        }
    }

    private static func reportQuotes(
        _ scanner: CSVScanner, file: String, log: inout IssueLog, at: (Int) -> (line: Int, column: Int)
    ) {
        for (pos, inQuotes) in scanner.strayQuotes {
            log.add(
                file, at(pos), .warning, .strayQuote,
                inQuotes
                    ? "unescaped quote inside a quoted field; kept as a character (write \"\" for a quote)"
                    : "quote inside an unquoted field; kept as a character")
        }
    }

    /// The number of LF bytes in `bytes[..<end]`: a line number, for a part read apart.
    static func lineFeeds(in bytes: UnsafeBufferPointer<UInt8>, before end: Int) -> Int {
        var n = 0
        for k in 0..<end where bytes[k] == 0x0A { n += 1 }
        return n
    }
}
