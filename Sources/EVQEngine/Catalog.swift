// What a query can name: tables (loaded or `let`-bound) and scalar bindings. The checker
// sees tables only as `TableRef`s (names, columns, statistics); the executor finds their data
// here by name.

import EVQStore
import EVQSyntax

public struct Catalog: Sendable {
    /// Tables held whole, in memory or mapped from a one-segment store table.
    public var tables: [String: Table] = [:]
    /// Tables stored as several segments, read segment by segment (Executor+Segments.swift).
    public var segmentedTables: [String: SegmentedTable] = [:]
    public var scalars: [String: Value] = [:]
    /// Scalars that name a whole period (`let d = 2024-10-31`, a date `param`): compared with
    /// a time they mean the whole day, as the literal would.
    public var periods: [String: Period] = [:]
    /// The table a query reads when it names no source, and whose time order `latest()` uses.
    public var defaultTable = "events"

    /// Tables known by their schema only, with no data here (a remote engine's tables).
    public var schemas: [String: TableRef] = [:]
    /// Tables whose rows are elsewhere (a ClickHouse server's): what `tables` holds for them is
    /// a stand-in without rows, which nothing may read as if it were the data.
    public var remoteTables: Set<String> = []
    /// The functions queries may call: evq's own, plus any a program or a test adds.
    public var functions = FunctionRegistry.builtin

    public init(tables: [String: Table] = [:], scalars: [String: Value] = [:]) {
        self.tables = tables
        self.scalars = scalars
    }

    /// The table of that name as the checker and the plan see it.
    public func tableRef(named name: String) -> TableRef? {
        if let t = tables[name] { return TableRef(t) }
        if let s = segmentedTables[name] { return TableRef(s) }
        return schemas[name]
    }

    /// The rows of the table of that name as one table. A segmented table is merged on the
    /// first call (once): scans read its segments instead, so this is for what needs it whole.
    public func table(named name: String) -> Table? {
        tables[name] ?? segmentedTables[name]?.whole
    }

    /// Makes `table` the one of its name, replacing a segmented one.
    public mutating func setTable(_ table: Table?, named name: String) {
        tables[name] = table
        segmentedTables[name] = nil
    }

    /// Makes `table` the one of its name, replacing a whole one.
    public mutating func setTable(_ table: SegmentedTable, named name: String) {
        segmentedTables[name] = table
        tables[name] = nil
    }

    /// The tables with rows here (whole or segmented).
    public var localTableNames: [String] { Set(tables.keys).union(segmentedTables.keys).sorted() }

    public var tableNames: [String] { Set(tables.keys).union(segmentedTables.keys).union(schemas.keys).sorted() }
}

/// A table without its data: what the checker resolves names against and what plan nodes
/// hold, so that checking and planning work the same for a table in memory, a store on disk
/// or a remote engine's table.
public struct TableRef: Sendable {
    public var name: String
    public var fields: [Field]
    /// The column the rows are ordered by, if any.
    public var timeColumnIndex: Int?
    /// Known counts, for `explain`'s estimates; nil when the source does not know them.
    public var statistics: TableStatistics?

    public init(name: String, fields: [Field], timeColumnIndex: Int? = nil, statistics: TableStatistics? = nil) {
        self.name = name
        self.fields = fields
        self.timeColumnIndex = timeColumnIndex
        self.statistics = statistics
    }

    public init(_ table: Table) {
        self.name = table.name
        self.fields = table.schema.map { Field($0.name, $0.type) }
        self.timeColumnIndex = table.timeColumnIndex
        self.statistics = TableStatistics(
            rowCount: table.rowCount,
            distinctValues: table.columns.map(\.distinctCount))
    }

    /// A segmented table: the schema of its segments, its total rows, and for each text column
    /// the largest segment's distinct count (a lower bound of the table's).
    public init(_ table: SegmentedTable) {
        self.init(table.schemaTable)
        self.name = table.name
        self.statistics = TableStatistics(
            rowCount: table.rowCount,
            distinctValues: table.schemaTable.columns.indices.map { c in
                table.segments.compactMap { $0.columns[c].distinctCount }.max()
            })
    }

    public func columnIndex(named name: String) -> Int? { fields.firstIndex { $0.name == name } }
}

/// What a source knows about a table's contents without reading it.
public struct TableStatistics: Sendable {
    public var rowCount: Int
    /// Distinct values per column, where known (a text column's dictionary size).
    public var distinctValues: [Int?]
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
