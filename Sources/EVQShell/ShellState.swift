// What the prompt and scripts share: the session, the output settings that dot-commands
// change (.mode, .output, .maxrows, .timer, .explain), and the last result for `.last`.
// It runs statements and shows their outcomes; it knows nothing about terminals.

import EVQ
import EVQEngine
import EVQStore
import Foundation

public final class ShellState {
    public let session: Session
    public var format: OutputFormat
    /// Where results go: standard output, or the file named by `.output FILE`.
    public var output: TextSink
    public let standardOutput: TextSink
    public let errors: TextSink
    /// Table and markdown results longer than this are cut, with a footer; nil shows everything.
    public var maxRows: Int?
    /// Table results wider than this (the terminal) leave out columns, named in a footer.
    public var maxLineWidth: Int?
    /// `.width N`: the longest cell in table and box modes before it is cut with '…'; nil (`.width 0`) never cuts.
    public var cellWidth: Int? = 60
    /// `.pager on`: results taller than the terminal go through the pager (at the prompt only).
    public var pager = false
    /// The command `.pager on` runs ($PAGER, else `less -S`).
    public var pagerCommand = Pager.command()
    /// `.timer on`: after each result, the time it took and the rows it examined.
    public var timer = false
    /// `.explain on`: after each result, its plan.
    public var explain = false
    public var color: Bool
    public var chartStyle: ChartStyle
    /// The last query's result in full, for `.last`.
    public private(set) var last: QueryResult?
    /// Entries of the prompt's history, oldest first (empty outside the prompt).
    public var historyEntries: () -> [String] = { [] }
    /// Set by `.quit`.
    public var quitRequested = false
    /// `.read` nesting, bounded so that a file reading itself stops.
    var readDepth = 0
    /// The name of the file `.output` writes to, for messages.
    var outputPath: String?
    /// The terminal's size, read again before each result (so a resize between two results is
    /// followed): it sets the line width, the chart width and, unless `.maxrows` was given, the rows
    /// shown. Nil outside the prompt.
    public var terminalSize: (() -> (columns: Int, rows: Int))?
    /// True once Ctrl-C was pressed during the current statement (the prompt's flag; never in tests
    /// unless they say so). Printing, `.last`, `.load` and `.read` check it.
    public var isInterrupted: () -> Bool = { false }
    /// Whether `maxRows` follows the terminal's height (until `.maxrows` sets it).
    var maxRowsFollowsTerminal = true
    /// `.output FILE.svg`: charts are drawn as SVG into this file (each replaces the last).
    var chartFile: String?
    /// The progress line of a statement that runs over a second (on a terminal only: `showProgress`).
    private var progressLine: QueryProgressLine?

    public init(session: Session, format: OutputFormat = .table, output: TextSink, errors: TextSink,
                color: Bool = false, chartStyle: ChartStyle = ChartStyle(), maxRows: Int? = nil)
    {
        self.session = session
        self.format = format
        self.output = output
        self.standardOutput = output
        self.errors = errors
        self.color = color
        self.chartStyle = chartStyle
        self.maxRows = maxRows
    }

    /// Runs the statements of `text`, showing each outcome as it comes. Returns the error,
    /// if one stopped it (already printed).
    @discardableResult
    public func execute(_ text: String, name: String, firstLine: Int = 1) -> EVQError? {
        var shownBefore = false
        return execute(text, name: name, firstLine: firstLine, shownBefore: &shownBefore)
    }

    /// As `execute`, separating results with a blank line in table and markdown modes (as
    /// sqlite3 does) from each other and from whatever `shownBefore` says was shown earlier;
    /// a script passes the same flag for all its parts.
    public func execute(_ text: String, name: String, firstLine: Int = 1, shownBefore: inout Bool) -> EVQError? {
        var mark = DispatchTime.now()
        progressLine?.start()
        do throws(EVQError) {
            try session.run(text, name: name, firstLine: firstLine) { outcome in
                progressLine?.stop()  // erased before the result is printed
                let elapsed = Double(DispatchTime.now().uptimeNanoseconds - mark.uptimeNanoseconds) / 1e6
                let onScreen = outcome.isShown && !drawsToChartFile(outcome)
                if shownBefore, format.isForReading, onScreen { output.write("\n") }
                if onScreen { shownBefore = true }
                show(outcome, elapsedMilliseconds: elapsed)
                mark = DispatchTime.now()
                progressLine?.start()
            }
            progressLine?.stop()
            return nil
        } catch {
            progressLine?.stop()
            let hinted = SQLHabits.withHints(error, session: session)
            errors.write(hinted.render(color: color))
            return hinted
        }
    }

    /// From now on, a statement that runs over a second shows a progress line on `sink` (the
    /// prompt's stderr, or -c's when it is a terminal), with the rows its query has processed.
    public func showProgress(on sink: TextSink) {
        let line = QueryProgressLine(sink: sink)
        session.progress = line.progress
        progressLine = line
    }

    private func show(_ outcome: StatementOutcome, elapsedMilliseconds: Double) {
        switch outcome {
        case .bound:
            break
        case .text(let text):
            output.write(text)
        case .rows(let result, let plan):
            last = result
            fitToTerminal()
            if let written = plan?.chartFile {
                // The session wrote it (`chart ... to "FILE.svg"`); only say where.
                errors.write("chart written to \(written.path)\n")
            } else if let chart = plan?.chart, let chartFile {
                writeSVG(result.table, kind: chart, to: chartFile)
            } else if format == .table || format == .box, let chart = plan?.chart {
                output.write(ChartRenderer.render(result.table, kind: chart, style: chartStyle))
            } else {
                let cut = format.isForReading ? maxRows : nil
                let options = RenderOptions(maxRows: cut, maxCellWidth: format.cutsCells ? cellWidth : nil, maxLineWidth: maxLineWidth)
                guard print(result.table, options) else { return }
            }
            if explain, let plan { output.write(plan.explain(stats: result.stats) + "\n") }
            if timer { output.write(Self.timerLine(elapsedMilliseconds, result.stats) + "\n") }
        }
    }

