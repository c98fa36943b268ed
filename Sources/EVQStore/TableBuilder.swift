// Builds a `Table` from boxed values (the ingest boundary): infers each column's type,
// encodes strings, and sorts rows by the time column.

public struct TableBuilder {
    public let name: String
    private var names: [String] = []
    private var values: [[Value]] = []
    private var declaredTypes: [DataType?] = []

    public init(name: String) { self.name = name }

    /// Adds a column. `type` forces a type (values are converted); nil infers it.
    public mutating func addColumn(_ name: String, _ columnValues: [Value], type: DataType? = nil) {
        precondition(values.isEmpty || values[0].count == columnValues.count, "column \(name) has a different length")
        names.append(name)
        values.append(columnValues)
        declaredTypes.append(type)
    }

    /// Builds the table. Rows are sorted by `timeColumn` when it names a time column.
    public func build(timeColumn: String? = nil) -> Table {
        let rowCount = values.first?.count ?? 0
        var columns = zip(names, zip(values, declaredTypes)).map { name, pair in
            Self.makeColumn(name: name, values: pair.0, type: pair.1 ?? Self.inferType(pair.0))
        }
        var timeIndex: Int? = nil
        if let t = timeColumn, let i = names.firstIndex(of: t), columns[i].type == .time,
           case .int(let times) = columns[i].data
        {
            let mask = columns[i].isNull
            let order = (0..<rowCount).sorted { a, b in
                let na = mask?[a] ?? false, nb = mask?[b] ?? false
                if na != nb { return nb }  // nulls last
                if na { return a < b }
                return times[a] != times[b] ? times[a] < times[b] : a < b  // stable
            }
            if !order.elementsEqual(0..<rowCount) {
                let rows = order.map(UInt32.init)
                columns = columns.map { $0.gather(rows) }
            }
            timeIndex = i
        }
        return Table(name: name, columns: columns, rowCount: rowCount, timeColumnIndex: timeIndex)
    }

    /// The narrowest type holding every non-null value: int ⊂ float; mixed kinds become string.
    public static func inferType(_ values: [Value]) -> DataType {
        var result: DataType? = nil
        for v in values where !v.isNull {
            let t = v.type
            switch (result, t) {
            case (nil, _): result = t
            case (let r?, _) where r == t: break
            case (.int?, .float), (.float?, .int): result = .float
            default: return .string
            }
        }
        return result ?? .string
    }

    /// A column of `type` from boxed values. A value that does not convert to `type` is
    /// stored as null (never as a made-up 0 or false).
    public static func makeColumn(name: String, values: [Value], type: DataType) -> Column {
        var mask = ContiguousArray<Bool>(repeating: false, count: values.count)
        switch type {
        case .bool:
            var out = ContiguousArray<Bool>(repeating: false, count: values.count)
            for (i, v) in values.enumerated() {
                if case .bool(let b) = v { out[i] = b } else { mask[i] = true }
            }
            return Column(name: name, type: type, data: .bool(out), isNull: mask)
        case .int, .time, .duration:
            var out = ContiguousArray<Int64>(repeating: 0, count: values.count)
            for (i, v) in values.enumerated() {
                switch v {
                case .int(let x) where type == .int, .time(let x) where type == .time, .duration(let x) where type == .duration:
                    out[i] = x
                case .float(let d) where type == .int:
                    if let x = Int64(exactly: d) { out[i] = x } else { mask[i] = true }
                default:
                    mask[i] = true
                }
            }
            return Column(name: name, type: type, data: .int(out), isNull: mask)
        case .float:
            var out = ContiguousArray<Double>(repeating: 0, count: values.count)
            for (i, v) in values.enumerated() {
                if let d = v.asDouble { out[i] = d } else { mask[i] = true }
            }
            return Column(name: name, type: type, data: .float(out), isNull: mask)
        case .list:
            for (i, v) in values.enumerated() where v.isNull { mask[i] = true }
            return Column(name: name, type: .list, data: .boxed(ContiguousArray(values)), isNull: mask)
        case .string, .null:
            let strings = values.map { v -> String? in v.isNull ? nil : ValueFormat.plain(v) }
            for (i, v) in values.enumerated() where v.isNull { mask[i] = true }
            return Column(name: name, type: .string, data: .string(StringColumn(strings)), isNull: mask)
        }
    }
}

/// Text forms of values shared by every renderer.
public enum ValueFormat {
    /// The form used in tables and CSV: no quotes; null is empty.
    public static func plain(_ v: Value) -> String {
        switch v {
        case .null: ""
        case .bool(let b): b ? "true" : "false"
        case .int(let i): String(i)
        case .float(let d): formatFloat(d)
        case .string(let s): s
        case .time(let t): TimeFormat.format(t)
        case .duration(let d): DurationFormat.format(d)
        case .list(let items): "[" + items.map(literal).joined(separator: ", ") + "]"
        }
    }

    /// The form of a literal in the language: strings quoted.
    public static func literal(_ v: Value) -> String {
        switch v {
        case .null: "null"
        case .string(let s):
            "\"" + s.replacingOccurrences("\\", "\\\\").replacingOccurrences("\"", "\\\"").replacingOccurrences("\n", "\\n")
                .replacingOccurrences("\t", "\\t").replacingOccurrences("\r", "\\r") + "\""
        default: plain(v)
        }
    }

    /// Shortest text that reads back as the same double; a whole float keeps `.0` so that
    /// it cannot be mistaken for an int (`12.0`).
    public static func formatFloat(_ d: Double) -> String {
        if d.isNaN { return "nan" }
        if d.isInfinite { return d > 0 ? "inf" : "-inf" }
        if d == d.rounded(), abs(d) < 1e15 { return String(Int64(d)) + ".0" }
        let s = "\(d)"
        return s
    }
}

extension String {
    fileprivate func replacingOccurrences(_ target: String, _ replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
