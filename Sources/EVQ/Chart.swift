// Pictures in the terminal for `chart bars` and `chart timeline`: pure text, sized to a
// given width, with Unicode block characters or plain ASCII.

import EVQEngine
import EVQStore

public struct ChartStyle: Sendable {
    /// Columns available, including labels and axes.
    public var width: Int
    /// Block characters (▏▎▍▌▋▊▉█, ▁▂▃▄▅▆▇█); false draws with `#`.
    public var unicode: Bool
    /// Rows of the timeline's plot area.
    public var height: Int

    public init(width: Int = 80, unicode: Bool = true, height: Int = 8) {
        self.width = max(40, width)
        self.unicode = unicode
        self.height = max(3, height)
    }
}

public enum ChartRenderer {
    public static func render(_ table: Table, kind: ChartKind, style: ChartStyle) -> String {
        switch kind {
        case .bars: bars(table, style)
        case .timeline: timeline(table, style)
        }
    }

    /// The first number column is the value (the first aggregate of a `summarize`).
    private static func valueColumn(_ t: Table, excluding: Int? = nil) -> Int? {
        t.columns.indices.first { $0 != excluding && t.columns[$0].type.isNumeric }
    }

    private static func number(_ v: Value) -> Double? { v.asDouble }

    private static func format(_ d: Double) -> String {
        d == d.rounded() && abs(d) < 1e15 ? String(Int64(d)) : String(format2(d))
    }

    private static func format2(_ d: Double) -> String {
        let r = (d * 100).rounded() / 100
        return "\(r)"
    }

    // MARK: bars

    private static func bars(_ t: Table, _ style: ChartStyle) -> String {
        guard let vc = valueColumn(t) else { return "(nothing to draw: no number column)\n" }
        let labelColumns = t.columns.indices.filter { $0 != vc && !t.columns[$0].type.isNumeric }
        var labels: [String] = []
        var values: [Double?] = []
        for r in 0..<t.rowCount {
            let parts = labelColumns.map { Renderer.cellText(t.columns[$0].value(at: r)) }
            labels.append(parts.isEmpty ? String(r + 1) : parts.joined(separator: " / "))
            values.append(number(t.columns[vc].value(at: r)))
        }
        if t.rowCount == 0 { return "(no rows)\n" }
        let maxLabel = min(32, labels.map(\.count).max() ?? 0)
        let valueTexts = values.map { $0.map(format) ?? "null" }
        let valueWidth = valueTexts.map(\.count).max() ?? 1
        let barWidth = max(10, style.width - maxLabel - valueWidth - 5)
        let top = values.compactMap { $0 }.filter(\.isFinite).max() ?? 0
        var out = "\(t.columns[vc].name)" + (labelColumns.isEmpty ? "" : " by " + labelColumns.map { t.columns[$0].name }.joined(separator: ", ")) + "\n"
        for (i, label) in labels.enumerated() {
            var shown = label.count > maxLabel ? String(label.prefix(maxLabel - 1)) + "…" : label
            shown += String(repeating: " ", count: maxLabel - shown.count)
            let bar = values[i].map { horizontalBar($0, top: top, width: barWidth, unicode: style.unicode) } ?? ""
            out += shown + (style.unicode ? " │ " : " | ") + bar + (bar.isEmpty ? "" : " ") + valueTexts[i] + "\n"
        }
        return out
    }

    /// A bar of `value / top * width` cells; Unicode draws eighths at the end.
    static func horizontalBar(_ value: Double, top: Double, width: Int, unicode: Bool) -> String {
        guard top > 0, top.isFinite, value > 0, value.isFinite else { return "" }
        let cells = min(value, top) / top * Double(width)
        if !unicode { return String(repeating: "#", count: max(1, Int(cells.rounded()))) }
        let eighths = max(1, Int((cells * 8).rounded()))
        let partial = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"]
        return String(repeating: "█", count: eighths / 8) + partial[eighths % 8]
    }

    // MARK: timeline

