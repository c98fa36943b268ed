// Runs a whole script (a file, `-c`, piped stdin, `.read`) without a terminal. The script is
// checked first, so every syntax error is reported before anything runs; then its statements
// and dot-commands run in order and the first error stops it. Exit codes: 0 ok, 65 query or
// data error, 64 a bad dot-command, 66 a missing file, 130 interrupted.

import EVQ
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
    public let state: ShellState

    public init(state: ShellState) { self.state = state }

    /// A runner with its own state over `session`.
    public init(session: Session, format: OutputFormat = .table, output: TextSink, errors: TextSink, color: Bool = false,
                chartStyle: ChartStyle = ChartStyle())
    {
        self.state = ShellState(session: session, format: format, output: output, errors: errors, color: color, chartStyle: chartStyle)
    }

    /// Runs `text`; returns the process exit code.
    public func run(_ text: String, name: String) -> Int32 {
        // A byte-order mark is what some editors put first; it is not part of the script.
        let text = text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text
        let blocks = Self.split(text)
        // Check the whole script first (dot-command lines blanked, so line numbers stay true).
        let queryText = blocks.map { $0.isDotCommand ? "" : $0.text }.joined(separator: "\n")
        let (_, diagnostics) = Parser.parse(SourceFile(name: name, text: queryText))
        if !diagnostics.isEmpty {
            state.errors.write(EVQError(.query(diagnostics, SourceFile(name: name, text: queryText))).render(color: state.color))
            return 65
        }
        var shownBefore = false
        for block in blocks {
            if state.quitRequested { break }
            // Ctrl-C between two statements (or during a dot-command) stops the script there.
            if state.isInterrupted() {
                state.errors.write("Interrupted: \(name) stopped\n")
                return 130
            }
            if block.isDotCommand {
                if let failure = DotCommands.run(block.text, state) { return failure }
                continue
            }
            guard block.text.contains(where: { !$0.isWhitespace }) else { continue }
            if let error = state.execute(block.text, name: name, firstLine: block.firstLine, shownBefore: &shownBefore) {
                return error.exitCode
            }
        }
        return 0
    }

    struct Block {
        var text: String
        var firstLine: Int
        var isDotCommand: Bool
    }

    /// Cuts a script into runs of query text and single dot-command lines. A line is a
    /// dot-command only where a statement can start: not inside an unfinished statement.
    static func split(_ text: String) -> [Block] {
        var blocks: [Block] = []
        var current: [Substring] = []
        var currentStart = 1
        // "\r\n" is one Character in Swift: split on it too, for scripts saved on Windows.
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
        for (i, line) in lines.enumerated() {
            let pending = current.joined(separator: "\n")
            if DotCommands.isDotCommand(String(line)), !Session.needsMoreInput(pending) {
                if !current.isEmpty { blocks.append(Block(text: pending, firstLine: currentStart, isDotCommand: false)) }
                blocks.append(Block(text: String(line), firstLine: i + 1, isDotCommand: true))
                current = []
                currentStart = i + 2
            } else {
                current.append(line)
            }
        }
        if !current.isEmpty { blocks.append(Block(text: current.joined(separator: "\n"), firstLine: currentStart, isDotCommand: false)) }
        return blocks
    }
}
