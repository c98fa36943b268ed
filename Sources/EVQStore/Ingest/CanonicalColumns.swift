// Adds evq's canonical columns (date, type, actor1, …, fatalities, source) to a table of a
// named format, from that format's own columns, so one saved query runs on any of them.
// The format's columns stay as they are; the rows are not reordered.

enum CanonicalColumns {
    /// The table with each canonical column the table lacks appended: a copy of the format's
    /// column (sharing its storage), a label for a code, or all null when the format has no such
    /// thing (GDELT has no fatalities). `date` becomes the time order.
    static func add(to table: Table, format: EventFormat) -> Table {
        var columns = table.columns
        let sources = format.canonicalSources, labels = format.canonicalLabels
        for (name, type) in EventFormat.canonicalColumns where table.column(named: name) == nil {
            let source = sources[name].flatMap { table.column(named: $0) }
            columns.append(canonical(name, type: type, from: source, labels: labels[name], rows: table.rowCount))
        }
        // `date` copies the time column when it is the format's own: it takes over the time order.
        var timeIndex = table.timeColumnIndex
        if let t = timeIndex, table.columns[t].name == sources["date"], let d = columns.firstIndex(where: { $0.name == "date" }),
            columns[d].type == .time
        {
            timeIndex = d
        }
        return Table(name: table.name, columns: columns, rowCount: table.rowCount, timeColumnIndex: timeIndex)
    }

    private static func canonical(_ name: String, type: DataType, from source: Column?, labels: [String: String]?, rows: Int) -> Column {
        guard let source else {
            return TableBuilder.makeColumn(name: name, values: Array(repeating: .null, count: rows), type: type)
        }
        if let labels {
            let values = (0..<rows).map { r -> Value in
                let v = source.value(at: r)
                if v.isNull { return .null }
                let code = ValueFormat.plain(v)
                return .string(labels[code] ?? code)
            }
            return TableBuilder.makeColumn(name: name, values: values, type: .string)
        }
        if source.type == type || source.type == .string { return source.renamed(name) }
        return TableBuilder.makeColumn(name: name, values: (0..<rows).map { source.value(at: $0) }, type: type)
    }
}
