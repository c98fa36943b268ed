// What a chart shows, worked out once from a result so that the text and the SVG drawings agree:
// bar labels and values; a timeline's columns on an axis proportional to time (a column no point
// falls in is a gap); a y scale with round ticks that always includes zero.

import EVQEngine
import EVQStore
import Foundation

/// A y axis from `low` to `high` (both multiples of `step`, zero included) with a tick every `step`.
struct YScale: Equatable {
    var low: Double
    var high: Double
    var step: Double

    /// Round ticks (1, 2 or 5 times a power of ten) over `values`, about `ticks` of them.
    init(values: [Double], ticks: Int) {
        let lo = min(0, values.min() ?? 0), hi = max(0, values.max() ?? 0)
        let range = hi - lo
        guard range > 0, range.isFinite else {
            (low, high, step) = (0, 1, 1)
            return
        }
        let raw = range / Double(max(1, ticks))
        let magnitude = pow(10, (log10(raw)).rounded(.down))
        step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw * (1 - 1e-9) } ?? 10 * magnitude
        // A hair of tolerance, so that 0.3 / 0.1 = 2.9999999999999996 does not add a tick.
        low = (lo / step + 1e-9).rounded(.down) * step
        high = (hi / step - 1e-9).rounded(.up) * step
        if !low.isFinite || !high.isFinite || step <= 0 || !step.isFinite { (low, high, step) = (lo, hi, range) }
    }

    /// Ticks above zero and below it.
    var ticksAbove: Int { Int((high / step).rounded()) }
    var ticksBelow: Int { Int((-low / step).rounded()) }

    /// A tick's text: as many decimals as the step needs.
    func label(_ value: Double) -> String { ChartNumber.format(value, step: step) }
}

enum ChartNumber {
    /// `1200`, `0.25`, `-3`; `1.5e+20` beyond what decimals show well.
    static func format(_ d: Double, step: Double? = nil) -> String {
        guard d.isFinite else { return d.isNaN ? "nan" : (d > 0 ? "inf" : "-inf") }
        if d == 0 { return "0" }
        if abs(d) >= 1e15 || abs(d) < 1e-6 { return String(format: "%.3g", d) }
        let decimals: Int
        if let step, step > 0, step < 1 {
            decimals = min(6, Int((-log10(step)).rounded(.up)))
        } else if step == nil, d != d.rounded() {
            decimals = 2
        } else {
            decimals = 0
        }
        var text = String(format: "%.\(decimals)f", d)
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text == "-0" ? "0" : text
    }
}

/// `chart bars`: one bar per row.
struct BarsLayout {
    var title: String
    var labels: [String]
    /// nil: a null, NaN or infinite value (no bar; its text says which).
    var values: [Double?]
    var valueTexts: [String]

    /// Nil with the reason when there is nothing to draw.
    static func make(_ t: Table) -> Result<BarsLayout, ChartProblem> {
        guard let vc = t.columns.indices.first(where: { t.columns[$0].type.isNumeric }) else { return .failure(.noNumberColumn) }
        guard t.rowCount > 0 else { return .failure(.noRows) }
        let labelColumns = t.columns.indices.filter { $0 != vc && !t.columns[$0].type.isNumeric }
        var layout = BarsLayout(
            title: t.columns[vc].name + (labelColumns.isEmpty ? "" : " by " + labelColumns.map { t.columns[$0].name }.joined(separator: ", ")),
            labels: [], values: [], valueTexts: [])
        for r in 0..<t.rowCount {
            let parts = labelColumns.map { Renderer.cellText(t.columns[$0].value(at: r)) }
            layout.labels.append(parts.isEmpty ? String(r + 1) : parts.joined(separator: " / "))
            let v = t.columns[vc].value(at: r)
            let d = v.asDouble
            layout.values.append(d.flatMap { $0.isFinite ? $0 : nil })
            layout.valueTexts.append(d.map { ChartNumber.format($0) } ?? "null")
        }
        return .success(layout)
    }
}

enum ChartProblem: Error {
    case noNumberColumn, noTimeAndNumber, noRows, nothingFinite, noCoordinates, nothingLocated

