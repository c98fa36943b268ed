// Scalar values and their types as the language sees them. Columns never store `Value`s
// (they hold typed buffers); `Value` is for literals, results and the boundary to ingest.
import Foundation

/// The type of a column or an expression.
public enum DataType: String, Sendable, CaseIterable {
    case bool, int, float, string, time, duration, list, null

    public var isNumeric: Bool { self == .int || self == .float }
}

/// One value. Time is seconds since 1970-01-01T00:00:00Z (UTC); duration is seconds.
public enum Value: Hashable, Sendable {
    case null
    case bool(Bool)
    case int(Int64)
    case float(Double)
    case string(String)
    case time(Int64)
    case duration(Int64)
    case list([Value])

    public var type: DataType {
        switch self {
        case .null: .null
        case .bool: .bool
        case .int: .int
        case .float: .float
        case .string: .string
        case .time: .time
        case .duration: .duration
        case .list: .list
        }
    }

    public var isNull: Bool { if case .null = self { true } else { false } }

    /// Numeric view used by arithmetic and aggregates; nil for non-numbers.
    public var asDouble: Double? {
        switch self {
        case .int(let v): Double(v)
        case .float(let v): v
        default: nil
        }
    }
}

extension Value {
    /// Total order used by sort and min/max: nulls first in this order (callers place them),
    /// then by type, numbers compared across int/float.
    public static func compare(_ a: Value, _ b: Value) -> Int {
        switch (a, b) {
        case (.null, .null): return 0
        case (.null, _): return -1
        case (_, .null): return 1
        case (.int(let x), .int(let y)): return x < y ? -1 : (x == y ? 0 : 1)
        case (.time(let x), .time(let y)), (.duration(let x), .duration(let y)):
            return x < y ? -1 : (x == y ? 0 : 1)
        case (.string(let x), .string(let y)): return x < y ? -1 : (x == y ? 0 : 1)
        case (.bool(let x), .bool(let y)): return x == y ? 0 : (!x ? -1 : 1)
        case (.list(let x), .list(let y)):
            for (l, r) in zip(x, y) {
                let c = compare(l, r)
                if c != 0 { return c }
            }
            return x.count < y.count ? -1 : (x.count == y.count ? 0 : 1)
        default:
            if let x = a.asDouble, let y = b.asDouble { return x < y ? -1 : (x == y ? 0 : 1) }
            let ra = a.type.sortRank, rb = b.type.sortRank
            return ra < rb ? -1 : (ra == rb ? 0 : 1)
        }
    }
}

extension DataType {
    fileprivate var sortRank: Int {
        switch self {
        case .null: 0
        case .bool: 1
        case .int, .float: 2
        case .time: 3
        case .duration: 4
        case .string: 5
        case .list: 6
        }
    }
}
