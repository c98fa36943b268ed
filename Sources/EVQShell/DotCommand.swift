// The dot-commands, defined once as a table (SQLite's shell does the same): `.help`,
// completion and dispatch all read it. A command is recognised only at the start of a
// statement; any unambiguous prefix works (`.sch` for `.schema`).

import EVQ
import EVQStore
import EVQSyntax
import Foundation

struct DotCommand: Sendable {
    let name: String
    let usage: String
    let help: String
    /// Whether its argument is a file path (for completion).
    let takesPath: Bool
    let run: @Sendable (_ arguments: [String], _ state: ShellState) throws(DotCommandError) -> Void
}

struct DotCommandError: Error {
    let message: String
    /// The exit code a script stops with: 64 (usage) unless the command says otherwise.
    let exitCode: Int32
    /// Already reported (by a script that `.read` ran), so not printed again.
    let reported: Bool
    init(_ message: String, exitCode: Int32 = 64, reported: Bool = false) {
        self.message = message
        self.exitCode = exitCode
        self.reported = reported
    }
}

enum DotCommands {
    static let all: [DotCommand] = [
        DotCommand(name: "help", usage: ".help [TOPIC]", help: "this list, or help on a dot-command, stage, function, operator or key",
                   takesPath: false, run: help),
        DotCommand(name: "load", usage: ".load PATH [as NAME]", help: "load a CSV, TSV or JSONL file as a table (named after the file)",
                   takesPath: true, run: load),
        DotCommand(name: "open", usage: ".open DIR", help: "query the tables of a store made by 'evq ingest' (mapped, not loaded)",
                   takesPath: true, run: open),
        DotCommand(name: "tables", usage: ".tables", help: "the tables, with their rows and columns", takesPath: false, run: tables),
        DotCommand(name: "schema", usage: ".schema [TABLE]", help: "the columns of a table (all tables without one) and their types",
                   takesPath: false, run: schema),
        DotCommand(name: "stats", usage: ".stats", help: "what the store holds: rows, time order, dictionaries, posting lists",
                   takesPath: false, run: stats),
        DotCommand(name: "mode", usage: ".mode " + OutputFormat.allCases.map(\.rawValue).joined(separator: "|"),
                   help: "how results are printed", takesPath: false, run: mode),
        DotCommand(name: "output", usage: ".output [FILE]", help: "send results to FILE (appended), or back to the screen; FILE.svg takes charts as SVG",
                   takesPath: true, run: output),
        DotCommand(name: "timer", usage: ".timer on|off", help: "show the time each query took and the rows it examined",
                   takesPath: false, run: { args, state throws(DotCommandError) in state.timer = try onOff(args, ".timer on|off") }),
        DotCommand(name: "explain", usage: ".explain on|off", help: "show the plan of each query after its result",
                   takesPath: false, run: { args, state throws(DotCommandError) in state.explain = try onOff(args, ".explain on|off") }),
        DotCommand(name: "maxrows", usage: ".maxrows N", help: "rows shown before a result is cut (0 = all); .last shows the rest",
                   takesPath: false, run: maxrows),
        DotCommand(name: "width", usage: ".width N", help: "longest cell shown in table and box modes before it is cut (0 = never cut)",
                   takesPath: false, run: width),
        DotCommand(name: "pager", usage: ".pager on|off", help: "show results taller than the screen through $PAGER (else less -S)",
                   takesPath: false, run: { args, state throws(DotCommandError) in state.pager = try onOff(args, ".pager on|off") }),
        DotCommand(name: "timeout", usage: ".timeout [TIME]", help: "stop any query that runs longer than TIME (30s, 2m; off for none)",
                   takesPath: false, run: LimitCommands.timeout),
        DotCommand(name: "max_memory", usage: ".max_memory [SIZE]", help: "stop a query whose stages build more than SIZE (512M, 2G; off for none)",
                   takesPath: false, run: LimitCommands.maxMemory),
        DotCommand(name: "last", usage: ".last", help: "the last result in full", takesPath: false, run: { _, state in state.showLast() }),
        DotCommand(name: "read", usage: ".read FILE", help: "run the statements and dot-commands of a file", takesPath: true, run: read),
        DotCommand(name: "history", usage: ".history", help: "the statements entered so far", takesPath: false, run: history),
        DotCommand(name: "quit", usage: ".quit", help: "leave evq (also .exit, or Ctrl-D)", takesPath: false, run: { _, state in state.quitRequested = true }),
        DotCommand(name: "exit", usage: ".exit", help: "leave evq", takesPath: false, run: { _, state in state.quitRequested = true }),
    ]

