// The entry points: expand the paths (globs, folders), decide each file's layout (format,
// delimiter, named export), read every file into one accumulator, then assemble the table
// and add the canonical columns of a named format.
import Foundation

/// Loads CSV, TSV and JSON Lines files into one `Table`.
///
///     let result = try Ingest.load(paths: ["acled.csv"], tableName: "events")
///     for issue in result.issues { print(issue) }   // acled.csv:812:40: error: expected 31 fields, found 30
public enum Ingest {
    /// Reads every file into one table: columns are the union of all files' columns (first
    /// file's order, then new names as met), cells a file lacks are null, and types are
    /// inferred over all files. `paths` may hold globs and directories. Malformed rows and
    /// cells are in `issues`, never fatal (unless `options.strict`).
    public static func load(
        paths: [String], tableName: String, options: IngestOptions = .init()
    ) throws(IngestError) -> IngestResult {
        try load(paths: paths, tableName: tableName, options: options, segments: nil)
    }

    /// The same, handing the rows to `segments.write` as time-sorted tables of at most
    /// `segments.rows` rows each, so that memory holds a few of them (and the distinct texts)
    /// rather than the whole input. Types are inferred over every file, as above. The result's
    /// `table` is the last segment (the schema; its rows are not all the rows).
    public static func load(
        paths: [String], tableName: String, options: IngestOptions, segments: SegmentOutput?
    ) throws(IngestError) -> IngestResult {
        guard !paths.isEmpty else { throw .noInput }
        LoadTrace.mark("start")
        let files = try InputPaths.expand(paths)
        var contents: [Data] = []
        for path in files {
            if InputFile.isMissing(path) { throw .fileNotFound(path) }
            if let problem = InputFile.problem(path) { throw .unreadable(path, problem) }
            do {
                // Mapped, not read: reading copied the whole file into fresh memory first (2.4 GB
                // for 10 M events, seconds of page clearing), and the parts are read a window
                // at a time anyway. A file truncated by another program during the load would
                // end it (SIGBUS), as with any mapped reader; appending to it is harmless.
                contents.append(try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped))
            } catch {
                throw .unreadable(path, error.localizedDescription)
            }
        }
        var layouts: [FileLayout] = []
        for (path, data) in zip(files, contents) {
            let layout = data.withUnsafeBytes { raw in
                Result { () throws(IngestError) in
                    try FileLayout(bytes: raw.bindMemory(to: UInt8.self), path: path, options: options, stated: options.eventFormat)
                }
            }
            layouts.append(try layout.get())
        }
        return try IngestRun.untilTyped { (textOnly) throws(IngestError) in
            var run = try IngestRun(options: options, formats: layouts.map(\.eventFormat), textOnly: textOnly)
            if let segments {
                run.table.spill = try ChunkSpill(directory: segments.spillDirectory)
                run.table.chunkRows = max(1, segments.rows)
            }
            run.meter = options.progress.map { ProgressMeter(bytesTotal: contents.reduce(0) { $0 + $1.count }, report: $0) }
            for (k, data) in contents.enumerated() {
                data.withUnsafeBytes { raw in run.read(raw.bindMemory(to: UInt8.self), file: files[k], layout: layouts[k]) }
                if run.log.stopped || !run.table.numbersFailed.isEmpty { break }
            }
            run.meter?.finish()
            return try run.finish(tableName: tableName, files: files, segments: segments)
        }
    }

    /// Reads text already in memory; `source` names it in issues.
    ///
    ///     let result = try Ingest.load(text: "id,n\na,1\n", source: "inline", format: .csv, tableName: "t")
    public static func load(
        text: String, source: String, format: FileFormat, tableName: String, options: IngestOptions = .init()
    ) throws(IngestError) -> IngestResult {
        var text = text
        var options = options
        options.format = format
        let result = text.withUTF8 { bytes in
            Result { () throws(IngestError) in
                let layout = try FileLayout(bytes: bytes, path: source, options: options, stated: options.eventFormat)
                return try IngestRun.untilTyped { (textOnly) throws(IngestError) in
                    var run = try IngestRun(options: options, formats: [layout.eventFormat], textOnly: textOnly)
                    run.read(bytes, file: source, layout: layout)
                    return try run.finish(tableName: tableName, files: [source])
                }
            }
        }
        return try result.get()
    }
}

