// Checked expressions: every name is resolved to a column of the stage's input (by index),
// every node has its type, and literals that depend on context (periods, date strings) have
// been turned into plain values.

import EVQStore
import EVQSyntax

public indirect enum TypedExprKind: Sendable {
    case constant(Value)
    /// A column of the input relation.
    case column(Int)
    case not(TypedExpr)
    case negate(TypedExpr)
    case and(TypedExpr, TypedExpr)
    case or(TypedExpr, TypedExpr)
    case compare(BinaryOperator, TypedExpr, TypedExpr)
    case arithmetic(BinaryOperator, TypedExpr, TypedExpr)
    /// Membership in a set of constants; `caseless` compares strings ignoring case.
    case inSet(TypedExpr, Set<Value>, caseless: Bool, negated: Bool)
    /// Membership in the one column of a query's result (`x in (actors | ...)`, `x in proxies`);
    /// the binder runs the query once and turns this into `inSet`.
    case inQuery(TypedExpr, CheckedQuery, caseless: Bool, negated: Bool)
    /// `lower <= x < upper`, or `<= upper` when `upperInclusive`; a nil bound is open.
    case inRange(TypedExpr, lower: Value?, upper: Value?, upperInclusive: Bool, negated: Bool)
    /// A text operator against a constant pattern (prepared once by the checker).
    case text(TextPattern, TypedExpr, negated: Bool)
    case call(ScalarFunction, [TypedExpr])
    /// The result of the i-th aggregate of the enclosing `summarize`.
    case aggregateResult(Int)
}

public struct TypedExpr: Sendable {
    public var kind: TypedExprKind
    public var type: DataType
    public var span: Span

    public init(_ kind: TypedExprKind, _ type: DataType, _ span: Span) {
        self.kind = kind
        self.type = type
        self.span = span
    }

    public var constantValue: Value? {
        if case .constant(let v) = kind { return v }
        return nil
    }

    public var columnIndex: Int? {
        if case .column(let i) = kind { return i }
        return nil
    }
}

/// One aggregate call of a `summarize`, e.g. `sum(fatalities)`.
public struct AggregateCall: Sendable {
    public var function: AggregateFunction
    public var arguments: [TypedExpr]
    public var type: DataType
    public var span: Span
}
