// Charts: the text drawn for bars and timelines, ASCII and Unicode, and chart errors.

@testable import EVQ
import EVQEngine
import EVQTestSupport
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

    private func series(_ days: [String], _ values: [Value], name: String = "day") -> Table {
        var b = TableBuilder(name: "t")
        b.addColumn(name, days.map { .time(TimeFormat.parse(Substring($0))!) })
        b.addColumn("n", values)
        return b.build()
    }

    @Test func timelineLeavesAQuietDayBlankAndLabelsTheYAxis() {
        // Daily points with 2024-01-03 missing: its column stays empty, between its neighbours.
        let text = ChartRenderer.render(series(["2024-01-01", "2024-01-02", "2024-01-04"], [.int(4), .int(2), .int(2)]), kind: .timeline,
                                        style: ChartStyle(width: 40, unicode: false, height: 4))
        #expect(text == """
            n by day
            4 |#
              |#
            2 |## #
              |## #
            0 +----
               2024-01-01
            
            """)
    }

    @Test func timelineSpacesMonthsByTimeSoAGapShows() {
        // Three months, then nothing for two years, then one: the gap takes the columns of its months.
        let months = ["2020-01-01", "2020-02-01", "2020-03-01", "2022-03-01"]
        let text = ChartRenderer.render(series(months, [.int(3), .int(3), .int(3), .int(3)]), kind: .timeline,
                                        style: ChartStyle(width: 40, unicode: false, height: 2))
        #expect(text == """
            n by day
            5 |
              |###                       #
              |###                       #
            0 +---------------------------
               2020-01             2022-03

            """)
    }

    @Test func timelineDrawsNegativeValuesBelowTheZeroLine() {
        let text = ChartRenderer.render(series(["2024-01-01", "2024-01-02", "2024-01-03"], [.int(2), .int(-2), .int(1)]), kind: .timeline,
                                        style: ChartStyle(width: 40, unicode: false, height: 4))
        #expect(text == """
            n by day
             2 |#
               |# #
             0 +---
               | #
            -2 | #
                2024-01-01

            """)
    }

    @Test func timelineOfOnePointAndOfOnlyNulls() {
        let one = ChartRenderer.render(series(["2024-05-01"], [.int(7)]), kind: .timeline, style: ChartStyle(width: 40, unicode: true, height: 3))
        #expect(one == """
            n by day
            10 ┤▁
               │█
               │█
             0 └─
                2024-05-01

            """)
        let none = ChartRenderer.render(series(["2024-05-01", "2024-05-02"], [.null, .float(.nan)]), kind: .timeline, style: ChartStyle())
        #expect(none == "(nothing to draw: every value is null, NaN or infinite)\n")
    }

    @Test func timelineSaysWhatAColumnMeansWhenPointsShareIt() {
        var days: [String] = []
        for d in 0..<100 { days.append(TimeFormat.formatDate(TimeFormat.parse("2024-01-01")! + Int64(d) * 86_400)) }
        let text = ChartRenderer.render(series(days, days.map { _ in .int(5) } + []), kind: .timeline, style: ChartStyle(width: 40))
        #expect(text.hasPrefix("n by day (each column: the mean of 2.8 days)\n"))
        let nulls = ChartRenderer.render(series(["2024-01-01", "2024-01-02"], [.int(1), .null]), kind: .timeline, style: ChartStyle(width: 40))
        #expect(nulls.hasPrefix("n by day (1 row with a null or non-finite value not drawn)\n"))
    }

    @Test func dailyCountsOverAYearDrawWithoutCrashing() throws {
        // Was "Fatal error: Negative count not allowed": the summed columns outgrew the y label's width.
        for key in ["day(date)", "week(date)", "bin(date, 1d)", "month(date)"] {
            let r = try runEVQ(["-c", "events | where date in 2016 | summarize n = count() by \(key) | chart timeline"], environment: ["COLUMNS": "80"])
            #expect(r.status == 0, "\(key): \(r.stderr)")
            #expect(r.stdout.hasPrefix("n by date"))
            #expect(r.stdout.split(separator: "\n").allSatisfy { $0.displayWidth <= 80 })
        }
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

/// Random series and widths: every chart draws without a crash and fits its width.
@Suite struct ChartPropertyTests {
    /// xorshift64*, seeded per case so that a failure names the series that caused it.
    struct Random {
        var state: UInt64
        mutating func next() -> UInt64 {
            state ^= state >> 12
            state ^= state << 25
            state ^= state >> 27
            return state &* 2_685_821_657_736_338_717
        }
        mutating func int(_ range: ClosedRange<Int>) -> Int { range.lowerBound + Int(next() % UInt64(range.count)) }
    }

    static func value(_ g: inout Random) -> Value {
        switch g.int(0...9) {
        case 0: return .null
        case 1: return .float([.nan, .infinity, -.infinity, 1e300, -1e300, 1e-300][g.int(0...5)])
        case 2: return .int(Int64(g.int(-1_000_000...1_000_000)))
        case 3: return .float(Double(g.int(-1000...1000)) / 7)
        default: return .int(Int64(g.int(0...50)))
        }
    }

    static func table(seed: UInt64) -> Table {
        var g = Random(state: seed | 1)
        let count = [0, 1, 2, 3, 17, 400, 2000][g.int(0...6)]
        let start = Int64(g.int(-2_000_000_000...4_000_000_000))
        let step = Int64([1, 60, 3600, 86_400, 604_800, 2_629_746, 31_556_952][g.int(0...6)])
        var times: [Value] = [], values: [Value] = [], labels: [Value] = []
        for i in 0..<count {
            let jitter = g.int(0...3) == 0 ? Int64(g.int(0...100_000)) : 0
            times.append(g.int(0...40) == 0 ? .null : .time(start + Int64(i) * step * Int64(g.int(1...3)) + jitter))
            values.append(value(&g))
            labels.append(.string(["Syria", "東京都", "🇸🇾 flag", "", "a very long label that goes on and on and on and on"][g.int(0...4)]))
        }
        var b = TableBuilder(name: "t")
        b.addColumn("label", labels, type: .string)
        b.addColumn("when", times, type: .time)
        b.addColumn("n", values, type: .float)
        return b.build()
    }

    @Test(arguments: 1...100)
    func randomSeriesDrawWithinTheirWidth(seed: Int) {
        let t = Self.table(seed: UInt64(seed) &* 0x9E37_79B9)
        var g = Random(state: UInt64(seed) | 7)
        let style = ChartStyle(width: g.int(1...220), unicode: seed % 2 == 0, height: g.int(0...20))
        for kind in ChartKind.allCases {
            let text = ChartRenderer.render(t, kind: kind, style: style)
            #expect(text.hasSuffix("\n"))
            for line in text.split(separator: "\n").dropFirst() where kind == .timeline {
                #expect(line.displayWidth <= style.width, "seed \(seed), width \(style.width): \(line)")
            }
            if kind == .bars {
                // Labels are cut at 32 columns; the value text is never cut.
                for line in text.split(separator: "\n").dropFirst() { #expect(line.displayWidth <= max(style.width, 32 + 3 + 24 + 10)) }
            }
            _ = ChartSVG.render(t, kind: kind, width: style.width * 8, height: style.height * 30)
        }
    }
}
