// Loading from paths: several files into one table, format by extension, the bundled sample,
// and the errors that stop a load.
import Foundation
import Testing
@testable import EVQStore

@Suite struct IngestFilesTests {
    @Test func unionOfTwoFilesInfersOverBoth() throws {
        let dir = try temporaryFiles([
            "a.csv": "id,date,x,v\n1,2024-01-02,10,1\n2,2024-01-01,20,2\n",
            "b.jsonl": "{\"date\": \"2024-01-03\", \"id\": 3, \"y\": \"yes\", \"v\": 2.5}\n",
        ])
        let paths = ["a.csv", "b.jsonl"].map { dir.appendingPathComponent($0).path }
        let r = try Ingest.load(paths: paths, tableName: "events")
        #expect(r.table.name == "events")
        #expect(r.table.schema.map(\.name) == ["id", "date", "x", "v", "y"])
        #expect(r.table.schema.map(\.type) == [.int, .time, .int, .float, .string])
        #expect(r.table.values("id") == [.int(2), .int(1), .int(3)])
        #expect(r.table.values("x") == [.int(20), .int(10), .null])
        #expect(r.table.values("y") == [.null, .null, .string("yes")])
        #expect(r.table.values("v") == [.float(2), .float(1), .float(2.5)])
        #expect(r.table.timeColumnIndex == 1)
        #expect(r.files == paths)
        #expect(r.rowsRead == 3)
    }

    @Test func issuesNameTheirFile() throws {
        let dir = try temporaryFiles(["one.csv": "a,b\n1,2\n", "two.tsv": "a\tb\n3\n"])
        let paths = ["one.csv", "two.tsv"].map { dir.appendingPathComponent($0).path }
        let r = try Ingest.load(paths: paths, tableName: "t")
        #expect(r.issueTexts == ["\(paths[1]):2:2: error: expected 2 fields, found 1"])
        #expect(r.table.values("a") == [.int(1)])
    }

    @Test func aDirectoryLoadsItsFilesInNameOrderAndReportsColumnsOnce() throws {
        let dir = try temporaryFiles(["b.csv": "id,x\n2,y\n", "a.csv": "id,v\n1,u\n", "c.csv": "id,v\n3,w\n", "notes.txt": "skip"])
        let r = try Ingest.load(paths: [dir.path], tableName: "t")
        #expect(r.files == ["a.csv", "b.csv", "c.csv"].map { dir.appendingPathComponent($0).path })
        #expect(r.table.values("id") == [.int(1), .int(2), .int(3)])
        #expect(r.issueTexts == [
            "\(r.files[1]):1:1: warning: lacks 1 column of \(r.files[0]): 'v'; null in its rows",
            "\(r.files[1]):1:1: warning: adds 1 column to \(r.files[0]): 'x'; null in the rows before",
        ])
    }

    @Test func formatByExtension() {
        #expect(FileFormat(path: "x/events.CSV") == .csv)
        #expect(FileFormat(path: "events.tsv") == .tsv)
        #expect(FileFormat(path: "events.ndjson") == .jsonl)
        #expect(FileFormat(path: "events.jsonl") == .jsonl)
        #expect(FileFormat(path: "events.json") == nil)
        #expect(FileFormat(path: "dir.csv/events") == nil)
    }

    @Test func loadErrors() throws {
        let dir = try temporaryFiles(["notes.txt": "hello\n"])
        let missing = dir.appendingPathComponent("missing.csv").path
        #expect(throws: IngestError.fileNotFound(missing)) { try Ingest.load(paths: [missing], tableName: "t") }
        let txt = dir.appendingPathComponent("notes.txt").path
        #expect(throws: IngestError.unknownFormat(txt)) { try Ingest.load(paths: [txt], tableName: "t") }
        #expect(throws: IngestError.unreadable(dir.path, "is a directory with no .csv, .tsv or .jsonl files")) {
            try Ingest.load(paths: [dir.path], tableName: "t")
        }
        #expect(throws: IngestError.noInput) { try Ingest.load(paths: [], tableName: "t") }
        #expect(IngestError.fileNotFound("x.csv").description == "x.csv: no such file")
        let forced = try Ingest.load(paths: [txt], tableName: "t", options: IngestOptions(format: .csv))
        #expect(forced.table.schema.map(\.name) == ["hello"])
    }

    @Test func bundledSampleLoadsCleanly() throws {
        let samples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Samples/ucdp-syria.csv").path
        let r = try Ingest.load(paths: [samples], tableName: "ucdp")
        #expect(r.issues.isEmpty)
        #expect(r.table.rowCount == 16_566)
        #expect(r.table.columns.count == 30)
        #expect(r.table.columns[r.table.timeColumnIndex ?? 0].name == "date")
        #expect(r.table.type(of: "fatalities") == .int)
        #expect(r.table.type(of: "lat") == .float)
        #expect(r.table.type(of: "date_end") == .time)
        #expect(r.table.type(of: "actor1") == .string)
        r.table.checkInvariants()
    }
}

@Suite struct MostlyUniqueColumnTests {
    /// Past 16,384 cells a mostly unique column stops deduplicating texts; repeated texts
    /// must still share one dictionary entry and be typed as usual.
    @Test func repeatedTextsAfterDeduplicationStopsShareAnID() throws {
        var text = "id,n\n"
        for i in 0..<20_000 { text += "e\(i % 18_000),\(i)\n" }
        let r = try load(text)
        guard case .string(let ids)? = r.table.column(named: "id")?.data else {
            Issue.record("id is not a string column")
            return
        }
        #expect(ids.dictionary.count == 18_000)
        #expect(ids.ids[18_000] == ids.ids[0])
        #expect(Array(ids.dictionary.values) == ids.dictionary.values.sorted())
        #expect(Array(ids.postings.rows(of: ids.dictionary.id(of: "e5")!)) == [5, 18_005])
        #expect(r.table.type(of: "n") == .int)
        #expect(r.table.value(row: 19_999, column: 1) == .int(19_999))
    }
}
