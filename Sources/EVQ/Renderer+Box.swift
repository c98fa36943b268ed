// `.mode box`: the table drawn with Unicode box lines (┌─┬─┐), columns sized by how wide their
// text shows on a terminal (CJK and emoji take two columns), numbers right-aligned.

import EVQEngine
import EVQStore

extension Renderer {
    static func box(_ t: Table, _ o: RenderOptions) -> String {
        let shown = min(t.rowCount, o.maxRows ?? t.rowCount)
        let headers = t.columns.map(\.name)
        let cells = cellTexts(t, rows: shown, maxCellWidth: o.maxCellWidth)
        var widths = headers.map(\.displayWidth)
        for row in cells { for (i, c) in row.enumerated() { widths[i] = max(widths[i], c.displayWidth) } }
        let rightAligned = t.columns.map { $0.type.isNumeric || $0.type == .duration }
        func rule(_ left: String, _ middle: String, _ right: String) -> String {
            left + widths.map { String(repeating: "─", count: $0 + 2) }.joined(separator: middle) + right + "\n"
        }
        func line(_ row: [String], aligned: Bool) -> String {
            "│" + row.enumerated().map { i, s in " " + s.padded(to: widths[i], right: aligned && rightAligned[i]) + " " }.joined(separator: "│") + "│\n"
        }
        guard !headers.isEmpty else { return footer(t.rowCount, shown) }
        var out = rule("┌", "┬", "┐") + line(headers, aligned: false) + rule("├", "┼", "┤")
        for row in cells { out += line(row, aligned: true) }
        out += rule("└", "┴", "┘")
        return out + footer(t.rowCount, shown)
    }

    /// The first `rows` rows as cell texts for reading (null as `null`), cut at `maxCellWidth` terminal columns.
    static func cellTexts(_ t: Table, rows: Int, maxCellWidth: Int?) -> [[String]] {
        var cells: [[String]] = []
        cells.reserveCapacity(rows)
        for r in 0..<rows {
            cells.append(t.columns.map { c in
                let text = cellText(c.value(at: r))
                guard let limit = maxCellWidth else { return text }
                return text.truncated(columns: limit)
            })
        }
        return cells
    }
}
