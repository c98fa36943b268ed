// The `evq` command: a query with -c, a saved script with `run FILE.evq`, a script on piped
// stdin, or the interactive prompt on a terminal.

import ArgumentParser
import EVQ
import EVQShell
import Foundation

struct DataOptions: ParsableArguments {
    @Option(name: .customLong("data"), help: ArgumentHelp("Load files, globs or folders into events; NAME=PATH into NAME. Default: the samples.", valueName: "[NAME=]PATH"))
    var data: [String] = []

    @Option(name: [.short, .long], help: "How results are printed.")
    var format: OutputFormat = .table

    @Option(name: .customLong("type"), help: ArgumentHelp("Force a column's type; COL may be TABLE.COL.", valueName: "COL=TYPE"))
    var types: [String] = []

    @Option(name: .customLong("time"), help: ArgumentHelp("Order rows by COL (layout: iso, unix, dd/mm/yyyy, …).", valueName: "COL[=LAYOUT]"))
    var timeColumns: [String] = []

    @Option(name: .customLong("input-format"), help: ArgumentHelp("Input layout: gdelt2-events, ucdp-ged, acled, …", valueName: "NAME"))
    var inputFormat: String?

    @Flag(help: "Stop at the first malformed input row (exit 65).")
    var strict = false

    @Flag(name: .customLong("quiet"), help: "Do not report malformed input rows.")
    var quiet = false

    @Option(name: .customLong("null"), help: ArgumentHelp("Also read TOKEN as null (NA, NULL, NaN… already are).", valueName: "TOKEN"))
    var nullTokens: [String] = []

    @Flag(name: .customLong("no-null-tokens"), help: "Read only empty cells as null.")
    var noNullTokens = false

    @Flag(help: "Drop blanks around every CSV field.")
    var trim = false

    @Option(name: .customLong("rejects"), help: ArgumentHelp("Write rejected rows, unchanged, to FILE.", valueName: "FILE"))
    var rejects: String?

    @Flag(help: "Draw charts with plain ASCII (also the default when the locale is not UTF-8).")
    var ascii = false

    @Option(help: ArgumentHelp("Cores a query or a load may use (default: all).", valueName: "N"))
    var threads: Int?

    func validate() throws {
        if let threads, threads < 1 { throw ValidationError("--threads takes a whole number of 1 or more, not \(threads)") }
    }

    func runner(_ session: Session) -> ScriptRunner {
        ScriptRunner(session: session, format: format, output: FileSink.standardOutput, errors: FileSink.standardError,
                     color: Terminal.colorAllowed(fd: 2),
                     chartStyle: ChartStyle(width: Terminal.width(), unicode: !ascii && Terminal.isUTF8()))
    }

    /// Loads the data into a new session, reporting malformed rows on stderr.
    func makeSession() throws(EVQError) -> Session {
        if let threads { Parallel.threads = threads }
        let session = Session()
        let sources = data.isEmpty ? try DataLoader.sampleSources() : data.map(DataSource.init(argument:))
        var load = LoadOptions()
        for text in types {
            let o = try DataLoader.parseTypeOverride(text)
            load.types[o.table, default: [:]][o.column] = o.type
        }
        for text in timeColumns {
            let t = try DataLoader.parseTimeColumn(text)
            load.timeColumns[t.table] = (t.column, t.layout)
        }
        if let inputFormat { (load.eventFormat, load.fileFormat) = try DataLoader.parseInputFormat(inputFormat) }
        load.nullTokens = (noNullTokens ? [] : IngestOptions.defaultNullTokens) + nullTokens
        load.trim = trim
        load.strict = strict
        load.keepsRejectedRows = rejects != nil
        load.reportsColumnDifferences = !data.isEmpty
        if !quiet && isatty(2) != 0 {
            load.progress = { table, p in
                FileSink.standardError.write(p.finished ? "\r\u{1B}[K" : "\revq: loading \(table): \(p.description)\u{1B}[K")
            }
        }
        let reports = try DataLoader.load(sources, into: session, options: load)
        for report in reports where !quiet {
            for line in report.diagnosticLines { FileSink.standardError.write(line + "\n") }
        }
        if let rejects, !FileManager.default.createFile(atPath: rejects, contents: Data(reports.flatMap(\.rejectedRows))) {
            throw EVQError(.data("--rejects \(rejects): cannot write the file"))
        }
        return session
    }
}

