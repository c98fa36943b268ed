// `evq ingest` as a user runs it: in segments of bounded size, into a table whose columns
// differ, and failing part way (a full disk, Ctrl-C) with the store left as it was.
import EVQ
import EVQTestSupport
import Foundation
import Testing

@Suite(.serialized) struct StoreIngestCLITests {
    static let syria = Project.path("Samples/ucdp-syria.csv")
    static let seed = Project.path("Samples/seed-events.csv")

    func storeWithSeed() throws -> (store: String, manifest: Data) {
        let store = StoreCLITests.freshStore()
        #expect(try runEVQ(["ingest", Self.seed, "--store", store]).status == 0)
        return (store, try Data(contentsOf: URL(fileURLWithPath: store + "/MANIFEST")))
    }

    func files(_ store: String) throws -> [String] { try FileManager.default.contentsOfDirectory(atPath: store).sorted() }

    @Test func aBigInputIsWrittenInSegmentsWithTheAnswersOfTheCSV() throws {
        let store = StoreCLITests.freshStore()
        let r = try runEVQ(["ingest", Self.syria, "--store", store], environment: ["EVQ_SEGMENT_ROWS": "5000"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.hasPrefix("\(store): table events: 16,566 rows ingested as segments 1–4 ("))
        #expect(r.stderr == "")  // not a terminal: no progress line
        let script = ["events | count", "events | where date in 2017-03 | summarize n = count(), killed = sum(fatalities) by country | top 3 by n",
                      "events | where notes has \"air strike\" | count", "events | sort by date, id | project id, date | take 4"].joined(separator: "\n")
        let a = try runEVQ(["--store", store], input: script)
        #expect(a.status == 0, "\(a.stderr)")
        #expect(a.stdout == (try runEVQ(["--data", Self.syria], input: script)).stdout)
        #expect(try runEVQ(["stats", "--store", store]).stdout.contains("\ntable events: 16,566 events in 4 segments\n"))
    }

    @Test func appendingAFileWithOtherColumns() throws {
        let (store, _) = try storeWithSeed()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("evq-cols-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try "fatalities,date,actor1,source_url\n5,2024-12-01,Hezbollah,http://x\n".write(toFile: dir + "/more.csv", atomically: true, encoding: .utf8)
        let r = try runEVQ(["ingest", dir + "/more.csv", "--store", store])
        #expect(r.status == 0, "\(r.stderr)")
        let q = try runEVQ(["--store", store, "--format", "csv", "-c",
                            "events | summarize n = count(), urls = countif(isnotnull(source_url)), actors = countif(isnotnull(actor1)) by new = date >= 2024-12-01"])
        #expect(q.stdout == "new,n,urls,actors\nfalse,19,0,19\ntrue,1,1,1\n")
        let top = try runEVQ(["--store", store, "--format", "csv", "-c", "events | top 1 by date | project date, actor1, fatalities, country, source_url"])
        #expect(top.stdout == "date,actor1,fatalities,country,source_url\n2024-12-01,Hezbollah,5,,http://x\n")
        try "date,fatalities\n2024-12-02,many\n".write(toFile: dir + "/bad.csv", atomically: true, encoding: .utf8)
        let bad = try runEVQ(["ingest", dir + "/bad.csv", "--store", store])
        #expect(bad.status == 65)
        #expect(bad.stderr == "error: table events: column 'fatalities' is int in the store and string in the new rows; "
            + "use --type fatalities=int to read it as the store does\nevq: nothing was ingested; the store \(store) is as it was\n")
    }

    /// `ulimit -f` makes a write fail with EFBIG, as a full disk does with ENOSPC.
    @Test func aFailedWriteNamesTheFileAndLeavesTheStoreAsItWas() throws {
        let (store, manifest) = try storeWithSeed()
        let before = try files(store)
        let tail = ": write failed: the file is larger than allowed (a file size limit such as ulimit -f)\n"
            + "evq: nothing was ingested; the store \(store) is as it was\n"
        for (rows, file) in [("0", "/seg-000002-"), ("5000", "/ingest-")] {
            let r = try limitedIngest(store, rows: rows)
            #expect(r.status == 74)
            #expect(r.stderr.hasPrefix("error: \(store)\(file)"), "\(r.stderr)")
            #expect(r.stderr.hasSuffix(tail), "\(r.stderr)")
            #expect(try Data(contentsOf: URL(fileURLWithPath: store + "/MANIFEST")) == manifest)
            #expect(try files(store) == before)
        }
        #expect(try runEVQ(["--store", store, "-c", "events | count", "--format", "csv"]).stdout == "count\n19\n")
    }

    /// `evq ingest` of the Syria sample in a shell whose files may not pass 1000 KB.
    func limitedIngest(_ store: String, rows: String) throws -> (status: Int32, stderr: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/bash")
        p.arguments = ["-c", "ulimit -f 1000; exec \"$0\" ingest \"$1\" --store \"$2\"", Project.evqBinary, Self.syria, store]
        p.environment = ProcessInfo.processInfo.environment.merging(["EVQ_SEGMENT_ROWS": rows == "0" ? "1048576" : rows]) { $1 }
        let err = Pipe()
        p.standardOutput = FileHandle.nullDevice
        p.standardError = err
        try p.run()
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        return (p.terminationStatus, stderr)
    }

    @Test func ctrlCDuringAnIngestLeavesTheStoreAsItWasAndSaysSo() throws {
        let (store, manifest) = try storeWithSeed()
        let before = try files(store)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Project.evqBinary)
        p.arguments = ["ingest", Self.syria, "--store", store]
        p.environment = ProcessInfo.processInfo.environment.merging(["EVQ_SEGMENT_ROWS": "400", "NO_COLOR": "1"]) { $1 }
        let err = Pipe()
        p.standardOutput = FileHandle.nullDevice
        p.standardError = err
        try p.run()
        // Wait until it writes its new segments (41 of them), then press Ctrl-C.
        let deadline = Date().addingTimeInterval(60)
        while try files(store).filter({ $0.hasPrefix("seg-000002-") }).count < 2 && p.isRunning && Date() < deadline { usleep(2_000) }
        kill(p.processIdentifier, SIGINT)
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        #expect(p.terminationStatus == 130)
        #expect(stderr == "Interrupted\nevq: nothing was ingested; the store \(store) is as it was\n")
        #expect(try Data(contentsOf: URL(fileURLWithPath: store + "/MANIFEST")) == manifest)
        #expect(try files(store) == before)
    }
}
