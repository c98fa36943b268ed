// Charts: the text drawn for bars and timelines, ASCII and Unicode, and chart errors.

@testable import EVQ
import Testing

@Suite struct ChartTests {
    private func table(_ rows: [(String, Int64)]) -> Table {
        var b = TableBuilder(name: "t")
        b.addColumn("country", rows.map { .string($0.0) })
        b.addColumn("n", rows.map { .int($0.1) })
        return b.build()
    }

    @Test func barsScaleToTheLargestValue() {
        let text = ChartRenderer.render(table([("Syria", 40), ("Iraq", 10), ("Nowhere", 0)]), kind: .bars,
                                        style: ChartStyle(width: 40, unicode: false))
        #expect(text == """
            n by country
            Syria   | ########################## 40
            Iraq    | ####### 10
            Nowhere | 0

            """)
    }

    @Test func unicodeBarsDrawEighths() {
        #expect(ChartRenderer.horizontalBar(1, top: 8, width: 1, unicode: true) == "▏")
        #expect(ChartRenderer.horizontalBar(12, top: 16, width: 2, unicode: true) == "█▌")
        #expect(ChartRenderer.horizontalBar(0, top: 8, width: 10, unicode: true) == "")
    }

    @Test func timelineFillsQuietDaysWithZeros() {
        var b = TableBuilder(name: "t")
        // Daily points with 2024-01-03 missing: it is drawn as a zero, not skipped.
        b.addColumn("day", ["2024-01-01", "2024-01-02", "2024-01-04"].map { .time(TimeFormat.parse($0)!) })
        b.addColumn("n", [.int(4), .int(2), .int(2)])
        let text = ChartRenderer.render(b.build(), kind: .timeline, style: ChartStyle(width: 40, unicode: false, height: 4))
        #expect(text == """
            n by day
            4 |#
              |#
              |## #
            0 |## #
              +----
              2024-01-01 2024-01-04

            """)
    }

    @Test func chartErrors() {
        let s = Project.sampleSession()
        func message(_ q: String) -> String? {
            do {
                _ = try s.query(q)
                return nil
            } catch {
                return error.diagnostics.first?.message
            }
        }
        #expect(message("events | summarize n = count() by country | chart pie") == "unknown chart 'pie'")
        #expect(message("events | chart bars | take 3") == "'chart' must be the last stage")
        #expect(message("events | project country | chart bars") == "'chart bars' needs a number column to draw")
        #expect(message("events | summarize n = count() by country | chart timeline") == "'chart timeline' needs a time column")
    }

    @Test func otherFormatsPrintTheDataInsteadOfAChart() throws {
        let r = try runEVQ(["-c", "events | where country == \"Lebanon\" | summarize n = count() by country | chart bars", "--format", "csv"])
        #expect(r.stdout == "country,n\nLebanon,3\n")
        let ascii = try runEVQ(["-c", "events | where country == \"Lebanon\" | summarize n = count() by country | chart bars", "--ascii"],
                               environment: ["COLUMNS": "40"])
        #expect(ascii.stdout == "n by country\nLebanon | ########################### 3\n")
    }
}

@Suite struct ChartEdgeTests {
    @Test func infiniteValuesDrawNoBarAndDoNotCrash() {
        var b = TableBuilder(name: "t")
        b.addColumn("k", [.string("a"), .string("b")])
        b.addColumn("x", [.float(.infinity), .float(2)])
        let text = ChartRenderer.render(b.build(), kind: .bars, style: ChartStyle(width: 40, unicode: false))
        #expect(text == "x by k\na | inf\nb | ############################### 2\n")
    }
}
