// evq-sql-bench: the benchmark classes of evq-bench (BenchSupport's Queries.swift and World.swift)
// run in evq and, translated by EVQSQL, in ClickHouse (chdb, in process, on the same
// CSV); prints each one's median time on both sides and whether the answers agree.
//
//     swift run -c release --scratch-path .build-bench evq-sql-bench --rows 1M [--repeat 3]

import BenchSupport
import EVQ
import EVQSQL
import Foundation

var rows = 1_000_000, repeats = 3
var arguments = CommandLine.arguments.dropFirst()
while let a = arguments.popFirst() {
    switch a {
    case "--rows": rows = Int(arguments.popFirst()!.replacingOccurrences(of: "M", with: "000000").replacingOccurrences(of: "k", with: "000"))!
    case "--repeat": repeats = Int(arguments.popFirst()!)!
    default: print("usage: evq-sql-bench [--rows 1M] [--repeat 3]"); exit(64)
    }
}

let seed: UInt64 = 20240101
let world = World(seed: seed)
let csv = CSVGenerator.cachedPath(rows: rows, seed: seed)
if !FileManager.default.fileExists(atPath: csv) { try CSVGenerator.write(path: csv, rows: rows, world: world, seed: seed) }
let queries = benchQueries(world: world, rows: rows).all.filter { $0.evq != nil }

// evq: load, then each query cold + warm (Session.query, with the optimizer as users get it).
let session = Session()
var start = nowNanos()
_ = try DataLoader.load([DataSource(table: "events", path: csv)], into: session)
let evqLoadMs = elapsedMs(since: start)
let table = session.catalog.tables["events"]!
var evqTimes: [String: Timing] = [:], evqRows: [String: Int] = [:], sqlOf: [String: String] = [:], notTranslated: [String: String] = [:]
for q in queries {
    let (t, r) = timeRuns(repeats: repeats, budgetMs: 20_000) { try session.query(q.evq!) }
    evqTimes[q.id] = t
    evqRows[q.id] = r?.rowCount
    // The SQL, from the unoptimized plan (ClickHouse has its own optimizer).
    let recorder = SQLRecorder(translator: SQLTranslator())
    let planner = Session(tables: [table])
    planner.remoteEngine = recorder
    do { _ = try planner.query(q.evq!); sqlOf[q.id] = recorder.statements.last } catch { notTranslated[q.id] = "\(error)" }
}

// ClickHouse (chdb) on the same CSV, with evq's types.
let spec: [String: Any] = [
    "csv": csv, "repeat": repeats,
    "ddl": ClickHouseExport.createTable(table, as: "events").replacingOccurrences(of: "ORDER BY tuple()", with: "ORDER BY tuple()"),
    "queries": queries.compactMap { q in sqlOf[q.id].map { ["id": q.id, "sql": $0] } },
]
let specPath = NSTemporaryDirectory() + "evq-sql-bench-\(getpid()).json"
try JSONSerialization.data(withJSONObject: spec).write(to: URL(fileURLWithPath: specPath))
let p = Process()
p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
p.arguments = ["python3", URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("chdb_bench.py").path, specPath]
let out = Pipe()
p.standardOutput = out
try p.run()
let data = out.fileHandleForReading.readDataToEndOfFile()
p.waitUntilExit()
try? FileManager.default.removeItem(atPath: specPath)
guard let ch = try JSONSerialization.jsonObject(with: data) as? [String: Any], let chQueries = ch["queries"] as? [String: [String: Any]] else {
    print("evq-sql-bench: chdb side failed (is chdb installed? python3 -m pip install chdb)")
    exit(1)
}

func f(_ x: Double?) -> String { x.map { $0.isNaN ? "-" : String(format: $0 < 10 ? "%.2f" : "%.0f", $0) } ?? "-" }
print("evq-sql-bench: \(rows) rows (\(csv)); evq load \(f(evqLoadMs)) ms, chdb \(ch["version"] ?? "?") load \(f(ch["load_ms"] as? Double)) ms; "
    + "median of \(repeats) warm runs after a cold one")
print("id  | evq ms | chdb ms | chdb/evq | rows evq | rows chdb | title")
for q in queries {
    let e = evqTimes[q.id]!
    guard let c = chQueries[q.id] else {
        print("\(q.id.padding(toLength: 3, withPad: " ", startingAt: 0)) | \(f(e.medianMs)) | not translated: \(notTranslated[q.id] ?? "?")")
        continue
    }
    let warm = (c["warm_ms"] as? [Double]) ?? []
    let cm = warm.isEmpty ? Double.nan : median(warm)
    let chRows = (c["rows"] as? [Any])?.count
    let mark = c["error"] is String ? "error: \(c["error"]!)" : (chRows == evqRows[q.id] ? "" : " (row counts differ)")
    print("\(q.id.padding(toLength: 3, withPad: " ", startingAt: 0)) | \(f(e.medianMs)) | \(f(cm)) | \(f(cm / e.medianMs)) | "
        + "\(evqRows[q.id].map(String.init) ?? "-") | \(chRows.map(String.init) ?? "-") | \(q.title)\(mark)")
}
