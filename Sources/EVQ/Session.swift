// The embedding API: a session holds tables and bindings, runs statements and returns typed
// results. The CLI, the prompt and tests all go through it. What is `public` is the API an
// embedding program sees; what is `package` (the catalog, optimizer switches, statement
// outcomes with their plans, remote engines) is for evq's own modules, which may change it.

import EVQEngine
import EVQStore
import EVQSyntax

/// What one statement produced.
package enum StatementOutcome: Sendable {
    /// A query's rows (a bare expression gives a one-row table with a `value` column).
    case rows(QueryResult, plan: Plan?)
    /// `let` bound a name.
    case bound(String)
    /// Text to show as it is (`explain`).
    case text(String)
}

/// Tables, `let` bindings and settings, and the one entry point that runs query text.
///
///     let session = Session(tables: [events])
///     let result = try session.query("events | where country == \"Iraq\" | count")
///     result.column("count")?.ints  // [3]
public final class Session: @unchecked Sendable {
    /// Tables and scalar bindings visible to queries.
    package var catalog = Catalog()
    /// `--param name=value` overrides, applied to `param` statements.
    public var parameterOverrides: [String: String] = [:]
    /// Checked once per batch of rows; return true to stop the running query (Ctrl-C).
    public var isCancelled: @Sendable () -> Bool = { false }
    /// Optimizer passes to skip (for explain tests and debugging).
    package var disabledPasses: Set<OptimizerPass> = []
    /// `--timeout`, `--max-memory`, `.timeout`, `.max_memory`: each query's budget.
    public var limits = QueryLimits()
    /// Makes every query slow on purpose (a pause per batch of rows), for cancellation tests.
    package var testBatchDelayMilliseconds = 0
    /// Counts the rows a running query has processed, for a progress line; nil counts nothing.
    package var progress: QueryProgress?
    /// Runs queries somewhere else (EVQSQL's ClickHouse engine) instead of the in-process
    /// executor; its plans are left unoptimized, since the other engine has its own optimizer.
    package var remoteEngine: (any RemoteEngine)?

    public init() {}

    /// A session over in-memory tables: `Session(tables: [table])`.
    public convenience init(tables: [Table]) {
        self.init()
        for t in tables { addTable(t) }
    }

    /// Makes `table` queryable under its name (or `name`), with its indexes built now.
    /// `buildIndexes: false` for a table whose indexes were read with it (a store's): what it
    /// lacks is then built at first use, so that opening stays proportional to nothing.
    public func addTable(_ table: Table, as name: String? = nil, buildIndexes: Bool = true) {
        if buildIndexes { table.prepareIndexes() }
        catalog.setTable(table, named: name ?? table.name)
    }

    /// Makes a table stored in several segments queryable as one, read segment by segment
    /// (`buildIndexes` as for a whole table, per segment).
    package func addTable(_ table: SegmentedTable, as name: String? = nil, buildIndexes: Bool = true) {
        if table.segments.count == 1 { return addTable(table.segments[0], as: name ?? table.name, buildIndexes: buildIndexes) }
        if buildIndexes { for s in table.segments { s.prepareIndexes() } }
        catalog.setTable(table, named: name ?? table.name)
    }

    public var tableNames: [String] { catalog.localTableNames }

    /// Runs the statements of `text` (queries, `let`, `param`) and returns the result of the
    /// last query. Errors carry their position in `text`, named `name` in messages.
    ///
    ///     let n = try session.query("events | where country == \"Israel\" | count")
    ///     n.column("count")?.ints  // [3]
    public func query(_ text: String, name: String = "<query>") throws(EVQError) -> QueryResult {
        var last: QueryResult? = nil
        try run(text, name: name) { outcome in
            if case .rows(let r, _) = outcome { last = r }
        }
        guard let last else { throw EVQError(.usage("'\(text)' has no query to run")) }
        return last
    }