extension OutputFormat: ExpressibleByArgument {}

@main
struct EVQCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evq",
        abstract: "Query event data (ACLED, UCDP, GDELT, any CSV) with a pipe language.",
        discussion: """
            With no query and a terminal, opens the interactive prompt. Piped stdin runs as a script.
            Examples:
              evq -c 'events | where country == "Lebanon" | count'
              evq run Queries/deaths-by-country.evq --format csv
              echo 'events | take 3' | evq
            """,
        subcommands: [Run.self],
        defaultSubcommand: nil)

    @Option(name: [.customShort("c"), .long], help: ArgumentHelp("Run QUERY and exit.", valueName: "QUERY"))
    var command: String?

    @OptionGroup var options: DataOptions

    @Flag(name: .customLong("no-init"), help: "Do not run the startup file (~/.evqrc).")
    var noInit = false

    func run() throws {
        unblockInterrupt()
        let session = try exitOnError { () throws(EVQError) in try options.makeSession() }
        session.testBatchDelayMilliseconds = testBatchDelay()
        let runner = options.runner(session)
        if let command {
            throw ExitCode(runner.run(command, name: "<command>"))
        }
        if isatty(0) != 0 && isatty(1) != 0 {
            throw ExitCode(Prompt.run(session: session, loadInit: !noInit, chartStyle: runner.state.chartStyle))
        }
        let text = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
        throw ExitCode(runner.run(text, name: "<stdin>"))
    }
}

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run a saved query script (.evq).")

    @Argument(help: "The script to run.")
    var file: String

    @Option(name: .customLong("param"), help: ArgumentHelp("Set a script param (repeatable).", valueName: "NAME=VALUE"))
    var params: [String] = []

    @OptionGroup var options: DataOptions

    func run() throws {
        guard let data = FileManager.default.contents(atPath: file) else {
            FileSink.standardError.write("error: no such file: \(file)\n")
            throw ExitCode(66)
        }
        var overrides: [String: String] = [:]
        for p in params {
            guard let eq = p.firstIndex(of: "="), eq != p.startIndex else {
                FileSink.standardError.write("error: --param needs NAME=VALUE, found '\(p)'\n")
                throw ExitCode(64)
            }
            overrides[String(p[..<eq])] = String(p[p.index(after: eq)...])
        }
        unblockInterrupt()
        let session = try exitOnError { () throws(EVQError) in try options.makeSession() }
        session.testBatchDelayMilliseconds = testBatchDelay()
        session.parameterOverrides = overrides
        let runner = options.runner(session)
        throw ExitCode(runner.run(String(decoding: data, as: UTF8.self), name: file))
    }
}

/// A parent may start us with SIGINT blocked (threads of Dispatch block it, and a blocked
/// mask is inherited); Ctrl-C must still stop a script, so unblock it. An *ignored* SIGINT
/// (a background job) is left ignored.
func unblockInterrupt() {
    var set = sigset_t()
    sigemptyset(&set)
    sigaddset(&set, SIGINT)
    pthread_sigmask(SIG_UNBLOCK, &set, nil)
}

/// `EVQ_TEST_BATCH_DELAY_MS`: makes queries slow on purpose, for tests of Ctrl-C.
func testBatchDelay() -> Int {
    ProcessInfo.processInfo.environment["EVQ_TEST_BATCH_DELAY_MS"].flatMap(Int.init) ?? 0
}

/// Prints an EVQError and exits with its code.
func exitOnError<T>(_ body: () throws(EVQError) -> T) throws -> T {
    do {
        return try body()
    } catch {
        FileSink.standardError.write(error.render(color: Terminal.colorAllowed(fd: 2)))
        throw ExitCode(error.exitCode)
    }
}
