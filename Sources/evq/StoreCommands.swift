// `evq ingest`, `evq stats`, `evq compact`, `evq check`: writing and inspecting a store on
// disk. Querying one is `evq --store DIR` (the root command's option).

import ArgumentParser
import EVQ
import EVQShell
import EVQStore
import Foundation
import LineEditor

struct IngestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest", abstract: "Load files into a store (create, or append a segment).",
        discussion: "--table NAME: the table to create or append to (default events). Then: evq --store DIR (queries), evq stats|compact|check --store DIR.")

    @Argument(help: "CSV, TSV or JSONL files, globs or folders.")
    var files: [String]

    @OptionGroup var options: DataOptions
    /// `--table NAME`, the table to create or append to: the same option as the ClickHouse
    /// engine's `--table NAME=TABLE`, which the root command declares (a second declaration
    /// here would never see its value).
    @OptionGroup var engine: EngineOptions

    var table: String { engine.tables.last ?? "events" }

    func validate() throws {
        guard options.store != nil else { throw ValidationError("evq ingest needs --store DIR") }
        guard !table.contains("=") else { throw ValidationError("evq ingest --table takes a table name, such as actors") }
        guard options.data.isEmpty else { throw ValidationError("evq ingest takes its files as arguments, not --data") }
    }

    func run() throws {
        unblockInterrupt()
        // A write past `ulimit -f` is then an error (EFBIG) naming the file, not a kill.
        signal(SIGXFSZ, SIG_IGN)
        Interrupt.install()
        let start = DispatchTime.now().uptimeNanoseconds
        let path = options.store!
        let isNew = !FileManager.default.fileExists(atPath: path)
        // Take the lock before reading anything, so that a second writer is told at once.
        let writer = try storeStep(path) { () throws(StoreError) in try StoreWriter(path: path) }
        func unchanged() {
            FileSink.standardError.write(isNew ? "evq: nothing was ingested; no store was created\n"
                : "evq: nothing was ingested; the store \(path) is as it was\n")
            if isNew { try? FileManager.default.removeItem(atPath: path) }
        }
        let load = try exitOnError { () throws(EVQError) in try options.loadOptions() }
        if let other = (Array(load.types.keys) + Array(load.timeColumns.keys)).sorted().first(where: { $0 != table }) {
            FileSink.standardError.write("error: --type or --time names table '\(other)'; this ingest loads table \(table)\n")
            unchanged()
            throw ExitCode(64)
        }
        var ingest = DataLoader.ingestOptions(for: table, options: load)
        ingest.isCancelled = { Interrupt.requested }
        let progress = SegmentProgress(enabled: !options.quiet && isatty(2) != 0)
        let result: IngestResult, commit: StoreWriter.Commit
        do {
            (result, commit) = try writer.ingest(paths: files, table: table, options: ingest, segmentRows: Self.segmentRows,
                                                 onSegment: progress.writing)
        } catch {
            progress.done()
            FileSink.standardError.write(Self.message(error, table: table, options: load))
            unchanged()
            throw ExitCode(Self.exitCode(error))
        }
        progress.done()
        if !options.quiet {
            for line in DataLoader.report(result, table: table, options: load, rows: commit.rows).diagnosticLines {
                FileSink.standardError.write(line + "\n")
            }
        }
        if let rejects = options.rejects, !FileManager.default.createFile(atPath: rejects, contents: Data(result.rejectedRows)) {
            FileSink.standardError.write("error: --rejects \(rejects): cannot write the file (the rows were ingested)\n")
            throw ExitCode(74)
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let first = commit.segments - commit.segmentsAdded + 1
        let which = commit.segmentsAdded == 1 ? "segment \(first)" : "segments \(first)–\(commit.segments)"
        print("\(path): table \(table): \(grouped(commit.rows)) rows ingested as \(which) "
            + "(\(megabytes(commit.bytesWritten)) written; store \(megabytes(commit.storeBytes))) in \(String(format: "%.2f", seconds)) s")
    }

    /// Rows per segment: about a million (`EVQ_SEGMENT_ROWS` sets it, for tests).
    static var segmentRows: Int {
        ProcessInfo.processInfo.environment["EVQ_SEGMENT_ROWS"].flatMap(Int.init).map { max(1, $0) } ?? StoreWriter.defaultSegmentRows
    }

    static func message(_ error: IngestError, table: String, options: LoadOptions) -> String {
        switch error {
        case .output(let e): "error: \(e)\n"
        default: DataLoader.loadError(error, table: table, options: options).render(color: Terminal.colorAllowed(fd: 2))
        }
    }

    /// 74 for a failed write, as `storeStep` says; the loader's codes for the rest.
    static func exitCode(_ error: IngestError) -> Int32 {
        switch error {
        case .output(let e): storeExitCode(e)
        default: DataLoader.loadError(error, table: "", options: LoadOptions()).exitCode
        }
    }
}

/// The segment phase of an ingest on a terminal's stderr: which rows are being written.
final class SegmentProgress {
    let enabled: Bool
    private var shown = false

    init(enabled: Bool) { self.enabled = enabled }

    func writing(after before: Int, rows: Int) {
        guard enabled else { return }
        shown = true
        FileSink.standardError.write("\revq: writing rows \(grouped(before + 1))–\(grouped(before + rows)) as a segment\u{1B}[K")
    }

    func done() {
        if shown { FileSink.standardError.write("\r\u{1B}[K") }
        shown = false
    }
}

struct StatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "stats", abstract: "What a store holds: events, segments, bytes per column and index.",
                                                    shouldDisplay: false)

    @OptionGroup var options: DataOptions

    func run() throws {
        let text = try storeStep((options.store ?? "")) { () throws(StoreError) in try StoreReport.describe((options.store ?? "")) }
        print(text, terminator: "")
    }
}

struct CompactCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "compact", abstract: "Merge each table's segments into one.", shouldDisplay: false)

    @OptionGroup var options: DataOptions

    func run() throws {
        let path = (options.store ?? "")
        let commits = try storeStep(path) { () throws(StoreError) in
            try StoreWriter(path: path, create: false).compact()
        }
        if commits.isEmpty { print("\(path): nothing to compact (every table is one segment)") }
        for c in commits {
            print("\(path): table \(c.table): \(grouped(c.rows)) rows in 1 segment (\(megabytes(c.bytesWritten)); store \(megabytes(c.storeBytes)))")
        }
    }
}

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "check", abstract: "Verify every checksum of a store.", shouldDisplay: false)

    @OptionGroup var options: DataOptions

    func run() throws {
        let problems = Store.check((options.store ?? ""))
        for p in problems { FileSink.standardError.write("error: \(p)\n") }
        if !problems.isEmpty { throw ExitCode(65) }
        print("\((options.store ?? "")): ok")
    }
}

/// Runs a store operation, printing its error and exiting with its code (74 for a failed
/// write, 66 for a missing store, 65 for the rest).
func storeStep<T>(_ path: String, _ body: () throws(StoreError) -> T) throws -> T {
    do {
        return try body()
    } catch {
        FileSink.standardError.write("error: \(error)\n")
        throw ExitCode(storeExitCode(error))
    }
}

func storeExitCode(_ error: StoreError) -> Int32 {
    switch error {
    case .io(_, "no such store directory"): 66
    case .io: 74
    case .locked: 75
    case .cancelled: 130
    default: 65
    }
}

func grouped(_ n: Int) -> String { NumberText.grouped(n) }

func megabytes(_ bytes: Int) -> String { StoreReport.size(bytes) }