    /// Commands of other shells (sqlite3, psql, DuckDB) and what evq does instead.
    static let habits: [String: String] = [
        "import": "evq loads a file with .load PATH [as NAME]",
        "open": "evq loads a file with .load PATH [as NAME]",
        "headers": "headers are always shown in table, box and csv modes",
        "dump": "evq writes a result to a file with .output FILE and .mode csv",
        "indexes": ".stats shows the dictionaries and posting lists evq keeps",
    ]

    /// Whether `line` is a dot-command (`.` then a letter).
    static func isDotCommand(_ line: String) -> Bool {
        let t = line.drop(while: { $0 == " " || $0 == "\t" })
        guard t.first == ".", let next = t.dropFirst().first else { return false }
        return next.isLetter
    }

    /// The command a word names: exact, or the only one it is a prefix of.
    static func find(_ word: String) -> Result<DotCommand, DotCommandError> {
        if let exact = all.first(where: { $0.name == word }) { return .success(exact) }
        let matches = all.filter { $0.name.hasPrefix(word) }
        if matches.count == 1 { return .success(matches[0]) }
        if matches.count > 1 {
            return .failure(DotCommandError("ambiguous command '.\(word)': " + matches.map { "." + $0.name }.joined(separator: ", ")))
        }
        var message = "unknown command '.\(word)'"
        if let habit = habits[word] {
            message += "; \(habit)"
        } else if let s = Suggest.closest(to: word, in: all.map(\.name)) {
            message += "; did you mean '.\(s)'?"
        }
        return .failure(DotCommandError(message + " (.help lists them)"))
    }

    /// Runs one dot-command line; errors are printed. Returns the exit code when it failed.
    @discardableResult
    static func run(_ line: String, _ state: ShellState) -> Int32? {
        let words = splitArguments(line.trimmingCharacters(in: .whitespacesAndNewlines).dropFirst())
        guard let first = words.first else { return nil }
        do throws(DotCommandError) {
            let command = try find(first).get()
            try command.run(Array(words.dropFirst()), state)
            return nil
        } catch {
            if !error.reported { state.errors.write("error: \(error.message)\n") }
            return error.exitCode
        }
    }

    /// Words separated by spaces; "double quotes" keep spaces in one word.
    static func splitArguments(_ text: Substring) -> [String] {
        var words: [String] = []
        var current = ""
        var quoted = false
        var inWord = false
        for ch in text {
            if ch == "\"" {
                quoted.toggle()
                inWord = true
            } else if ch == " " && !quoted {
                if inWord { words.append(current) }
                current = ""
                inWord = false
            } else {
                current.append(ch)
                inWord = true
            }
        }
        if inWord { words.append(current) }
        return words
    }

    // MARK: the commands

    private static func onOff(_ args: [String], _ usage: String) throws(DotCommandError) -> Bool {
        switch args.first?.lowercased() {
        case "on"?: return true
        case "off"?: return false
        default: throw DotCommandError("usage: \(usage)")
        }
    }

    private static func help(_ args: [String], _ state: ShellState) throws(DotCommandError) {
        guard let topic = args.first else {
            let width = all.map(\.usage.count).max() ?? 0
            var out = ""
            for c in all where c.name != "exit" {
                out += c.usage + String(repeating: " ", count: width - c.usage.count + 2) + c.help + "\n"
            }
            out += "\nA query: a table, then stages after '|'. Try: events | where country == \"Syria\" | count\n"
            out += ".help TOPIC explains a dot-command, stage, function, aggregate, operator or key;\n"
            out += ".help stages, .help functions, .help operators and .help keys list them.\n"
            state.output.write(out)
            return
        }
        guard let text = HelpTopics.text(for: topic, functions: state.session.catalog.functions) else {
            let name = topic.hasPrefix(".") ? String(topic.dropFirst()) : topic
            var message = "no help on '\(topic)'"
            if let s = Suggest.closest(to: name, in: HelpTopics.all(functions: state.session.catalog.functions)) { message += "; did you mean '\(s)'?" }
            throw DotCommandError(message + " (.help lists the topics)")
        }
        state.output.write(text)
    }

