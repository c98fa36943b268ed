// The HTTP path against the local stand-in: `--engine clickhouse` runs a script on the server
// and prints what evq prints; server errors show the server's message; the password is never
// echoed; a timeout or Ctrl-C kills the query on the server (by its query id).

import EVQ
import EVQShell
import Foundation
import Testing

@testable import EVQSQL

@Suite(.serialized) struct ClientTests {
    /// The samples copied to the server as `events` and `actors`.
    static func loadSamples(_ client: ClickHouseClient) throws {
        for table in SQLProject.sampleTables {
            _ = try client.send(ClickHouseExport.createTable(table, as: table.name))
            _ = try client.send("INSERT INTO \(table.name) FORMAT JSONEachRow", data: ClickHouseExport.rows(table))
        }
    }

    @Test func theEngineRunsScriptsOnTheServerWithEvqsOutput() throws {
        guard let server = try ChdbServer.startOrExplain() else { return }
        try Self.loadSamples(try ClickHouseClient(url: server.url))
        for args in [["run", "Queries/deaths-by-country.evq"], ["run", "Queries/proxy-drone-strikes.evq"],
                     ["-c", #"events | where country == "Lebanon" | summarize killed = sum(fatalities), strikes = count() by actor1, actor2"#, "--format", "json"]]
        {
            let local = try SQLProject.evq(args)
            let remote = try SQLProject.evq(["--engine", "clickhouse", "--url", server.url, "--table", "events", "--table", "actors=default.actors"] + args)
            #expect(remote.status == 0, "\(remote.err)")
            #expect(remote.out == local.out)
        }
        let explain = try SQLProject.evq(["--engine", "clickhouse", "--url", server.url, "-c", "explain events | where fatalities > 100 | count"])
        #expect(explain.out.hasPrefix("-- the SQL sent to \(server.url)\nSELECT count() AS count\nFROM events\nWHERE fatalities > 100\n"))
        #expect(explain.out.contains("\n\n-- the server's EXPLAIN\n") && explain.out.contains("Aggregating"))
    }

    @Test func serverErrorsShowTheServersMessageAtTheQuery() throws {
        guard let server = try ChdbServer.startOrExplain() else { return }
        let r = try SQLProject.evq(["--engine", "clickhouse", "--url", server.url, "--table", "events=nowhere.events", "-c", "events | count"])
        #expect(r.status == 65)
        #expect(r.err.hasPrefix("error: --table events=nowhere.events: ClickHouse: Code: 81. DB::Exception: Database nowhere does not exist."), "\(r.err)")
        let unreachable = try SQLProject.evq(["--engine", "clickhouse", "--url", "http://127.0.0.1:9", "-c", "events | count"])
        #expect(unreachable.status == 65)
        #expect(unreachable.err.hasPrefix("error: --table events=events: cannot reach the ClickHouse server at http://127.0.0.1:9"), "\(unreachable.err)")
        let noURL = try SQLProject.evq(["--engine", "clickhouse", "-c", "events | count"])
        #expect(noURL.status == 64)
        #expect(noURL.err == "error: --engine clickhouse needs --url, such as --url http://localhost:8123\n")
    }

    @Test func credentialsGoInHeadersAndAreNeverEchoed() throws {
        let secret = "s3cr3t-Pa55"
        guard let server = try ChdbServer.startOrExplain(user: "analyst", password: secret) else { return }
        try Self.loadSamples(try ClickHouseClient(url: server.url, user: "analyst", password: secret))
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("evq-sql-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let good = dir.appendingPathComponent("good").path, bad = dir.appendingPathComponent("bad").path
        try (secret + "\n").write(toFile: good, atomically: true, encoding: .utf8)
        try "wrong-\(secret)\n".write(toFile: bad, atomically: true, encoding: .utf8)
        let ok = try SQLProject.evq(["--engine", "clickhouse", "--url", server.url, "--user", "analyst", "--password-file", good, "-c", "events | count"])
        #expect(ok.status == 0, "\(ok.err)")
        #expect(ok.out.contains("16585"))
        let refused = try SQLProject.evq(["--engine", "clickhouse", "--url", server.url, "--user", "analyst", "--password-file", bad, "-c", "events | count"])
        #expect(refused.status == 65)
        #expect(refused.err.contains("Code: 516. DB::Exception: analyst: Authentication failed"))
        #expect(!refused.err.contains(secret) && !refused.out.contains(secret))
        let inURL = try SQLProject.evq(["--engine", "clickhouse", "--url", "http://analyst:\(secret)@127.0.0.1:\(server.port)", "-c", "events | count"])
        #expect(inURL.status == 64)
        #expect(inURL.err == "error: --url must not hold a user or password\n")
        #expect(ClickHouseClient.redacted("http://u:\(secret)@h:1/") == "http://…@h:1/")
    }

    @Test func cancellingKillsTheQueryOnTheServer() throws {
        guard let server = try ChdbServer.startOrExplain() else { return }
        let client = try ClickHouseClient(url: server.url)
        let start = Date()
        let stop = Date().addingTimeInterval(0.3)
        #expect(throws: ClickHouseError.cancelled) {
            _ = try client.send("SELECT '__evq_test_slow__'", queryID: "evq-test-cancel", isCancelled: { Date() > stop })
        }
        #expect(Date().timeIntervalSince(start) < 5)
        // The server was told: the next request for that id is answered at once as killed.
        client.timeoutSeconds = 0.5
        #expect(throws: ClickHouseError.timeout(0.5)) { _ = try client.send("SELECT '__evq_test_slow__'", queryID: "evq-test-timeout") }
    }

    @Test func aTimeoutStopsTheRemoteQueryWithEvqsMessage() throws {
        guard let server = try ChdbServer.startOrExplain() else { return }
        try Self.loadSamples(try ClickHouseClient(url: server.url))
        let start = Date()
        let r = try SQLProject.evq(["--engine", "clickhouse", "--url", server.url, "--timeout", "500ms", "-c", #"events | where actor1 == "__evq_test_slow__" | count"#])
        #expect(r.status == 65)
        #expect(r.err.hasPrefix("<command>:1:1: error: query stopped: it ran longer than its time limit of 500 ms\n"), "\(r.err)")
        #expect(Date().timeIntervalSince(start) < 10)
    }

    @Test func ctrlCStopsTheRemoteQueryAndEvq() throws {
        guard let server = try ChdbServer.startOrExplain() else { return }
        try Self.loadSamples(try ClickHouseClient(url: server.url))
        let p = Process()
        p.executableURL = URL(fileURLWithPath: SQLProject.evqBinary)
        p.arguments = ["--engine", "clickhouse", "--url", server.url, "-c", #"events | where actor1 == "__evq_test_slow__" | count"#]
        let err = Pipe()
        p.standardError = err
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        Thread.sleep(forTimeInterval: 1.5)
        let start = Date()
        p.interrupt()
        p.waitUntilExit()
        #expect(p.terminationStatus == 130)
        #expect(Date().timeIntervalSince(start) < 3)
    }

    @Test func aCanonicalScriptRunsOnRawACLEDRowsThroughTheMapping() throws {
        guard let server = try ChdbServer.startOrExplain() else { return }
        // The server table holds ACLED's own columns only (event_date, event_type, ...).
        _ = try ClickHouseClient(url: server.url).send("CREATE TABLE acled ENGINE = MergeTree ORDER BY tuple() AS SELECT * FROM file("
            + SQLQuote.string(SQLProject.path("Samples/formats/acled-layout.csv")) + ", CSVWithNames)")
        let q = "events | where date in 2016 | summarize fatalities = sum(fatalities), events = count(), first = min(date) by type | sort by fatalities desc, type"
        let local = try SQLProject.evq(["--data", "Samples/formats/acled-layout.csv", "-c", q])
        let remote = try SQLProject.evq(["--engine", "clickhouse", "--url", server.url, "--table", "events=acled", "--columns", "acled", "-c", q])
        #expect(remote.status == 0, "\(remote.err)")
        #expect(remote.out == local.out)
        #expect(local.out.contains("State-based conflict"))
        let printed = try SQLProject.evq(["sql", q, "--table", "events=db.acled", "--columns", "acled"])
        #expect(printed.status == 0)
        #expect(printed.out.contains("""
                    SELECT event_type AS type, accurateCastOrNull(sumOrNull(toInt128(fatalities)), 'Int64') AS fatalities, count() AS events, minOrNull(event_date) AS first, min(event_date) AS __evq_order_1
                    FROM db.acled
                    WHERE event_date >= toDateTime64('2016-01-01 00:00:00', 0, 'UTC') AND event_date < toDateTime64('2017-01-01 00:00:00', 0, 'UTC')
            """), "\(printed.out)")
        let unknown = try SQLProject.evq(["sql", q, "--columns", "nosuch"])
        #expect(unknown.status == 64)
        #expect(unknown.err == "error: --columns nosuch: neither a format (gdelt1-events, gdelt2-events, gdelt2-mentions, ucdp-ged, acled, icews) nor a file\n")
    }

    @Test func evqSQLPrintsEveryQueryOfAScript() throws {
        let r = try SQLProject.evq(["sql", "Queries/proxy-drone-strikes.evq"])
        #expect(r.status == 0, "\(r.err)")
        #expect(r.out.components(separatedBy: ";\n").count == 3)  // the let's query, then the script's
        #expect(r.out.contains("AND actor1 IN ('Axis of Resistance', 'Hezbollah', 'Islamic Resistance in Iraq', 'Nujaba Movement', 'PIJ')"))
        let bad = try SQLProject.evq(["sql", "events | project d = todatetime(notes)"])
        #expect(bad.status == 65)
        #expect(bad.err.hasPrefix("<command>:1:22: error: cannot translate todatetime() to ClickHouse SQL yet"))
    }
}
