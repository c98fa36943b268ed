// The checker's output: a source and a list of stages whose expressions are typed and whose
// names are resolved against the schema flowing into each stage. It refers to tables by
// `TableRef` and reads no data: subqueries stay subqueries and `latest()` a call, until
// the binder (Binder.swift) settles them against the catalog's data.

import EVQStore
import EVQSyntax

public struct CheckedQuery: Sendable {
    public var source: TableRef
    public var stages: [CheckedStage]
    /// The schema of the result.
    public var output: [Field]
    /// `chart ...` as the last stage: the result is drawn, not printed.
    public var chart: ChartKind?
    public var span: Span
    /// `chart ... to "FILE.svg"`: the drawing goes to this file instead of the screen.
    public var chartFile: ChartFile? = nil
}

public struct CheckedSortKey: Sendable {
    public var expr: TypedExpr
    public var descending: Bool
}

public struct CheckedStage: Sendable {
    public enum Kind: Sendable {
        case filter(TypedExpr)
        /// The output columns, in order. `extend` is a projection that keeps the input columns.
        case project([(name: String, expr: TypedExpr)])
        case sort([CheckedSortKey])
        case take(Int)
        case count
        case summarize(keys: [(name: String, expr: TypedExpr)], aggregates: [AggregateCall], outputs: [(name: String, expr: TypedExpr)])
        case top(Int, [CheckedSortKey])
        case distinct([(name: String, expr: TypedExpr)])
        case tail(Int)
        /// Left join on `leftKey == right.fields[rightKey]`; adds `columns` (name, index in `right`).
        case lookup(right: TableRef, leftKey: Int, rightKey: Int, columns: [(name: String, index: Int)])
        case chart(ChartKind)
        /// Matches of steps in time order (SequenceChecker.swift).
        case sequence(CheckedSequence)
        /// A hash join with another query (JoinChecker.swift).
        case join(CheckedJoin)
    }

    public var kind: Kind
    public var input: [Field]
    public var output: [Field]
    public var span: Span
}

/// The pictures `chart` can draw.
public enum ChartKind: String, CaseIterable, Sendable {
    /// Horizontal bars: a label column and a number column.
    case bars
    /// Values over time: a time column and a number column, as vertical bars on a date axis.
    case timeline
    /// Where the rows are: a density grid over their latitude and longitude columns.
    case map
}
