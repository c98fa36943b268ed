// The pipeline for one catalog: check (names and types, no data) → bind (subqueries and
// `latest()` against the data) → plan (plan nodes, then the optimizer's passes) → execute.
// A session builds one per statement, with that statement's cancellation and limits.

import EVQStore
import EVQSyntax

public struct QueryEngine {
    public var catalog: Catalog
    public var disabledPasses: Set<OptimizerPass>
    public var context: ExecutionContext

    public init(catalog: Catalog, disabledPasses: Set<OptimizerPass> = [], context: ExecutionContext = .init()) {
        self.catalog = catalog
        self.disabledPasses = disabledPasses
        self.context = context
    }

    /// Names and types only: what a query means, whatever holds the data.
    public func check(_ query: Query) throws(Diagnostic) -> CheckedQuery {
        try Checker(catalog: catalog).check(query)
    }

    /// The optimized plan. Subqueries run here, so this can be cancelled like a query.
    public func plan(_ query: Query, source: SourceFile) throws(EngineError) -> Plan {
        let checked: CheckedQuery
        do { checked = try check(query) } catch { throw .diagnostic(error) }
        return try plan(checked, source: source)
    }

    public func plan(_ checked: CheckedQuery, source: SourceFile) throws(EngineError) -> Plan {
        let bound = try binder(source).bind(checked)
        return Planner(source: source, catalog: catalog, disabledPasses: disabledPasses).plan(bound)
    }

    public func execute(_ plan: Plan) throws(EngineError) -> QueryResult {
        try Executor(catalog: catalog, context: context).run(plan)
    }

    /// The value of an expression that reads no column (`let since = latest() - 7d`).
    public func evaluateScalar(_ expr: Expr, source: SourceFile) throws(EngineError) -> Value {
        let checked: TypedExpr
        do { checked = try Checker(catalog: catalog).checkScalar(expr) } catch { throw .diagnostic(error) }
        let bound = try binder(source).bind(checked)
        do { return try ExpressionEvaluator.evaluateConstant(bound) } catch { throw .diagnostic(error) }
    }

    private func binder(_ source: SourceFile) -> Binder {
        Binder(catalog: catalog) { (sub: CheckedQuery) throws(EngineError) -> Table in
            try execute(try plan(sub, source: source)).table
        }
    }
}
