// What a caller can choose when loading files: forced column types, the time column, the
// file format and the CSV delimiter. Defaults suit ACLED/UCDP/GDELT exports as they come.

/// Options for `Ingest.load`.
///
///     var options = IngestOptions()
///     options.types["fatalities"] = .int
///     options.timeColumn = "event_date"
public struct IngestOptions: Sendable {
    /// Forces a column's type instead of inferring it. A cell that does not convert becomes
    /// null and is reported. Allowed: bool, int, float, string, time, duration.
    public var types: [String: DataType]
    /// The column the rows are sorted by. nil picks the first of `IngestOptions.timeColumnCandidates`
    /// that reads as time. Naming a column forces it to `.time` (unless `types` already says `.time`).
    public var timeColumn: String?
    /// How a time column's text is written, by column; a time column without one reads
    /// `TimeLayout.automatic` (ISO, `YYYYMMDD`, `YYYYMMDDHHMMSS`).
    public var timeLayouts: [String: TimeLayout] = [:]
    /// nil chooses by file extension (`FileFormat.init(path:)`), else by content.
    public var format: FileFormat?
    /// A named export layout (`--input-format`); nil detects it from each file's first line.
    public var eventFormat: EventFormat?
    /// The CSV field separator; nil means `,` for csv and a tab for tsv.
    public var delimiter: UInt8?
    /// Whether the first row of a CSV/TSV file names the columns. Without a header, columns
    /// are `column_1`, `column_2`, … and the first row sets the field count.
    public var hasHeader: Bool
    /// CSV cells that are exactly one of these are null, like empty cells (JSON has its own
    /// `null`). `--null TOKEN` adds one; `--no-null-tokens` empties the list.
    public var nullTokens: [String]
    /// Drops spaces and tabs around every CSV field, quoted or not. Off: fields are kept as
    /// written (a number or date still reads as one with blanks around it).
    public var trim: Bool
    /// Stops the load at the first error (a rejected row), throwing `IngestError.strict`.
    public var strict: Bool
    /// Called with the progress of a load that has run for over a second (a few times a
    /// second, then once with `finished`); nil reports nothing.
    public var progress: (@Sendable (LoadProgress) -> Void)? = nil
    /// Polled every 65,536 rows; true stops the load with `IngestError.cancelled` (Ctrl-C at the prompt).
    public var isCancelled: (@Sendable () -> Bool)? = nil
    /// Keeps the bytes of rejected rows in `IngestResult.rejectedRows` (for `--rejects FILE`).
    public var keepsRejectedRows = false
    /// Bytes per part of a CSV file read on its own core; nil chooses by the file's size and
    /// the cores (`CSVReader.defaultPartBytes`). Tests set it small to cut small files.
    var partBytes: Int? = nil
    /// Whether columns whose texts look unique and numeric are read as numbers
    /// (`NumberCells`); tests turn it off to compare with reading every cell as text.
    var keepsNumbers = true

    public init(
        types: [String: DataType] = [:], timeColumn: String? = nil, format: FileFormat? = nil,
        delimiter: UInt8? = nil, hasHeader: Bool = true, nullTokens: [String] = IngestOptions.defaultNullTokens,
        trim: Bool = false, strict: Bool = false
    ) {
        self.types = types
        self.timeColumn = timeColumn
        self.format = format
        self.delimiter = delimiter
        self.hasHeader = hasHeader
        self.nullTokens = nullTokens
        self.trim = trim
        self.strict = strict
    }

    /// The cell texts read as null by default.
    public static let defaultNullTokens = ["NA", "N/A", "NULL", "null", "NaN"]

    /// Column names tried, in order and ignoring letter case, when `timeColumn` is nil. A column
    /// so named is the time order when its cells all read as time: ISO dates and timestamps
    /// for any column, and also `YYYYMMDD` and `YYYYMMDDHHMMSS` for these names (GDELT's SQLDATE).
    public static let timeColumnCandidates = [
        "date", "time", "timestamp", "datetime", "event_date", "date_start", "SQLDATE", "Event Date",
    ]
}

/// The formats ingest reads.
public enum FileFormat: String, Sendable, CaseIterable {
    case csv, tsv, jsonl

    /// The format for a file name's extension (case-insensitive): `.csv`, `.tsv`/`.tab`,
    /// `.jsonl`/`.ndjson`. nil for anything else.
    public init?(path: String) {
        guard let dot = path.lastIndex(of: "."), !path[dot...].contains("/") else { return nil }
        switch path[path.index(after: dot)...].lowercased() {
        case "csv": self = .csv
        case "tsv", "tab": self = .tsv
        case "jsonl", "ndjson": self = .jsonl
        default: return nil
        }
    }
}
