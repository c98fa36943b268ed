// The public names of the syntax tree, the typed expressions, the engine and the store's
// internals, declared again here. `EVQEmbeddingTests` imports EVQ and this module and uses
// each name unqualified: that compiles only while `import EVQ` does not bring the original
// (an `@_exported import` of EVQSyntax, EVQEngine or EVQStore makes every use ambiguous).

// EVQSyntax: the AST and the parser.
public enum Expr { case probe }
public enum ExprKind { case probe }
public enum Query { case probe }
public enum Stage { case probe }
public enum Statement { case probe }
public enum Program { case probe }
public enum Parser { case probe }
public enum Lexer { case probe }
public enum Token { case probe }
public enum Identifier { case probe }
public enum BinaryOperator { case probe }
public enum StageName { case probe }
// EVQEngine: typed expressions, plans, the checker's catalogue, functions.
public enum TypedExpr { case probe }
public enum TypedExprKind { case probe }
public enum AggregateCall { case probe }
public enum CheckedQuery { case probe }
public enum Plan { case probe }
public enum PlanNode { case probe }
public enum Planner { case probe }
public enum Checker { case probe }
public enum Catalog { case probe }
public enum TableRef { case probe }
public enum QueryEngine { case probe }
public enum OptimizerPass { case probe }
public enum EngineError { case probe }
public enum ScalarFunction { case probe }
public enum AggregateFunction { case probe }
// EVQStore: column buffers (results are read through `ResultColumn`).
public enum Column { case probe }
public enum ColumnData { case probe }
public enum StringColumn { case probe }
public enum ColumnBuffer { case probe }

/// Every probe type, for the test to check where each name resolved.
public let probeTypes: [Any.Type] = [
    Expr.self, ExprKind.self, Query.self, Stage.self, Statement.self, Program.self, Parser.self, Lexer.self,
    Token.self, Identifier.self, BinaryOperator.self, StageName.self,
    TypedExpr.self, TypedExprKind.self, AggregateCall.self, CheckedQuery.self, Plan.self, PlanNode.self,
    Planner.self, Checker.self, Catalog.self, TableRef.self, QueryEngine.self, OptimizerPass.self,
    EngineError.self, ScalarFunction.self, AggregateFunction.self,
    Column.self, ColumnData.self, StringColumn.self, ColumnBuffer.self,
]
