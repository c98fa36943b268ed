// Loads data files into a session: `--data [NAME=]PATH` from the command line, or the
// bundled samples when no data is named. Malformed rows are reported and counted by ingest.

import EVQStore
import Foundation
#if canImport(Glibc)
    import Glibc
#endif

/// One `--data` argument: a path, and the table it goes into (`events` unless named).
public struct DataSource: Sendable, Equatable {
    public var table: String
    public var path: String

    public init(table: String = "events", path: String) {
        self.table = table
        self.path = path
    }

    /// `events.csv` -> table `events`; `actors=Samples/actors.csv` -> table `actors`.
    public init(argument: String) {
        if let eq = argument.firstIndex(of: "="), !argument[..<eq].contains("/"), !argument[..<eq].isEmpty {
            self.init(table: String(argument[..<eq]), path: String(argument[argument.index(after: eq)...]))
        } else {
            self.init(path: argument)
        }
    }
}

/// How `DataLoader.load` reads files; the command line's input flags.
public struct LoadOptions: Sendable {
    /// `types[table][column]` forces a column's type; a column no file has is an error.
    public var types: [String: [String: DataType]] = [:]
    /// `timeColumns[table]`: the column that orders the table in time, and how it is written.
    public var timeColumns: [String: (column: String, layout: TimeLayout?)] = [:]
    /// `--input-format`: a named export layout, or nil to detect it from each file.
    public var eventFormat: EventFormat?
    /// `--input-format csv|tsv|jsonl`: the plain format, whatever the extension.
    public var fileFormat: FileFormat?
    public var nullTokens = IngestOptions.defaultNullTokens
    public var trim = false
    /// Stop at the first rejected row (exit 65) instead of loading the rest.
    public var strict = false
    /// Keep rejected rows' bytes in each report's `rejectedRows`.
    public var keepsRejectedRows = false
    /// Told the progress of loads that run over a second, with the table's name.
    public var progress: (@Sendable (String, LoadProgress) -> Void)? = nil
    /// Whether to say which files lack or add columns (the bundled samples do, on purpose).
    public var reportsColumnDifferences = true

    public init(types: [String: [String: DataType]] = [:]) { self.types = types }
}

public struct LoadReport: Sendable {
    public var table: String
    public var files: [String]
    /// Rows loaded.
    public var rows: Int
    public var rowsRead: Int
    public var rowsRejected: Int
    public var cellsNulled: Int
    /// The first issues, in full.
    public var issues: [IngestIssue]
    /// The issues not shown in full, counted.
    public var omitted: [IngestIssue.Count]
    public var rejections: [IngestIssue.Count]
    public var rejectedRows: [UInt8]

    /// What a load reports on stderr: the issues kept in full, a count of the rest by reason
    /// and column, and one summary line. Nothing for a clean load.
    public var diagnosticLines: [String] {
        guard !issues.isEmpty || rowsRejected > 0 || !omitted.isEmpty else { return [] }
        var lines = issues.map(\.description)
        if !omitted.isEmpty {
            let total = omitted.reduce(0) { $0 + $1.count }
            let parts = omitted.map { c in
                "\(Self.grouped(c.count)) \(c.severity.rawValue)\(c.count == 1 ? "" : "s") (\(c.reason.rawValue)"
                    + (c.column.map { " in column '\($0)'" } ?? "") + ")"
            }
            lines.append("evq: table \(table): \(Self.grouped(total)) more issue\(total == 1 ? "" : "s") not shown: " + parts.joined(separator: ", "))
        }
        var summary = "evq: table \(table): \(Self.grouped(rowsRead)) row\(rowsRead == 1 ? "" : "s") read, \(Self.grouped(rows)) loaded"
        if rowsRejected > 0 {
            summary += ", \(Self.grouped(rowsRejected)) rejected ("
                + rejections.map { "\(Self.grouped($0.count)) \($0.reason.rawValue)" }.joined(separator: ", ") + ")"
        }
        if cellsNulled > 0 { summary += "; \(Self.grouped(cellsNulled)) cell\(cellsNulled == 1 ? "" : "s") stored as null" }
        lines.append(summary)
        return lines
    }

    static func grouped(_ n: Int) -> String { NumberText.grouped(n) }
}

public enum DataLoader {
    /// The bundled samples: `$EVQ_SAMPLES`, else `./Samples`, else the `Samples` folder of the
    /// source tree this binary was built from (so `swift run evq` works from any folder).
    public static func samplesDirectory() -> String? {
        let fm = FileManager.default
        var candidates: [String] = []
        if let env = ProcessInfo.processInfo.environment["EVQ_SAMPLES"], !env.isEmpty { candidates.append(env) }
        candidates.append(fm.currentDirectoryPath + "/Samples")
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        candidates.append(root.appendingPathComponent("Samples").path)
        return candidates.first { fm.fileExists(atPath: $0 + "/seed-events.csv") }
    }

