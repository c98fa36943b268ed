// A cursor over a result's rows. A row is a position in the result's columns, and a value is
// read (and boxed) only when asked for, so walking millions of rows allocates nothing per row
// and never builds the rows as arrays of values.

import EVQStore

/// The rows of a result, one at a time, in order.
///
///     for row in result.rows {
///         print(row["country"], row["n"])
///     }
///
/// Stop whenever you like (`break`); rows not reached cost nothing.
public struct RowCursor: Sequence, IteratorProtocol, Sendable {
    private let shape: RowShape
    private var position = 0

    init(_ table: Table) { shape = RowShape(table) }

    /// Rows of the result, read or not.
    public var count: Int { shape.rowCount }

    public mutating func next() -> Row? {
        guard position < shape.rowCount else { return nil }
        defer { position += 1 }
        return Row(shape: shape, index: position)
    }

    public var underestimatedCount: Int { shape.rowCount - position }
}

/// One row of a result: its values by column position or name.
public struct Row: Sendable {
    fileprivate let shape: RowShape
    /// The row's position in the result, from 0.
    public let index: Int

    /// The value in the column at `column` (from 0).
    public subscript(column: Int) -> Value { shape.columns[column].value(at: index) }

    /// The value in the column named `name`; nil when the result has no such column.
    public subscript(name: String) -> Value? {
        shape.indexByName[name].map { shape.columns[$0].value(at: index) }
    }

    /// Every value of the row, left to right.
    public var values: [Value] { shape.columns.map { $0.value(at: index) } }
}

/// What every row of one cursor shares: the columns and their positions by name.
private final class RowShape: Sendable {
    let columns: [Column]
    let indexByName: [String: Int]
    let rowCount: Int

    init(_ table: Table) {
        columns = table.columns
        rowCount = table.rowCount
        var byName: [String: Int] = [:]
        for (i, c) in table.columns.enumerated() where byName[c.name] == nil { byName[c.name] = i }
        indexByName = byName
    }
}