    /// Runs every statement of `text` in order, handing each outcome to `onOutcome` as soon as
    /// it is ready. Syntax errors anywhere stop the script before anything runs; a later error
    /// stops it at that statement.
    package func run(_ text: String, name: String = "<query>", firstLine: Int = 1,
                    onOutcome: (StatementOutcome) throws(EVQError) -> Void) throws(EVQError)
    {
        let file = SourceFile(name: name, text: text, firstLine: firstLine)
        let (program, diagnostics) = Parser.parse(file)
        if !diagnostics.isEmpty { throw EVQError(.query(diagnostics, file)) }
        try checkParameterOverrides(program, file)
        // Which tables each statement names, for the store's lazy checks (parsing lexed it already).
        let tokens = try? Lexer.tokenize(file)
        for statement in program.statements {
            try verifyStoreData(for: statement, tokens: tokens)
            let outcome: StatementOutcome
            do throws(Diagnostic) {
                outcome = try execute(statement, file)
            } catch {
                throw error.isCancellation ? EVQError(.cancelled) : EVQError(.query([error], file))
            }
            if case .rows(let result, let plan?) = outcome, let chart = plan.chart, let target = plan.chartFile {
                try ChartFileWriter.write(result.table, kind: chart, to: target, in: file)
            }
            try onOutcome(outcome)
        }
    }

    /// Whether `text` is complete, or ends inside a statement (a dangling `|`, an open bracket
    /// or string): the prompt then asks for another line.
    public static func needsMoreInput(_ text: String) -> Bool {
        let (_, diagnostics) = Parser.parse(SourceFile(name: "", text: text))
        return diagnostics.contains { $0.isAtEndOfInput }
    }

    private func execute(_ statement: Statement, _ file: SourceFile) throws(Diagnostic) -> StatementOutcome {
        switch statement.kind {
        case .binding(let name, let value):
            if isTableQuery(value) {
                let result = try runQuery(value, file)
                catalog.setTable(Table(name: name.name, columns: result.0.table.columns, rowCount: result.0.table.rowCount,
                                       timeColumnIndex: result.0.table.timeColumnIndex), named: name.name)
                catalog.scalars[name.name] = nil
            } else {
                catalog.scalars[name.name] = try scalar(value.source, file)
                catalog.periods[name.name] = Period.named(by: value.source)
                catalog.setTable(nil, named: name.name)
            }
            return .bound(name.name)
        case .param(let name, let defaultValue):
            let value = try scalar(defaultValue, file)
            if let override = parameterOverrides[name.name] {
                catalog.scalars[name.name] = try Self.parseParameter(override, like: value, name: name, span: defaultValue.span)
                catalog.periods[name.name] = Period.day(override)
            } else {
                catalog.scalars[name.name] = value
                catalog.periods[name.name] = Period.named(by: defaultValue)
            }
            return .bound(name.name)
        case .explain(let q):
            guard isTableQuery(q) else { throw Diagnostic("'explain' needs a query that reads a table", at: q.span) }
            if let remoteEngine { return .text(try remoteEngine.explain(try planQuery(q, file), catalog: catalog)) }
            return .text(try planQuery(q, file).explain(showPasses: true) + "\n")
        case .explainAnalyze(let q):
            guard isTableQuery(q) else { throw Diagnostic("'explain analyze' needs a query that reads a table", at: q.span) }
            let (result, plan) = try runQuery(q, file)
            return .text(plan.explain(stats: result.stats, showPasses: true) + "\n")
        case .query(let q):
            if isTableQuery(q) {
                let (result, plan) = try runQuery(q, file)
                return .rows(result, plan: plan)
            }
            let v = try scalar(q.source, file)
            let column = TableBuilder.makeColumn(name: "value", values: [v], type: v.type == .null ? .string : v.type)
            return .rows(QueryResult(table: Table(name: "value", columns: [column], rowCount: 1),
                                     stats: QueryStats(rowsExamined: 0, rowsInSource: 0)), plan: nil)
        }
    }

    private func isTableQuery(_ q: Query) -> Bool {
        if !q.stages.isEmpty { return true }
        if case .name(let n, _) = q.source.kind { return catalog.tables[n] != nil || catalog.segmentedTables[n] != nil }
        return false
    }

    private func scalar(_ e: Expr, _ file: SourceFile) throws(Diagnostic) -> Value {
        try withEngine(e.span) { (engine: QueryEngine) throws(EngineError) -> Value in try engine.evaluateScalar(e, source: file) }
    }

    private func planQuery(_ q: Query, _ file: SourceFile) throws(Diagnostic) -> Plan {
        try withEngine(q.span, q, file) { (engine: QueryEngine) throws(EngineError) -> Plan in try engine.plan(q, source: file) }
    }

    private func runQuery(_ q: Query, _ file: SourceFile) throws(Diagnostic) -> (QueryResult, Plan) {
        try withEngine(q.span, q, file) { (engine: QueryEngine) throws(EngineError) -> (QueryResult, Plan) in
            let plan = try engine.plan(q, source: file)
            if let remoteEngine { return (try remoteEngine.run(plan, catalog: engine.catalog, isCancelled: engine.context.isCancelled), plan) }
            return (try engine.execute(plan), plan)
        }
    }

