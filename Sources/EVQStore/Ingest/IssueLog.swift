// Collects the issues of one load and turns byte offsets into line and character column.
// Positions are computed only when an issue is raised, so clean files pay nothing.

struct IssueLog {
    private(set) var issues: [IngestIssue] = []
    private(set) var cellsNulled = 0

    mutating func add(_ file: String, _ at: (line: Int, column: Int), _ severity: IngestIssue.Severity, _ message: String) {
        issues.append(IngestIssue(file: file, line: at.line, column: at.column, message: message, severity: severity))
    }

    /// Reports what the accumulator said about a stored cell.
    mutating func note(
        _ note: TableAccumulator.CellNote, file: String, at: (line: Int, column: Int), column name: String,
        text: UnsafeBufferPointer<UInt8>
    ) {
        switch note {
        case .none: return
        case .unconvertible(let type):
            cellsNulled += 1
            add(file, at, .error, "cannot read \(Self.quote(text)) as \(type.rawValue) in column '\(name)'; stored as null")
        case .invalidUTF8:
            add(file, at, .warning, "invalid UTF-8 in column '\(name)'; replaced with U+FFFD")
        case .replaced:
            add(file, at, .warning, "duplicate key '\(name)'; the last value is kept")
        }
    }

    /// The cell text for a message: quoted, cut after 40 characters.
    static func quote(_ text: UnsafeBufferPointer<UInt8>) -> String {
        let s = String(decoding: text, as: UTF8.self)
        return "'" + (s.count > 40 ? s.prefix(40) + "…" : s) + "'"
    }

    /// Line and character column of byte `pos`, counting from `anchor`, a line start whose
    /// line number is `anchorLine`. Columns count Unicode scalars (UTF-8 lead bytes), from 1.
    static func location(
        of pos: Int, in bytes: UnsafeBufferPointer<UInt8>, anchor: Int, anchorLine: Int
    ) -> (line: Int, column: Int) {
        var line = anchorLine
        var lineStart = anchor
        var i = anchor
        while i < pos {
            if bytes[i] == 0x0A {
                line += 1
                lineStart = i + 1
            }
            i += 1
        }
        var column = 1
        for j in lineStart..<pos where bytes[j] & 0xC0 != 0x80 { column += 1 }
        return (line, column)
    }
}