    private static func load(_ args: [String], _ state: ShellState) throws(DotCommandError) {
        guard let path = args.first, args.count == 1 || (args.count == 3 && args[1] == "as") else {
            throw DotCommandError("usage: .load PATH [as NAME]")
        }
        let expanded = PathExpansion.expand(path)
        let name = args.count == 3 ? args[2] : defaultTableName(for: expanded)
        do throws(EVQError) {
            guard let reports = try loadInterruptibly(DataSource(table: name, path: expanded), into: state) else {
                state.errors.write("Interrupted: nothing was loaded\n")
                return
            }
            for report in reports {
                for line in report.diagnosticLines { state.errors.write(line + "\n") }
                var line = "loaded \(ShellState.grouped(report.rows)) rows into \(report.table)"
                if report.rowsRejected > 0 { line += "; \(report.rowsRejected) malformed row\(report.rowsRejected == 1 ? "" : "s") skipped" }
                state.output.write(line + "\n")
            }
        } catch {
            throw DotCommandError(error.render().trimmingCharacters(in: .newlines).replacingOccurrences(of: "error: ", with: ""))
        }
    }

    private static func open(_ args: [String], _ state: ShellState) throws(DotCommandError) {
        guard args.count == 1 else { throw DotCommandError("usage: .open DIR") }
        do throws(EVQError) {
            for t in try state.session.openStore(PathExpansion.expand(args[0])) {
                state.output.write("opened \(t.name): \(ShellState.grouped(t.rowCount)) rows in \(t.segments.count) segment\(t.segments.count == 1 ? "" : "s")\n")
            }
        } catch {
            throw DotCommandError(error.render().trimmingCharacters(in: .newlines).replacingOccurrences(of: "error: ", with: ""), exitCode: error.exitCode)
        }
    }

    /// Loads into a scratch session on a worker thread, so that Ctrl-C stops it at once and leaves the
    /// session as it was; the table moves into the real session only when the load completed. Nil: interrupted.
    private static func loadInterruptibly(_ source: DataSource, into state: ShellState) throws(EVQError) -> [LoadReport]? {
        let size = (try? FileManager.default.attributesOfItem(atPath: source.path)[.size] as? Int64) ?? nil
        let progress = ProgressLine.onTerminal("loading \((source.path as NSString).lastPathComponent)" + (size.map { " (\(ProgressLine.bytes($0)))" } ?? ""))
        let detail = progress?.detail
        var options = LoadOptions()
        // A parallel read can end before the line shows: the rest of the load is indexing.
        options.progress = { _, p in detail?.set(p.finished ? "\(NumberText.grouped(p.rows)) rows read, indexing" : p.description) }
        let loadOptions = options
        let isCancelled = state.session.isCancelled
        let outcome = Interruptible.run(progress: progress, interrupted: state.isInterrupted) { () -> Result<(Session, [LoadReport]), EVQError> in
            let scratch = Session()
            // The loader polls this too, so an abandoned load also stops soon instead of running to its end.
            scratch.isCancelled = isCancelled
            do throws(EVQError) {
                return .success((scratch, try DataLoader.load([source], into: scratch, options: loadOptions)))
            } catch {
                return .failure(error)
            }
        }
        guard let outcome else { return nil }
        let (scratch, reports) = try outcome.get()
        for report in reports { state.session.addTable(scratch.catalog.tables[report.table]!) }
        return reports
    }

    /// `Samples/ucdp-syria.csv` -> `ucdp_syria`: a name that can be typed without backticks.
    static func defaultTableName(for path: String) -> String {
        let stem = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
        var name = String(stem.map { $0.isLetter || $0.isNumber ? $0 : "_" })
        if let first = name.first, first.isNumber { name = "t_" + name }
        return name.isEmpty ? "data" : name
    }