    /// Runs `body` with the pipeline over this session's tables, under the session's
    /// cancellation and the statement's limits (subqueries run while planning count too).
    /// `query` and `file`, when given, let a memory error name the stage that grew.
    private func withEngine<T>(_ span: Span, _ query: Query? = nil, _ file: SourceFile? = nil,
                               _ body: (QueryEngine) throws(EngineError) -> T) throws(Diagnostic) -> T {
        let watch = LimitWatch(limits)
        let memory = MemoryBudget(limit: limits.memoryBytes)
        let interrupted = isCancelled
        var stop = interrupted
        if watch.isActive { stop = { interrupted() || memory.isExceeded || watch.exceeded() } }
        let context = ExecutionContext(isCancelled: stop, batchDelayMilliseconds: testBatchDelayMilliseconds, progress: progress, memory: memory)
        do {
            // A remote engine gets the plan as written: index selection turns conditions into
            // local row ranges, which mean nothing there.
            let passes = remoteEngine == nil ? disabledPasses : Set(OptimizerPass.allCases)
            return try body(QueryEngine(catalog: catalog, disabledPasses: passes, context: context))
        } catch {
            switch error {
            case .cancelled:
                if let overrun = memory.overrun { throw overrun.diagnostic(query, file, at: span) }
                if let reason = watch.reason {
                    throw Diagnostic(reason, at: span, hint: "raise it with --timeout / --max-memory, or .timeout / .max_memory at the prompt")
                }
                throw Diagnostic.cancelled
            case .diagnostic(let d): throw d
            }
        }
    }

    /// The text of `--param name=value` read as the type of the param's default.
    static func parseParameter(_ text: String, like defaultValue: Value, name: Identifier, span: Span) throws(Diagnostic) -> Value {
        func fail(_ what: String) -> Diagnostic {
            Diagnostic("--param \(name.name)=\(text): expected \(what)", at: span, hint: "the default here is \(ValueFormat.literal(defaultValue))")
        }
        switch defaultValue {
        case .string, .null: return .string(text)
        case .int: guard let v = Int64(text) else { throw fail("a whole number") }; return .int(v)
        case .float: guard let v = Double(text) else { throw fail("a number") }; return .float(v)
        case .bool:
            switch text.lowercased() {
            case "true": return .bool(true)
            case "false": return .bool(false)
            default: throw fail("true or false")
            }
        case .time: guard let v = TimeFormat.parse(Substring(text)) else { throw fail("a date such as 2024-10-01") }; return .time(v)
        case .duration:
            let file = SourceFile(name: "", text: text)
            guard let tokens = try? Lexer.tokenize(file), tokens.count == 2, case .duration(let d) = tokens[0].kind else {
                throw fail("a duration such as 3d")
            }
            return .duration(d)
        case .list: throw fail("a list (list params are not supported)")
        }
    }

    /// Every `--param` must name a `param` of the script.
    private func checkParameterOverrides(_ program: Program, _ file: SourceFile) throws(EVQError) {
        let declared = program.statements.compactMap { s -> String? in
            if case .param(let n, _) = s.kind { return n.name }
            return nil
        }
        for name in parameterOverrides.keys.sorted() where !declared.contains(name) {
            var message = "unknown param '\(name)'"
            if let s = Suggest.closest(to: name, in: declared) { message += "; did you mean '\(s)'?" }
            else if declared.isEmpty { message += ": \(file.name) declares no params" }
            else { message += "; params: " + declared.joined(separator: ", ") }
            throw EVQError(.usage(message))
        }
    }
}

/// An engine that runs a checked plan elsewhere (a ClickHouse server): `Session.remoteEngine`.
package protocol RemoteEngine: AnyObject {
    /// The query's rows; throws `.cancelled` when `isCancelled` says stop, after stopping it there.
    /// `catalog`: the session's tables, whose data the plan's table references name.
    func run(_ plan: Plan, catalog: Catalog, isCancelled: @escaping @Sendable () -> Bool) throws(EngineError) -> QueryResult
    /// What `explain` prints for the plan on that engine.
    func explain(_ plan: Plan, catalog: Catalog) throws(Diagnostic) -> String
}

extension Diagnostic {
    /// Carries a cancellation through code that throws diagnostics; never shown as such.
    static let cancelled = Diagnostic("Interrupted", at: .none, hint: "__cancelled__")
    var isCancellation: Bool { hint == "__cancelled__" }
}
