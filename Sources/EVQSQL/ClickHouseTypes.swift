// evq's types and ClickHouse's: the column types evq creates on a server, and the evq type a
// server column reads as.

import EVQStore
import Foundation

public enum ClickHouseTypes {
    /// The Nullable ClickHouse type that holds an evq column (times are UTC seconds).
    public static func name(of type: DataType) -> String {
        switch type {
        case .bool: "Nullable(Bool)"
        case .int, .duration: "Nullable(Int64)"
        case .float: "Nullable(Float64)"
        case .time: "Nullable(DateTime64(0, 'UTC'))"
        case .string, .null, .list: "Nullable(String)"
        }
    }

    /// The evq type of a server column type (`LowCardinality(Nullable(String))` is string);
    /// nil for types evq has no column for (arrays, maps, tuples...).
    public static func evqType(of server: String) -> DataType? {
        var t = server.trimmingCharacters(in: .whitespaces)
        for wrapper in ["LowCardinality(", "Nullable(", "SimpleAggregateFunction("] where t.hasPrefix(wrapper) && t.hasSuffix(")") {
            t = String(t.dropFirst(wrapper.count).dropLast())
            if wrapper == "SimpleAggregateFunction(", let comma = t.firstIndex(of: ",") { t = String(t[t.index(after: comma)...]) }
            return evqType(of: t)
        }
        if t == "Bool" { return .bool }
        if t.hasPrefix("Int") || t.hasPrefix("UInt") { return .int }
        if t.hasPrefix("Float") || t.hasPrefix("Decimal") { return .float }
        if t == "String" || t.hasPrefix("FixedString") || t.hasPrefix("Enum") || t == "UUID" || t.hasPrefix("IPv") { return .string }
        if t.hasPrefix("Date") { return .time }
        if t == "Nothing" { return .null }
        return nil
    }
}