    private static func timeline(_ t: Table, _ style: ChartStyle) -> String {
        guard let tc = t.columns.indices.first(where: { t.columns[$0].type == .time }),
              let vc = valueColumn(t, excluding: tc)
        else { return "(nothing to draw: a timeline needs a time column and a number column)\n" }
        var points: [(Int64, Double)] = []
        for r in 0..<t.rowCount {
            guard case .time(let x) = t.columns[tc].value(at: r), let y = number(t.columns[vc].value(at: r)), y.isFinite else { continue }
            points.append((x, y))
        }
        guard !points.isEmpty else { return "(no rows)\n" }
        points.sort { $0.0 < $1.0 }
        points = fillGaps(points)

        let yLabels = [format(points.map(\.1).max() ?? 0), "0"]
        let axisWidth = yLabels.map(\.count).max()! + 1
        let plotWidth = style.width - axisWidth - 2
        // More points than columns: each column sums a run of consecutive points.
        let perColumn = max(1, Int((Double(points.count) / Double(plotWidth)).rounded(.up)))
        var columns: [Double] = []
        var starts: [Int64] = []
        for chunk in stride(from: 0, to: points.count, by: perColumn) {
            let slice = points[chunk..<min(points.count, chunk + perColumn)]
            columns.append(slice.reduce(0) { $0 + $1.1 })
            starts.append(slice.first!.0)
        }
        let top = max(columns.max() ?? 0, 0)
        let levels = style.height * (style.unicode ? 8 : 1)
        let heights = columns.map { top > 0 && $0 > 0 ? max(1, Int(($0 / top * Double(levels)).rounded())) : 0 }
        let blocks = ["", "▁", "▂", "▃", "▄", "▅", "▆", "▇"]
        var out = "\(t.columns[vc].name) by \(t.columns[tc].name)" + (perColumn > 1 ? " (each column sums \(perColumn) points)" : "") + "\n"
        for row in stride(from: style.height - 1, through: 0, by: -1) {
            let label = row == style.height - 1 ? format(top) : (row == 0 ? "0" : "")
            var line = String(repeating: " ", count: axisWidth - label.count - 1) + label + (style.unicode ? " ┤" : " |")
            for h in heights {
                let filled = h - row * (style.unicode ? 8 : 1)
                if style.unicode {
                    line += filled >= 8 ? "█" : (filled > 0 ? blocks[filled] : " ")
                } else {
                    line += filled >= 1 ? "#" : " "
                }
            }
            while line.last == " " { line.removeLast() }
            out += line + "\n"
        }
        out += String(repeating: " ", count: axisWidth) + (style.unicode ? "└" : "+") + String(repeating: style.unicode ? "─" : "-", count: columns.count) + "\n"
        let first = TimeFormat.formatDate(starts.first!), last = TimeFormat.formatDate(points.last!.0)
        let gap = max(1, columns.count + 1 - first.count - last.count)
        out += String(repeating: " ", count: axisWidth) + first + (starts.count > 1 ? String(repeating: " ", count: gap) + last : "") + "\n"
        return out
    }

    /// Points on a regular step (days, weeks) get zeros where a step has no row, so that a
    /// quiet week shows as a gap and not as nothing. Months are irregular and left alone.
    static func fillGaps(_ points: [(Int64, Double)]) -> [(Int64, Double)] {
        guard points.count > 1 else { return points }
        var step = Int64.max
        for i in 1..<points.count where points[i].0 > points[i - 1].0 { step = min(step, points[i].0 - points[i - 1].0) }
        guard step != .max, step > 0 else { return points }
        let span = points.last!.0 - points.first!.0
        guard span / step <= 4096, points.allSatisfy({ ($0.0 - points[0].0) % step == 0 }) else { return points }
        var byTime: [Int64: Double] = [:]
        for (x, y) in points { byTime[x, default: 0] += y }
        return stride(from: points[0].0, through: points.last!.0, by: Int(step)).map { ($0, byTime[$0] ?? 0) }
    }
}