/// Where `Ingest.load(paths:tableName:options:segments:)` sends the table, piece by piece.
public struct SegmentOutput {
    /// Rows per segment (the last may hold fewer).
    public var rows: Int
    /// Where the chunks read wait for the types to be known (a file, unlinked at once).
    public var spillDirectory: String
    /// Called with each segment in input order; its error ends the load.
    public var write: (Table) throws(StoreError) -> Void

    public init(rows: Int, spillDirectory: String, write: @escaping (Table) throws(StoreError) -> Void) {
        self.rows = rows
        self.spillDirectory = spillDirectory
        self.write = write
    }
}

/// One load in progress.
private struct IngestRun {
    let options: IngestOptions
    /// The named format of every file, when they all share one.
    let eventFormat: EventFormat?
    var table: TableAccumulator
    var log = IssueLog()
    var rowsRead = 0
    var rowsRejected = 0
    var meter: ProgressMeter?
    /// The columns of the first CSV file, to report files that lack or add some.
    private var firstColumns: (file: String, columns: Set<Int>)?

    /// `textOnly`: columns to read as text, never as numbers (`NumberCells`).
    init(options: IngestOptions, formats: [EventFormat?], textOnly: Set<String> = []) throws(IngestError) {
        let shared = Set(formats.map { $0?.rawValue ?? "" })
        eventFormat = shared.count == 1 ? formats.first! : nil
        var forced = eventFormat?.forcedTypes ?? [:]
        forced.merge(options.types) { _, user in user }
        for (name, type) in options.types.sorted(by: { $0.key < $1.key }) where type == .list || type == .null {
            throw .unsupportedType(column: name, type)
        }
        for t in ([options.timeColumn].compactMap { $0 } + options.timeLayouts.keys.sorted()) {
            if let type = options.types[t], type != .time { throw .timeColumnNotTime(column: t, type) }
            forced[t] = .time
        }
        self.options = options
        table = TableAccumulator(forcedTypes: forced, layouts: options.timeLayouts)
        table.keepsNumbers = options.keepsNumbers
        table.textOnly = textOnly
        log.stopsAtFirstError = options.strict
        log.keepsRejectedRows = options.keepsRejectedRows
        log.isCancelled = options.isCancelled
        if shared.count > 1, let named = formats.compactMap({ $0 }).first {
            log.add("", (1, 1), .warning, .layout,
                    "files of different formats in one table (such as \(named.rawValue)); evq's canonical columns are not added")
        }
    }

    mutating func read(_ bytes: UnsafeBufferPointer<UInt8>, file: String, layout: FileLayout) {
        let counts: CSVReader.Counts
        switch layout.format {
        case .csv, .tsv:
            let chunkBytes = partBytes(bytes.count)
            counts = CSVReader(delimiter: layout.delimiter, hasHeader: layout.hasHeader, trims: options.trim,
                               nullTokens: NullTokens(options.nullTokens), columnNames: layout.eventFormat?.columnNames,
                               minimumFields: layout.eventFormat?.minimumFields, progress: meter)
                .read(bytes, file: file, into: &table, log: &log, chunkBytes: chunkBytes, window: 2 * Parallel.threads)
            compareColumns(Set(counts.columns), file: file)
        case .jsonl:
            counts = JSONLReader(progress: meter).read(bytes, file: file, into: &table, log: &log)
        }
        if bytes.allSatisfy({ JSONLineParser.isSpace($0) }) { log.add(file, (1, 1), .warning, .layout, "empty file") }
        rowsRead += counts.rowsRead
        rowsRejected += counts.rowsRejected
        meter?.endFile(rows: counts.rowsRead, bytes: bytes.count)
    }

    /// Bytes per part when the file's rows are read on all cores; nil reads them in one pass.
    /// Parts are read a window at a time (a few per core) and joined as they come, so memory
    /// holds those parts and the table, not every part's rows at once. An ingest that writes
    /// segments cuts its chunks by row count as the parts join (`TableAccumulator.append`).
    private func partBytes(_ fileBytes: Int) -> Int? {
        if let given = options.partBytes { return given }
        guard table.spill == nil else { return Parallel.threads > 1 ? CSVReader.spillPartBytes : nil }
        return CSVReader.defaultPartBytes(fileBytes: fileBytes)
    }

