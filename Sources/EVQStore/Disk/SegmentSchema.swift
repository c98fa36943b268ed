// Fitting new rows to a stored table's columns: the same names in any order, fewer (null in
// the new rows) or more (added to the table; older segments read them as null). A column
// whose type differs is an error, unless the new rows hold no value in it.

/// A table's columns as a store holds them: every segment's columns are a prefix of these.
struct StoredSchema: Equatable {
    var columns: [(name: String, type: DataType)]
    var timeColumn: String?

    static func == (a: StoredSchema, b: StoredSchema) -> Bool {
        a.timeColumn == b.timeColumn && a.columns.elementsEqual(b.columns) { $0.name == $1.name && $0.type == $1.type }
    }

    init(_ table: Table) {
        columns = table.columns.map { ($0.name, $0.type) }
        timeColumn = table.timeColumnIndex.map { table.columns[$0].name }
    }

    init(_ directory: SegmentDirectory) {
        columns = directory.columns.map { ($0.name, DataType(rawValue: $0.type) ?? .string) }
        timeColumn = directory.timeColumn.map { directory.columns[$0].name }
    }

    /// `table` with this schema's columns first, in order (null where it lacks one), then
    /// its own new columns.
    func fit(_ table: Table, tableName: String) throws(StoreError) -> Table {
        let newTime = table.timeColumnIndex.map { table.columns[$0].name }
        if newTime != timeColumn {
            throw .schemaMismatch(table: tableName, detail: "the new rows are ordered by "
                + (newTime.map { "'\($0)'" } ?? "no time column") + ", the store's by "
                + (timeColumn.map { "'\($0)'" } ?? "no time column") + "; use --time")
        }
        var out: [Column] = []
        for (name, type) in columns {
            guard let c = table.column(named: name) else {
                out.append(Self.nullColumn(name, type, rows: table.rowCount))
                continue
            }
            if c.type == type {
                out.append(c)
            } else if (c.isNull?.allSatisfy { $0 } ?? false) || table.rowCount == 0 {
                out.append(Self.nullColumn(name, type, rows: table.rowCount))
            } else {
                throw .schemaMismatch(table: tableName, detail: "column '\(name)' is \(type.rawValue) in the store and \(c.type.rawValue) in the new rows; "
                    + "use --type \(tableName == "events" ? "" : tableName + ".")\(name)=\(type.rawValue) to read it as the store does")
            }
        }
        let known = Set(columns.map(\.name))
        out += table.columns.filter { !known.contains($0.name) }
        let time = timeColumn.flatMap { t in out.firstIndex { $0.name == t } }
        return Table(name: table.name, columns: out, rowCount: table.rowCount, timeColumnIndex: time)
    }

    /// `segment` (whose columns are a prefix of this schema's) with the columns it predates,
    /// all null.
    func pad(_ segment: Table) -> Table {
        guard segment.columns.count < columns.count else { return segment }
        let extra = columns[segment.columns.count...].map { Self.nullColumn($0.name, $0.type, rows: segment.rowCount) }
        // The grid's columns keep their positions (new ones come after them).
        return Table(name: segment.name, columns: segment.columns + extra, rowCount: segment.rowCount, timeColumnIndex: segment.timeColumnIndex,
                     geoIndex: segment.builtGeoIndex)
    }

    /// A column of `rows` nulls.
    static func nullColumn(_ name: String, _ type: DataType, rows: Int) -> Column {
        let mask = ColumnBuffer(repeating: true, count: rows)
        let data: ColumnData =
            switch type {
            case .bool: .bool(ColumnBuffer(repeating: false, count: rows))
            case .int, .time, .duration: .int(ColumnBuffer(repeating: Int64(0), count: rows))
            case .float: .float(ColumnBuffer(repeating: 0.0, count: rows))
            case .string, .list, .null:
                .string(StringColumn(ids: ColumnBuffer(repeating: StringColumn.nullID, count: rows), dictionary: StringDictionary(sortedUnique: [])))
            }
        return Column(name: name, type: type == .list || type == .null ? .string : type, data: data, isNull: rows == 0 ? nil : mask)
    }
}
