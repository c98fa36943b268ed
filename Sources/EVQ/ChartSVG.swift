// The same charts as Chart.swift draws in text, as a standalone SVG document for a report:
// same layout (ChartLayout.swift), same columns, ticks and labels, drawn in pixels.

import EVQEngine
import EVQStore
import Foundation

public enum ChartSVG {
    /// An SVG document of `width` × `height` pixels, or the reason there is nothing to draw.
    public static func render(_ table: Table, kind: ChartKind, width: Int = 800, height: Int = 400) -> Result<String, ChartDrawingError> {
        let width = max(200, width), height = max(120, height)
        switch kind {
        case .bars:
            return BarsLayout.make(table).map { bars($0, width: width) }.mapError { ChartDrawingError(message: $0.message) }
        case .timeline:
            return TimelineLayout.make(table, maxColumns: max(1, width - 80), ticks: 5)
                .map { timeline($0, width: width, height: height) }.mapError { ChartDrawingError(message: $0.message) }
        case .map:
            return MapLayout.make(table, maxColumns: max(1, (width - 32) / 8), maxRows: max(1, (height - 60) / 16))
                .map { map($0, width: width) }.mapError { ChartDrawingError(message: $0.message) }
        }
    }

    private static let font = "font-family=\"sans-serif\" font-size=\"12\""
    private static let barColour = "#4e79a7"