    /// Says once per file which columns it lacks or adds, against the first file.
    private mutating func compareColumns(_ columns: Set<Int>, file: String) {
        guard !columns.isEmpty else { return }
        guard let first = firstColumns else {
            firstColumns = (file, columns)
            return
        }
        func names(_ ids: Set<Int>) -> String { ids.sorted().map { "'\(table.columns[$0].name)'" }.joined(separator: ", ") }
        let lacks = first.columns.subtracting(columns), adds = columns.subtracting(first.columns)
        if !lacks.isEmpty {
            log.add(file, (1, 1), .warning, .columnsDiffer, "lacks \(lacks.count) column\(lacks.count == 1 ? "" : "s") of \(first.file): \(names(lacks)); null in its rows")
        }
        if !adds.isEmpty {
            log.add(file, (1, 1), .warning, .columnsDiffer, "adds \(adds.count) column\(adds.count == 1 ? "" : "s") to \(first.file): \(names(adds)); null in the rows before")
        }
    }

    /// How a run ends: its result, or the columns to read again as text (`NumberCells`).
    enum Outcome {
        case done(IngestResult)
        case readAgain(Set<String>)
    }

    /// The result of the first `attempt` that ends typed: each is given the columns every
    /// attempt before it found were not numbers after all.
    static func untilTyped(_ attempt: (Set<String>) throws(IngestError) -> Outcome) throws(IngestError) -> IngestResult {
        var textOnly: Set<String> = []
        while true {
            switch try attempt(textOnly) {
            case .done(let result): return result
            case .readAgain(let columns):
                textOnly.formUnion(columns)
                LoadTrace.mark("read again: \(columns.sorted().joined(separator: ", ")) as text")
            }
        }
    }

    mutating func finish(tableName: String, files: [String], segments: SegmentOutput? = nil) throws(IngestError) -> Outcome {
        if log.cancelled { throw .cancelled }
        if log.stopped, let first = log.firstError { throw .strict(first) }
        table.finishSpilling()
        if !table.numbersFailed.isEmpty { return .readAgain(table.numbersFailed) }
        if let failure = table.spillError { throw failure }
        let names = Set(table.columnNames)
        for name in options.types.keys.sorted() where !names.contains(name) { throw .unknownColumn(name) }
        if let t = options.timeColumn, !names.contains(t) { throw .unknownColumn(t) }
        for t in options.timeLayouts.keys.sorted() where !names.contains(t) { throw .unknownColumn(t) }
        var timeColumn = options.timeColumn
        if timeColumn == nil, let e = eventFormat, names.contains(e.timeColumn) { timeColumn = e.timeColumn }
        LoadTrace.mark("read")
        let evidence = table.evidence
        LoadTrace.mark("evidence")
        let shape = TableAssembly.shape(table.columns, evidence: evidence, explicit: timeColumn)
        let held = table.heldAsNumbers
        let mistaken = table.columns.indices.filter { held.contains(table.columns[$0].name) && shape.types[$0] != .int && shape.types[$0] != .float }
        if !mistaken.isEmpty { return .readAgain(Set(mistaken.map { table.columns[$0].name })) }
        func assemble(_ columns: [TableAccumulator.PendingColumn], rows: Int) -> Table {
            let built = TableAssembly.build(columns, rows: rows, shape: shape, name: tableName)
            let t = eventFormat.map { CanonicalColumns.add(to: built, format: $0) } ?? built
            LoadTrace.mark("canonical")
            return t
        }
        var built: Table
        if let segments, let spill = table.spill {
            built = assemble(table.columns, rows: table.rowCount)
            table.releaseRows()  // the chunk lives on in `built`; only the column names are needed now
            for k in spill.chunks.indices {
                if options.isCancelled?() == true { throw .cancelled }
                let chunk = assemble(try spill.read(k, like: table.columns), rows: spill.chunks[k].rows)
                do { try segments.write(chunk) } catch { throw .output(error) }
                LoadTrace.mark("write segment")
            }
            if built.rowCount > 0 || spill.chunks.isEmpty {
                if options.isCancelled?() == true { throw .cancelled }
                do { try segments.write(built) } catch { throw .output(error) }
                LoadTrace.mark("write segment")
            }
        } else {
            built = assemble(table.columns, rows: table.rowCount)
        }
        var log = log
        for (i, c) in table.columns.enumerated() where shape.types[i] == .time && evidence[i].hasFractionalSeconds {
            log.add(files.first ?? tableName, (1, 1), .warning, .layout,
                    "column '\(c.name)': fractions of a second are dropped (times are kept to the second)")
        }
        return .done(IngestResult(
            table: built, eventFormat: eventFormat,
            issues: log.issues, omitted: log.omitted, rejections: log.rejections, rejectedRows: log.rejectedRows,
            rowsRead: rowsRead, rowsRejected: rowsRejected, cellsNulled: log.cellsNulled, files: files))
    }
}
