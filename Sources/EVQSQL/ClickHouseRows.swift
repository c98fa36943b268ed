// The server's answer in JSONCompactEachRowWithNamesAndTypes (a JSON array per line: the
// names, the types, then one per row) turned into an evq table of the plan's column types,
// so the same output formats print it.

import EVQEngine
import EVQStore
import EVQSyntax
import Foundation

enum ClickHouseRows {
    static func table(_ body: Data, output: [Field]) throws(Diagnostic) -> Table {
        var lines = body.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true)
        guard lines.count >= 2 else { throw Diagnostic("the server's answer has no header (\(body.count) bytes)", at: .none) }
        let types = try row(lines[1]).map { ($0 as? String) ?? "" }
        lines.removeFirst(2)
        var columns = [[Value]](repeating: [], count: output.count)
        for line in lines {
            let cells = try row(line)
            guard cells.count == output.count else {
                throw Diagnostic("the server sent \(cells.count) columns, evq expected \(output.count)", at: .none)
            }
            for (i, cell) in cells.enumerated() {
                let type = output[i].type == .null ? ClickHouseTypes.evqType(of: types[i]) ?? .string : output[i].type
                columns[i].append(value(cell, as: type))
            }
        }
        let built = output.enumerated().map { i, f in
            TableBuilder.makeColumn(name: f.name, values: columns[i],
                                    type: f.type == .null ? TableBuilder.inferType(columns[i]) : f.type)
        }
        return Table(name: "result", columns: built, rowCount: lines.count)
    }

    /// Every line of the answer as JSON cells (names, types, then the rows).
    static func cells(_ body: Data) throws(Diagnostic) -> [[Any]] {
        var out: [[Any]] = []
        for line in body.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true) { out.append(try row(line)) }
        return out
    }

    private static func row(_ line: Data.SubSequence) throws(Diagnostic) -> [Any] {
        guard let parsed = try? JSONSerialization.jsonObject(with: Data(line), options: [.fragmentsAllowed]), let cells = parsed as? [Any] else {
            throw Diagnostic("the server's answer is not JSON rows: \(String(decoding: line.prefix(200), as: UTF8.self))", at: .none)
        }
        return cells
    }

    /// One cell as evq's value of `type`. 64-bit integers may come quoted.
    static func value(_ cell: Any, as type: DataType) -> Value {
        if cell is NSNull { return .null }
        switch type {
        case .int, .duration:
            let v: Int64?
            if let s = cell as? String { v = Int64(s) } else if let n = cell as? NSNumber { v = n.int64Value } else { v = nil }
            guard let v else { return .null }
            return type == .int ? .int(v) : .duration(v)
        case .float:
            if let n = cell as? NSNumber { return n.doubleValue.isFinite ? .float(n.doubleValue) : .null }
            if let s = cell as? String, let d = Double(s), d.isFinite { return .float(d) }
            return .null
        case .bool:
            if let n = cell as? NSNumber { return .bool(n.intValue != 0) }
            if let s = cell as? String { return .bool(s == "true" || s == "1") }
            return .null
        case .time:
            guard let s = cell as? String, let t = time(s) else { return .null }
            return .time(t)
        case .list:
            guard let items = cell as? [Any] else { return .null }
            return .list(items.map { item in
                if let s = item as? String { return .string(s) }
                if let n = item as? NSNumber { return n.doubleValue == n.doubleValue.rounded() ? .int(n.int64Value) : .float(n.doubleValue) }
                return .null
            })
        case .string, .null:
            if let s = cell as? String { return .string(s) }
            if let n = cell as? NSNumber { return .string(n.stringValue) }
            return .null
        }
    }

    /// `2024-10-01`, `2024-10-01 14:30:00` or with fractions of a second, UTC.
    static func time(_ s: String) -> Int64? {
        let b = Array(s.utf8)
        func number(_ from: Int, _ count: Int) -> Int64? {
            guard from + count <= b.count else { return nil }
            var v: Int64 = 0
            for c in b[from..<from + count] {
                guard c >= 48, c <= 57 else { return nil }
                v = v * 10 + Int64(c - 48)
            }
            return v
        }
        guard let y = number(0, 4), let m = number(5, 2), let d = number(8, 2) else { return nil }
        var seconds = TimeFormat.days(year: y, month: m, day: d) * 86_400
        if b.count >= 19, let h = number(11, 2), let mi = number(14, 2), let sec = number(17, 2) {
            seconds += h * 3600 + mi * 60 + sec
        }
        return seconds
    }
}
