// `chart ... to "FILE.svg"`: the file it writes (rendered by rsvg-convert to a PNG that is not blank),
// with -c, in a script and from the library; and every way it can fail, with its message, position and exit code.

import EVQ
import EVQTestSupport
import Foundation
import Testing

@Suite struct ChartFileTests {
    /// A fresh folder for one test's files, removed by the caller.
    private func folder() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("evq-chart-to-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    private let monthly = "events | summarize n = count() by month(date) | chart timeline"

    @Test(.enabled(if: ChartSVGTests.rsvg != nil, "needs rsvg-convert (Debian librsvg2-bin, installed by .ci/setup)"))
    func dashCWritesTheChartThatRsvgConvertDraws() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = try runEVQ(["-c", monthly + " to \"months.svg\""], directory: dir)
        #expect(r.status == 0)
        #expect(r.stdout == "")
        #expect(r.stderr == "chart written to months.svg\n")
        let svg = try String(contentsOfFile: dir + "/months.svg", encoding: .utf8)
        // The same drawing as `.output FILE.svg` makes of the same result.
        let session = Project.sampleSession()
        let result = try session.query("events | summarize n = count() by month(date)")
        #expect(svg == (try ChartSVG.render(result.table, kind: .timeline).get()))
        let png = try ChartSVGTests.rasterize(svg, in: URL(fileURLWithPath: dir), name: "drawn")
        let blank = try ChartSVGTests.rasterize("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"800\" height=\"400\"><rect width=\"100%\" height=\"100%\" fill=\"white\"/></svg>",
                                                in: URL(fileURLWithPath: dir), name: "blank")
        #expect(png.count > 3 * blank.count, "PNG of \(png.count) bytes, a blank one \(blank.count)")
    }

    @Test func aScriptWritesEachChartAndPrintsItsTables() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let script = """
            events | summarize killed = sum(fatalities) by country | chart bars to "countries.svg"
            events | where country == "Lebanon" | count
            events | where id startswith "seed-" and lon > 30 | chart map to "seed.svg"

            """
        try script.write(toFile: dir + "/report.evq", atomically: true, encoding: .utf8)
        let r = try runEVQ(["run", "report.evq"], directory: dir)
        #expect(r.status == 0)
        #expect(r.stdout == " count\n-------\n     3\n(1 row)\n")
        #expect(r.stderr == "chart written to countries.svg\nchart written to seed.svg\n")
        #expect(try String(contentsOfFile: dir + "/countries.svg", encoding: .utf8).contains(">killed by country</text>"))
        #expect(try String(contentsOfFile: dir + "/seed.svg", encoding: .utf8).hasPrefix("<?xml"))
    }

    @Test func theLibraryWritesItTooAndExplainShowsIt() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let session = Project.sampleSession()
        let result = try session.query("events | summarize n = count() by type | chart bars to \"\(dir)/types.svg\"")
        #expect(result.rowCount > 0)
        #expect(try String(contentsOfFile: dir + "/types.svg", encoding: .utf8).contains(">n by type</text>"))
        let r = try runEVQ(["-c", "explain events | summarize n = count() by type | chart bars to \"types.svg\""], directory: dir)
        #expect(r.stdout.hasPrefix("Chart bars to \"types.svg\" (SVG)\nAggregate n = count() by type  (~"))
        let plain = try runEVQ(["-c", "explain events | summarize n = count() by type | chart bars"], directory: dir)
        #expect(plain.stdout.hasPrefix("Chart bars\nAggregate n = count() by type  (~"))
    }

    /// Each failure: its message, where the caret points (under the quoted name) and the exit code.
    @Test(arguments: [
        ("to \"deaths.png\"", "error: a chart is written as SVG: the file name must end in .svg", "for example: to \"deaths.svg\"", Int32(65)),
        ("to \"deaths\"", "error: a chart is written as SVG: the file name must end in .svg", "for example: to \"deaths.svg\"", 65),
        ("to \"out/\"", "error: a chart is written as SVG: the file name must end in .svg", "for example: to \"chart.svg\"", 65),
        ("to \"folder.svg\"", "error: cannot write the chart to \"folder.svg\": Is a directory",
         "name a file in that folder: \"folder.svg/chart.svg\"", 74),
        ("to \"missing/x.svg\"", "error: cannot write the chart to \"missing/x.svg\": the folder missing does not exist", nil, 74),
        ("to \"full.svg\"", "error: cannot write the chart to \"full.svg\": No space left on device", nil, 74),
    ] as [(String, String, String?, Int32)])
    func aFileThatCannotBeWrittenIsAnErrorAtItsName(_ clause: String, _ message: String, _ hint: String?, _ status: Int32) throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir + "/folder.svg", withIntermediateDirectories: false)
        try FileManager.default.createSymbolicLink(atPath: dir + "/full.svg", withDestinationPath: "/dev/full")
        let query = "events | summarize n = count() by country | chart bars " + clause
        let r = try runEVQ(["-c", query], directory: dir)
        #expect(r.status == status)
        #expect(r.stdout == "")
        let column = query.distance(from: query.startIndex, to: query.firstIndex(of: "\"")!) + 1
        let quoted = clause.count - 3
        #expect(r.stderr == "<command>:1:\(column): \(message)\n 1 | \(query)\n   | \(String(repeating: " ", count: column - 1))"
            + String(repeating: "^", count: quoted) + (hint.map { " " + $0 } ?? "") + "\n")
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: "/sys/kernel"), "needs Linux sysfs, where no one may create a file"))
    func aFolderNoOneMayWriteToIsAnIOError() throws {
        let r = try runEVQ(["-c", "events | summarize n = count() by country | chart bars to \"/sys/deaths.svg\""])
        #expect(r.status == 74)
        #expect(r.stderr.hasPrefix("<command>:1:59: error: cannot write the chart to \"/sys/deaths.svg\": Permission denied\n"))
    }

    @Test func nothingToDrawWritesNoFile() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = try runEVQ(["-c", "events | where country == \"Atlantis\" | summarize n = count() by country | chart bars to \"none.svg\""], directory: dir)
        #expect(r.status == 65)
        #expect(r.stderr.hasPrefix("<command>:1:89: error: the chart was not written to \"none.svg\": no rows\n"))
        #expect(!FileManager.default.fileExists(atPath: dir + "/none.svg"))
    }

    @Test func helpChartNamesTheClause() throws {
        let r = try runEVQ([], input: ".help chart\n")
        #expect(r.stdout.hasPrefix("chart: draw the result: "))
        #expect(r.stdout.hasSuffix("; chart bars to \"deaths.svg\" writes it to an SVG file instead\n"))
    }

    @Test func toNeedsAQuotedFileName() throws {
        let r = try runEVQ(["-c", "events | summarize n = count() by country | chart bars to deaths.svg"])
        #expect(r.status == 65)
        #expect(r.stderr == """
            <command>:1:59: error: expected the file to write the chart to, found 'deaths'
             1 | events | summarize n = count() by country | chart bars to deaths.svg
               |                                                           ^^^^^^ a file name in quotes: chart bars to "chart.svg"

            """)
    }
}
