// SVG charts: the document's structure, and a real renderer (rsvg-convert) drawing it to a PNG
// that is not blank. `.output FILE.svg` at the prompt writes the chart there.

@testable import EVQ
import EVQEngine
import Foundation
import EVQTestSupport
import Testing

@Suite struct ChartSVGTests {
    static let rsvg = ["/usr/bin/rsvg-convert", "/usr/local/bin/rsvg-convert"].first { FileManager.default.isExecutableFile(atPath: $0) }

    private func monthly() -> Table {
        var b = TableBuilder(name: "t")
        b.addColumn("month", ["2020-01-01", "2020-02-01", "2022-03-01"].map { .time(TimeFormat.parse(Substring($0))!) })
        b.addColumn("n", [.int(30), .int(-10), .int(20)])
        return b.build()
    }

    /// Points on a 20 × 20 lattice for `chart map`, denser towards one corner.
    private func located() -> Table {
        var lats: [Value] = [], lons: [Value] = [], names: [Value] = []
        for i in 0..<400 {
            let lat = Double(i / 20) * 0.1 + 32, lon = Double(i % 20) * 0.1 + 36
            for _ in 0...(i / 40) {
                lats.append(.float(lat))
                lons.append(.float(lon))
                names.append(.string("p\(i / 20)"))
            }
        }
        var b = TableBuilder(name: "t")
        b.addColumn("location", names)
        b.addColumn("lat", lats)
        b.addColumn("lon", lons)
        return b.build()
    }

    @Test func timelineHasABarPerPointTicksAndEscapedTitle() throws {
        var b = TableBuilder(name: "t")
        b.addColumn("day", [.time(0), .time(86_400)])
        b.addColumn("a<b & c", [.int(1), .int(2)])
        let svg = try ChartSVG.render(b.build(), kind: .timeline).get()
        #expect(svg.hasPrefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"800\" height=\"400\""))
        #expect(svg.contains(">a&lt;b &amp; c by day</text>"))
        #expect(svg.components(separatedBy: "fill=\"#4e79a7\"").count - 1 == 2)
        #expect(svg.contains(">1970-01-01</text>"))
        #expect(svg.hasSuffix("</svg>\n"))
    }

    @Test func dateLabelsUnderManyColumnsDoNotOverlap() throws {
        var b = TableBuilder(name: "t")
        b.addColumn("day", (0..<366).map { .time(TimeFormat.parse("2016-01-01")! + Int64($0) * 86_400) })
        b.addColumn("n", (0..<366).map { .int(Int64($0 % 30)) })
        let svg = try ChartSVG.render(b.build(), kind: .timeline).get()
        let xs = svg.matches(of: /<text x="(?<x>[0-9.]+)" y="388.0"[^>]*>2016-[0-9-]+<\/text>/).map { Double($0.output.x)! }
        #expect(xs.count >= 4)
        for (a, b) in zip(xs, xs.dropFirst()) { #expect(b - a >= 7 * 10 + 12) }
        #expect(xs.allSatisfy { $0 + 70 <= 800 })
        // One column per day: nothing is averaged, so the title has no note.
        #expect(svg.contains(">n by day</text>"))
    }

    @Test func nothingToDrawIsAnError() {
        var b = TableBuilder(name: "t")
        b.addColumn("k", [Value.string("a")])
        guard case .failure(let e) = ChartSVG.render(b.build(), kind: .bars) else { Issue.record("drew a chart with no numbers"); return }
        #expect(e.message == "(nothing to draw: no number column)")
    }

    @Test(.enabled(if: rsvg != nil, "needs rsvg-convert (Debian librsvg2-bin, installed by .ci/setup)"), arguments: ChartKind.allCases)
    func rsvgConvertDrawsANonBlankPicture(kind: ChartKind) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("evq-svg-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let chart = try ChartSVG.render(kind == .map ? located() : monthly(), kind: kind).get()
        let png = try Self.rasterize(chart, in: directory, name: "chart")
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]))
        // Blank is what the same-sized white page compresses to; bars, axes and text take many times more.
        let size = try #require(chart.firstMatch(of: /width="(\d+)" height="(\d+)"/))
        let blank = try Self.rasterize("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(size.1)\" height=\"\(size.2)\"><rect width=\"100%\" height=\"100%\" fill=\"white\"/></svg>",
                                       in: directory, name: "blank")
        #expect(png.count > 3 * blank.count, "PNG of \(png.count) bytes, a blank one \(blank.count)")
    }

    /// The PNG rsvg-convert draws from `svg`.
    static func rasterize(_ svg: String, in directory: URL, name: String) throws -> Data {
        let svgPath = directory.appendingPathComponent(name + ".svg").path, pngPath = directory.appendingPathComponent(name + ".png").path
        try svg.write(toFile: svgPath, atomically: true, encoding: .utf8)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: rsvg!)
        p.arguments = ["--format", "png", "--output", pngPath, svgPath]
        let errors = Pipe()
        p.standardError = errors
        try p.run()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0, "\(String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self))")
        return try #require(FileManager.default.contents(atPath: pngPath))
    }

    @Test func dotOutputSVGWritesTheChartAndKeepsTablesOnScreen() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("evq-svg-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("report.svg").path
        let script = ".output \(path)\nevents | summarize n = count() by month(date) | chart timeline\nevents | where country == \"Lebanon\" | count\n"
        let r = try runEVQ([], input: script)
        #expect(r.status == 0)
        #expect(r.stderr == "chart written to \(path)\n")
        #expect(r.stdout == " count\n-------\n     3\n(1 row)\n")
        let svg = try String(contentsOfFile: path, encoding: .utf8)
        #expect(svg.contains(">n by date</text>"))
    }
}
