// `evq stats`: what a store holds, from its manifest and the segments' directories (no data
// read): tables, segments with their rows and time ranges, and bytes per column and index.

import Foundation

public enum StoreReport {
    public static func describe(_ path: String) throws(StoreError) -> String {
        let manifest = try Manifest.read(path)
        let segments = manifest.tables.reduce(0) { $0 + $1.segments.count }
        let bytes = manifest.tables.reduce(0) { $0 + $1.segments.reduce(0) { $0 + $1.bytes } }
        var out = "\(path): \(manifest.tables.count) table\(manifest.tables.count == 1 ? "" : "s"), \(segments) segment\(segments == 1 ? "" : "s"), "
            + "\(size(bytes)) (format \(manifest.version), commit \(manifest.generation))\n"
        for t in manifest.tables {
            let rows = t.segments.reduce(0) { $0 + $1.stats.rows }
            out += "\ntable \(t.name): \(grouped(rows)) events in \(t.segments.count) segment\(t.segments.count == 1 ? "" : "s")\n"
            var perColumn: [(name: String, type: String, parts: [String: Int], nulls: Int, distinct: Int)] = []
            var grid: (columns: String, bytes: Int)? = nil
            for s in t.segments {
                out += "  \(s.file): \(grouped(s.stats.rows)) events, \(timeRange(s.stats)), \(size(s.bytes))\n"
                let d = try SegmentReader.directory(path + "/" + s.file)
                let lengths = Dictionary(d.sections.map { ($0.name, Int($0.length)) }, uniquingKeysWith: +)
                for (i, c) in d.columns.enumerated() {
                    if perColumn.count <= i { perColumn.append((c.name, c.type, [:], 0, 0)) }
                    for (part, section) in c.parts { perColumn[i].parts[group(part), default: 0] += lengths[section] ?? 0 }
                    perColumn[i].nulls += d.stats.columns[i].nulls
                    perColumn[i].distinct = max(perColumn[i].distinct, d.stats.columns[i].distinct ?? 0)
                }
                if let g = d.geo, d.columns.indices.contains(g.latitude), d.columns.indices.contains(g.longitude) {
                    let bytes = g.parts.values.reduce(0) { $0 + (lengths[$1] ?? 0) }
                    grid = (d.columns[g.latitude].name + ", " + d.columns[g.longitude].name, (grid?.bytes ?? 0) + bytes)
                }
            }
            let headers = ["column", "type", "values", "nulls", "dictionary", "postings", "words", "key index", "distinct ≥", "null rows"]
            let rowsOut = perColumn.map { c in
                [c.name, c.type] + ["values", "nulls", "dictionary", "postings", "words", "key"].map { c.parts[$0].map(size) ?? "-" }
                    + [c.type == "string" ? grouped(c.distinct) : "-", grouped(c.nulls)]
            }
            let widths = headers.indices.map { k in max(headers[k].count, rowsOut.map { $0[k].count }.max() ?? 0) }
            for line in [headers] + rowsOut {
                out += "  " + line.enumerated().map { k, cell in k < 2 ? cell.padding(toLength: widths[k], withPad: " ", startingAt: 0)
                    : String(repeating: " ", count: widths[k] - cell.count) + cell }.joined(separator: "  ") + "\n"
            }
            if let grid { out += "  grid cells over \(grid.columns): \(size(grid.bytes))\n" }
        }
        return out
    }

    /// The report's column for a section part: `dict.bytes` and `dict.offsets` are the dictionary...
    private static func group(_ part: String) -> String {
        if part == "values" || part == "ids" { return "values" }
        if part.hasPrefix("dict.") { return "dictionary" }
        if part.hasPrefix("postings.") { return "postings" }
        if part.hasPrefix("words.") { return "words" }
        if part.hasPrefix("key.") { return "key" }
        return part
    }

    private static func timeRange(_ s: SegmentStats) -> String {
        guard let lo = s.minTime, let hi = s.maxTime else { return "no times" }
        return TimeFormat.format(lo) + " .. " + TimeFormat.format(hi)
    }

    public static func size(_ bytes: Int) -> String {
        if bytes < 10_000 { return "\(bytes) B" }
        if bytes < 10_000_000 { return String(format: "%.1f KB", Double(bytes) / 1e3) }
        return String(format: "%.1f MB", Double(bytes) / 1e6)
    }

    static func grouped(_ n: Int) -> String { NumberText.grouped(n) }
}
