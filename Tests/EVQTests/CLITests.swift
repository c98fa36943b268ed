// The evq command as a process: modes, formats, data options and exit codes.

import Foundation
import EVQTestSupport
import Testing

@Suite(.serialized) struct CLITests {
    @Test func commandCountsTheBundledEvents() throws {
        let r = try runEVQ(["-c", "events | count", "--format", "csv"])
        #expect(r.status == 0)
        #expect(r.stdout == "count\n16585\n")
        #expect(r.stderr == "")
    }

    @Test func samplesAreFoundFromAnotherDirectory() throws {
        let r = try runEVQ(["-c", "actors | count", "--format", "csv"], directory: NSTemporaryDirectory())
        #expect(r.status == 0)
        #expect(r.stdout.hasPrefix("count\n"))
    }

    @Test func runExecutesASavedScript() throws {
        let r = try runEVQ(["run", "Queries/deaths-by-country.evq", "--format", "csv"])
        #expect(r.status == 0)
        #expect(r.stdout.hasPrefix("country,"))
    }

    @Test func pipedStdinRunsAsAScript() throws {
        let r = try runEVQ(["--format", "jsonl"], input: "events | sort date | take 1 | project id")
        #expect(r.status == 0)
        #expect(r.stdout == "{\"id\":\"ucdp-214804\"}\n" || r.stdout.hasPrefix("{\"id\":\"ucdp-"))
    }

    @Test func everyFormatRenders() throws {
        let q = "events | where id == \"seed-005\" | project id, fatalities"
        let expected: [String: String] = [
            "csv": "id,fatalities\nseed-005,0\n",
            "tsv": "id\tfatalities\nseed-005\t0\n",
            "json": "[\n  {\"id\":\"seed-005\",\"fatalities\":0}\n]\n",
            "jsonl": "{\"id\":\"seed-005\",\"fatalities\":0}\n",
            "markdown": "| id | fatalities |\n| --- | ---: |\n| seed-005 | 0 |\n",
            "table": " id       | fatalities\n----------+------------\n seed-005 |          0\n(1 row)\n",
        ]
        for (format, text) in expected {
            let r = try runEVQ(["-c", q, "--format", format])
            #expect(r.stdout == text, "format \(format)")
        }
    }

    @Test func dataOptionLoadsOtherFilesAndNamesTables() throws {
        let dir = NSTemporaryDirectory() + "evq-cli-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "id,date,fatalities\na,2024-01-02,3\nb,2024-01-01,4\n".write(toFile: dir + "/e.csv", atomically: true, encoding: .utf8)
        try "{\"name\":\"x\",\"n\":1}\n{\"name\":\"y\",\"n\":2}\n".write(toFile: dir + "/t.jsonl", atomically: true, encoding: .utf8)
        let r = try runEVQ(["--data", dir + "/e.csv", "--data", "things=" + dir + "/t.jsonl", "-c",
                            "events | project id; things | summarize total = sum(n)", "--format", "csv"])
        #expect(r.status == 0)
        #expect(r.stdout == "id\nb\na\ntotal\n3\n")
    }

    @Test func malformedRowsAreReportedCountedAndTheRestLoads() throws {
        let dir = NSTemporaryDirectory() + "evq-cli-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "id,date,fatalities\na,2024-01-02,3\nb,2024-01-01\nc,2024-01-03,5\n".write(toFile: dir + "/bad.csv", atomically: true, encoding: .utf8)
        let r = try runEVQ(["--data", dir + "/bad.csv", "-c", "events | count", "--format", "csv"])
        #expect(r.status == 0)
        #expect(r.stdout == "count\n2\n")
        #expect(r.stderr.contains(dir + "/bad.csv:3:"))
        #expect(r.stderr.contains("evq: table events: 3 rows read, 2 loaded, 1 rejected (1 wrong number of fields)\n"))
        let strict = try runEVQ(["--data", dir + "/bad.csv", "--strict", "-c", "events | count"])
        #expect(strict.status == 65)
    }

    @Test func exitCodes() throws {
        // 65: a query error, printed as file:line:col with a caret.
        let bad = try runEVQ(["-c", "events | where actr == 1"])
        #expect(bad.status == 65)
        #expect(bad.stderr == "<command>:1:16: error: unknown field 'actr'\n 1 | events | where actr == 1\n   |                ^^^^ did you mean 'actor1'?\n")
        // 66: a missing script or data file.
        #expect(try runEVQ(["run", "Queries/nope.evq"]).status == 66)
        let missingData = try runEVQ(["--data", "/nonexistent/x.csv", "-c", "events | count"])
        #expect(missingData.status == 66)
        #expect(missingData.stderr.contains("/nonexistent/x.csv"))
        // 64: bad usage.
        #expect(try runEVQ(["--format", "yaml", "-c", "events | count"]).status == 64)
        #expect(try runEVQ(["run", "Queries/deaths-by-country.evq", "--param", "nonsense"]).status == 64)
        // 0 with nothing to do on empty stdin.
        #expect(try runEVQ([], input: "").status == 0)
    }

    @Test func scriptErrorsNameTheFileLineAndColumn() throws {
        let dir = NSTemporaryDirectory() + "evq-cli-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let script = dir + "/broken.evq"
        try "# comment\nevents\n| where country == \"Iraq\"\n| summarize n = cnt()\n".write(toFile: script, atomically: true, encoding: .utf8)
        let r = try runEVQ(["run", script])
        #expect(r.status == 65)
        #expect(r.stderr.hasPrefix("\(script):4:17: error: unknown function 'cnt'\n"))
        #expect(r.stderr.contains("did you mean 'count'?"))
    }

