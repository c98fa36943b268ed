// `chart map`: the density grid, its shading steps and labels on small hand-placed inputs
// (exact text), the SVG drawing, and the checker's error for a result without coordinates.

@testable import EVQ
import Testing

@Suite struct ChartMapTests {
    /// Alpha ×4 at (10, 20), Charlie ×2 at (11, 22), Bravo at (12, 24), and a row without coordinates.
    private func table() -> Table {
        let rows: [(String, Double?, Double?)] = [
            ("Alpha", 10, 20), ("Alpha", 10, 20), ("Bravo", 12, 24), ("Alpha", 10, 20), ("Charlie", 11, 22),
            ("Alpha", 10, 20), ("Charlie", 11, 22), ("Lost", nil, 22),
        ]
        var b = TableBuilder(name: "events")
        b.addColumn("location", rows.map { .string($0.0) })
        b.addColumn("lat", rows.map { $0.1.map(Value.float) ?? .null })
        b.addColumn("lon", rows.map { $0.2.map(Value.float) ?? .null })
        return b.build()
    }

    @Test func aGridShadedByRowsAndLabelledByDensestPlace() {
        // 30 columns over 4° of longitude; a row is twice a column's height in km at 11°N
        // (cos 11° = 0.98): 2° / (4° / 30 × 0.98 × 2) = 7.6, so 8 rows. Counts 1, 2 and 4 give
        // the steps 1, 2, 3 (4^(1/4), 4^(1/2), 4^(3/4) rounded up, each once).
        let text = ChartRenderer.render(table(), kind: .map, style: ChartStyle(width: 40, unicode: false))
        #expect(text == """
            where the 7 rows are (1 without coordinates not drawn)
             12.00N +------------------------------+
                    |                        Bravo:|
                    |                              |
                    |                              |
                    |                              |
                    |               +Charlie       |
                    |                              |
                    |                              |
                    |#Alpha                        |
             10.00N +------------------------------+
                    20.00E                    24.00E
                    rows per cell: : 1  + 2  # 3-4

            """)
    }

    @Test func theGridFitsTheHeightGiven() {
        let text = ChartRenderer.render(table(), kind: .map, style: ChartStyle(width: 40, unicode: true, mapHeight: 4))
        // Four rows: 2° / 4 per row, so a column spans 0.5° / (2 × 0.98) = 0.255° and 4° takes
        // 16; Charlie's 11°N is the third row. Three steps take the three darkest shades.
        #expect(text == """
            where the 7 rows are (1 without coordinates not drawn)
             12.00N ┌────────────────┐
                    │          Bravo▒│
                    │                │
                    │        ▓Charlie│
                    │█Alpha          │
             10.00N └────────────────┘
                    20.00E      24.00E
                    rows per cell: ▒ 1  ▓ 2  █ 3-4

            """)
    }

    @Test func nothingToDraw() {
        var b = TableBuilder(name: "t")
        b.addColumn("lat", [.float(95)])
        b.addColumn("lon", [.float(3)])
        #expect(ChartRenderer.render(b.build(), kind: .map, style: ChartStyle()) == "(nothing to draw: no row has valid coordinates)\n")
        var c = TableBuilder(name: "t")
        c.addColumn("n", [.int(1)])
        #expect(ChartRenderer.render(c.build(), kind: .map, style: ChartStyle()) == "(nothing to draw: a map needs latitude and longitude columns)\n")
    }

    @Test func svgDrawsTheSameCells() throws {
        let svg = try ChartSVG.render(table(), kind: .map, width: 400).get()
        #expect(svg.hasPrefix("<?xml"))
        #expect(svg.components(separatedBy: "fill-opacity").count - 1 == 3)
        #expect(svg.contains(">Charlie</text>"))
    }

    @Test func aMapNeedsCoordinates() throws {
        let session = Session(tables: [table()])
        do {
            _ = try session.query("events | project location | chart map")
            Issue.record("expected an error")
        } catch {
            let d = error.diagnostics.first
            #expect(d?.message == "'chart map' needs latitude and longitude fields (lat and lon, or latitude and longitude)")
            #expect(d?.span == Span(34, 37))
            #expect(d?.hint == "keep them: project location, lat, lon | chart map")
        }
    }
}