    /// The sample tables: `events` (the seed article's events and the UCDP Syria release) and `actors`.
    public static func sampleSources() throws(EVQError) -> [DataSource] {
        guard let dir = samplesDirectory() else {
            throw EVQError(.missingInput("bundled samples (Samples/seed-events.csv); set EVQ_SAMPLES or pass --data"))
        }
        return [
            DataSource(table: "events", path: dir + "/seed-events.csv"),
            DataSource(table: "events", path: dir + "/ucdp-syria.csv"),
            DataSource(table: "actors", path: dir + "/actors.csv"),
        ]
    }

    /// Loads each table's files (several files for one table are concatenated) into `session`.
    /// `types[table][column]` forces a column's type; a column no file has is an error.
    @discardableResult
    public static func load(_ sources: [DataSource], into session: Session, types: [String: [String: DataType]] = [:]) throws(EVQError) -> [LoadReport] {
        try load(sources, into: session, options: LoadOptions(types: types))
    }

    /// Loads each table's files with the command line's input options.
    @discardableResult
    public static func load(_ sources: [DataSource], into session: Session, options: LoadOptions) throws(EVQError) -> [LoadReport] {
        let types = options.types
        var order: [String] = []
        var paths: [String: [String]] = [:]
        for s in sources {
            if paths[s.table] == nil { order.append(s.table) }
            paths[s.table, default: []].append(s.path)
        }
        for table in types.keys.sorted() where paths[table] == nil {
            throw EVQError(.usage("--type names table '\(table)', which no --data loads"))
        }
        for table in options.timeColumns.keys.sorted() where paths[table] == nil {
            throw EVQError(.usage("--time names table '\(table)', which no --data loads"))
        }
        var reports: [LoadReport] = []
        for name in order {
            let result: IngestResult
            do {
                var ingest = ingestOptions(for: name, options: options)
                ingest.isCancelled = session.isCancelled
                result = try Ingest.load(paths: paths[name]!, tableName: name, options: ingest)
            } catch {
                throw loadError(error, table: name, options: options)
            }
            LoadTrace.mark("ingest done")
            session.addTable(result.table)
            reports.append(report(result, table: name, options: options))
        }
        releaseFreedMemory()
        LoadTrace.mark("malloc_trim")
        return reports
    }

    /// The ingest options for the table `name` from the command line's.
    public static func ingestOptions(for name: String, options: LoadOptions) -> IngestOptions {
        var ingest = IngestOptions(types: options.types[name] ?? [:], nullTokens: options.nullTokens, trim: options.trim)
        if let time = options.timeColumns[name] {
            ingest.timeColumn = time.column
            if let layout = time.layout { ingest.timeLayouts[time.column] = layout }
        }
        if let progress = options.progress { ingest.progress = { progress(name, $0) } }
        ingest.eventFormat = options.eventFormat
        ingest.format = options.fileFormat
        ingest.strict = options.strict
        ingest.keepsRejectedRows = options.keepsRejectedRows
        return ingest
    }

    /// A failed load of the table `name` as evq reports it.
    public static func loadError(_ error: IngestError, table name: String, options: LoadOptions) -> EVQError {
        switch error {
        case .fileNotFound(let path): EVQError(.missingInput(path))
        case .cancelled: EVQError(.cancelled)
        case .unknownColumn(let column):
            EVQError(.usage("\(options.timeColumns[name]?.column == column ? "--time" : "--type") "
                + "\(name == "events" ? "" : name + ".")\(column): table \(name) has no column '\(column)'"))
        default: EVQError(.data(error.description))
        }
    }

    /// What a load of `name` says on stderr. `rows`: the rows loaded (the result's table holds
    /// them all unless the load wrote segments).
    public static func report(_ result: IngestResult, table name: String, options: LoadOptions, rows: Int? = nil) -> LoadReport {
        var issues = result.issues.filter { options.reportsColumnDifferences || $0.reason != .columnsDiffer }
        if let warning = almostTimeColumn(result.table, files: result.files) { issues.append(warning) }
        return LoadReport(table: name, files: result.files, rows: rows ?? result.table.rowCount, rowsRead: result.rowsRead,
                          rowsRejected: result.rowsRejected, cellsNulled: result.cellsNulled, issues: issues,
                          omitted: result.omitted, rejections: result.rejections, rejectedRows: result.rejectedRows)
    }
}