    @Test func paramsOverrideDefaults() throws {
        let dir = NSTemporaryDirectory() + "evq-cli-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let script = dir + "/p.evq"
        try "param who = \"Nujaba Movement\"\nevents | where actor1 == who | count\n".write(toFile: script, atomically: true, encoding: .utf8)
        #expect(try runEVQ(["run", script, "--format", "csv"]).stdout == "count\n2\n")
        #expect(try runEVQ(["run", script, "--format", "csv", "--param", "who=Hezbollah"]).stdout.hasPrefix("count\n"))
        let wrong = try runEVQ(["run", script, "--param", "whom=x"])
        #expect(wrong.status == 64)
        #expect(wrong.stderr == "error: unknown param 'whom'; did you mean 'who'?\n")
    }

    @Test func threadsChooseTheCoresAndNeverTheAnswer() throws {
        let q = "events | where fatalities > 3 | summarize n = count() by actor1 | top 5 by n"
        let one = try runEVQ(["--threads", "1", "-c", q])
        let two = try runEVQ(["--threads", "2", "-c", q])
        #expect(one.status == 0)
        #expect(one.stdout == two.stdout)
        let zero = try runEVQ(["--threads", "0", "-c", q])
        #expect(zero.status == 64)
        #expect(zero.stderr.contains("--threads takes a whole number of 1 or more, not 0"))
    }

    @Test func helpFitsOnAScreen() throws {
        let r = try runEVQ(["--help"])
        #expect(r.status == 0)
        #expect(r.stdout.split(separator: "\n", omittingEmptySubsequences: false).count <= 40)
        #expect(r.stdout.contains("--data"))
    }
}

@Suite struct ScriptInterruptTests {
    @Test func ctrlCStopsAScriptAtOnceLikeAnyUnixTool() throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Project.evqBinary)
        p.arguments = ["-c", "events | where fatalities > 0 | count"]
        p.currentDirectoryURL = Project.root
        var env = ProcessInfo.processInfo.environment
        env["EVQ_TEST_BATCH_DELAY_MS"] = "1000"  // about 9 s for a full scan
        p.environment = env
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        Thread.sleep(forTimeInterval: 1.5)  // loading the samples, then into the query
        let sent = Date()
        p.interrupt()
        p.waitUntilExit()
        // Killed by SIGINT: a shell reports 128 + 2 = 130.
        #expect(p.terminationReason == .uncaughtSignal)
        #expect(p.terminationStatus == SIGINT)
        #expect(Date().timeIntervalSince(sent) < 2)
    }
}

@Suite struct TypeOverrideTests {
    @Test func typeOverridesForceAColumnsType() throws {
        let r = try runEVQ(["--type", "fatalities=float", "-c", "events | where id == \"seed-014\" | project fatalities", "--format", "csv"])
        #expect(r.stdout == "fatalities\n12.0\n")
        let named = try runEVQ(["--type", "actors.backer=string", "--type", "id=string", "-c", "actors | count", "--format", "csv"])
        #expect(named.stdout == "count\n103\n")
    }

    @Test func badOverridesAreUsageErrors() throws {
        let typo = try runEVQ(["--type", "fatalitis=float", "-c", "events | count"])
        #expect(typo.status == 64)
        #expect(typo.stderr == "error: --type fatalitis: table events has no column 'fatalitis'\n")
        let type = try runEVQ(["--type", "fatalities=number", "-c", "events | count"])
        #expect(type.status == 64)
        #expect(type.stderr == "error: --type fatalities=number: unknown type 'number'; types: bool, int, float, string, time, duration\n")
        let table = try runEVQ(["--type", "places.x=int", "-c", "events | count"])
        #expect(table.status == 64)
        #expect(table.stderr == "error: --type names table 'places', which no --data loads\n")
    }
}

@Suite struct AlmostDateColumnTests {
    @Test func aDateColumnWithAFewBadValuesIsExplained() throws {
        let dir = NSTemporaryDirectory() + "evq-cli-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var csv = "id,date\n1,unknown\n"
        for day in 1...20 { csv += "\(day + 1),2024-02-\(day < 10 ? "0" : "")\(day)\n" }
        try csv.write(toFile: dir + "/e.csv", atomically: true, encoding: .utf8)
        let r = try runEVQ(["--data", dir + "/e.csv", "-c", "events | where date in 2024-02 | count"])
        #expect(r.status == 65)
        #expect(r.stderr.hasPrefix("\(dir)/e.csv:1:1: warning: column 'date' was read as text, because 1 of its 21 distinct values are not dates (such as \"unknown\"); --type date=time reads it as time, with those cells null and reported\n"))
        #expect(r.stderr.contains("error: a period needs a time on the left of 'in', found text"))
        #expect(r.stderr.contains("if 'date' holds dates, load it with --type date=time"))
        let fixed = try runEVQ(["--data", dir + "/e.csv", "--type", "date=time", "-c", "events | where date in 2024-02 | count", "--format", "csv"])
        #expect(fixed.stdout == "count\n20\n")
        #expect(fixed.stderr.contains("\(dir)/e.csv:2:3: warning: cannot read 'unknown' as time in column 'date'; stored as null"))
    }
}
