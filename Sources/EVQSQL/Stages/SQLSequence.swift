// `sequence`, both modes, any number of steps, `until`: the matcher of SequenceMatcher.swift
// as joins. Every step's candidate events go into one union, numbered in evq's merged order
// (time; at one time `until`, then the steps from the last to the first; then each step's own
// order). A match pending at step s is taken by the next event after it, by key, among the
// step's events and `until`'s: an ASOF JOIN finds it. With mode=every every pending match
// waiting there is taken; with mode=latest only the newest (a newer one replaced the others).
// The taken match goes on if that event is of step s and the whole match lies within the
// window. Each match then reads its steps' rows back by their positions.

import EVQEngine
import EVQStore
import EVQSyntax

extension SQLBuilder {
    mutating func sequence(_ s: SequencePlan) throws(Diagnostic) {
        let steps = s.steps + (s.until.map { [$0] } ?? [])
        let n = s.steps.count
        guard n >= 2 else { throw untranslatable("a sequence of one step", at: querySpan) }
        var subs: [SQLSubquery] = []
        for step in steps {
            let sub = try subquery(step.plan, positionName: "__evq_p", unique: true)
            guard sub.position != nil else {
                throw untranslatable("a sequence step over rows in no defined order", at: querySpan)
            }
            subs.append(sub)
        }
        let keyCount = s.steps[0].keys.count
        // A key that mixes int and float compares as a float on every step, as in evq.
        let keyTypes = (0..<keyCount).map { k -> String in
            let types = Set(steps.map { $0.keys[k].type })
            if types.contains(.int) && types.contains(.float) { return "Float64" }
            return Self.plainType(steps[0].keys[k].type)
        }
        let keyNames = keyCount == 0 ? ["__evq_k0"] : (0..<keyCount).map { "__evq_k\($0 + 1)" }
        // The union of the candidates: step (-1 for until), time in seconds, keys, position.
        var branches: [String] = []
        for (i, step) in steps.enumerated() {
            let p = SQLExpressionPrinter(columns: subs[i].columns.map(\.sql), foldedLatestIsUnknown: translator.standInTables, source: source)
            let time = subs[i].columns[step.timeColumn].sql
            var keys: [String] = [], present = ["isNotNull(\(time))"]
            for (k, key) in step.keys.enumerated() {
                let v = try p.value(key)
                keys.append("CAST(assumeNotNull(\(v)) AS \(keyTypes[k])) AS \(keyNames[k])")
                present.append("isNotNull(\(v))")
            }
            if keys.isEmpty { keys = ["toUInt8(0) AS __evq_k0"] }
            let stepNumber = i < n ? i : -1, priority = i < n ? n - i : 0
            branches.append("SELECT toInt8(\(stepNumber)) AS __evq_s, toUInt8(\(priority)) AS __evq_prio, "
                + "toUnixTimestamp64Second(toDateTime64(assumeNotNull(\(time)), 0, 'UTC')) AS __evq_t, \(keys.joined(separator: ", ")), "
                + "__evq_p FROM \(subs[i].from) WHERE \(present.joined(separator: " AND "))")
        }
        let union = addCTE(branches.joined(separator: "\nUNION ALL\n"))
        let events = addCTE("SELECT *, row_number() OVER (ORDER BY __evq_t, __evq_prio, __evq_p) AS __evq_o FROM \(union)")
        let keys = keyNames.joined(separator: ", ")
        // Level 1: every first-step event is a pending match.
        var pending = addCTE("SELECT \(keys), __evq_o, __evq_t AS __evq_t0, __evq_o AS __evq_o0, __evq_p AS __evq_p0 FROM \(events) WHERE __evq_s = 0")
        var carried = ["__evq_t0", "__evq_o0", "__evq_p0"]
        for level in 1..<n {
            let boundaries = addCTE("SELECT \(keys), __evq_o, __evq_s, __evq_t, __evq_p FROM \(events) WHERE __evq_s = \(level) OR __evq_s = -1")
            let on = (keyNames.map { "a.\($0) = b.\($0)" } + ["a.__evq_o < b.__evq_o"]).joined(separator: " AND ")
            let taken = addCTE("SELECT " + (keyNames.map { "a.\($0) AS \($0)" } + carried.map { "a.\($0) AS \($0)" }).joined(separator: ", ")
                + ", a.__evq_o AS __evq_arrival, b.__evq_o AS __evq_o, b.__evq_s AS __evq_s, b.__evq_t AS __evq_t, b.__evq_p AS __evq_p\n"
                + "FROM \(pending) AS a ASOF INNER JOIN \(boundaries) AS b ON \(on)")
            var kept = taken
            if s.mode == .latest {
                kept = addCTE("SELECT * FROM \(taken) QUALIFY __evq_arrival = max(__evq_arrival) OVER (PARTITION BY __evq_o)")
            }
            carried.append("__evq_p\(level)")
            let last = level == n - 1
            pending = addCTE("SELECT \(keys), __evq_o, " + carried.dropLast().joined(separator: ", ") + ", __evq_p AS __evq_p\(level)"
                + (last ? ", __evq_t AS __evq_tlast" : "")
                + " FROM \(kept) WHERE __evq_s = \(level) AND __evq_t - __evq_t0 <= \(s.within)")
        }
        // Each match's rows, read back by position; `span` is the last time minus the first.
        var from = "\(pending) AS m"
        var columns: [(sql: String, name: String)] = []
        for (i, step) in s.steps.enumerated() {
            from += "\nINNER JOIN \(subs[i].from) AS x\(i) ON x\(i).__evq_p = m.__evq_p\(i)"
            for c in subs[i].columns { columns.append(("x\(i).\(c.sql)", "\(step.name).\(c.name)")) }
        }
        columns.append(("m.__evq_tlast - m.__evq_t0", "span"))
        block = SQLBlock(from: from, columns: columns, order: [SQLOrderKey(expr: "m.__evq_o0", descending: false), SQLOrderKey(expr: "m.__evq_o", descending: false)],
                         orderIsExplicit: false)
        block.orderIsTotal = true
    }

    /// A CTE of the given SQL; its name.
    mutating func addCTE(_ sql: String) -> String {
        let name = "s\(ctes.count + 1)"
        ctes.append((name, sql))
        return name
    }

    /// The non-Nullable ClickHouse type of an evq key.
    static func plainType(_ type: DataType) -> String {
        switch type {
        case .bool: "Bool"
        case .int, .duration: "Int64"
        case .float: "Float64"
        case .time: "DateTime64(0, 'UTC')"
        case .string, .null, .list: "String"
        }
    }
}
