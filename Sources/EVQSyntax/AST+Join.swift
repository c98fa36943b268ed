// The syntax of `join`: the right side and the key pairs. Kinds, types and column names are
// checked in EVQEngine (Join*.swift).

/// `join [kind=K] right on condition, condition, ...`.
public struct JoinClause: Sendable {
    /// `inner`, `leftouter`, ...; nil is the default (inner).
    public var kind: Identifier?
    /// A table name (a query with no stages), `[query]` or `(query)`.
    public var right: Query
    public var conditions: [JoinCondition]
}

/// `key` (the same name on both sides), `left == right`, or `$left.a == $right.b` in either order.
public struct JoinCondition: Sendable {
    public var left: Identifier
    public var right: Identifier
    public var span: Span
}