    private static func tables(_ args: [String], _ state: ShellState) throws(DotCommandError) {
        var b = TableBuilder(name: "tables")
        let names = state.session.tableNames
        // From what the catalog knows without reading rows: a segmented table stays unmerged.
        let tables = names.map { state.session.catalog.tableRef(named: $0)! }
        b.addColumn("table", names.map(Value.string))
        b.addColumn("rows", tables.map { .int(Int64($0.statistics?.rowCount ?? 0)) })
        b.addColumn("columns", tables.map { .int(Int64($0.fields.count)) })
        b.addColumn("time order", tables.map { t in t.timeColumnIndex.map { .string(t.fields[$0].name) } ?? .null })
        state.output.write(Renderer.render(b.build(), as: state.format))
    }

    private static func schema(_ args: [String], _ state: ShellState) throws(DotCommandError) {
        let names: [String]
        if let name = args.first {
            guard state.session.catalog.tableRef(named: name) != nil else {
                var message = "unknown table '\(name)'"
                if let s = Suggest.closest(to: name, in: state.session.tableNames) { message += "; did you mean '\(s)'?" }
                throw DotCommandError(message)
            }
            names = [name]
        } else {
            names = state.session.tableNames
        }
        var tableColumn: [Value] = [], column: [Value] = [], type: [Value] = [], distinct: [Value] = [], nulls: [Value] = []
        var index: [Value] = []
        for name in names {
            let t = state.session.catalog.table(named: name)!
            for (i, c) in t.columns.enumerated() {
                // What answers a condition on the column without a scan (see explain).
                if i == t.timeColumnIndex { index.append(.string("time order")) }
                else if case .string = c.data { index.append(.string("values, words")) }
                else if c.isKey { index.append(.string("key")) }
                else { index.append(.null) }
                tableColumn.append(.string(name))
                column.append(.string(c.name))
                type.append(.string(c.type.rawValue))
                if case .string(let s) = c.data { distinct.append(.int(Int64(s.dictionary.count))) } else { distinct.append(.null) }
                nulls.append(.int(Int64(c.isNull?.filter { $0 }.count ?? 0)))
            }
        }
        var b = TableBuilder(name: "schema")
        if names.count > 1 { b.addColumn("table", tableColumn) }
        b.addColumn("column", column)
        b.addColumn("type", type)
        b.addColumn("distinct", distinct, type: .int)
        b.addColumn("nulls", nulls)
        b.addColumn("index", index, type: .string)
        state.output.write(Renderer.render(b.build(), as: state.format))
    }

    private static func stats(_ args: [String], _ state: ShellState) throws(DotCommandError) {
        var out = ""
        for name in state.session.tableNames {
            let t = state.session.catalog.table(named: name)!
            let stringColumns = t.columns.filter { if case .string = $0.data { true } else { false } }
            let dictionaryValues = stringColumns.reduce(0) { n, c in if case .string(let s) = c.data { n + s.dictionary.count } else { n } }
            out += "\(name): \(ShellState.grouped(t.rowCount)) rows, \(t.columns.count) columns"
            if let tc = t.timeColumnIndex {
                out += ", sorted by \(t.columns[tc].name)"
                if t.nonNullTimeCount > 0 {
                    out += " (\(ValueFormat.plain(t.value(row: 0, column: tc))) to \(ValueFormat.plain(t.value(row: t.nonNullTimeCount - 1, column: tc))))"
                }
            } else {
                out += ", no time order"
            }
            out += "\n  \(stringColumns.count) dictionary-encoded text columns, \(ShellState.grouped(dictionaryValues)) distinct values, one posting list each\n"
        }
        state.output.write(out)
    }

    private static func mode(_ args: [String], _ state: ShellState) throws(DotCommandError) {
        guard let name = args.first else {
            state.output.write("current mode: \(state.format.rawValue)\n")
            return
        }
        guard let format = OutputFormat(rawValue: name.lowercased()) else {
            var message = "unknown mode '\(name)'; modes: " + OutputFormat.allCases.map(\.rawValue).joined(separator: ", ")
            if let s = Suggest.closest(to: name, in: OutputFormat.allCases.map(\.rawValue)) { message = "unknown mode '\(name)'; did you mean '\(s)'?" }
            throw DotCommandError(message)
        }
        state.format = format
    }

