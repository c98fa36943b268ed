// Runs a whole script (a file, `-c`, or piped stdin) without a terminal: results go to the
// output in the chosen format, diagnostics to the error stream, and the exit code says how
// it went (0 ok, 65 query or data error, 130 interrupted).

import EVQ
import EVQStore
import Foundation

/// Where text goes; the real streams in the CLI, strings in tests.
public protocol TextSink: AnyObject {
    func write(_ text: String)
}

public final class FileSink: TextSink, Sendable {
    private let handle: FileHandle
    public init(_ handle: FileHandle) { self.handle = handle }
    public func write(_ text: String) { handle.write(Data(text.utf8)) }
    public static let standardOutput = FileSink(.standardOutput)
    public static let standardError = FileSink(.standardError)
}

public final class StringSink: TextSink {
    public private(set) var text = ""
    public init() {}
    public func write(_ text: String) { self.text += text }
}

public struct ScriptRunner {
    public var session: Session
    public var format: OutputFormat
    public var output: TextSink
    public var errors: TextSink
    public var color: Bool
    /// How `chart` draws (table format only; other formats print the data).
    public var chartStyle: ChartStyle

    public init(session: Session, format: OutputFormat = .table, output: TextSink, errors: TextSink, color: Bool = false,
                chartStyle: ChartStyle = ChartStyle())
    {
        self.session = session
        self.format = format
        self.output = output
        self.errors = errors
        self.color = color
        self.chartStyle = chartStyle
    }

    /// Runs `text`; returns the process exit code.
    public func run(_ text: String, name: String) -> Int32 {
        var first = true
        do throws(EVQError) {
            try session.run(text, name: name) { outcome in
                if case .text(let text) = outcome {
                    if !first { output.write("\n") }
                    first = false
                    output.write(text)
                }
                guard case .rows(let result, let plan) = outcome else { return }
                // A blank line between results in table mode, as sqlite3 does between statements.
                if !first, format == .table || format == .markdown { output.write("\n") }
                first = false
                if format == .table, let chart = plan?.chart {
                    output.write(ChartRenderer.render(result.table, kind: chart, style: chartStyle))
                    return
                }
                output.write(Renderer.render(result.table, as: format, options: RenderOptions(maxRows: nil, maxCellWidth: format == .table ? 60 : nil)))
            }
            return 0
        } catch {
            errors.write(error.render(color: color))
            return error.exitCode
        }
    }
}