    var message: String {
        switch self {
        case .noNumberColumn: "(nothing to draw: no number column)"
        case .noTimeAndNumber: "(nothing to draw: a timeline needs a time column and a number column)"
        case .noRows: "(no rows)"
        case .nothingFinite: "(nothing to draw: every value is null, NaN or infinite)"
        case .noCoordinates: "(nothing to draw: a map needs latitude and longitude columns)"
        case .nothingLocated: "(nothing to draw: no row has valid coordinates)"
        }
    }
}

/// `chart timeline`: values over time in at most `maxColumns` columns.
struct TimelineLayout {
    var title: String
    /// The mean of the points in each column, left to right; nil: no point (a gap in time).
    var columns: [Double?]
    /// Texts under the axis: (column, text), columns ascending, not overlapping when drawn.
    var xLabels: [(column: Int, text: String)]
    var scale: YScale
    /// Rows left out: a null time, or a null, NaN or infinite value.
    var skipped: Int

    /// How times map to columns. Calendar steps (months, years) are uneven in seconds, so they are
    /// counted as whole units; anything else is placed by its time in seconds.
    enum Unit: Equatable {
        case year, month, step(Int64), seconds

        func name(_ count: Double) -> String {
            let n = String(format: "%.1f", count)
            switch self {
            case .year: return n + " years"
            case .month: return n + " months"
            case .step(let s):
                if s == TimeFormat.secondsPerDay { return n + " days" }
                if s == 7 * TimeFormat.secondsPerDay { return n + " weeks" }
                if s == 3600 { return n + " hours" }
                return n + " steps of " + DurationFormat.format(s)
            case .seconds: return n + " points"
            }
        }
    }

    static func make(_ t: Table, maxColumns: Int, ticks: Int) -> Result<TimelineLayout, ChartProblem> {
        guard let tc = t.columns.indices.first(where: { t.columns[$0].type == .time }),
              let vc = t.columns.indices.first(where: { $0 != tc && t.columns[$0].type.isNumeric })
        else { return .failure(.noTimeAndNumber) }
        guard t.rowCount > 0 else { return .failure(.noRows) }
        var points: [(x: Int64, y: Double)] = []
        for r in 0..<t.rowCount {
            guard case .time(let x) = t.columns[tc].value(at: r), let y = t.columns[vc].value(at: r).asDouble, y.isFinite else { continue }
            points.append((x, y))
        }
        guard !points.isEmpty else { return .failure(.nothingFinite) }
        points.sort { $0.x < $1.x }
        let unit = Self.unit(of: points.map(\.x))
        let first = points.first!.x
        // Slot of each point, counted from the first: whole units, or seconds as a Double (no overflow).
        let slots = points.map { Self.slot($0.x, from: first, unit: unit) }
        let span = slots.last!
        let countable = unit != .seconds && span < Double(Int.max / 2)
        let columnCount = countable ? max(1, min(maxColumns, Int(span) + 1)) : (span == 0 ? 1 : max(1, maxColumns))
        // Slots per column: exactly one when every slot has a column of its own.
        let perColumn = countable ? (Double(Int(span) + 1) / Double(columnCount)) : (span / Double(max(1, columnCount - 1)))
        var sums = [Double](repeating: 0, count: columnCount), counts = [Int](repeating: 0, count: columnCount)
        for (i, s) in slots.enumerated() {
            let c = span == 0 ? 0 : min(columnCount - 1, countable ? Int(s / perColumn) : Int((s / span * Double(columnCount - 1)).rounded()))
            sums[c] += points[i].y
            counts[c] += 1
        }
        let columns = zip(sums, counts).map { $1 == 0 ? nil : $0 / Double($1) }
        let shared = countable ? perColumn > 1.000001 : counts.contains { $0 > 1 }
        var title = "\(t.columns[vc].name) by \(t.columns[tc].name)"
        var notes: [String] = []
        if shared {
            notes.append(countable ? "each column: the mean of \(unit.name(perColumn))" : "each column: the mean of its points")
        }
        let skipped = t.rowCount - points.count
        if skipped > 0 { notes.append("\(skipped) row\(skipped == 1 ? "" : "s") with a null or non-finite value not drawn") }
        if !notes.isEmpty { title += " (" + notes.joined(separator: "; ") + ")" }

        let scale = YScale(values: columns.compactMap { $0 }, ticks: ticks)
        // Label the first column, the last, and evenly spaced ones between, with the time each column starts at.
        func time(ofColumn c: Int) -> Int64 {
            if span == 0 { return first }
            let s = countable ? (Double(c) * perColumn).rounded(.down) : Double(c) / Double(max(1, columnCount - 1)) * span
            return Self.time(ofSlot: s, from: first, unit: unit)
        }
        let allMidnight = points.allSatisfy { TimeFormat.floorDiv($0.x, TimeFormat.secondsPerDay) * TimeFormat.secondsPerDay == $0.x }
        func text(_ x: Int64) -> String {
            switch unit {
            case .year: return String(TimeFormat.formatDate(x).prefix(4))
            case .month: return String(TimeFormat.formatDate(x).prefix(7))
            default: return allMidnight || !countable ? TimeFormat.formatDate(x) : TimeFormat.format(x)
            }
        }
        let labelWidth = text(first).count
        let wanted = columnCount == 1 ? 1 : max(2, columnCount / (labelWidth + 6))
        var labels: [(Int, String)] = []
        var end = -2
        for i in 0..<wanted {
            let c = wanted == 1 ? 0 : i * (columnCount - 1) / (wanted - 1)
            let label = text(time(ofColumn: c))
            let start = i == 0 ? 0 : (i == wanted - 1 ? max(0, c - label.count + 1) : c - label.count / 2)
            guard start >= end + 1 || labels.isEmpty else { continue }
            labels.append((start, label))
            end = start + label.count
        }
        return .success(TimelineLayout(title: title, columns: columns, xLabels: labels, scale: scale, skipped: skipped))
    }

