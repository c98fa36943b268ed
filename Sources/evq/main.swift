// The `evq` command: a query with -c, a saved script with `run FILE.evq`, a script on piped
// stdin, or the interactive prompt on a terminal.

import ArgumentParser
import EVQ
import EVQSQL
import EVQShell
import EVQStore
import LineEditor
import Foundation

struct DataOptions: ParsableArguments {
    @Option(name: .customLong("store"), help: ArgumentHelp("Query the store DIR (see 'evq ingest').", valueName: "DIR"))
    var store: String?

    @Option(name: .customLong("data"), help: ArgumentHelp("Load files, globs, folders (NAME=PATH: into NAME).", valueName: "[NAME=]PATH"))
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

    @Flag(help: "Draw charts in plain ASCII (default when not UTF-8).")
    var ascii = false

    @Option(help: ArgumentHelp("Stop any query that runs longer than TIME (30s, 2m).", valueName: "TIME"))
    var timeout: String?

    @Option(name: .customLong("max-memory"), help: ArgumentHelp("Stop a query whose stages need over SIZE (512M, 2G).", valueName: "SIZE"))
    var maxMemory: String?

    @Option(help: ArgumentHelp("Cores a query or a load may use (default: all).", valueName: "N"))
    var threads: Int?

    func validate() throws {
        if let threads, threads < 1 { throw ValidationError("--threads takes a whole number of 1 or more, not \(threads)") }
    }

    func runner(_ session: Session) -> ScriptRunner {
        let runner = ScriptRunner(session: session, format: format, output: FileSink.standardOutput, errors: FileSink.standardError,
                                  color: Terminal.colorAllowed(fd: 2),
                                  chartStyle: ChartStyle(width: Terminal.width(), unicode: !ascii && Terminal.isUTF8()))
        if !quiet && isatty(2) != 0 { runner.state.showProgress(on: FileSink.standardError) }
        return runner
    }

    /// The input flags (`--type`, `--time`, `--input-format`, nulls, `--strict`...) as load options.
    func loadOptions() throws(EVQError) -> LoadOptions {
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
        if !quiet && isatty(2) != 0 {
            load.progress = { table, p in
                FileSink.standardError.write(p.finished ? "\r\u{1B}[K" : "\revq: loading \(table): \(p.description)\u{1B}[K")
            }
        }
        return load
    }

    /// Loads the data into a new session, reporting malformed rows on stderr.
    func makeSession() throws(EVQError) -> Session {
        if let threads { Parallel.threads = threads }
        let session = Session()
        if let timeout {
            guard let v = QueryLimits.parseSeconds(timeout) else { throw EVQError(.usage("--timeout needs a time such as 30s or 2m, found '\(timeout)'")) }
            session.limits.seconds = v
        }
        if let maxMemory {
            guard let v = QueryLimits.parseBytes(maxMemory) else { throw EVQError(.usage("--max-memory needs a size such as 512M or 2G, found '\(maxMemory)'")) }
            session.limits.memoryBytes = v
        }
        if let store { try session.openStore(store) }
        if store != nil && data.isEmpty { return session }
        let sources = data.isEmpty ? try DataLoader.sampleSources() : data.map(DataSource.init(argument:))
        var load = try loadOptions()
        load.reportsColumnDifferences = !data.isEmpty
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

struct EVQCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evq",
        abstract: "Query event data (ACLED, UCDP, GDELT, any CSV) with a pipe language.",
        discussion: """
            No query on a terminal: the prompt. Piped stdin runs as a script.
            Examples:
              evq -c 'events | where country == "Lebanon" | count'
              evq run Queries/deaths-by-country.evq --format csv
              echo 'events | take 3' | evq
              evq ingest F --store DIR; evq --store DIR; evq --engine clickhouse (README)
            """,
        subcommands: [Run.self, IngestCommand.self, StatsCommand.self, CompactCommand.self, CheckCommand.self, SQLCommand.self],
        defaultSubcommand: nil)

    @Option(name: [.customShort("c"), .long], help: ArgumentHelp("Run QUERY and exit.", valueName: "QUERY"))
    var command: String?

    @OptionGroup var options: DataOptions
    @OptionGroup var engine: EngineOptions

    @Flag(name: .customLong("no-init"), help: "Do not run the startup file (~/.evqrc).")
    var noInit = false

