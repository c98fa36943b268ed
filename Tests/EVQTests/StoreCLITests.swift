// The store from the command line: ingest, query, stats, compact, check, the prompt's .open,
// Session(store:), a second writer, failed ingests, and kill -9 in the middle of an ingest.
import EVQ
import EVQStore
import EVQTestSupport
import Foundation
import Testing

@Suite(.serialized) struct StoreCLITests {
    static func freshStore() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("evq-cli-store-\(UUID().uuidString)").path
    }

    static let syria = Project.path("Samples/ucdp-syria.csv")
    static let seed = Project.path("Samples/seed-events.csv")

    @Test func ingestAppendQueryStatsCompactCheck() throws {
        let store = Self.freshStore()
        let first = try runEVQ(["ingest", Self.seed, "--store", store])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.hasPrefix("\(store): table events: 19 rows ingested as segment 1 ("))
        let second = try runEVQ(["ingest", Self.seed, "--store", store])
        #expect(second.stdout.hasPrefix("\(store): table events: 19 rows ingested as segment 2 ("))
        let actors = try runEVQ(["ingest", Project.path("Samples/actors.csv"), "--store", store, "--table", "actors"])
        #expect(actors.status == 0)
        let q = "events | where actor1 in (actors | where backer == \"Iran\" | project name) | summarize n = count() by actor1 | sort by actor1"
        let fromStore = try runEVQ(["--store", store, "-c", q, "--format", "csv"])
        let fromCSV = try runEVQ(["--data", Self.seed, "--data", Self.seed, "--data", "actors=" + Project.path("Samples/actors.csv"), "-c", q, "--format", "csv"])
        #expect(fromStore.status == 0, "\(fromStore.stderr)")
        #expect(fromStore.stdout == fromCSV.stdout)
        #expect(fromStore.stdout.hasPrefix("actor1,n\n"))
        let stats = try runEVQ(["stats", "--store", store])
        #expect(stats.stdout.hasPrefix("\(store): 2 tables, 3 segments, "))
        #expect(stats.stdout.contains("\ntable events: 38 events in 2 segments\n"))
        #expect(stats.stdout.contains("  column "))
        let compact = try runEVQ(["compact", "--store", store])
        #expect(compact.stdout.hasPrefix("\(store): table events: 38 rows in 1 segment ("))
        #expect(try runEVQ(["--store", store, "-c", q, "--format", "csv"]).stdout == fromCSV.stdout)
        #expect(try runEVQ(["compact", "--store", store]).stdout == "\(store): nothing to compact (every table is one segment)\n")
        #expect(try runEVQ(["check", "--store", store]).stdout == "\(store): ok\n")
    }

    @Test func theSameQueriesGiveTheSameAnswersFromAStore() throws {
        let store = Self.freshStore()
        #expect(try runEVQ(["ingest", Self.syria, "--store", store]).status == 0)
        let script = ["events | count", "events | where notes has \"air strike\" | count",
                      "events | where date in 2017-03 | summarize n = count(), killed = sum(fatalities) by country | top 3 by n",
                      "events | where actor1 contains \"islamic\" | project date, actor1, location | take 5",
                      "events | where id == \"123\" or fatalities > 500 | project id, date | sort by date"].joined(separator: "\n")
        let a = try runEVQ(["--store", store], input: script)
        let b = try runEVQ(["--data", Self.syria], input: script)
        #expect(a.status == 0, "\(a.stderr)")
        #expect(a.stdout == b.stdout)
        #expect(a.stdout.components(separatedBy: "(1 row)").count == 4)  // the two counts and the top 3 (Syria alone)
    }

    @Test func sessionOpensAStoreForEmbedding() throws {
        let store = Self.freshStore()
        #expect(try runEVQ(["ingest", Self.seed, "--store", store]).status == 0)
        let session = try Session(store: URL(fileURLWithPath: store))
        #expect(try session.query("events | count").table.value(row: 0, column: 0) == .int(19))
        #expect(throws: EVQError.self) { try Session(store: URL(fileURLWithPath: store + "-missing")) }
        do {
            _ = try Session(store: URL(fileURLWithPath: store + "-missing"))
        } catch {
            #expect(error.render() == "error: no such file: \(store)-missing\n")
            #expect(error.exitCode == 66)
        }
    }

    @Test func dotOpenAtThePrompt() throws {
        let store = Self.freshStore()
        #expect(try runEVQ(["ingest", Self.seed, "--store", store]).status == 0)
        let r = try runEVQ(["--data", Self.seed], input: ".open \(store)\nevents | count\n")
        #expect(r.stdout == "opened events: 19 rows in 1 segment\n count\n-------\n    19\n(1 row)\n")
        let missing = try runEVQ(["--data", Self.seed], input: ".open \(store)-nope\n")
        #expect(missing.stderr.contains("no such file: \(store)-nope"))
    }

    @Test func aFailedIngestLeavesTheStoreAsItWasAndSaysSo() throws {
        let store = Self.freshStore()
        #expect(try runEVQ(["ingest", Self.seed, "--store", store]).status == 0)
        let manifest = try Data(contentsOf: URL(fileURLWithPath: store + "/MANIFEST"))
        let missing = try runEVQ(["ingest", "/no/such.csv", "--store", store])
        #expect(missing.status == 66)
        #expect(missing.stderr == "error: no such file: /no/such.csv\nevq: nothing was ingested; the store \(store) is as it was\n")
        let bad = FileManager.default.temporaryDirectory.appendingPathComponent("evq-bad-\(UUID().uuidString).csv").path
        try Data("id,date\n1,2024-01-01\n2,2024-01-02,extra\n".utf8).write(to: URL(fileURLWithPath: bad))
        let strict = try runEVQ(["ingest", bad, "--store", store, "--strict"])
        #expect(strict.status == 65)
        #expect(strict.stderr.hasSuffix("evq: nothing was ingested; the store \(store) is as it was\n"))
        let mismatch = try runEVQ(["ingest", bad, "--store", store])
        #expect(mismatch.status == 65)
        #expect(mismatch.stderr == "error: table events: column 'id' is string in the store and int in the new rows; "
            + "use --type id=string to read it as the store does\nevq: nothing was ingested; the store \(store) is as it was\n")
        #expect(try Data(contentsOf: URL(fileURLWithPath: store + "/MANIFEST")) == manifest)
        #expect(try runEVQ(["--store", store, "-c", "events | count", "--format", "csv"]).stdout == "count\n19\n")
        let fresh = Self.freshStore()
        let none = try runEVQ(["ingest", "/no/such.csv", "--store", fresh])
        #expect(none.stderr.hasSuffix("evq: nothing was ingested; no store was created\n"))
        #expect(!FileManager.default.fileExists(atPath: fresh))
        let notStore = try runEVQ(["--store", NSTemporaryDirectory(), "-c", "events | count"])
        #expect(notStore.status == 65)
        #expect(notStore.stderr.contains("not an evq store (no MANIFEST)"))
    }

    /// Data checksums are checked lazily: opening succeeds, and the first query that could read
    /// the damaged section fails with a data error naming the file and section (and so does check).
    @Test func aFlippedDataByteIsFoundByTheFirstQueryAndByCheck() throws {
        let store = Self.freshStore()
        #expect(try runEVQ(["ingest", Self.seed, "--store", store]).status == 0)
        let file = try #require(try FileManager.default.contentsOfDirectory(atPath: store).first { $0.hasSuffix(".evqseg") })
        let directory = try Data(contentsOf: URL(fileURLWithPath: store + "/" + file))
        // The notes column's dictionary bytes, found in the JSON directory the header points to.
        func field(_ at: Int) -> Int { (0..<8).reduce(0) { $0 | Int(directory[at + $1]) << (8 * $1) } }
        let json = directory[field(16)..<field(16) + field(24)]
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(json)) as? [String: Any])
        let columns = try #require(parsed["columns"] as? [[String: Any]])
        let notes = try #require(columns.first { $0["name"] as? String == "notes" }?["parts"] as? [String: String])
        let sectionName = try #require(notes["dict.bytes"])
        let sections = try #require(parsed["sections"] as? [[String: Any]])
        let offset = try #require(sections.first { $0["name"] as? String == sectionName }?["offset"] as? Int)
        var bytes = [UInt8](directory)
        bytes[offset + 3] ^= 0x20
        try Data(bytes).write(to: URL(fileURLWithPath: store + "/" + file))
        let q = try runEVQ(["--store", store, "-c", "events | where notes has \"drone\" | count"])
        #expect(q.status == 65)
        #expect(q.stderr == "error: \(file): \(sectionName): checksum mismatch; the store is damaged (see 'evq check')\n")
        let check = try runEVQ(["check", "--store", store])
        #expect(check.status == 65)
        #expect(check.stderr == "error: \(file): \(sectionName): checksum mismatch; the store is damaged (see 'evq check')\n")
    }

    @Test func aSecondWriterIsRefusedWithThePidOfTheFirst() throws {
        let store = Self.freshStore()
        let holder = try StoreWriter(path: store)
        let r = try runEVQ(["ingest", Self.seed, "--store", store])
        #expect(r.status == 75)
        #expect(r.stderr == "error: \(store): another evq is writing this store (pid \(getpid())); try again when it has finished\n")
        _ = holder
    }

    /// Kills a real `evq ingest` at random moments: the store always opens, with the events
    /// of before the ingest or of after it; a reader during the ingest sees the last commit.
    /// (Tests/Stress/kill9.sh runs many more trials.)
    @Test func killNineDuringAnIngestLeavesTheOldOrTheNewEvents() throws {
        let store = Self.freshStore()
        #expect(try runEVQ(["ingest", Self.syria, "--store", store]).status == 0)
        func count() throws -> Int? {
            let r = try runEVQ(["--store", store, "-c", "events | count", "--format", "csv"])
            #expect(r.status == 0, "\(r.stderr)")
            return Int(r.stdout.split(separator: "\n").last ?? "")
        }
        var events = 16_566
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<4 {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: Project.evqBinary)
            p.arguments = ["ingest", Self.syria, "--store", store]
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            try p.run()
            let during = try count()  // a reader while the writer works
            #expect(during == events || during == events + 16_566)
            usleep(UInt32.random(in: 0...2_000_000, using: &generator))
            kill(p.processIdentifier, SIGKILL)
            p.waitUntilExit()
            let after = try count()
            #expect(after == events || after == events + 16_566)
            events = after ?? events
            #expect(try runEVQ(["check", "--store", store]).status == 0)
        }
    }
}
