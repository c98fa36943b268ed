// What ingest reports: per-row and per-cell issues (which never stop a load) and the errors
// that do (no input, unreadable file, bad options).

/// A problem found in an input file. Errors mark rejected rows and cells stored as null;
/// warnings mark data that was loaded but repaired or renamed.
public struct IngestIssue: Sendable, CustomStringConvertible, Equatable {
    public enum Severity: String, Sendable { case error, warning }

    public let file: String
    /// 1-based physical line of the offending spot.
    public let line: Int
    /// 1-based character (Unicode scalar) column of the offending spot within its line.
    public let column: Int
    public let message: String
    public let severity: Severity

    public init(file: String, line: Int, column: Int, message: String, severity: Severity) {
        self.file = file
        self.line = line
        self.column = column
        self.message = message
        self.severity = severity
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
        }
    }
}

/// A loaded table and what happened on the way.
public struct IngestResult: Sendable {
    public let table: Table
    /// In file order, then position order within a file.
    public let issues: [IngestIssue]
    /// Data rows seen (header and blank lines excluded), loaded or rejected.
    public let rowsRead: Int
    /// Rows left out because they were malformed; `table.rowCount == rowsRead - rowsRejected`.
    public let rowsRejected: Int
    /// Cells stored as null because they did not convert to a forced type.
    public let cellsNulled: Int
    public let files: [String]
}
