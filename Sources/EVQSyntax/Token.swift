// Tokens of the evq language. Keywords are identifiers matched by the parser in context,
// so `count` can be a stage, a function and a field name.

public enum Symbol: String, Sendable, CaseIterable {
    case pipe = "|", lparen = "(", rparen = ")", lbracket = "[", rbracket = "]"
    case comma = ",", dot = ".", dotdot = "..", assign = "="
    case eq = "==", ne = "!=", lt = "<", le = "<=", gt = ">", ge = ">=", tildeEq = "=~", notTildeEq = "!~"
    case plus = "+", minus = "-", star = "*", slash = "/", percent = "%", bang = "!"
}

/// The calendar unit a time literal names. `2024-10-01` is a day: `date in 2024-10-01`
/// means the whole day, and `.. 2024-10-31` runs to the end of that day.
public enum TimeUnit: String, Sendable {
    case instant, day, week, month, year
}

public enum TokenKind: Equatable, Sendable {
    case identifier(String)
    /// A backtick-quoted name: `` `Source Country` ``.
    case quotedIdentifier(String)
    case string(String)
    case int(Int64)
    case float(Double)
    /// A date, timestamp, month (`2024-10`) or ISO week (`2024-W44`): its first second (UTC) and unit.
    case time(Int64, TimeUnit)
    /// `90m 12h 3d 2w 30s`, in seconds.
    case duration(Int64)
    case symbol(Symbol)
    /// `;` or a blank line (not before a line starting with `|`).
    case statementEnd
    case eof
}

public struct Token: Equatable, Sendable {
    public let kind: TokenKind
    public let span: Span

    public init(_ kind: TokenKind, _ span: Span) {
        self.kind = kind
        self.span = span
    }

    public var identifier: String? {
        if case .identifier(let s) = kind { return s }
        return nil
    }

    public func isSymbol(_ s: Symbol) -> Bool { kind == .symbol(s) }

    public func isKeyword(_ word: String) -> Bool { identifier == word }
}

extension TokenKind {
    /// How the token is named in "expected X, found Y" messages.
    public var display: String {
        switch self {
        case .identifier(let s): "'\(s)'"
        case .quotedIdentifier(let s): "`\(s)`"
        case .string: "a string"
        case .int, .float: "a number"
        case .time: "a date"
        case .duration: "a duration"
        case .symbol(let s): "'\(s.rawValue)'"
        case .statementEnd: "the end of the statement"
        case .eof: "the end of the input"
        }
    }
}