extension DataLoader {
    /// Hands the heap pages a load freed (the parsed cells, the texts before sorting, each
    /// core's arena) back to the system. glibc keeps freed memory below the top of each arena,
    /// so without this a loaded table looks hundreds of MB bigger than it is.
    static func releaseFreedMemory() {
        #if canImport(Glibc)
            // Not in the Glibc module's headers; looked up once in the C library.
            typealias Trim = @convention(c) (Int) -> Int32
            if let trim = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim") {
                _ = unsafeBitCast(trim, to: Trim.self)(0)
            }
        #endif
    }

    /// A table with no time order whose `date` (or `time`...) column came out as text because a
    /// few of its values are not dates: say so, and how to read it as time anyway. Otherwise
    /// every time filter on it would fail with a type error and nobody would know why.
    static func almostTimeColumn(_ table: Table, files: [String]) -> IngestIssue? {
        guard table.timeColumnIndex == nil else { return nil }
        for name in IngestOptions.timeColumnCandidates {
            guard let column = table.column(named: name), case .string(let s) = column.data else { continue }
            var dates = 0
            var example: String? = nil
            for value in s.dictionary.values {
                if TimeFormat.parse(Substring(value)) != nil { dates += 1 } else if example == nil { example = value }
            }
            let others = s.dictionary.count - dates
            guard dates > 0, others > 0, dates >= others * 9 else { continue }
            return IngestIssue(file: files.first ?? table.name, line: 1, column: 1,
                               message: "column '\(name)' was read as text, because \(others) of its \(s.dictionary.count) distinct values "
                                   + "are not dates (such as \(ValueFormat.literal(.string(example ?? "")))); "
                                   + "--type \(table.name == "events" ? "" : table.name + ".")\(name)=time reads it as time, with those cells null and reported",
                               severity: .warning)
        }
        return nil
    }

    /// Parses `--input-format NAME`: a named export (`gdelt2-events`, `acled`, …) or a plain format.
    public static func parseInputFormat(_ name: String) throws(EVQError) -> (EventFormat?, FileFormat?) {
        if let e = EventFormat(rawValue: name.lowercased()) { return (e, nil) }
        if let f = FileFormat(rawValue: name.lowercased()) { return (nil, f) }
        let all = EventFormat.allCases.map(\.rawValue) + FileFormat.allCases.map(\.rawValue)
        throw EVQError(.usage("--input-format: unknown format '\(name)'; formats: " + all.joined(separator: ", ")))
    }

    /// Parses `--time [TABLE.]COLUMN[=LAYOUT]` (table `events` when none is named).
    public static func parseTimeColumn(_ text: String) throws(EVQError) -> (table: String, column: String, layout: TimeLayout?) {
        var name = text
        var layout: TimeLayout? = nil
        if let eq = text.lastIndex(of: "=") {
            let layoutName = String(text[text.index(after: eq)...])
            guard let l = TimeLayout(name: layoutName) else {
                throw EVQError(.usage("--time \(text): unknown layout '\(layoutName)'; layouts: "
                                      + TimeLayout.allCases.map(\.rawValue).joined(separator: ", ")))
            }
            layout = l
            name = String(text[..<eq])
        }
        guard !name.isEmpty else { throw EVQError(.usage("--time needs [TABLE.]COLUMN[=LAYOUT], found '\(text)'")) }
        let (table, column) = splitTable(name)
        return (table, column, layout)
    }

    /// `actors.name` -> (actors, name); `name` -> (events, name).
    static func splitTable(_ name: String) -> (String, String) {
        if let dot = name.firstIndex(of: "."), dot != name.startIndex, name.index(after: dot) != name.endIndex {
            return (String(name[..<dot]), String(name[name.index(after: dot)...]))
        }
        return ("events", name)
    }

    /// Parses `--type [TABLE.]COLUMN=TYPE` (table `events` when none is named).
    public static func parseTypeOverride(_ text: String) throws(EVQError) -> (table: String, column: String, type: DataType) {
        guard let eq = text.lastIndex(of: "="), eq != text.startIndex else {
            throw EVQError(.usage("--type needs [TABLE.]COLUMN=TYPE, found '\(text)'"))
        }
        let name = String(text[..<eq]), typeName = String(text[text.index(after: eq)...]).lowercased()
        let allowed: [DataType] = [.bool, .int, .float, .string, .time, .duration]
        guard let type = DataType(rawValue: typeName), allowed.contains(type) else {
            throw EVQError(.usage("--type \(text): unknown type '\(typeName)'; types: " + allowed.map(\.rawValue).joined(separator: ", ")))
        }
        let (table, column) = splitTable(name)
        return (table, column, type)
    }
}
