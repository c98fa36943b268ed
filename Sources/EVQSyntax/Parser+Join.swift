// Parses `join`: its kind, its right side and its key conditions.

extension Parser {
    // join -> 'join' ['kind' '=' name] (name | '[' query ']' | '(' query ')') 'on' condition (',' condition)*
    mutating func joinClause() throws(Diagnostic) -> JoinClause {
        var kind: Identifier? = nil
        if current.isKeyword("kind"), peek().isSymbol(.assign) {
            _ = advance()
            _ = advance()
            kind = try identifier("a join kind after 'kind=' (inner, leftouter, leftsemi, leftanti, rightouter, fullouter)")
        }
        let right: Query
        if current.isSymbol(.lbracket) || current.isSymbol(.lparen) {
            let open = advance()
            right = try query()
            _ = try closing(open.isSymbol(.lbracket) ? .rbracket : .rparen, opened: open)
        } else {
            let table = try identifier("a table, '[query]' or '(query)' to join with")
            right = Query(source: Expr(.name(table.name, quoted: false), table.span), stages: [], span: table.span)
        }
        guard current.isKeyword("on") else { throw unexpected("'on' and the keys to join on") }
        _ = advance()
        var conditions: [JoinCondition] = []
        repeat {
            if !conditions.isEmpty { _ = advance() }
            conditions.append(try joinCondition())
        } while current.isSymbol(.comma)
        return JoinClause(kind: kind, right: right, conditions: conditions)
    }

    // condition -> key [('==' | '=') key]     key -> name | ('$left' | '$right') '.' name
    private mutating func joinCondition() throws(Diagnostic) -> JoinCondition {
        let a = try joinKey()
        guard current.isSymbol(.eq) || current.isSymbol(.assign) else {
            guard a.side == nil else { throw unexpected("'==' and the key of the other side") }
            return JoinCondition(left: a.name, right: a.name, span: a.span)
        }
        _ = advance()
        let b = try joinKey()
        let span = a.span.to(b.span)
        switch (a.side, b.side) {
        case ("$right", "$left"), ("$right", nil), (nil, "$left"): return JoinCondition(left: b.name, right: a.name, span: span)
        case ("$left", "$left"), ("$right", "$right"):
            throw error("both keys of the condition are on the \(a.side == "$left" ? "left" : "right") side", at: span,
                        hint: "compare a left key with a right one: $left.actor1 == $right.name")
        default: return JoinCondition(left: a.name, right: b.name, span: span)
        }
    }

    private mutating func joinKey() throws(Diagnostic) -> (side: String?, name: Identifier, span: Span) {
        let first = try identifier("a key column")
        guard first.name == "$left" || first.name == "$right" else { return (nil, first, first.span) }
        guard current.isSymbol(.dot) else { throw unexpected("'.' and a column after \(first.name)") }
        _ = advance()
        let column = try identifier("a column after \(first.name).")
        return (first.name, column, first.span.to(column.span))
    }
}
