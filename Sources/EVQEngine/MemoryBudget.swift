// A query's memory budget (--max-memory): the operators that grow charge what they build, in
// steps of a batch or more, and the first charge past the limit records which stage and what
// grew; the query then stops at its next cancellation check. Loaded data is not charged.

import EVQStore
import EVQSyntax
import Foundation

/// The stage that charges, as the session finds it in the query: the stage whose text holds
/// `anchor`, else the first stage of `keyword` (naming `table`, for a lookup).
public struct MemoryStage: Sendable, Equatable {
    public var keyword: String
    public var anchor: Span?
    public var table: String?

    public init(_ keyword: String, anchor: Span? = nil, table: String? = nil) {
        self.keyword = keyword
        self.anchor = anchor
        self.table = table
    }
}

public final class MemoryBudget: @unchecked Sendable {
    /// What crossed the limit: the stage, what grew (`hash table of 1.2 M groups`), the limit.
    public struct Overrun: Sendable, Equatable {
        public var stage: MemoryStage
        public var grew: String
        public var limit: Int
    }

    /// Bytes the query's operators may hold together; nil = no limit (then a charge is free).
    public let limit: Int?
    private let lock = NSLock()
    private var held = 0
    private var firstOverrun: Overrun?

    public init(limit: Int?) { self.limit = limit }

    public static let unlimited = MemoryBudget(limit: nil)

    /// Bytes charged so far.
    public var charged: Int { lock.withLock { held } }

    public var overrun: Overrun? { lock.withLock { firstOverrun } }

    /// True once a charge went past the limit: the executor's cancellation check asks this.
    public var isExceeded: Bool {
        guard limit != nil else { return false }
        return lock.withLock { firstOverrun != nil }
    }

    /// Adds `bytes` to what the query holds; false, with the overrun recorded, once that is
    /// past the limit. `grew` is evaluated only then.
    @discardableResult
    public func charge(_ bytes: Int, _ stage: @autoclosure () -> MemoryStage, grew: @autoclosure () -> String) -> Bool {
        guard let limit, bytes > 0 else { return !isExceeded }
        return lock.withLock {
            held = held.addingReportingOverflow(bytes).overflow ? Int.max : held + bytes
            if firstOverrun == nil, held > limit { firstOverrun = Overrun(stage: stage(), grew: grew(), limit: limit) }
            return firstOverrun == nil
        }
    }

    /// `1,234`, `56 K`, `1.2 M`: a count as the messages give it.
    public static func describe(count n: Int) -> String {
        func scaled(_ v: Double, _ unit: String) -> String { String(format: v < 10 ? "%.1f %@" : "%.0f %@", v, unit) }
        if n >= 1_000_000_000 { return scaled(Double(n) / 1e9, "G") }
        if n >= 1_000_000 { return scaled(Double(n) / 1e6, "M") }
        if n >= 10_000 { return scaled(Double(n) / 1e3, "K") }
        var s = String(n)
        for i in stride(from: s.count - 3, to: 0, by: -3) { s.insert(",", at: s.index(s.startIndex, offsetBy: i)) }
        return s
    }

    /// Bytes a batch of values holds: the values and the text they own.
    static func bytes(of values: ArraySlice<Value>) -> Int {
        var n = values.count * MemoryLayout<Value>.stride
        for v in values { if case .string(let s) = v { n += s.utf8.count } }
        return n
    }
}

extension Relation {
    /// `collect`, charging what the outputs hold to the budget once per batch of them, so that
    /// a column of built text (`strcat` over many rows) stops at the limit, not the kernel's.
    func collect(_ context: ExecutionContext, charging stage: MemoryStage, _ body: (Int, inout [Value]) -> Void) throws(EngineError) -> [Value] {
        let memory = context.memory
        guard memory.limit != nil else { return try collect(context, body) }
        let step = ExecutionContext.batchSize
        let values = try collect(context) { (row: Int, out: inout [Value]) in
            body(row, &out)
            if out.count % step == 0 {
                memory.charge(MemoryBudget.bytes(of: out[(out.count - step)...]), stage,
                              grew: "\(MemoryBudget.describe(count: out.count)) computed values")
            }
        }
        // The last part batch (of one chunk: close enough for the others).
        memory.charge(MemoryBudget.bytes(of: values.suffix(values.count % step)), stage,
                      grew: "\(MemoryBudget.describe(count: values.count)) computed values")
        if context.isCancelled() { throw .cancelled }
        return values
    }
}
