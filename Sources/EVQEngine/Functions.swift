// The function registry. A function is one definition: its name, arity, the one-line doc that
// `.help`, completion and usage hints show, its type rule and its kernel. The built-in
// scalar functions are defined in ScalarFunctions.swift and the aggregates in
// AggregateFunctions.swift, each listed once there; the checker, the executor, `.help` and
// completion read them through a `FunctionRegistry` (the catalog's), and nothing else lists
// function names. Typed fast paths elsewhere (Aggregation+Typed, the float and geo kernels)
// recognise some functions by identity and fall back to the definition's kernel otherwise.

import EVQStore
import EVQSyntax

/// A scalar function: `tolower(actor1)`, `bin(date, 7d)`. One object per definition, so that
/// comparing two (`fn == .isnull`, also per row in boxed folds) compares pointers.
public final class ScalarFunction: Hashable, Sendable, CustomStringConvertible {
    /// What a query writes: `tolower`.
    public let name: String
    /// Allowed argument counts.
    public let arity: ClosedRange<Int>
    /// The one line `.help` shows and usage hints quote: `tolower(s): s in lower case`.
    public let signature: String
    /// False for a function whose value changes from call to call (`now()`) or comes from the
    /// data (`latest()`): the checker never computes it ahead.
    let isFoldable: Bool
    /// The result type from the checked arguments; throws the error for wrong argument types.
    let typeRule: TypeRule
    /// The row kernel from the compiled arguments (and the checked ones, for constants such
    /// as a layout name).
    let kernel: Kernel

    typealias TypeRule = @Sendable (ScalarCallTyping) throws(Diagnostic) -> DataType
    typealias Kernel = @Sendable (_ arguments: [RowEval], _ typed: [TypedExpr]) -> RowEval

    init(_ name: String, arity: ClosedRange<Int>, _ signature: String, foldable: Bool = true,
         type: @escaping TypeRule, kernel: @escaping Kernel) {
        self.name = name
        self.arity = arity
        self.signature = signature
        self.isFoldable = foldable
        self.typeRule = type
        self.kernel = kernel
    }

    public static func == (a: ScalarFunction, b: ScalarFunction) -> Bool { a === b }
    public func hash(into hasher: inout Hasher) { hasher.combine(ObjectIdentifier(self)) }
    public var description: String { name }
    /// The name, as the functions' enum spelled it.
    public var rawValue: String { name }
}

/// An aggregate of `summarize`: `count()`, `sum(fatalities)`. One object per definition.
public final class AggregateFunction: Hashable, Sendable, CustomStringConvertible {
    public let name: String
    /// Allowed argument counts.
    public let arity: ClosedRange<Int>
    /// The one line `.help` shows and usage hints quote.
    public let signature: String
    /// How a call is written in the hint that aggregates belong in `summarize`: `count()`.
    let example: String
    /// The result type from the checked arguments; throws the error for wrong argument types.
    let typeRule: TypeRule
    /// The general (boxed) kernel: a group's state before its first row, which
    /// `Aggregation.fold` folds and `Aggregation.result` reads. Typed loops for the built-ins
    /// (Aggregation+Typed.swift) are chosen by identity and tried first.
    let initialState: @Sendable (AggregateCall) -> Aggregation.State

    typealias TypeRule = @Sendable (AggregateCallTyping) throws(Diagnostic) -> DataType

    init(_ name: String, arity: ClosedRange<Int>, _ signature: String, example: String? = nil,
         type: @escaping TypeRule, initialState: @escaping @Sendable (AggregateCall) -> Aggregation.State) {
        self.name = name
        self.arity = arity
        self.signature = signature
        self.example = example ?? "\(name)(...)"
        self.typeRule = type
        self.initialState = initialState
    }

    /// An aggregate whose fold is an accumulator of its own (no case in `Aggregation.State`):
    /// `make` gives each group a fresh one.
    convenience init(_ name: String, arity: ClosedRange<Int>, _ signature: String, example: String? = nil,
         type: @escaping TypeRule, accumulator make: @escaping @Sendable (AggregateCall) -> any AggregateAccumulator) {
        self.init(name, arity: arity, signature, example: example, type: type, initialState: { .accumulator(make($0)) })
    }

