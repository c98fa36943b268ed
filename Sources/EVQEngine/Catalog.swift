// What a query can name: tables (loaded or `let`-bound) and scalar bindings.

import EVQStore
import EVQSyntax

public struct Catalog: Sendable {
    public var tables: [String: Table] = [:]
    public var scalars: [String: Value] = [:]
    /// Scalars that name a whole period (`let d = 2024-10-31`, a date `param`): compared with
    /// a time they mean the whole day, as the literal would.
    public var periods: [String: Period] = [:]
    /// The table a query reads when it names no source, and whose time order `latest()` uses.
    public var defaultTable = "events"

    public init(tables: [String: Table] = [:], scalars: [String: Value] = [:]) {
        self.tables = tables
        self.scalars = scalars
    }

}

/// A column as the checker sees it.
public struct Field: Hashable, Sendable {
    public var name: String
    public var type: DataType

    public init(_ name: String, _ type: DataType) {
        self.name = name
        self.type = type
    }
}

/// A calendar period: its first second (UTC) and its unit.
public struct Period: Sendable, Equatable {
    public var start: Int64
    public var unit: TimeUnit

    public init(start: Int64, unit: TimeUnit) {
        self.start = start
        self.unit = unit
    }

    /// The period a literal or a text value names, if any: a date, month or week literal, or
    /// text that is exactly a date (`"2024-10-31"`).
    public static func named(by e: Expr) -> Period? {
        switch e.kind {
        case .time(let start, let unit) where unit != .instant: return Period(start: start, unit: unit)
        case .string(let s): return Period.day(s)
        default: return nil
        }
    }

    /// `2024-10-31` (exactly a date, no time of day) as a day.
    public static func day(_ text: String) -> Period? {
        guard text.utf8.count == 10, let t = TimeFormat.parse(Substring(text)) else { return nil }
        return Period(start: t, unit: .day)
    }
}
