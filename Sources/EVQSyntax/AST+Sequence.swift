// The syntax of `sequence` (as a stage, or as the start of a query) and of its steps. The
// matching rules are the checker's and executor's business (Sequence*.swift in EVQEngine).

/// `sequence [mode=latest|every] [by keys] within DURATION step step ... [until step]`.
public struct SequenceClause: Sendable {
    /// `mode=latest` (EQL's rule) or `mode=every`; nil is the default (latest).
    public var mode: Identifier?
    /// Keys every step shares (`sequence by actor1 ...`), before each step's own.
    public var keys: [Expr]
    /// The duration after `within`; nil when it is missing (the checker reports it).
    public var within: Expr?
    public var steps: [SequenceStep]
    public var until: SequenceStep?
    /// The `sequence` keyword.
    public var keyword: Identifier
    /// True when the sequence starts the query (`sequence within 3d [events | ...] ...`):
    /// then there is no pipeline input and every step names its own source.
    public var isSource: Bool
}

/// `[query] [as name] [by keys]`, where the query is either a whole query
/// (`[events | where ...]`) or stages alone (`[where ...]`: over the pipeline's input).
public struct SequenceStep: Sendable {
    /// The step's own source and stages; nil when the step starts with a stage.
    public var query: Query?
    /// The stages over the pipeline's input, when `query` is nil.
    public var stages: [Stage]
    public var name: Identifier?
    public var keys: [Expr]
    /// From `[` to `]`.
    public var bracketSpan: Span
    public var span: Span
}