    /// Years when every time is a 1 January, months when every one is a first of the month, the
    /// smallest gap when every time is a whole number of it past the first, else seconds.
    static func unit(of times: [Int64]) -> Unit {
        let days = times.map { TimeFormat.floorDiv($0, TimeFormat.secondsPerDay) }
        let midnights = zip(times, days).allSatisfy { $0 == $1 &* TimeFormat.secondsPerDay }
        if midnights, times.count > 1 {
            let civil = days.map { TimeFormat.civil(days: $0) }
            if civil.allSatisfy({ $0.month == 1 && $0.day == 1 }) { return .year }
            if civil.allSatisfy({ $0.day == 1 }) { return .month }
        }
        var step = Int64.max
        for i in 1..<max(1, times.count) {
            let (d, overflow) = times[i].subtractingReportingOverflow(times[i - 1])
            if overflow { return .seconds }
            if d > 0 { step = min(step, d) }
        }
        guard step != .max, step > 0 else { return .seconds }
        for x in times {
            let (d, overflow) = x.subtractingReportingOverflow(times[0])
            if overflow || d % step != 0 { return .seconds }
        }
        return .step(step)
    }

    static func slot(_ x: Int64, from first: Int64, unit: Unit) -> Double {
        switch unit {
        case .year: return Double(civil(x).year - civil(first).year)
        case .month: return Double(monthIndex(x) - monthIndex(first))
        case .step(let s): return Double((x - first) / s)
        case .seconds: return Double(x) - Double(first)
        }
    }

    static func time(ofSlot s: Double, from first: Int64, unit: Unit) -> Int64 {
        switch unit {
        case .year: return TimeFormat.days(year: civil(first).year + Int64(s), month: 1, day: 1) * TimeFormat.secondsPerDay
        case .month:
            let m = monthIndex(first) + Int64(s)
            return TimeFormat.days(year: TimeFormat.floorDiv(m, 12), month: m - TimeFormat.floorDiv(m, 12) * 12 + 1, day: 1) * TimeFormat.secondsPerDay
        case .step(let step): return first &+ Int64(s) &* step
        case .seconds:
            let x = Double(first) + s
            return x >= 9.2e18 ? Int64.max : (x <= -9.2e18 ? Int64.min : Int64(x))
        }
    }

    private static func civil(_ x: Int64) -> (year: Int64, month: Int64, day: Int64) {
        TimeFormat.civil(days: TimeFormat.floorDiv(x, TimeFormat.secondsPerDay))
    }

    private static func monthIndex(_ x: Int64) -> Int64 {
        let c = civil(x)
        return c.year * 12 + c.month - 1
    }
}
