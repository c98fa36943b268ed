// Collects the issues of one load: the first few in full, the rest only counted by column and
// reason, so a million bad rows cost a counter, not 88 MB of messages. Also keeps rejected
// rows' bytes for `--rejects`, and stops the readers at the first error under `--strict`.

struct IssueLog {
    /// Issues kept in full; later ones are only counted.
    static let fullIssueLimit = 10

    private(set) var issues: [IngestIssue] = []
    /// The column each of `issues` is counted under once it is not shown in full (`append`).
    private var issueColumns: [String?] = []
    private(set) var cellsNulled = 0
    /// Issues beyond `fullIssueLimit`, by severity, column and reason, in first-seen order.
    private(set) var omitted: [IngestIssue.Count] = []
    private var omittedIndex: [String: Int] = [:]
    /// Rejected rows by reason, in first-seen order.
    private(set) var rejections: [IngestIssue.Count] = []

    /// `--strict`: the first error sets `stopped`, and readers return at the end of that row.
    var stopsAtFirstError = false
    private(set) var stopped = false
    /// Set when the load was cancelled; readers return as they do under `--strict`.
    private(set) var cancelled = false
    var isCancelled: (@Sendable () -> Bool)?

    /// Polls `isCancelled` (readers call this every `ProgressMeter.rowsPerTick` rows).
    mutating func checkCancellation() {
        if isCancelled?() == true {
            cancelled = true
            stopped = true
        }
    }

    /// The first error, kept in full even past `fullIssueLimit` (for `--strict`).
    private(set) var firstError: IngestIssue?
    /// `--rejects`: the bytes of every rejected row, line end included, in input order.
    var keepsRejectedRows = false
    private(set) var rejectedRows: [UInt8] = []

    /// Records an issue. `message` and `at` are evaluated only for issues kept in full.
    mutating func add(
        _ file: String, _ at: @autoclosure () -> (line: Int, column: Int), _ severity: IngestIssue.Severity,
        _ reason: IngestIssue.Reason, column: String? = nil, _ message: @autoclosure () -> String
    ) {
        if severity == .error && stopsAtFirstError { stopped = true }
        if issues.count < Self.fullIssueLimit || (severity == .error && firstError == nil) {
            let position = at()
            let issue = IngestIssue(file: file, line: position.line, column: position.column, message: message(),
                                    severity: severity, reason: reason)
            if severity == .error && firstError == nil { firstError = issue }
            if issues.count < Self.fullIssueLimit {
                issues.append(issue)
                issueColumns.append(column)
                return
            }
        }
        count(severity, reason, column: column, by: 1)
    }

    private mutating func count(_ severity: IngestIssue.Severity, _ reason: IngestIssue.Reason, column: String?, by n: Int) {
        let key = "\(severity.rawValue)\u{0}\(reason.rawValue)\u{0}\(column ?? "")"
        if let i = omittedIndex[key] {
            omitted[i].count += n
        } else {
            omittedIndex[key] = omitted.count
            omitted.append(IngestIssue.Count(severity: severity, reason: reason, column: column, count: n))
        }
    }

    /// A log with this one's settings and nothing in it, for a part of a file read on its own core.
    func emptyCopy() -> IssueLog {
        var log = IssueLog()
        log.stopsAtFirstError = stopsAtFirstError
        log.keepsRejectedRows = keepsRejectedRows
        log.isCancelled = isCancelled
        return log
    }

    /// Adds what `part` (an `emptyCopy` that read the input after this log's) recorded, as if
    /// this log had recorded it: its issues shown in full while there is room, the rest counted.
    mutating func append(_ part: IssueLog) {
        for (issue, column) in zip(part.issues, part.issueColumns) {
            if issue.severity == .error && stopsAtFirstError { stopped = true }
            if issue.severity == .error && firstError == nil { firstError = issue }
            if issues.count < Self.fullIssueLimit {
                issues.append(issue)
                issueColumns.append(column)
            } else {
                count(issue.severity, issue.reason, column: column, by: 1)
            }
        }
        // The part's first error, when past its issues in full, comes after all of them.
        if firstError == nil { firstError = part.firstError }
        for c in part.omitted { count(c.severity, c.reason, column: c.column, by: c.count) }
        cellsNulled += part.cellsNulled
        for r in part.rejections {
            if let i = rejections.firstIndex(where: { $0.reason == r.reason }) {
                rejections[i].count += r.count
            } else {
                rejections.append(r)
            }
        }
        rejectedRows.append(contentsOf: part.rejectedRows)
        if part.stopped { stopped = true }
        if part.cancelled { cancelled = true }
    }

    /// Counts a rejected row, and keeps its bytes when asked to.
    mutating func reject(_ reason: IngestIssue.Reason, row: UnsafeBufferPointer<UInt8>) {
        if let i = rejections.firstIndex(where: { $0.reason == reason }) {
            rejections[i].count += 1
        } else {
            rejections.append(IngestIssue.Count(severity: .error, reason: reason, column: nil, count: 1))
        }
        if keepsRejectedRows {
            rejectedRows.append(contentsOf: row)
            if row.last != 0x0A { rejectedRows.append(0x0A) }
        }
    }

    /// Reports what the accumulator said about a stored cell.
    mutating func note(
        _ note: TableAccumulator.CellNote, file: String, at: @autoclosure () -> (line: Int, column: Int),
        column name: String, text: UnsafeBufferPointer<UInt8>
    ) {
        switch note {
        case .none: return
        case .unconvertible(let type):
            cellsNulled += 1
            add(file, at(), .warning, .unconvertible, column: name,
                "cannot read \(Self.quote(text)) as \(type.rawValue) in column '\(name)'; stored as null")
        case .invalidUTF8:
            add(file, at(), .warning, .invalidUTF8, column: name, "invalid UTF-8 in column '\(name)'; replaced with U+FFFD")
        case .replaced:
            add(file, at(), .warning, .duplicateKey, column: name, "duplicate key '\(name)'; the last value is kept")
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
