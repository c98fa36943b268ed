// Decides how one file is read before any row is: its format (extension, else content), its
// delimiter, whether it has a header, and which named event format it is, from its first line.

/// How to read one file.
struct FileLayout {
    var format: FileFormat
    var delimiter: UInt8
    var hasHeader: Bool
    /// Set for the named formats, detected or stated.
    var eventFormat: EventFormat?

    /// `stated` is `--input-format` (a named format), `options.format` a plain one.
    init(bytes: UnsafeBufferPointer<UInt8>, path: String, options: IngestOptions, stated: EventFormat?) throws(IngestError) {
        let line = Self.firstLine(bytes)
        let tabs = line.lazy.filter { $0 == 0x09 }.count, commas = line.lazy.filter { $0 == 0x2C }.count
        let hasTab = tabs > 0, hasComma = commas > 0
        if let f = options.format ?? FileFormat(path: path) {
            format = f
        } else if stated != nil || hasTab || hasComma {
            format = tabs > commas ? .tsv : .csv
        } else if line.first == UInt8(ascii: "{") {
            format = .jsonl
        } else {
            throw .unknownFormat(path)
        }
        // GDELT names its tab-separated files `.CSV`: a first line with more tabs than commas is TSV.
        if format == .csv && options.format == nil && options.delimiter == nil && tabs > commas { format = .tsv }
        delimiter = options.delimiter ?? (format == .tsv ? 0x09 : 0x2C)
        hasHeader = options.hasHeader
        guard format != .jsonl else { return }
        eventFormat = stated ?? EventFormat.detect(firstLine: Self.split(line, delimiter), delimiter: delimiter)
        if let e = eventFormat {
            if let d = e.delimiter, options.delimiter == nil { delimiter = d }
            if e.columnNames != nil { hasHeader = false }
        }
    }

    /// The bytes of the first non-blank line, after a BOM, without its line end.
    static func firstLine(_ b: UnsafeBufferPointer<UInt8>) -> ArraySlice<UInt8> {
        var start = b.count >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF ? 3 : 0
        while start < b.count, b[start] == 0x0A || b[start] == 0x0D { start += 1 }
        var end = start
        while end < b.count, b[end] != 0x0A { end += 1 }
        if end > start, b[end - 1] == 0x0D { end -= 1 }
        return ArraySlice(b[start..<end])
    }

    /// Fields of a header line, with the quotes around a name removed (enough to recognise
    /// names; the reader parses the header properly).
    static func split(_ line: ArraySlice<UInt8>, _ delimiter: UInt8) -> [String] {
        line.split(separator: delimiter, omittingEmptySubsequences: false).map { field in
            var f = field
            while let c = f.first, c == 0x20 { f.removeFirst() }
            while let c = f.last, c == 0x20 { f.removeLast() }
            if f.count >= 2, f.first == 0x22, f.last == 0x22 { f = f.dropFirst().dropLast() }
            return String(decoding: f, as: UTF8.self)
        }
    }
}
