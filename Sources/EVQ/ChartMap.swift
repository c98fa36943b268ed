// `chart map`: where the events are, as a density grid over the bounding box of the rows'
// coordinates, shaded by the number of rows in each cell (four steps on a log scale), with the
// densest cells labelled by their most frequent location. The layout is shared by the text
// drawing here and the SVG one (ChartSVG.swift).

import EVQEngine
import EVQStore
import Foundation

/// What a map shows: counts per cell (row 0 is the north edge), the box, the shading steps and the labels.
struct MapLayout {
    var title: String
    var counts: [[Int]]
    var south: Double, north: Double, west: Double, east: Double
    /// The smallest count of each shade, lightest first (1 to 4 of them, ascending).
    var steps: [Int]
    /// Place names written into the grid: the first character at `column`, on `row`.
    var labels: [(row: Int, column: Int, text: String)]

    var rows: Int { counts.count }
    var columns: Int { counts.first?.count ?? 0 }

    /// The shade of a count: 0 for none, else 1 ... steps.count.
    func shade(_ count: Int) -> Int { count == 0 ? 0 : steps.lastIndex { count >= $0 }! + 1 }

    /// A grid of at most `maxColumns` × `maxRows` cells whose shape follows the box: a cell is
    /// about twice as tall as wide, as a terminal's characters are, and a degree of longitude
    /// shrinks with the cosine of the latitude.
    static func make(_ t: Table, maxColumns: Int, maxRows: Int, labels wanted: Int = 6) -> Result<MapLayout, ChartProblem> {
        guard let (la, lo) = CoordinateColumns.find(t.schema) else { return .failure(.noCoordinates) }
        guard t.rowCount > 0 else { return .failure(.noRows) }
        let labelColumn = t.columns.firstIndex { $0.name.lowercased() == "location" && $0.type == .string }
        var points: [(lat: Double, lon: Double, row: Int)] = []
        for r in 0..<t.rowCount {
            guard let y = t.columns[la].value(at: r).asDouble, let x = t.columns[lo].value(at: r).asDouble,
                  y >= -90, y <= 90, x >= -180, x <= 180 else { continue }
            points.append((y, x, r))
        }
        guard !points.isEmpty else { return .failure(.nothingLocated) }
        var south = points.map(\.lat).min()!, north = points.map(\.lat).max()!
        var west = points.map(\.lon).min()!, east = points.map(\.lon).max()!
        // A single point or a line still gets a box: a tenth of a degree around it.
        if north - south < 0.1 { (south, north) = ((south + north) / 2 - 0.05, (south + north) / 2 + 0.05) }
        if east - west < 0.1 { (west, east) = ((west + east) / 2 - 0.05, (west + east) / 2 + 0.05) }
        let squeeze = max(0.05, cos((south + north) / 2 * .pi / 180))
        var columns = max(1, maxColumns)
        var rows = Int(((north - south) / ((east - west) / Double(columns) * squeeze * 2)).rounded(.up))
        if rows > maxRows {
            rows = max(1, maxRows)
            columns = max(1, min(columns, Int(((east - west) / ((north - south) / Double(rows) / squeeze / 2)).rounded(.up))))
        }
        rows = max(1, rows)
        var counts = [[Int]](repeating: [Int](repeating: 0, count: columns), count: rows)
        var names: [Int: [String: Int]] = [:]  // cell -> location -> rows
        for p in points {
            let c = min(columns - 1, Int((p.lon - west) / (east - west) * Double(columns)))
            let r = min(rows - 1, Int((north - p.lat) / (north - south) * Double(rows)))
            counts[r][c] += 1
            if let labelColumn, case .string(let name) = t.columns[labelColumn].value(at: p.row) {
                names[r * columns + c, default: [:]][name, default: 0] += 1
            }
        }
        let top = counts.joined().max()!
        var steps = [1]
        for k in 1..<4 {
            let s = Int(pow(Double(top), Double(k) / 4).rounded(.up))
            if s > steps.last!, s <= top { steps.append(s) }
        }
        let skipped = t.rowCount - points.count
        let title = "where the \(points.count) row\(points.count == 1 ? " is" : "s are")"
            + (skipped > 0 ? " (\(skipped) without coordinates not drawn)" : "")
        var layout = MapLayout(title: title, counts: counts, south: south, north: north, west: west, east: east, steps: steps, labels: [])
        layout.labels = placeLabels(counts, names, wanted: wanted)
        return .success(layout)
    }

