// The command line's input flags end to end: null tokens, --trim, --time with a layout,
// --input-format, globs, --strict and --rejects with their exact messages and exit codes.
import EVQ
import EVQStore
import EVQTestSupport
import Foundation
import Testing

@Suite struct LoadFlagsTests {
    func directory(_ files: [String: String]) throws -> String {
        let dir = NSTemporaryDirectory() + "evq-flags-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        for (name, text) in files { try text.write(toFile: dir + "/" + name, atomically: true, encoding: .utf8) }
        return dir
    }

    @Test func nullTokensTrimAndTime() throws {
        let dir = try directory(["e.csv": "id,when,city\n1,18/02/2015, Aleppo \n2,01/02/2015,NA\n3,05/03/2015,-\n"])
        let base = ["--data", dir + "/e.csv", "--format", "csv", "--time", "when=dd/mm/yyyy", "-c"]
        let r = try runEVQ(base + ["events | project id, when, city"])
        #expect(r.stdout == "id,when,city\n2,2015-02-01,\n1,2015-02-18, Aleppo \n3,2015-03-05,-\n")
        #expect(r.stderr == "")
        let more = try runEVQ(base + ["events | project city", "--null", "-", "--trim"])
        #expect(more.stdout == "city\n\nAleppo\n\n")
        let off = try runEVQ(base + ["events | where city == \"NA\" | count", "--no-null-tokens"])
        #expect(off.stdout == "count\n1\n")
        let badLayout = try runEVQ(base + ["events | count", "--time", "when=dd.mm"])
        #expect(badLayout.status == 64)
        #expect(badLayout.stderr == "error: --time when=dd.mm: unknown layout 'dd.mm'; layouts: iso, yyyymmdd, yyyymmddhhmmss, unix, dd/mm/yyyy, mm/dd/yyyy, d month yyyy\n")
        let badColumn = try runEVQ(["--data", dir + "/e.csv", "--time", "wen", "-c", "events | count"])
        #expect(badColumn.status == 64)
        #expect(badColumn.stderr == "error: --time wen: table events has no column 'wen'\n")
    }

    @Test func strictRejectsAndTheSummaryLine() throws {
        let dir = try directory(["bad.csv": "id,n\n1,2\n3\n4,5\n6,7,8\n"])
        let r = try runEVQ(["--data", dir + "/bad.csv", "--rejects", dir + "/rejected.csv", "-c", "events | count", "--format", "csv"])
        #expect(r.status == 0)
        #expect(r.stdout == "count\n2\n")
        #expect(r.stderr == """
            \(dir)/bad.csv:3:2: error: expected 2 fields, found 1
            \(dir)/bad.csv:5:5: error: expected 2 fields, found 3
            evq: table events: 4 rows read, 2 loaded, 2 rejected (2 wrong number of fields)

            """)
        #expect(try String(contentsOfFile: dir + "/rejected.csv", encoding: .utf8) == "3\n6,7,8\n")
        let strict = try runEVQ(["--data", dir + "/bad.csv", "--strict", "-c", "events | count"])
        #expect(strict.status == 65)
        #expect(strict.stdout == "")
        #expect(strict.stderr == "error: \(dir)/bad.csv:3:2: expected 2 fields, found 1 (--strict stops at the first error)\n")
    }

    @Test func inputFormatAndGlobs() throws {
        let dir = try directory(["a.csv": "id,date\n1,2024-01-02\n", "b.csv": "id,date\n2,2024-01-01\n"])
        let r = try runEVQ(["--data", dir + "/*.csv", "-c", "events | project id", "--format", "csv"])
        #expect(r.stdout == "id\n2\n1\n")
        let unknown = try runEVQ(["--data", dir + "/a.csv", "--input-format", "acled2", "-c", "events | count"])
        #expect(unknown.status == 64)
        #expect(unknown.stderr.hasPrefix("error: --input-format: unknown format 'acled2'; formats: gdelt1-events, gdelt2-events, gdelt2-mentions, ucdp-ged, acled, icews, csv, tsv, jsonl\n"))
        let gdelt = try runEVQ(["--data", Project.path("Samples/formats/20150218230000.export.CSV"), "--input-format", "gdelt2-events",
                                "-c", "events | where type == \"Fight\" | count", "--format", "csv"])
        #expect(gdelt.stdout == "count\n41\n")
    }

    @Test func theLoadingPageListsTheDefaults() throws {
        let page = try String(contentsOfFile: Project.path("Sources/EVQ/EVQ.docc/Loading.md"), encoding: .utf8)
        #expect(page.contains(IngestOptions.defaultNullTokens.map { "`\($0)`" }.joined(separator: ", ")))
        for name in IngestOptions.timeColumnCandidates { #expect(page.contains("`\(name)`"), "\(name)") }
        for layout in TimeLayout.allCases { #expect(page.contains("| `\(layout.rawValue)` |"), "\(layout.rawValue)") }
        for format in EventFormat.allCases { #expect(page.contains("| `\(format.rawValue)` |"), "\(format.rawValue)") }
    }
}
