// Runs a whole script (a file, `-c`, piped stdin, `.read`) without a terminal. The script is
// checked first, so every syntax error is reported before anything runs; then its statements
// and dot-commands run in order and the first error stops it. Exit codes: 0 ok, 65 query or
// data error, 64 a bad dot-command, 66 a missing file, 74 a failed write, 130 interrupted.

import EVQ
import EVQSyntax
import Foundation

/// Where text goes; the real streams in the CLI, strings in tests.
public protocol TextSink: AnyObject {
    func write(_ text: String)
}

/// A file descriptor written with write(2). A write error ends evq as Unix tools end: a
/// closed pipe (EPIPE) quietly, by SIGPIPE; anything else (a full disk, a closed descriptor)
/// with `evq: cannot write to NAME: strerror` and exit code 74 (EX_IOERR), never a crash and
/// never a silently shortened result.
public final class FileSink: TextSink, Sendable {
    private let fd: Int32
    /// Kept open as long as the sink lives (nil for the standard streams).
    private let handle: FileHandle?
    /// How messages name the destination: a path, or "standard output".
    public let name: String

    public init(_ handle: FileHandle, name: String) {
        self.fd = handle.fileDescriptor
        self.handle = handle
        self.name = name
    }

    private init(fd: Int32, name: String) {
        self.fd = fd
        self.handle = nil
        self.name = name
    }

    public func write(_ text: String) {
        var text = text
        text.withUTF8 { bytes in
            var done = 0
            while done < bytes.count {
                let n = Foundation.write(fd, bytes.baseAddress! + done, bytes.count - done)
                if n >= 0 { done += n; continue }
                if errno == EINTR { continue }
                Self.fail(name, errno)
            }
        }
    }

    /// Ends the process for a failed write of `name` (see the type's comment).
    static func fail(_ name: String, _ code: Int32) -> Never {
        if code == EPIPE {
            signal(SIGPIPE, SIG_DFL)
            raise(SIGPIPE)
            exit(128 + SIGPIPE)
        }
        let message = "evq: cannot write to \(name): \(String(cString: strerror(code)))\n"
        _ = message.withCString { Foundation.write(2, $0, strlen($0)) }
        exit(74)
    }

    public static let standardOutput = FileSink(fd: 1, name: "standard output")
    public static let standardError = FileSink(fd: 2, name: "standard error")
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
        // The pending text is joined and parsed only at a dot-command line, so a long script
        // splits in linear time (joining it at every line was quadratic).
        for (i, line) in lines.enumerated() {
            if DotCommands.isDotCommand(String(line)), case let pending = current.joined(separator: "\n"), !Session.needsMoreInput(pending) {
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