    func run() throws {
        unblockInterrupt()
        let session = try exitOnError { () throws(EVQError) in try engine.makeSession(options) }
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
    @OptionGroup var engine: EngineOptions

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
        let session = try exitOnError { () throws(EVQError) in try engine.makeSession(options) }
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


// MARK: ClickHouse: `--engine clickhouse` (queries run on a server over HTTP) and `evq sql` (the SQL printed).

enum EngineName: String, ExpressibleByArgument, CaseIterable {
    case evq, clickhouse
}

struct EngineOptions: ParsableArguments {
    // Hidden from --help (one screen): the discussion names them in one line.
    @Option(help: ArgumentHelp("Where queries run: evq, or clickhouse (with --url).", visibility: .hidden))
    var engine: EngineName = .evq

    @Option(help: ArgumentHelp("ClickHouse's HTTP address.", valueName: "http://HOST:8123", visibility: .hidden))
    var url: String?

    @Option(help: ArgumentHelp("ClickHouse user.", valueName: "USER", visibility: .hidden))
    var user: String?

    @Option(name: .customLong("password-file"), help: ArgumentHelp("Read the ClickHouse password from FILE.", valueName: "FILE", visibility: .hidden))
    var passwordFile: String?

    @Option(name: .customLong("table"), help: ArgumentHelp("Server table of an evq table (events=db.gdelt).", valueName: "NAME=TABLE", visibility: .hidden))
    var tables: [String] = []

    @Option(name: .customLong("columns"), help: ArgumentHelp("evq column names on the server: a format or a TSV file.", valueName: "FORMAT|FILE", visibility: .hidden))
    var columns: String?

    /// The session the command runs: over loaded data, or over the server's tables.
    func makeSession(_ data: DataOptions) throws(EVQError) -> Session {
        guard engine == .clickhouse else { return try data.makeSession() }
        guard let url else { throw EVQError(.usage("--engine clickhouse needs --url, such as --url http://localhost:8123")) }
        let client: ClickHouseClient
        do {
            client = try ClickHouseClient(url: url, user: user, password: try ClickHouseSetup.password(file: passwordFile))
        } catch let error as EVQError {
            throw error
        } catch {
            throw EVQError(.usage((error as? Diagnostic)?.message ?? "\(error)"))
        }
        // --timeout stops the query (and kills it on the server); past it, the request itself ends.
        var limit: Double? = nil
        if let timeout = data.timeout {
            guard let v = QueryLimits.parseSeconds(timeout) else { throw EVQError(.usage("--timeout needs a time such as 30s or 2m, found '\(timeout)'")) }
            limit = v
        }
        if let limit { client.timeoutSeconds = limit + 5 }
        let session = try ClickHouseSetup.session(client: client, tables: tables, mapping: try ClickHouseSetup.mapping(columns))
        session.limits.seconds = limit
        // Ctrl-C must reach the query on the server (KILL QUERY), not only end evq: the query
        // polls the flag, is killed there, and evq exits 130 as a script does.
        Interrupt.install()
        session.isCancelled = { Interrupt.requested }
        return session
    }
}

struct SQLCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sql", abstract: "Print the ClickHouse SQL of a query or script.")

    @Argument(help: "A query, or a script file ending in .evq.")
    var query: String

    @OptionGroup var options: DataOptions
    @OptionGroup var engine: EngineOptions

    func run() throws {
        var text = query, name = "<command>"
        if query.hasSuffix(".evq") {
            guard let data = FileManager.default.contents(atPath: query) else {
                FileSink.standardError.write("error: no such file: \(query)\n")
                throw ExitCode(66)
            }
            text = String(decoding: data, as: UTF8.self)
            name = query
        }
        let session = try exitOnError { () throws(EVQError) in try options.makeSession() }
        let loaded = Set(session.tableNames)
        let servers = try exitOnError { () throws(EVQError) in try ClickHouseSetup.parseTables(engine.tables) }
        let mapping = try exitOnError { () throws(EVQError) in try ClickHouseSetup.mapping(engine.columns) }
        let tables = Dictionary(servers.map { ($0.name, $0.server) }, uniquingKeysWith: { $1 })
        let loadedTables = Set(loaded.compactMap { session.catalog.tables[$0].map(ObjectIdentifier.init) })
        let recorder = SQLRecorder(translator: SQLTranslator(
            serverTable: { loadedTables.contains(ObjectIdentifier($0)) ? tables[$0.name] ?? $0.name : nil },
            serverColumn: { table, column in mapping.sql(table: table.name, column: column) }))
        session.remoteEngine = recorder
        let runner = ScriptRunner(session: session, format: .csv, output: StringSink(), errors: FileSink.standardError,
                                  color: Terminal.colorAllowed(fd: 2))
        let status = runner.run(text, name: name)
        FileSink.standardOutput.write(recorder.statements.map { $0 + ";\n" }.joined(separator: "\n"))
        throw ExitCode(status)
    }
}

// The prompt and scripts run query after query: keep their temporaries' memory for reuse.
/// A closed standard stream (`evq … >&-`) would be taken by the next descriptor evq opens (a
/// CSV, a mapped segment, the thread pool's event descriptor), and what was meant for it would
/// land there or fail with whatever that descriptor says. Each closed one is held by /dev/null
/// opened read-only, so a write to it fails as a write to a closed stream does (EBADF) on
/// every run, whatever opens first.
func holdClosedStandardStreams() {
    for fd: Int32 in 0...2 where fcntl(fd, F_GETFD) == -1 && errno == EBADF {
        let held = open("/dev/null", O_RDONLY)
        if held >= 0 && held != fd {
            dup2(held, fd)
            close(held)
        }
    }
}

holdClosedStandardStreams()
HeapRetention.keepFreedMemory()
EVQCommand.main()
