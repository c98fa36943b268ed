// Ingest that hands its rows over in segments (bounded memory): the segments hold exactly the
// rows a load into memory gives, with the types inferred over every file, each in time order.
import Foundation
import Testing
@testable import EVQStore

@Suite struct SegmentedIngestTests {
    /// Loads `paths` in memory and in segments of `rows`; the segments and the whole table.
    func bothWays(_ paths: [String], rows: Int, options: IngestOptions = .init()) throws -> (whole: Table, segments: [Table], result: IngestResult) {
        let whole = try Ingest.load(paths: paths, tableName: "t", options: options).table
        var segments: [Table] = []
        let output = SegmentOutput(rows: rows, spillDirectory: NSTemporaryDirectory()) { (t) throws(StoreError) in segments.append(t) }
        let result = try Ingest.load(paths: paths, tableName: "t", options: options, segments: output)
        return (whole, segments, result)
    }

    @Test func segmentsHoldEveryRowWithTheTypesOfTheWholeInput() throws {
        // `code` reads as int until the last rows; `extra` appears in the second file only;
        // `date` is out of order across the input.
        var first = "id,date,code,notes\n"
        for i in 0..<25 { first += "\(i),2024-01-\(String(format: "%02d", 28 - i)),\(i * 2),note \(i % 3)\n" }
        var second = "id,date,code,notes,extra\n"
        for i in 25..<31 { second += "\(i),2023-12-\(String(format: "%02d", i - 20)),\(i == 30 ? "x7" : String(i)),\(i % 2 == 0 ? "" : "late"),\(i)\n" }
        let dir = try temporaryFiles(["a.csv": first, "b.csv": second])
        let (whole, segments, result) = try bothWays([dir.appendingPathComponent("a.csv").path, dir.appendingPathComponent("b.csv").path], rows: 10)
        #expect(segments.map(\.rowCount) == [10, 10, 10, 1])
        #expect(result.rowsRead == 31)
        for s in segments {
            #expect(s.schema.map(\.name) == whole.schema.map(\.name))
            #expect(s.schema.map(\.type) == whole.schema.map(\.type))
            #expect(s.timeColumnIndex == whole.timeColumnIndex)
            let times = s.values("date").map { v -> Int64 in if case .time(let t) = v { t } else { .max } }
            #expect(times == times.sorted())
        }
        #expect(whole.type(of: "code") == .string)
        #expect(whole.type(of: "extra") == .int)
        let key: ([Value]) -> String = { $0.map { ValueFormat.plain($0) }.joined(separator: ",") }
        let all = segments.flatMap { s in (0..<s.rowCount).map { key(s.row($0)) } }
        #expect(all.sorted() == (0..<whole.rowCount).map { key(whole.row($0)) }.sorted())
        #expect(segments[0].values("extra") == Array(repeating: .null, count: 10))
    }

    /// Segments read in parts on several cores (a window of parts at a time, each part's rows
    /// split where a chunk fills) are the segments of one pass: same rows, dictionaries,
    /// issues, whatever the part size, on the messy file of ParallelIngestTests.
    @Test(arguments: [7, 64, 333, 4096])
    func segmentsReadInPartsAreThoseOfOnePass(partBytes: Int) throws {
        let dir = try temporaryFiles(["m.csv": ParallelIngestTests.messyCSV(rows: 400, seed: UInt64(partBytes))])
        let path = dir.appendingPathComponent("m.csv").path
        func segments(_ partBytes: Int?) throws -> ([Table], IngestResult) {
            var out: [Table] = []
            let output = SegmentOutput(rows: 37, spillDirectory: NSTemporaryDirectory()) { (t) throws(StoreError) in out.append(t) }
            let result = try Ingest.load(paths: [path], tableName: "t", options: ParallelIngestTests.options(partBytes: partBytes), segments: output)
            return (out, result)
        }
        let (one, oneResult) = try segments(nil)
        let (parts, partsResult) = try segments(partBytes)
        #expect(one.count > 5 && one.dropLast().allSatisfy { $0.rowCount == 37 })
        #expect(parts.map(\.rowCount) == one.map(\.rowCount))
        #expect(partsResult.issueTexts == oneResult.issueTexts && partsResult.rowsRejected == oneResult.rowsRejected)
        for (a, b) in zip(parts, one) {
            #expect(a.schema.map(\.type) == b.schema.map(\.type))
            for (name, _) in a.schema {
                #expect(a.values(name) == b.values(name), "column \(name)")
                if case .string(let x) = a.column(named: name)!.data, case .string(let y) = b.column(named: name)!.data {
                    #expect(Array(x.dictionary.values) == Array(y.dictionary.values), "dictionary of \(name)")
                }
            }
        }
    }

    @Test func oneSegmentWhenTheInputIsSmallAndAnEmptyOneForNoRows() throws {
        let dir = try temporaryFiles(["a.csv": "id,date\n1,2024-01-02\n2,2024-01-01\n", "e.csv": "id,date\n"])
        let small = try bothWays([dir.appendingPathComponent("a.csv").path], rows: 1 << 20)
        #expect(small.segments.map(\.rowCount) == [2])
        #expect(small.segments[0].values("date") == small.whole.values("date"))
        let empty = try bothWays([dir.appendingPathComponent("e.csv").path], rows: 10)
        #expect(empty.segments.map(\.rowCount) == [0])
    }

    @Test func aSpillThatCannotBeWrittenIsAnErrorNamingIt() throws {
        let output = SegmentOutput(rows: 1, spillDirectory: "/no/such/dir") { (_) throws(StoreError) in }
        let dir = try temporaryFiles(["a.csv": "id\n1\n2\n"])
        #expect {
            try Ingest.load(paths: [dir.appendingPathComponent("a.csv").path], tableName: "t", options: .init(), segments: output)
        } throws: { error in
            guard case .output(.io(let path, let reason)) = error as? IngestError else { return false }
            return path.hasPrefix("/no/such/dir/ingest-") && reason == "create failed: No such file or directory"
        }
    }

    /// Chunks are written on a thread of their own: a write that fails (the disk full) is
    /// reported when the reader waits for them, and no chunk after it is written.
    @Test func aSpillWriteThatFailsIsReportedWhenTheSpillFinishes() throws {
        let fd = open("/dev/full", O_RDWR | O_CLOEXEC)
        try #require(fd >= 0, "/dev/full opens")
        let spill = ChunkSpill(path: "/tmp/full.spill", descriptor: fd)
        var column = TableAccumulator.PendingColumn(name: "id", forced: nil, layout: nil)
        column.ids = [0, 1]
        _ = [UInt8]("ab".utf8).withUnsafeBufferPointer { column.texts.intern($0) }
        spill.write([column], rows: 2)
        spill.write([column], rows: 2)
        #expect(throws: IngestError.output(.io(path: "/tmp/full.spill", message: "write failed: the disk is full"))) { try spill.finish() }
        #expect(spill.chunks.isEmpty)
    }

    @Test func aFailedSegmentWriteEndsTheLoad() throws {
        let dir = try temporaryFiles(["a.csv": "id\n1\n2\n3\n"])
        var calls = 0
        let output = SegmentOutput(rows: 1, spillDirectory: NSTemporaryDirectory()) { (_) throws(StoreError) in
            calls += 1
            if calls == 2 { throw StoreError.io(path: "seg", message: "write failed: the disk is full") }
        }
        #expect(throws: IngestError.output(.io(path: "seg", message: "write failed: the disk is full"))) {
            try Ingest.load(paths: [dir.appendingPathComponent("a.csv").path], tableName: "t", options: .init(), segments: output)
        }
        #expect(calls == 2)
    }
}
