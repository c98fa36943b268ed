// The DuckDB side of a run: writes a JSON spec, runs duckdb_bench.py (next to this file) with
// python3, and reads back its JSON: load time, resident memory and, per thread count, each
// query's cold and warm times and answer.

import BenchSupport
import Foundation

struct DuckQuery { var firstMs: Double; var warmMs: [Double]; var answer: Answer?; var error: String? }
struct DuckRun { var threads: Int; var queries: [String: DuckQuery] }
struct DuckResult {
    var version: String
    var loadMs: Double
    var loadThreads: Int
    var rows: Int
    var types: String
    var rssBeforeLoad: Int?, rssAfterLoad: Int?, peakDuringLoad: Int?
    var runs: [DuckRun]
    func run(threads: Int) -> DuckRun? { runs.first { $0.threads == threads } }
}

enum DuckOutcome { case ok(DuckResult), unavailable(String) }

func duckdbScriptPath(_ o: Options) -> String {
    if let s = o.script { return s }
    if let s = ProcessInfo.processInfo.environment["EVQ_BENCH_DUCKDB_SCRIPT"], !s.isEmpty { return s }
    return URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("duckdb_bench.py").path
}

/// Queries sent to DuckDB, named by the query's id, or "id/label" for an alternative
/// formulation; alternatives run with the first thread count only.
func duckdbQueries(_ queries: [BenchQuery]) -> [[String: Any]] {
    queries.flatMap { q in
        [["name": q.id, "sql": q.sql]] + q.alternatives.map { ["name": "\(q.id)/\($0.label)", "sql": $0.sql, "first_threads_only": true] }
    }
}

func runDuckDB(_ o: Options, csv: String, queries: [BenchQuery]) -> DuckOutcome {
    let script = duckdbScriptPath(o)
    guard FileManager.default.fileExists(atPath: script) else {
        return .unavailable("helper script not found at \(script) (pass --duckdb-script PATH)")
    }
    let spec: [String: Any] = [
        "csv": csv, "repeat": o.repeats, "budget_ms": o.budgetSeconds * 1000, "threads": o.duckdbThreads,
        "queries": duckdbQueries(queries),
    ]
    let specPath = NSTemporaryDirectory() + "evq-bench-duckdb-spec-\(getpid()).json"
    defer { try? FileManager.default.removeItem(atPath: specPath) }
    do {
        try JSONSerialization.data(withJSONObject: spec).write(to: URL(fileURLWithPath: specPath))
    } catch {
        return .unavailable("cannot write \(specPath): \(error)")
    }
    warmPageCache(csv)
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = ["python3", script, specPath]
    let out = Pipe()
    p.standardOutput = out
    p.standardError = FileHandle.standardError
    do { try p.run() } catch { return .unavailable("cannot start python3: \(error)") }
    let data = out.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    guard let obj = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
        return .unavailable("python3 \(script) exited with \(p.terminationStatus) and no JSON; is python3 installed?")
    }
    if let e = obj["error"] as? String { return .unavailable(e) }
    guard p.terminationStatus == 0 else { return .unavailable("python3 \(script) exited with \(p.terminationStatus)") }
    func number(_ any: Any?) -> Double? { (any as? NSNumber)?.doubleValue }
    var runs: [DuckRun] = []
    for r in obj["runs"] as? [[String: Any]] ?? [] {
        var qs: [String: DuckQuery] = [:]
        for q in r["queries"] as? [[String: Any]] ?? [] {
            let name = q["name"] as? String ?? ""
            let warm = (q["times_ms"] as? [Any] ?? []).compactMap(number)
            var answer: Answer? = nil
            if let rows = q["rows"] as? [[Any]] {
                answer = Answer(columns: q["columns"] as? [String] ?? [], rows: rows.map { $0.map { "\($0)" } })
            }
            qs[name] = DuckQuery(firstMs: number(q["first_ms"]) ?? .nan, warmMs: warm, answer: answer, error: q["error"] as? String)
        }
        runs.append(DuckRun(threads: (r["threads"] as? NSNumber)?.intValue ?? 0, queries: qs))
    }
    let rss = obj["rss"] as? [String: Any] ?? [:]
    let types = (obj["types"] as? [[String]] ?? []).map { $0.joined(separator: " ") }.joined(separator: ", ")
    return .ok(DuckResult(
        version: obj["version"] as? String ?? "?", loadMs: number(obj["load_ms"]) ?? .nan,
        loadThreads: (obj["load_threads"] as? NSNumber)?.intValue ?? 0, rows: (obj["rows"] as? NSNumber)?.intValue ?? 0,
        types: types, rssBeforeLoad: number(rss["before_load"]).map { Int($0) },
        rssAfterLoad: number(rss["after_load"]).map { Int($0) }, peakDuringLoad: number(rss["peak_load"]).map { Int($0) },
        runs: runs))
}
