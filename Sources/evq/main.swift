// The `evq` command: a query with -c, a saved script with `run FILE.evq`, a script on piped
// stdin, or the interactive prompt on a terminal.

import ArgumentParser
import EVQ
import EVQShell
import Foundation

struct DataOptions: ParsableArguments {
    @Option(name: .customLong("data"), help: ArgumentHelp("Load a CSV, TSV or JSONL file into table events, or NAME=PATH into table NAME (repeatable). Default: the bundled samples.", valueName: "[NAME=]PATH"))
    var data: [String] = []

    @Option(name: [.short, .long], help: "How results are printed.")
    var format: OutputFormat = .table

    @Option(name: .customLong("type"), help: ArgumentHelp("Force a column's type instead of inferring it (repeatable).", valueName: "[TABLE.]COLUMN=TYPE"))
    var types: [String] = []

    @Flag(help: "Fail (exit 65) when any input row is malformed, instead of loading the rest.")
    var strict = false

    @Flag(name: .customLong("quiet"), help: "Do not report malformed input rows.")
    var quiet = false

    @Flag(help: "Draw charts with plain ASCII (also the default when the locale is not UTF-8).")
    var ascii = false

    @Option(help: ArgumentHelp("Stop any query that runs longer than TIME (30s, 2m, 500ms).", valueName: "TIME"))
    var timeout: String?

    @Option(name: .customLong("max-memory"), help: ArgumentHelp("Stop a query once evq's memory passes SIZE (512M, 2G).", valueName: "SIZE"))
    var maxMemory: String?

    func runner(_ session: Session) -> ScriptRunner {
        ScriptRunner(session: session, format: format, output: FileSink.standardOutput, errors: FileSink.standardError,
                     color: Terminal.colorAllowed(fd: 2),
                     chartStyle: ChartStyle(width: Terminal.width(), unicode: !ascii && Terminal.isUTF8()))
    }

    /// Loads the data into a new session, reporting malformed rows on stderr.
    func makeSession() throws(EVQError) -> Session {
        let session = Session()
        if let timeout {
            guard let v = QueryLimits.parseSeconds(timeout) else { throw EVQError(.usage("--timeout needs a time such as 30s or 2m, found '\(timeout)'")) }
            session.limits.seconds = v
        }
        if let maxMemory {
            guard let v = QueryLimits.parseBytes(maxMemory) else { throw EVQError(.usage("--max-memory needs a size such as 512M or 2G, found '\(maxMemory)'")) }
            session.limits.memoryBytes = v
        }
        let sources = data.isEmpty ? try DataLoader.sampleSources() : data.map(DataSource.init(argument:))
        var forced: [String: [String: DataType]] = [:]
        for text in types {
            let o = try DataLoader.parseTypeOverride(text)
            forced[o.table, default: [:]][o.column] = o.type
        }
        let reports = try DataLoader.load(sources, into: session, types: forced)
        var rejected = 0
        for report in reports {
            rejected += report.rowsRejected
            if !quiet {
                for issue in report.issues { FileSink.standardError.write(issue.description + "\n") }
                if report.rowsRejected > 0 {
                    FileSink.standardError.write("evq: table \(report.table): \(report.rowsRejected) malformed row\(report.rowsRejected == 1 ? "" : "s") skipped, \(report.rows) loaded\n")
                }
            }
        }
        if strict && rejected > 0 { throw EVQError(.data("\(rejected) malformed input rows (--strict)")) }
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
        if let problem = InputFile.problem(file) {
            FileSink.standardError.write(InputFile.isMissing(file) ? "error: no such file: \(file)\n" : "error: \(file): \(problem)\n")
            throw ExitCode(66)
        }
        guard let data = FileManager.default.contents(atPath: file) else {
            FileSink.standardError.write("error: cannot read \(file)\n")
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
