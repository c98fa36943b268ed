// The entry points: check the options and paths, read each file with its format's reader
// into one accumulator, then assemble the table. File reading is the only Foundation use.
import Foundation

/// Loads CSV, TSV and JSON Lines files into one `Table`.
///
///     let result = try Ingest.load(paths: ["acled.csv"], tableName: "events")
///     for issue in result.issues { print(issue) }   // acled.csv:812:40: error: expected 31 fields, found 30
public enum Ingest {
    /// Reads every file into one table: columns are the union of all files' columns (first
    /// file's order, then new names as met), cells a file lacks are null, and types are
    /// inferred over all files. Malformed rows and cells are in `issues`, never fatal.
    public static func load(
        paths: [String], tableName: String, options: IngestOptions = .init()
    ) throws(IngestError) -> IngestResult {
        guard !paths.isEmpty else { throw .noInput }
        var run = try IngestRun(options: options)
        var formats: [FileFormat] = []
        for path in paths {
            if InputFile.isMissing(path) { throw .fileNotFound(path) }
            if let problem = InputFile.problem(path) { throw .unreadable(path, problem) }
            guard let format = options.format ?? FileFormat(path: path) else { throw .unknownFormat(path) }
            formats.append(format)
        }
        for (path, format) in zip(paths, formats) {
            let data: Data
            do {
                data = try Data(contentsOf: URL(fileURLWithPath: path), options: .mappedIfSafe)
            } catch {
                throw .unreadable(path, error.localizedDescription)
            }
            data.withUnsafeBytes { raw in run.read(raw.bindMemory(to: UInt8.self), file: path, format: format) }
        }
        return try run.finish(tableName: tableName, files: paths)
    }

    /// Reads text already in memory; `source` names it in issues.
    ///
    ///     let result = try Ingest.load(text: "id,n\na,1\n", source: "inline", format: .csv, tableName: "t")
    public static func load(
        text: String, source: String, format: FileFormat, tableName: String, options: IngestOptions = .init()
    ) throws(IngestError) -> IngestResult {
        var run = try IngestRun(options: options)
        var text = text
        text.withUTF8 { run.read($0, file: source, format: format) }
        return try run.finish(tableName: tableName, files: [source])
    }
}

/// One load in progress.
private struct IngestRun {
    let options: IngestOptions
    var table: TableAccumulator
    var log = IssueLog()
    var rowsRead = 0
    var rowsRejected = 0

    init(options: IngestOptions) throws(IngestError) {
        var forced = options.types
        for (name, type) in forced.sorted(by: { $0.key < $1.key }) where type == .list || type == .null {
            throw .unsupportedType(column: name, type)
        }
        if let t = options.timeColumn {
            if let type = forced[t], type != .time { throw .timeColumnNotTime(column: t, type) }
            forced[t] = .time
        }
        self.options = options
        table = TableAccumulator(forcedTypes: forced)
    }

    mutating func read(_ bytes: UnsafeBufferPointer<UInt8>, file: String, format: FileFormat) {
        let counts: CSVReader.Counts
        switch format {
        case .csv, .tsv:
            let delimiter = options.delimiter ?? (format == .tsv ? 0x09 : 0x2C)
            counts = CSVReader(delimiter: delimiter, hasHeader: options.hasHeader)
                .read(bytes, file: file, into: &table, log: &log)
        case .jsonl:
            counts = JSONLReader().read(bytes, file: file, into: &table, log: &log)
        }
        if bytes.allSatisfy({ JSONLineParser.isSpace($0) }) { log.add(file, (1, 1), .warning, "empty file") }
        rowsRead += counts.rowsRead
        rowsRejected += counts.rowsRejected
    }

    func finish(tableName: String, files: [String]) throws(IngestError) -> IngestResult {
        let names = Set(table.columnNames)
        for name in options.types.keys.sorted() where !names.contains(name) { throw .unknownColumn(name) }
        if let t = options.timeColumn, !names.contains(t) { throw .unknownColumn(t) }
        return IngestResult(
            table: TableAssembly.build(table, name: tableName, timeColumn: options.timeColumn),
            issues: log.issues, rowsRead: rowsRead, rowsRejected: rowsRejected, cellsNulled: log.cellsNulled,
            files: files)
    }
}
