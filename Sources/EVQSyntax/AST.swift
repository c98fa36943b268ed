// The syntax tree as parsed: names are not resolved and nothing is typed yet (that is the
// checker's job). Every node carries the span of the text it came from.

public struct Program: Sendable {
    public var statements: [Statement]
}

public struct Statement: Sendable {
    public enum Kind: Sendable {
        /// `let name = expr` or `let name = source | stages`.
        case binding(name: Identifier, value: Query)
        /// `param name = default` (scripts; overridden with `--param name=value`).
        case param(name: Identifier, defaultValue: Expr)
        /// A query or a bare expression.
        case query(Query)
        /// `explain QUERY`: the plan, the index behind each filter and the estimated rows; the
        /// query does not run.
        case explain(Query)
        /// `explain analyze QUERY`: runs the query and adds the rows and time of each step.
        case explainAnalyze(Query)
    }

    public var kind: Kind
    public var span: Span
}

public struct Identifier: Hashable, Sendable {
    public var name: String
    public var span: Span
}

/// `source | stage | stage ...`. With no stages and a source that is not a table, this is
/// a bare expression (`1 + 2`, or the right side of `let n = 5`).
public struct Query: Sendable {
    public var source: Expr
    public var stages: [Stage]
    public var span: Span
}

public struct Stage: Sendable {
    public enum Kind: Sendable {
        case `where`(Expr)
        case project([NamedExpr])
        case extend([NamedExpr])
        case sort([SortKey])
        case take(Expr)
        case count
        case summarize(aggregates: [NamedExpr], by: [NamedExpr])
        case top(count: Expr, by: [SortKey])
        case distinct([NamedExpr])
        case tail(Expr)
        /// `lookup TABLE on left = right` or `lookup TABLE on key`: adds the table's columns
        /// to each row whose key matches (rows without a match keep nulls).
        case lookup(table: Identifier, left: Identifier, right: Identifier)
        /// `chart bars`, `chart timeline` or `chart map`: draws the result instead of printing it;
        /// with `to "FILE.svg"` the drawing goes to that file as SVG.
        case chart(Identifier, to: ChartFile?)
        /// `sequence [mode=M] [by keys] within D [step] [step] ... [until [step]]` (AST+Sequence.swift).
        case sequence(SequenceClause)
        /// `join [kind=K] (TABLE | [query] | (query)) on a == b, ...` (AST+Join.swift).
        case join(JoinClause)
    }

    public var kind: Kind
    /// The stage keyword (`where`, `sort`), for messages about the stage as a whole.
    public var keyword: Identifier
    public var span: Span
}

/// `to "report.svg"` after a chart: the file as written (`~/` is expanded when it is written).
public struct ChartFile: Sendable {
    public var path: String
    public var span: Span

    public init(path: String, span: Span) {
        self.path = path
        self.span = span
    }
}

/// `name = expr`, or `expr` whose name the checker derives.
public struct NamedExpr: Sendable {
    public var name: Identifier?
    public var expr: Expr

    public var span: Span { name.map { $0.span.to(expr.span) } ?? expr.span }
}

public struct SortKey: Sendable {
    public var expr: Expr
    public var descending: Bool
    /// Where the user said so explicitly (`asc`/`desc`); nil for the default.
    public var directionSpan: Span?
}

public enum UnaryOperator: String, Sendable { case negate = "-", not }

public enum BinaryOperator: String, Sendable, CaseIterable {
    case or, and
    case eq = "==", ne = "!=", lt = "<", le = "<=", gt = ">", ge = ">="
    case eqCaseless = "=~", neCaseless = "!~"
    case `in`, notIn = "!in", inCaseless = "in~", notInCaseless = "!in~"
    case add = "+", sub = "-", mul = "*", div = "/", mod = "%"
    /// Text operators: all but `matches` ignore case (see the language reference).
    case contains, notContains = "!contains", startswith, notStartswith = "!startswith"
    case endswith, notEndswith = "!endswith", like, notLike = "!like", matches, notMatches = "!matches"
    /// Word search, answered from the word index.
    case has, notHas = "!has", hasAny = "has_any", notHasAny = "!has_any", hasAll = "has_all", notHasAll = "!has_all"

    /// The word operators, as written.
    public static let textOperators: [String: BinaryOperator] = Dictionary(
        uniqueKeysWithValues: allCases.filter(\.isText).map { ($0.rawValue, $0) })

    public var isText: Bool {
        switch self {
        case .contains, .notContains, .startswith, .notStartswith, .endswith, .notEndswith, .like, .notLike,
             .matches, .notMatches, .has, .notHas, .hasAny, .notHasAny, .hasAll, .notHasAll: true
        default: false
        }
    }

    /// The positive form of a negated text operator (`!has` -> `has`), or nil.
    public var positiveForm: BinaryOperator? {
        switch self {
        case .notContains: .contains
        case .notStartswith: .startswith
        case .notEndswith: .endswith
        case .notLike: .like
        case .notMatches: .matches
        case .notHas: .has
        case .notHasAny: .hasAny
        case .notHasAll: .hasAll
        default: nil
        }
    }

    public var isComparison: Bool {
        switch self {
        case .eq, .ne, .lt, .le, .gt, .ge, .eqCaseless, .neCaseless: true
        default: false
        }
    }

    public var isMembership: Bool { self == .in || self == .notIn || self == .inCaseless || self == .notInCaseless }
    public var isArithmetic: Bool { self == .add || self == .sub || self == .mul || self == .div || self == .mod }
}

public indirect enum ExprKind: Sendable {
    case null
    case bool(Bool)
    case int(Int64)
    case float(Double)
    case string(String)
    case time(Int64, TimeUnit)
    case duration(Int64)
    /// A field, a table or a `let` name; the checker decides which.
    case name(String, quoted: Bool)
    case list([Expr])
    /// `a .. b`, inclusive of both ends (a day at the upper end includes the whole day).
    case range(Expr, Expr)
    case unary(UnaryOperator, Expr)
    case binary(BinaryOperator, Expr, Expr, operatorSpan: Span)
    case call(Identifier, [Expr])
    /// `(source | stages)` inside an expression, for `x in (subquery)`.
    case subquery(Query)
}

public struct Expr: Sendable {
    public var kind: ExprKind
    public var span: Span
    /// Levels of nesting below and including this node. Every later pass recurses over the
    /// tree, so the parser bounds it (`Parser.maxDepth`) instead of letting the stack overflow.
    public let depth: Int

    public init(_ kind: ExprKind, _ span: Span) {
        self.kind = kind
        self.span = span
        switch kind {
        case .unary(_, let a): depth = a.depth + 1
        case .binary(_, let a, let b, _), .range(let a, let b): depth = max(a.depth, b.depth) + 1
        case .list(let items): depth = (items.map(\.depth).max() ?? 0) + 1
        case .call(_, let args): depth = (args.map(\.depth).max() ?? 0) + 1
        case .subquery(let q): depth = q.source.depth + 1
        default: depth = 1
        }
    }
}
