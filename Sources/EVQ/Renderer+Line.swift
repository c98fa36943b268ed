// `.mode line`: one field per line, `name = value`, names right-aligned, a blank line between
// rows (as sqlite3's line mode). Values are whole: never cut, and a value over several lines
// goes on under itself, so a 4,000-character note can be read in full.

import EVQEngine
import EVQStore

extension Renderer {
    static func lines(_ t: Table, _ o: RenderOptions) -> String {
        let shown = min(t.rowCount, o.maxRows ?? t.rowCount)
        let names = t.columns.map(\.name)
        let width = names.map(\.displayWidth).max() ?? 0
        let indent = String(repeating: " ", count: width + 3)
        var out = ""
        for r in 0..<shown {
            if r > 0 { out += "\n" }
            for (i, c) in t.columns.enumerated() {
                let v = c.value(at: r)
                let text = v.isNull ? "null" : ValueFormat.plain(v)
                let continued = text.split(separator: "\n", omittingEmptySubsequences: false).joined(separator: "\n" + indent)
                out += names[i].padded(to: width, right: true) + " = " + continued + "\n"
            }
        }
        if shown < t.rowCount { out += "\n" + footer(t.rowCount, shown) }
        return out
    }
}
