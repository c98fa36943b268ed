// Pictures in the terminal for `chart bars` and `chart timeline` (`chart map`: ChartMap.swift): pure text, sized to a given
// width, with Unicode block characters or plain ASCII. What to draw comes from ChartLayout.swift
// (shared with the SVG drawing); this file only turns it into lines.

import EVQEngine
import EVQStore

public struct ChartStyle: Sendable {
    /// Columns available, including labels and axes.
    public var width: Int
    /// Block characters (▏▎▍▌▋▊▉█, ▁▂▃▄▅▆▇█); false draws with `#`.
    public var unicode: Bool
    /// Rows of the timeline's plot area (about; rounded to whole ticks).
    public var height: Int
    /// Most rows of a map's grid (it takes fewer when the box is wide).
    public var mapHeight: Int

    public init(width: Int = 80, unicode: Bool = true, height: Int = 8, mapHeight: Int = 20) {
        self.width = max(40, width)
        self.unicode = unicode
        self.height = max(3, height)
        self.mapHeight = max(3, mapHeight)
    }
}

public enum ChartRenderer {
    public static func render(_ table: Table, kind: ChartKind, style: ChartStyle) -> String {
        switch kind {
        case .bars: bars(table, style)
        case .timeline: timeline(table, style)
        case .map: map(table, style)
        }
    }

    // MARK: bars

    private static func bars(_ t: Table, _ style: ChartStyle) -> String {
        let layout: BarsLayout
        switch BarsLayout.make(t) {
        case .success(let l): layout = l
        case .failure(let problem): return problem.message + "\n"
        }
        let maxLabel = min(32, layout.labels.map(\.displayWidth).max() ?? 0)
        let valueWidth = layout.valueTexts.map(\.displayWidth).max() ?? 1
        let barWidth = max(10, style.width - maxLabel - valueWidth - 5)
        let finite = layout.values.compactMap { $0 }
        let top = max(0, finite.max() ?? 0), bottom = min(0, finite.min() ?? 0)
        // Negative values grow left of the axis, positive ones right; each side gets its share of the width.
        let leftWidth = bottom < 0 ? max(1, Int((Double(barWidth) * -bottom / (top - bottom)).rounded())) : 0
        let rightWidth = max(bottom < 0 && top > 0 ? 1 : 0, barWidth - leftWidth)
        let axis = style.unicode ? "│" : "|"
        var out = layout.title + "\n"
        for (i, label) in layout.labels.enumerated() {
            let shown = label.truncated(columns: maxLabel).padded(to: maxLabel)
            let value = layout.values[i] ?? 0
            var line = shown + " "
            if leftWidth > 0 {
                let bar = value < 0 ? horizontalBar(-value, top: -bottom, width: leftWidth, unicode: false, fill: style.unicode ? "█" : "#") : ""
                line += bar.padded(to: leftWidth, right: true)
            }
            line += axis + " "
            let bar = value > 0 ? horizontalBar(value, top: top, width: rightWidth, unicode: style.unicode) : ""
            line += bar + (bar.isEmpty ? "" : " ") + layout.valueTexts[i]
            out += line + "\n"
        }
        return out
    }

    /// A bar of `value / top * width` cells; Unicode draws eighths at the end.
    static func horizontalBar(_ value: Double, top: Double, width: Int, unicode: Bool, fill: String = "#") -> String {
        guard top > 0, top.isFinite, value > 0, value.isFinite, width > 0 else { return "" }
        let cells = min(value, top) / top * Double(width)
        if !unicode { return String(repeating: fill, count: max(1, Int(cells.rounded()))) }
        let eighths = max(1, Int((cells * 8).rounded()))
        let partial = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"]
        return String(repeating: "█", count: eighths / 8) + partial[eighths % 8]
    }

    // MARK: timeline

