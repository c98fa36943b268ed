// Typed access to a query's result: each column with its name and type, its values read from
// the column's typed buffer (no boxed `Value` per cell unless asked for one).

import EVQEngine
import EVQStore
import Foundation

/// One column of a query's result.
///
///     let result = try session.query("events | summarize n = count() by country")
///     result.column("country")?.strings  // ["Iraq", "Syria"]
///     result.column("n")?.ints           // [12, 40]
///
/// The typed views (`ints`, `doubles`, `strings`, `bools`, `times`, `durations`) are nil when
/// the column is of another type; a null cell is a nil element.
public struct ResultColumn: Sendable {
    let column: Column

    init(_ column: Column) { self.column = column }

    public var name: String { column.name }
    public var type: DataType { column.type }
    /// Rows of the result.
    public var count: Int { column.count }

    /// The value at `row`, boxed.
    public subscript(row: Int) -> Value { column.value(at: row) }

    /// Every value, top to bottom, boxed.
    public var values: [Value] { (0..<count).map { column.value(at: $0) } }

    /// Whole numbers of an `int` column.
    public var ints: [Int64?]? { int64s(.int) }

    /// Numbers of a `float` column.
    public var doubles: [Double?]? {
        guard type == .float else { return nil }
        if case .float(let v) = column.data { return (0..<count).map { column.isNull($0) ? nil : v[$0] } }
        return boxed { if case .float(let d) = $0 { d } else { nil } }
    }

    /// Texts of a `string` column (read through its dictionary).
    public var strings: [String?]? {
        guard type == .string else { return nil }
        if case .string(let s) = column.data {
            let ids = s.ids
            return (0..<count).map { row in column.isNull(row) || ids[row] == StringColumn.nullID ? nil : s.dictionary[ids[row]] }
        }
        return boxed { if case .string(let s) = $0 { s } else { nil } }
    }

    /// Truth values of a `bool` column.
    public var bools: [Bool?]? {
        guard type == .bool else { return nil }
        if case .bool(let v) = column.data { return (0..<count).map { column.isNull($0) ? nil : v[$0] } }
        return boxed { if case .bool(let b) = $0 { b } else { nil } }
    }

    /// Instants of a `time` column (evq's times are whole seconds, UTC).
    public var times: [Date?]? {
        int64s(.time).map { $0.map { $0.map { Date(timeIntervalSince1970: TimeInterval($0)) } } }
    }

    /// Lengths of a `duration` column.
    public var durations: [Duration?]? {
        int64s(.duration).map { $0.map { $0.map { Duration.seconds($0) } } }
    }

    /// Int, time and duration columns share an Int64 buffer; `want` says which one to read.
    private func int64s(_ want: DataType) -> [Int64?]? {
        guard type == want else { return nil }
        if case .int(let v) = column.data { return (0..<count).map { column.isNull($0) ? nil : v[$0] } }
        return boxed {
            switch $0 {
            case .int(let i), .time(let i), .duration(let i): i
            default: nil
            }
        }
    }

    /// A column kept as boxed values (computed lists, mixed results): read cell by cell.
    private func boxed<T>(_ read: (Value) -> T?) -> [T?] { (0..<count).map { read(column.value(at: $0)) } }
}

extension QueryResult {
    /// The result's columns, left to right.
    public var columns: [ResultColumn] { table.columns.map(ResultColumn.init) }

    /// The column named `name`, or nil.
    public func column(_ name: String) -> ResultColumn? { table.column(named: name).map(ResultColumn.init) }

    /// The rows one at a time, in order; see `RowCursor`.
    public var rows: RowCursor { RowCursor(table) }
}