    private static func output(_ args: [String], _ state: ShellState) throws(DotCommandError) {
        guard let path = args.first else {
            if let previous = state.outputPath { state.errors.write("results go to the screen again (they went to \(previous))\n") }
            state.output = state.standardOutput
            state.outputPath = nil
            state.chartFile = nil
            return
        }
        let expanded = PathExpansion.expand(path)
        if expanded.lowercased().hasSuffix(".svg") {
            // An SVG file holds one picture: each chart replaces it; other results stay on the screen.
            guard FileManager.default.createFile(atPath: expanded, contents: nil) else { throw DotCommandError("cannot write to \(path)") }
            state.output = state.standardOutput
            state.outputPath = expanded
            state.chartFile = expanded
            return
        }
        state.chartFile = nil
        if !FileManager.default.fileExists(atPath: expanded) {
            guard FileManager.default.createFile(atPath: expanded, contents: nil) else {
                throw DotCommandError("cannot write to \(path)")
            }
        }
        guard let handle = FileHandle(forWritingAtPath: expanded) else { throw DotCommandError("cannot write to \(path)") }
        handle.seekToEndOfFile()
        state.output = FileSink(handle, name: path)
        state.outputPath = expanded
    }

    private static func maxrows(_ args: [String], _ state: ShellState) throws(DotCommandError) {
        guard let text = args.first else {
            state.output.write("maxrows: \(state.maxRows.map(String.init) ?? "0 (all)")\n")
            return
        }
        guard let n = Int(text), n >= 0 else { throw DotCommandError("usage: .maxrows N (a whole number; 0 shows all rows)") }
        state.maxRows = n == 0 ? nil : n
        state.maxRowsFollowsTerminal = false
    }

    private static func width(_ args: [String], _ state: ShellState) throws(DotCommandError) {
        guard let text = args.first else {
            state.output.write("width: \(state.cellWidth.map(String.init) ?? "0 (cells are never cut)")\n")
            return
        }
        guard let n = Int(text), n == 0 || n >= 2 else { throw DotCommandError("usage: .width N (a whole number of at least 2; 0 never cuts cells)") }
        state.cellWidth = n == 0 ? nil : n
    }

    private static func read(_ args: [String], _ state: ShellState) throws(DotCommandError) {
        guard let path = args.first, args.count == 1 else { throw DotCommandError("usage: .read FILE") }
        let expanded = PathExpansion.expand(path)
        if let problem = InputFile.problem(expanded) {
            throw DotCommandError(InputFile.isMissing(expanded) ? "no such file: \(path)" : "\(path): \(problem)", exitCode: 66)
        }
        guard let data = FileManager.default.contents(atPath: expanded) else { throw DotCommandError("cannot read \(path)", exitCode: 66) }
        guard state.readDepth < 16 else { throw DotCommandError(".read nested too deeply (16 levels): does \(path) read itself?") }
        state.readDepth += 1
        defer { state.readDepth -= 1 }
        let status = ScriptRunner(state: state).run(String(decoding: data, as: UTF8.self), name: path)
        // `.quit` in a file ends that file, not the session that read it (as in sqlite3).
        state.quitRequested = false
        if status == 130 { throw DotCommandError("", exitCode: status, reported: true) }
        if status != 0 {
            state.errors.write("error: \(path) stopped at its first error\n")
            throw DotCommandError("", exitCode: status, reported: true)
        }
    }

    private static func history(_ args: [String], _ state: ShellState) throws(DotCommandError) {
        let entries = state.historyEntries()
        let width = String(entries.count).count
        var out = ""
        for (i, entry) in entries.enumerated() {
            let number = String(i + 1)
            let lines = entry.split(separator: "\n", omittingEmptySubsequences: false)
            out += String(repeating: " ", count: width - number.count) + number + "  " + lines.joined(separator: "\n" + String(repeating: " ", count: width + 2)) + "\n"
        }
        state.output.write(out)
    }
}
