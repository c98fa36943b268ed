// Parses `sequence` and its bracketed steps. The options before the first step may come in
// any order; each step's `as` and `by` too.

extension Parser {
    // sequence -> 'sequence' (('mode' '=' name) | ('by' expr (',' expr)*) | ('within' expr))* step+ ['until' step]
    mutating func sequenceClause(_ keyword: Identifier, isSource: Bool) throws(Diagnostic) -> SequenceClause {
        var clause = SequenceClause(mode: nil, keys: [], within: nil, steps: [], until: nil, keyword: keyword, isSource: isSource)
        var sawBy = false
        while !current.isSymbol(.lbracket) {
            if current.isKeyword("mode"), clause.mode == nil, peek().isSymbol(.assign) {
                _ = advance()
                _ = advance()
                clause.mode = try identifier("a mode after 'mode=' (latest or every)")
            } else if current.isKeyword("by"), !sawBy {
                _ = advance()
                sawBy = true
                clause.keys = try exprList("a key after 'by'")
            } else if current.isKeyword("within"), clause.within == nil {
                _ = advance()
                clause.within = try expression()
            } else {
                throw unexpected("'within', 'by', 'mode=' or the first step '[' of the sequence")
            }
        }
        while current.isSymbol(.lbracket) {
            clause.steps.append(try sequenceStep())
        }
        if current.isKeyword("until") {
            _ = advance()
            guard current.isSymbol(.lbracket) else { throw unexpected("a step '[...]' after 'until'") }
            clause.until = try sequenceStep()
        }
        return clause
    }

    // step -> '[' (stage ('|' stage)* | query) ']' (('as' name) | ('by' expr (',' expr)*))*
    private mutating func sequenceStep() throws(Diagnostic) -> SequenceStep {
        let open = advance()
        var query: Query? = nil
        var stages: [Stage] = []
        if let word = current.identifier, StageName(rawValue: word) != nil, !peek().isSymbol(.pipe), !peek().isSymbol(.rbracket) {
            stages.append(try stage())
            while current.isSymbol(.pipe) {
                _ = advance()
                stages.append(try stage())
            }
        } else {
            query = try self.query()
        }
        let close = try closing(.rbracket, opened: open)
        var step = SequenceStep(query: query, stages: stages, name: nil, keys: [], bracketSpan: open.span.to(close.span), span: open.span.to(close.span))
        var sawBy = false
        while true {
            if current.isKeyword("as"), step.name == nil {
                _ = advance()
                step.name = try identifier("a name for the step after 'as'")
            } else if current.isKeyword("by"), !sawBy {
                _ = advance()
                sawBy = true
                step.keys = try exprList("a key after 'by'")
            } else {
                break
            }
        }
        step.span = open.span.to(previousSpan)
        return step
    }

    /// `expr (',' expr)*`.
    mutating func exprList(_ what: String) throws(Diagnostic) -> [Expr] {
        var items: [Expr] = []
        repeat {
            if !items.isEmpty { _ = advance() }
            if atStageEnd || current.isSymbol(.lbracket) { throw unexpected(what) }
            items.append(try expression())
        } while current.isSymbol(.comma)
        return items
    }
}
