// Every error a user of the library or the CLI can meet, with its exit code (sysexits)
// and its rendering. Query errors keep their source so they can print the caret.

import EVQEngine
import EVQStore
import EVQSyntax

public struct EVQError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable {
        /// Lex, parse, name, type or run-time errors in a query, all with positions.
        case query([Diagnostic], SourceFile)
        /// A file a query writes (`chart ... to "FILE.svg"`) could not be written; with the position of its name.
        case write([Diagnostic], SourceFile)
        /// Ctrl-C stopped the query.
        case cancelled
        /// An input file could not be found.
        case missingInput(String)
        /// Data that could not be loaded (unreadable file, bad format).
        case data(String)
        /// Bad command-line use.
        case usage(String)
        /// A bug: what should not happen.
        case `internal`(String)
    }

    public let kind: Kind

    public init(_ kind: Kind) { self.kind = kind }

    /// sysexits: 64 usage, 65 data (query or input data), 66 no input, 70 internal, 74 a failed write, 130 on Ctrl-C.
    public var exitCode: Int32 {
        switch kind {
        case .query, .data: 65
        case .cancelled: 130
        case .missingInput: 66
        case .usage: 64
        case .internal: 70
        case .write: 74
        }
    }

    /// The diagnostics, when this is a query error: each with its message, `span` and hint.
    public var diagnostics: [Diagnostic] {
        if case .query(let d, _) = kind { return d }
        if case .write(let d, _) = kind { return d }
        return []
    }

    /// The first problem in one line, without position: `unknown field 'actr'`, `no such file: x.csv`.
    ///
    ///     do { try session.query("events | where actr == 1") } catch {
    ///         error.message                   // "unknown field 'actr'"
    ///         error.location                  // line 1, column 16
    ///         error.diagnostics.first?.hint   // "did you mean 'actor1'?"
    ///     }
    public var message: String {
        if let d = diagnostics.first { return d.message }
        switch kind {
        case .query, .write, .cancelled: return "Interrupted"
        case .missingInput(let path): return "no such file: \(path)"
        case .data(let m), .usage(let m), .internal(let m): return m
        }
    }

    /// Where in the query text the first problem is (1-based line and column), for query errors.
    public var location: SourceLocation? {
        guard let d = diagnostics.first, let file else { return nil }
        return file.location(of: d.span.start)
    }

    /// The query text a query error is about.
    public var file: SourceFile? {
        switch kind {
        case .query(_, let f), .write(_, let f): f
        default: nil
        }
    }

    public func render(color: Bool = false) -> String {
        switch kind {
        case .query(let diagnostics, let file), .write(let diagnostics, let file):
            let renderer = DiagnosticRenderer(useColor: color)
            return diagnostics.map { renderer.render($0, in: file) }.joined()
        case .cancelled: return "Interrupted\n"
        case .missingInput(let path): return "error: no such file: \(path)\n"
        case .data(let message): return "error: \(message)\n"
        case .usage(let message): return "error: \(message)\n"
        case .internal(let message): return "internal error: \(message)\n"
        }
    }

    public var description: String { render() }
}