    public static func == (a: AggregateFunction, b: AggregateFunction) -> Bool { a === b }
    public func hash(into hasher: inout Hasher) { hasher.combine(ObjectIdentifier(self)) }
    public var description: String { name }
    public var rawValue: String { name }
}

/// The fold of an aggregate defined by its registry entry alone: a value per group, given the
/// arguments of each of the group's rows in input order.
protocol AggregateAccumulator: Sendable {
    mutating func add(_ arguments: [Value])
    func result(_ call: AggregateCall) -> Value
}

/// Every function a query may call, in the order `.help functions` lists them.
public struct FunctionRegistry: Sendable {
    public private(set) var scalars: [ScalarFunction]
    public private(set) var aggregates: [AggregateFunction]
    private var scalarByName: [String: Int] = [:]
    private var aggregateByName: [String: Int] = [:]

    /// evq's own functions.
    public static let builtin = FunctionRegistry(scalars: ScalarFunction.builtins, aggregates: AggregateFunction.builtins)

    init(scalars: [ScalarFunction], aggregates: [AggregateFunction]) {
        self.scalars = []
        self.aggregates = []
        for f in scalars { add(f) }
        for a in aggregates { add(a) }
    }

    public func scalar(named name: String) -> ScalarFunction? { scalarByName[name].map { scalars[$0] } }
    public func aggregate(named name: String) -> AggregateFunction? { aggregateByName[name].map { aggregates[$0] } }
    public func isFunction(_ name: String) -> Bool { scalarByName[name] != nil || aggregateByName[name] != nil }

    /// Every name, aggregates first (the order "did you mean" prefers on a tie).
    public var names: [String] { aggregates.map(\.name) + scalars.map(\.name) }

    /// The usage line of the function of that name.
    public func signature(of name: String) -> String? { aggregate(named: name)?.signature ?? scalar(named: name)?.signature }

    /// Adds a function, or replaces the one of that name. One name is one function: a scalar
    /// function and an aggregate never share a name.
    mutating func add(_ f: ScalarFunction) {
        precondition(aggregateByName[f.name] == nil, "'\(f.name)' is an aggregate already")
        if let i = scalarByName[f.name] { scalars[i] = f; return }
        scalarByName[f.name] = scalars.count
        scalars.append(f)
    }

    mutating func add(_ a: AggregateFunction) {
        precondition(scalarByName[a.name] == nil, "'\(a.name)' is a scalar function already")
        if let i = aggregateByName[a.name] { aggregates[i] = a; return }
        aggregateByName[a.name] = aggregates.count
        aggregates.append(a)
    }
}

/// What a scalar function's type rule sees: the checked arguments and where the name is.
struct ScalarCallTyping {
    let function: ScalarFunction
    let arguments: [TypedExpr]
    /// The function's name as written: errors about the call as a whole point there.
    let nameSpan: Span

    var count: Int { arguments.count }
    subscript(i: Int) -> TypedExpr { arguments[i] }
    func type(_ i: Int) -> DataType { arguments[i].type }

    /// Argument `i` must be of one of `allowed` (null always passes): `'tolower' needs text, found int`.
    func need(_ i: Int, _ allowed: [DataType], _ what: String) throws(Diagnostic) {
        let t = arguments[i].type
        guard t == .null || allowed.contains(t) else {
            throw Diagnostic("'\(function.name)' needs \(what), found \(t.rawValue)", at: arguments[i].span, hint: usage)
        }
    }

    var usage: String { "usage: " + function.signature }
}

/// What an aggregate's type rule sees: the checked arguments.
struct AggregateCallTyping {
    let function: AggregateFunction
    let arguments: [TypedExpr]

    subscript(i: Int) -> TypedExpr { arguments[i] }
    /// The first argument's type (null for `count()`).
    var argumentType: DataType { arguments.first?.type ?? .null }
}