    private static func timeline(_ t: Table, _ style: ChartStyle) -> String {
        // The plot's width depends on the widest y label, which depends on the scale: labels of a
        // first guess at the scale are never narrower than the final ones, so one pass is enough.
        let guess = TimelineLayout.make(t, maxColumns: style.width, ticks: ticks(style))
        guard case .success(let first) = guess else {
            if case .failure(let problem) = guess { return problem.message + "\n" }
            return ""
        }
        let axisWidth = labelWidth(first.scale) + 1
        guard case .success(let layout) = TimelineLayout.make(t, maxColumns: max(1, style.width - axisWidth - 2), ticks: ticks(style)) else { return "" }
        return draw(layout, style: style, axisWidth: axisWidth)
    }

    static func ticks(_ style: ChartStyle) -> Int { max(1, min(4, style.height / 2)) }

    static func labelWidth(_ scale: YScale) -> Int {
        var widths = [scale.label(0).count]
        for i in 0...scale.ticksAbove { widths.append(scale.label(Double(i) * scale.step).count) }
        for i in 0...scale.ticksBelow { widths.append(scale.label(-Double(i) * scale.step).count) }
        return widths.max()!
    }

    private static func draw(_ layout: TimelineLayout, style: ChartStyle, axisWidth: Int) -> String {
        let scale = layout.scale
        let tickCount = max(1, scale.ticksAbove + scale.ticksBelow)
        let rowsPerTick = max(1, style.height / tickCount)
        let unit = scale.step / Double(rowsPerTick)
        let rowsAbove = scale.ticksAbove * rowsPerTick, rowsBelow = scale.ticksBelow * rowsPerTick
        let u = style.unicode
        func prefix(_ label: String, _ axis: String) -> String {
            String(repeating: " ", count: max(0, axisWidth - 1 - label.count)) + label + " " + axis
        }
        func finish(_ line: String) -> String {
            var line = line
            while line.last == " " { line.removeLast() }
            return line + "\n"
        }
        var out = layout.title + "\n"
        let blocks = ["", "▁", "▂", "▃", "▄", "▅", "▆", "▇"]
        for row in stride(from: rowsAbove - 1, through: 0, by: -1) {
            let labelled = (row + 1) % rowsPerTick == 0
            var line = prefix(labelled ? scale.label(Double(row + 1) * unit) : "", labelled ? (u ? "┤" : "|") : (u ? "│" : "|"))
            for value in layout.columns {
                guard let value, value > 0 else { line += " "; continue }
                // Filled eighths of this row; the lowest row shows every positive value, however small.
                let eighths = min(8, Int((value / unit * 8).rounded()) - row * 8)
                let shown = row == 0 ? max(1, eighths) : eighths
                line += u ? (shown >= 8 ? "█" : (shown > 0 ? blocks[shown] : " ")) : (shown >= 4 ? "#" : " ")
            }
            out += finish(line)
        }
        let zeroAxis = rowsBelow > 0 ? (u ? "┼" : "+") : (u ? "└" : "+")
        out += finish(prefix("0", zeroAxis) + String(repeating: u ? "─" : "-", count: layout.columns.count))
        for row in 0..<rowsBelow {
            let labelled = (row + 1) % rowsPerTick == 0
            var line = prefix(labelled ? scale.label(-Double(row + 1) * unit) : "", labelled ? (u ? "┤" : "|") : (u ? "│" : "|"))
            for value in layout.columns {
                guard let value, value < 0 else { line += " "; continue }
                let filled = -value / unit - Double(row)
                if u {
                    line += filled >= 0.75 ? "█" : (filled >= 0.375 ? "▀" : (row == 0 && filled > 0 ? "▔" : " "))
                } else {
                    line += filled >= 0.5 || (row == 0 && filled > 0) ? "#" : " "
                }
            }
            out += finish(line)
        }
        var labels = ""
        for (column, text) in layout.xLabels {
            labels += String(repeating: " ", count: max(0, column - labels.count)) + text
        }
        out += finish(String(repeating: " ", count: axisWidth + 1) + labels)
        return out
    }
}