    /// Labels for the densest cells, right of the cell (or left when it does not fit), never
    /// over another label or a labelled cell; each name once.
    private static func placeLabels(_ counts: [[Int]], _ names: [Int: [String: Int]], wanted: Int) -> [(row: Int, column: Int, text: String)] {
        let columns = counts.first?.count ?? 0
        let cells = names.keys.sorted { a, b in
            let (ca, cb) = (counts[a / columns][a % columns], counts[b / columns][b % columns])
            return ca != cb ? ca > cb : a < b
        }
        var taken: [Int: [Range<Int>]] = [:]  // row -> columns in use (labels with a space around, labelled cells)
        var used = Set<String>()
        var out: [(row: Int, column: Int, text: String)] = []
        for cell in cells where out.count < wanted {
            let (r, c) = (cell / columns, cell % columns)
            guard let name = names[cell]!.max(by: { $0.value != $1.value ? $0.value < $1.value : $0.key > $1.key })?.key,
                  !used.contains(name) else { continue }
            let width = name.displayWidth
            func free(_ span: Range<Int>) -> Bool {
                span.lowerBound >= 0 && span.upperBound <= columns && !(taken[r] ?? []).contains { $0.overlaps(span) }
            }
            guard let span = [(c + 1)..<(c + 1 + width), (c - width)..<c].first(where: free) else { continue }
            // The labelled cell stays visible; a label keeps a space from its neighbours.
            taken[r, default: []] += [(span.lowerBound - 1)..<(span.upperBound + 1), c..<(c + 1)]
            let start = span.lowerBound
            used.insert(name)
            out.append((r, start, name))
        }
        return out
    }
}

extension ChartRenderer {
    /// Shades lightest to darkest: Unicode blocks, or ASCII.
    static func mapShades(unicode: Bool) -> [String] { unicode ? [" ", "░", "▒", "▓", "█"] : [" ", ".", ":", "+", "#"] }

    static func map(_ t: Table, _ style: ChartStyle) -> String {
        let gutter = 8  // "-16.80S " left of the frame
        let layout: MapLayout
        switch MapLayout.make(t, maxColumns: style.width - gutter - 2, maxRows: style.mapHeight) {
        case .success(let l): layout = l
        case .failure(let problem): return problem.message + "\n"
        }
        let u = style.unicode
        let shades = mapShades(unicode: u)
        // The darkest shade is always the densest step, however few steps there are.
        func shadeText(_ k: Int) -> String { k == 0 ? " " : shades[shades.count - 1 - layout.steps.count + k] }
        var lines: [[String]] = layout.counts.map { row in row.map { shadeText(layout.shade($0)) } }
        for label in layout.labels {
            for (k, ch) in label.text.enumerated() where label.column + k < layout.columns { lines[label.row][label.column + k] = String(ch) }
        }
        func pad(_ s: String) -> String { String(repeating: " ", count: max(0, gutter - 1 - s.count)) + s + " " }
        let bar = String(repeating: u ? "─" : "-", count: layout.columns)
        var out = layout.title + "\n"
        out += pad(latitude(layout.north)) + (u ? "┌" : "+") + bar + (u ? "┐" : "+") + "\n"
        for line in lines { out += String(repeating: " ", count: gutter) + (u ? "│" : "|") + line.joined() + (u ? "│" : "|") + "\n" }
        out += pad(latitude(layout.south)) + (u ? "└" : "+") + bar + (u ? "┘" : "+") + "\n"
        let west = longitude(layout.west), east = longitude(layout.east)
        out += String(repeating: " ", count: gutter) + west
            + String(repeating: " ", count: max(1, layout.columns + 2 - west.count - east.count)) + east + "\n"
        var legend: [String] = []
        for (k, low) in layout.steps.enumerated() {
            let high = k + 1 < layout.steps.count ? layout.steps[k + 1] - 1 : layout.counts.joined().max()!
            legend.append(shadeText(k + 1) + " " + (low == high ? "\(low)" : "\(low)-\(high)"))
        }
        out += String(repeating: " ", count: gutter) + "rows per cell: " + legend.joined(separator: "  ") + "\n"
        return out
    }

    static func latitude(_ d: Double) -> String { String(format: "%.2f", abs(d)) + (d < 0 ? "S" : "N") }
    static func longitude(_ d: Double) -> String { String(format: "%.2f", abs(d)) + (d < 0 ? "W" : "E") }
}
