// Whether two answers are the same: the same rows, values normalised (floats to a relative
// 1e-9, times as seconds), in the same order where the query defines one. Rows that tie on
// the order's visible keys may come in either order (evq keeps input order, ClickHouse has none),
// and where a take or top cut through such a tie, the rows kept may be other tied rows.

import EVQ
import EVQStore
import EVQSQL
import Foundation

enum AnswerComparison {
    /// nil when equal; else what differs.
    static func difference(_ local: Table, _ remote: Table, _ t: SQLTranslation) -> String? {
        guard local.columns.map(\.name) == remote.columns.map(\.name) else {
            return "columns \(local.columns.map(\.name)) vs \(remote.columns.map(\.name))"
        }
        guard local.rowCount == remote.rowCount else { return "\(local.rowCount) rows in evq, \(remote.rowCount) on ClickHouse" }
        let a = (0..<local.rowCount).map(local.row), b = (0..<remote.rowCount).map(remote.row)
        // In exactly evq's order: row by row.
        if t.orderIsTotal {
            for i in a.indices where !zip(a[i], b[i]).allSatisfy(same) {
                return "row \(i + 1) differs: evq \(show(a[i])), ClickHouse \(show(b[i]))"
            }
            return nil
        }
        // Runs of rows that must match as a whole: ties on the visible order keys, or everything.
        var runs: [Range<Int>] = []
        if let keys = t.orderColumns, !keys.isEmpty {
            var start = 0
            for i in 1...max(1, a.count) where i == a.count || keys.contains(where: { !same(a[i][$0], a[i - 1][$0]) }) {
                runs.append(start..<i)
                start = i
            }
            for i in a.indices where keys.contains(where: { !same(a[i][$0], b[i][$0]) }) {
                return "row \(i + 1) is out of order: evq \(show(a[i])), ClickHouse \(show(b[i]))"
            }
        } else {
            runs = [0..<a.count]
        }
        // Rows tied at a limit's cut are any of the tied rows: only their keys (checked above) must agree.
        if t.isLimited, t.orderColumns?.isEmpty == false, !runs.isEmpty { runs.removeLast() }
        for run in runs where !run.isEmpty {
            let x = run.map { a[$0] }.sorted(by: before), y = run.map { b[$0] }.sorted(by: before)
            for (l, r) in zip(x, y) where !zip(l, r).allSatisfy(same) {
                return "rows differ: evq \(show(l)), ClickHouse \(show(r))"
            }
        }
        return nil
    }

    static func same(_ a: Value, _ b: Value) -> Bool {
        if let x = a.asDouble, let y = b.asDouble, a.type == .float || b.type == .float {
            return x == y || abs(x - y) <= 1e-9 * max(1, abs(x), abs(y))
        }
        if case .list(let l) = a, case .list(let r) = b { return l.count == r.count && zip(l, r).allSatisfy(same) }
        return a == b
    }

    /// A total order for sorting a run: by each value, floats compared after rounding.
    static func before(_ l: [Value], _ r: [Value]) -> Bool {
        for (x, y) in zip(l, r) {
            let c = Value.compare(rounded(x), rounded(y))
            if c != 0 { return c < 0 }
        }
        return false
    }

    static func rounded(_ v: Value) -> Value {
        if case .float(let d) = v { return .float(Double(String(format: "%.9g", d)) ?? d) }
        return v
    }

    static func show(_ row: [Value]) -> String { "[" + row.map(ValueFormat.literal).joined(separator: ", ") + "]" }
}
