// What ingest reports: per-row and per-cell issues (which never stop a load) and the errors
// that do (no input, unreadable file, bad options).

/// A problem found in an input file. Errors mark rejected rows (not loaded); warnings mark
/// data that was loaded but changed: a cell stored as null, repaired, or a column renamed.
public struct IngestIssue: Sendable, CustomStringConvertible, Equatable {
    public enum Severity: String, Sendable { case error, warning }

    /// What kind of problem, for counting the issues not shown in full.
    public enum Reason: String, Sendable {
        case fieldCount = "wrong number of fields"
        case unterminatedQuote = "unterminated quoted field"
        case badJSON = "malformed JSON line"
        case unconvertible = "cell stored as null"
        case invalidUTF8 = "invalid UTF-8 replaced"
        case strayQuote = "stray quote kept"
        case duplicateKey = "duplicate key"
        case header = "header repaired"
        case layout = "file layout"
        case columnsDiffer = "files with other columns"
    }

    /// How many issues of one kind were not shown in full.
    public struct Count: Sendable, Equatable {
        public let severity: Severity
        public let reason: Reason
        /// The column, for cell issues.
        public let column: String?
        public internal(set) var count: Int
    }

    public let file: String
    /// 1-based physical line of the offending spot.
    public let line: Int
    /// 1-based character (Unicode scalar) column of the offending spot within its line.
    public let column: Int
    public let message: String
    public let severity: Severity
    public let reason: Reason

    public init(file: String, line: Int, column: Int, message: String, severity: Severity, reason: Reason = .layout) {
        self.file = file
        self.line = line
        self.column = column
        self.message = message
        self.severity = severity
        self.reason = reason
    }

    /// `file:line:col: error: message`, the form editors and compilers use.
    public var description: String { "\(file):\(line):\(column): \(severity.rawValue): \(message)" }
}

/// Why a load failed as a whole. Problems inside files are `IngestIssue`s instead.
public enum IngestError: Error, Sendable, CustomStringConvertible, Equatable {
    case noInput
    case fileNotFound(String)
    /// Path and the system's reason (a directory, no permission, …).
    case unreadable(String, String)
    /// A path whose extension names no format, and no `IngestOptions.format` was given.
    case unknownFormat(String)
    /// `IngestOptions.types` or `timeColumn` names a column no file has.
    case unknownColumn(String)
    /// A type that cannot be stored from text (`list`, `null`).
    case unsupportedType(column: String, DataType)
    /// `timeColumn` names a column whose forced type is not time.
    case timeColumnNotTime(column: String, DataType)
    /// `IngestOptions.strict`: the first error in the input stopped the load.
    case strict(IngestIssue)
    /// `IngestOptions.isCancelled` said stop.
    case cancelled
    /// Writing a segment (or the chunks waiting for one) failed, such as on a full disk
    /// (`Ingest.load(paths:tableName:options:segments:)`).
    case output(StoreError)

    public var description: String {
        switch self {
        case .noInput: "no input files"
        case .fileNotFound(let path): "\(path): no such file"
        case .unreadable(let path, let reason): "\(path): cannot read: \(reason)"
        case .unknownFormat(let path): "\(path): unknown format (expected .csv, .tsv, .jsonl or .ndjson)"
        case .unknownColumn(let name): "no column named '\(name)' in the input"
        case .unsupportedType(let column, let type): "column '\(column)': cannot load values as \(type.rawValue)"
        case .timeColumnNotTime(let column, let type):
            "time column '\(column)' is forced to \(type.rawValue); it must be time"
        case .cancelled: "load interrupted"
        case .output(let error): error.description
        case .strict(let issue):
            "\(issue.file):\(issue.line):\(issue.column): \(issue.message) (--strict stops at the first error)"
        }
    }
}

/// A loaded table and what happened on the way.
public struct IngestResult: Sendable {
    public let table: Table
    /// The named format every file had (detected or stated); nil for plain tables.
    public let eventFormat: EventFormat?
    /// The first `IssueLog.fullIssueLimit` issues, in file order, then position order.
    public let issues: [IngestIssue]
    /// The issues after those, counted by severity, reason and column.
    public let omitted: [IngestIssue.Count]
    /// Rejected rows counted by reason; the counts add up to `rowsRejected`.
    public let rejections: [IngestIssue.Count]
    /// With `IngestOptions.keepsRejectedRows`: the rejected rows' bytes as read, one per line.
    public let rejectedRows: [UInt8]
    /// Data rows seen (header and blank lines excluded), loaded or rejected.
    public let rowsRead: Int
    /// Rows left out because they were malformed; `table.rowCount == rowsRead - rowsRejected`.
    public let rowsRejected: Int
    /// Cells stored as null because they did not convert to a forced type (warnings).
    public let cellsNulled: Int
    public let files: [String]
}
