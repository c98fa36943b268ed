// Expressions of one text column, evaluated once per distinct value instead of once per row:
// `tolower(actor1)` over a million rows with a few hundred actors costs a few hundred calls.
// The caller then reads each row's result through its dictionary id.

import EVQStore

extension ExpressionEvaluator {
    /// When `e` reads exactly one column, a text column, and that column has at most
    /// `maxDistinct` values: the column's ids and the value of `e` for each dictionary id,
    /// plus one more entry (at index `dictionary.count`) for a null row.
    static func perDictionaryValue(_ e: TypedExpr, _ table: Table, maxDistinct: Int) -> (ids: ColumnBuffer<UInt32>, values: [Value])? {
        let columns = e.referencedColumns
        guard columns.count == 1, let c = columns.first, !e.readsAggregate,
              case .string(let s) = table.columns[c].data, s.dictionary.count <= maxDistinct,
              let local = e.remappingColumns({ $0 == c ? 0 : nil })
        else { return nil }
        // A one-column table whose row i holds dictionary value i, and a last null row.
        let n = s.dictionary.count
        var ids = ContiguousArray<UInt32>(0..<UInt32(n))
        ids.append(StringColumn.nullID)
        var mask = ContiguousArray<Bool>(repeating: false, count: n)
        mask.append(true)
        let column = Column(name: table.columns[c].name, type: .string,
                            data: .string(StringColumn(ids: ids, dictionary: s.dictionary)), isNull: mask)
        let eval = compile(local, Table(name: table.name, columns: [column], rowCount: n + 1), nil)
        return (s.ids, (0...n).map(eval))
    }
}