    private static func document(_ width: Int, _ height: Int, _ body: String) -> String {
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <svg xmlns="http://www.w3.org/2000/svg" width="\(width)" height="\(height)" viewBox="0 0 \(width) \(height)">
        <rect width="100%" height="100%" fill="white"/>
        \(body)</svg>

        """
    }

    private static func timeline(_ layout: TimelineLayout, width: Int, height: Int) -> String {
        let scale = layout.scale
        let tickCount = max(1, scale.ticksAbove + scale.ticksBelow)
        let labelChars = (0...tickCount).map { scale.label(scale.low + Double($0) * scale.step).count }.max() ?? 1
        let left = Double(16 + 7 * labelChars), right = 16.0, top = 36.0, bottom = 32.0
        let plotWidth = Double(width) - left - right, plotHeight = Double(height) - top - bottom
        func y(_ v: Double) -> Double { top + (scale.high - v) / (scale.high - scale.low) * plotHeight }
        let columnWidth = plotWidth / Double(max(1, layout.columns.count))
        var body = text(layout.title, x: left, y: 20, anchor: "start", bold: true)
        for i in 0...tickCount {
            let v = scale.low + Double(i) * scale.step
            body += line(left, y(v), left + plotWidth, y(v), colour: v == 0 ? "#333" : "#ddd")
            body += text(scale.label(v), x: left - 6, y: y(v) + 4, anchor: "end")
        }
        for (c, value) in layout.columns.enumerated() {
            guard let value else { continue }
            let y0 = y(0), y1 = y(value)
            body += rect(x: left + Double(c) * columnWidth, y: min(y0, y1), width: max(1, columnWidth * 0.9), height: max(1, abs(y1 - y0)))
        }
        body += line(left, top, left, top + plotHeight, colour: "#333")
        // The layout spaces labels for text columns; in pixels columns may be narrower than a character,
        // so keep only the labels that do not run into the one before, and none past the right edge.
        var end = -Double.infinity
        for (column, label) in layout.xLabels {
            let labelWidth = 7.0 * Double(label.count)
            let x = min(left + Double(column) * columnWidth, Double(width) - right - labelWidth)
            guard x >= end + 12 else { continue }
            body += text(label, x: x, y: Double(height) - 12, anchor: "start")
            end = x + labelWidth
        }
        return document(width, height, body)
    }

    private static func bars(_ layout: BarsLayout, width: Int) -> String {
        let rowHeight = 22.0, top = 36.0
        let height = Int(top + rowHeight * Double(layout.labels.count) + 16)
        let labelChars = min(32, layout.labels.map(\.displayWidth).max() ?? 1)
        let valueChars = layout.valueTexts.map(\.count).max() ?? 1
        let left = Double(16 + 7 * labelChars), right = Double(16 + 7 * valueChars)
        let plotWidth = Double(width) - left - right
        let finite = layout.values.compactMap { $0 }
        let high = max(0, finite.max() ?? 0), low = min(0, finite.min() ?? 0)
        let range = high - low > 0 ? high - low : 1
        func x(_ v: Double) -> Double { left + (v - low) / range * plotWidth }
        var body = text(layout.title, x: 16, y: 20, anchor: "start", bold: true)
        for (i, label) in layout.labels.enumerated() {
            let rowTop = top + Double(i) * rowHeight
            body += text(label.truncated(columns: 32), x: left - 6, y: rowTop + 15, anchor: "end")
            if let v = layout.values[i], v != 0 {
                body += rect(x: min(x(0), x(v)), y: rowTop + 3, width: max(1, abs(x(v) - x(0))), height: rowHeight - 6)
            }
            body += text(layout.valueTexts[i], x: max(x(0), x(layout.values[i] ?? 0)) + 4, y: rowTop + 15, anchor: "start")
        }
        body += line(x(0), top, x(0), top + rowHeight * Double(layout.labels.count), colour: "#333")
        return document(width, height, body)
    }

    /// The map's cells as squares of one colour, darker for more rows (cells are twice as tall
    /// as wide, as in the terminal), with the same labels and the box's corners.
    private static func map(_ layout: MapLayout, width: Int) -> String {
        let left = 16.0, top = 36.0
        let cellWidth = (Double(width) - 2 * left) / Double(layout.columns), cellHeight = 2 * cellWidth
        let height = Int(top + cellHeight * Double(layout.rows) + 40)
        var body = text(layout.title, x: left, y: 20, anchor: "start", bold: true)
        for (r, row) in layout.counts.enumerated() {
            for (c, count) in row.enumerated() where count > 0 {
                let opacity = Double(4 - layout.steps.count + layout.shade(count)) / 4
                body += "<rect x=\"\(number(left + Double(c) * cellWidth))\" y=\"\(number(top + Double(r) * cellHeight))\" "
                    + "width=\"\(number(cellWidth))\" height=\"\(number(cellHeight))\" fill=\"\(barColour)\" fill-opacity=\"\(number(opacity))\"/>\n"
            }
        }
        for label in layout.labels {
            body += text(label.text, x: left + Double(label.column) * cellWidth, y: top + (Double(label.row) + 0.75) * cellHeight, anchor: "start")
        }
        let bottom = top + cellHeight * Double(layout.rows)
        body += "<rect x=\"\(number(left))\" y=\"\(number(top))\" width=\"\(number(Double(width) - 2 * left))\" height=\"\(number(bottom - top))\" fill=\"none\" stroke=\"#333\"/>\n"
        // The south-west and north-east corners of the box.
        body += text(ChartRenderer.latitude(layout.south) + " " + ChartRenderer.longitude(layout.west), x: left, y: bottom + 16, anchor: "start")
        body += text("to " + ChartRenderer.latitude(layout.north) + " " + ChartRenderer.longitude(layout.east), x: Double(width) - left, y: bottom + 16, anchor: "end")
        return document(width, height, body)
    }

    private static func number(_ d: Double) -> String { String(format: "%.1f", d) }

    private static func rect(x: Double, y: Double, width: Double, height: Double) -> String {
        "<rect x=\"\(number(x))\" y=\"\(number(y))\" width=\"\(number(width))\" height=\"\(number(height))\" fill=\"\(barColour)\"/>\n"
    }

    private static func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, colour: String) -> String {
        "<line x1=\"\(number(x1))\" y1=\"\(number(y1))\" x2=\"\(number(x2))\" y2=\"\(number(y2))\" stroke=\"\(colour)\"/>\n"
    }

    private static func text(_ s: String, x: Double, y: Double, anchor: String, bold: Bool = false) -> String {
        "<text x=\"\(number(x))\" y=\"\(number(y))\" \(font) text-anchor=\"\(anchor)\"\(bold ? " font-weight=\"bold\"" : "")>\(escape(s))</text>\n"
    }

    /// XML text: the five special characters, and control characters (not allowed in XML 1.0) as U+FFFD.
    static func escape(_ s: String) -> String {
        var out = ""
        for u in s.unicodeScalars {
            switch u {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default:
                if u.value < 0x20 && u != "\t" && u != "\n" { out += "\u{FFFD}" } else { out.unicodeScalars.append(u) }
            }
        }
        return out
    }
}

/// Why a chart could not be drawn (no number column, no rows, ...).
public struct ChartDrawingError: Error, Sendable {
    public let message: String
}
