// `import EVQ` must not bring the syntax tree, typed expressions, plans or column buffers.
// Each name below is declared again by EmbeddingProbe; while EVQ keeps the originals inside,
// every one resolves to the probe's. Re-exporting EVQSyntax, EVQEngine or EVQStore from EVQ
// (or a public typealias of one of these names) makes them ambiguous, and a name used as a
// type is then an error ("'Expr' is ambiguous for type lookup"): this file stops compiling.
// (An expression such as `Expr.self` would not do: the compiler picks one of the two there.)

import EVQ
import EmbeddingProbe
import Testing

private typealias SeenExpr = Expr
private typealias SeenExprKind = ExprKind
private typealias SeenQuery = Query
private typealias SeenStage = Stage
private typealias SeenStatement = Statement
private typealias SeenProgram = Program
private typealias SeenParser = Parser
private typealias SeenLexer = Lexer
private typealias SeenToken = Token
private typealias SeenIdentifier = Identifier
private typealias SeenBinaryOperator = BinaryOperator
private typealias SeenStageName = StageName
private typealias SeenTypedExpr = TypedExpr
private typealias SeenTypedExprKind = TypedExprKind
private typealias SeenAggregateCall = AggregateCall
private typealias SeenCheckedQuery = CheckedQuery
private typealias SeenPlan = Plan
private typealias SeenPlanNode = PlanNode
private typealias SeenPlanner = Planner
private typealias SeenChecker = Checker
private typealias SeenCatalog = Catalog
private typealias SeenTableRef = TableRef
private typealias SeenQueryEngine = QueryEngine
private typealias SeenOptimizerPass = OptimizerPass
private typealias SeenEngineError = EngineError
private typealias SeenScalarFunction = ScalarFunction
private typealias SeenAggregateFunction = AggregateFunction
private typealias SeenColumn = Column
private typealias SeenColumnData = ColumnData
private typealias SeenStringColumn = StringColumn
private typealias SeenColumnBuffer = ColumnBuffer

@Suite struct HiddenNamesTests {
    @Test func astAndEngineNamesAreNotPartOfTheAPI() {
        let seen: [Any.Type] = [
            SeenExpr.self, SeenExprKind.self, SeenQuery.self, SeenStage.self, SeenStatement.self, SeenProgram.self,
            SeenParser.self, SeenLexer.self, SeenToken.self, SeenIdentifier.self, SeenBinaryOperator.self, SeenStageName.self,
            SeenTypedExpr.self, SeenTypedExprKind.self, SeenAggregateCall.self, SeenCheckedQuery.self, SeenPlan.self, SeenPlanNode.self,
            SeenPlanner.self, SeenChecker.self, SeenCatalog.self, SeenTableRef.self, SeenQueryEngine.self, SeenOptimizerPass.self,
            SeenEngineError.self, SeenScalarFunction.self, SeenAggregateFunction.self, SeenColumn.self, SeenColumnData.self, SeenStringColumn.self,
            SeenColumnBuffer.self,
        ]
        #expect(seen.count == probeTypes.count)
        for type in seen {
            #expect(String(reflecting: type).hasPrefix("EmbeddingProbe."), "\(String(reflecting: type)) is visible through import EVQ")
        }
    }

    @Test func theChosenNamesAreEVQs() {
        // What the API deliberately exposes: plain data, results and positions.
        #expect(String(reflecting: Value.self) == "EVQStore.Value")
        #expect(String(reflecting: QueryResult.self) == "EVQEngine.QueryResult")
        #expect(String(reflecting: Diagnostic.self) == "EVQSyntax.Diagnostic")
        #expect(String(reflecting: ResultColumn.self) == "EVQ.ResultColumn")
    }
}