    private func fitToTerminal() {
        guard let size = terminalSize?() else { return }
        maxLineWidth = size.columns
        chartStyle.width = max(40, size.columns)
        chartStyle.mapHeight = max(3, min(40, size.rows - 8))  // a map and its labels fit one screen
        if maxRowsFollowsTerminal { maxRows = Self.rowsShown(terminalRows: size.rows) }
    }

    /// Rows of a result shown on a terminal of `terminalRows`: a screenful, less the header and footer.
    public static func rowsShown(terminalRows: Int) -> Int { max(10, terminalRows - 6) }

    /// A chart while `.output` names an SVG file, or one with `to "FILE.svg"`: it goes to the file,
    /// not between the results on screen.
    private func drawsToChartFile(_ outcome: StatementOutcome) -> Bool {
        guard case .rows(_, let plan?) = outcome, plan.chart != nil else { return false }
        if chartFile != nil || plan.chartFile != nil { return true }
        return false
    }

    private func writeSVG(_ table: Table, kind: ChartKind, to path: String) {
        switch ChartSVG.render(table, kind: kind) {
        case .success(let svg):
            if FileManager.default.createFile(atPath: path, contents: Data(svg.utf8)) {
                errors.write("chart written to \(path)\n")
            } else {
                errors.write("error: cannot write the chart to \(path)\n")
            }
        case .failure(let problem):
            errors.write(problem.message + "\n")
        }
    }

    /// `Run time: 2.1 ms; examined 334 of 16,585 rows (2.0%)`.
    static func timerLine(_ ms: Double, _ stats: QueryStats) -> String {
        let time = ms < 10 ? String(format: "%.2f ms", ms) : (ms < 1000 ? String(format: "%.1f ms", ms) : String(format: "%.2f s", ms / 1000))
        guard stats.rowsInSource > 0 else { return "Run time: \(time)" }
        let share = Double(stats.rowsExamined) / Double(stats.rowsInSource) * 100
        return "Run time: \(time); examined \(grouped(stats.rowsExamined)) of \(grouped(stats.rowsInSource)) rows (\(String(format: "%.1f", share))%)"
    }

    static func grouped(_ n: Int) -> String { NumberText.grouped(n) }

    /// Prints the last result in full (no row limit).
    func showLast() {
        guard let last else {
            errors.write("no result yet\n")
            return
        }
        print(last.table, RenderOptions(maxRows: nil, maxCellWidth: format.cutsCells ? cellWidth : nil))
    }

    /// Rows past which formatting runs on a worker thread, so that Ctrl-C can stop it at once.
    static let rowsFormattedInline = 20_000
    /// Bytes written to the output between two looks at Ctrl-C.
    static let chunkBytes = 64 * 1024

    /// Formats and writes `table`, stopping within a chunk when Ctrl-C comes. Returns false if it did.
    @discardableResult
    func print(_ table: Table, _ options: RenderOptions) -> Bool {
        let format = self.format
        let paging = pager && output === standardOutput && terminalSize?() != nil
        if Renderer.streams(format), !paging {
            // Written a few thousand rows at a time: memory stays flat and Ctrl-C stops it
            // between two pieces.
            let finished = Renderer.stream(table, as: format) { piece in
                if isInterrupted() { return false }
                output.write(piece)
                return true
            }
            return finished || reportInterrupted()
        }
        let text: String
        if table.rowCount <= Self.rowsFormattedInline {
            text = Renderer.render(table, as: format, options: options)
        } else {
            let rows = min(table.rowCount, options.maxRows ?? table.rowCount)
            let progress = ProgressLine.onTerminal("formatting \(Self.grouped(rows)) rows")
            guard let formatted = Interruptible.run(progress: progress, interrupted: isInterrupted, { Renderer.render(table, as: format, options: options) })
            else { return reportInterrupted() }
            text = formatted
        }
        if pager, output === standardOutput, let size = terminalSize?(), text.utf8.lazy.filter({ $0 == 10 }).count > size.rows - 1 {
            if let problem = Pager.show(text, command: pagerCommand) { errors.write("error: \(problem)\n") } else { return true }
        }
        var start = text.utf8.startIndex
        let end = text.utf8.endIndex
        while start < end {
            if isInterrupted() { return reportInterrupted() }
            var stop = text.utf8.index(start, offsetBy: Self.chunkBytes, limitedBy: end) ?? end
            // Whole lines, so that "Interrupted" starts on a line of its own.
            if stop < end { stop = text.utf8[stop...].firstIndex(of: UInt8(ascii: "\n")).map { text.utf8.index(after: $0) } ?? end }
            output.write(String(decoding: text.utf8[start..<stop], as: UTF8.self))
            start = stop
        }
        return true
    }

    private func reportInterrupted() -> Bool {
        errors.write("Interrupted\n")
        return false
    }
}

extension OutputFormat {
    /// Modes for reading on a screen: long results are cut (.maxrows) and results are separated by a blank line.
    var isForReading: Bool { self == .table || self == .markdown || self == .box || self == .line }
    /// Modes whose cells are cut at `.width`.
    var cutsCells: Bool { self == .table || self == .box }
}

extension StatementOutcome {
    /// Whether the outcome prints something (a `let` does not).
    var isShown: Bool {
        if case .bound = self { return false }
        return true
    }
}
