// The store section (--store): evq's store on disk against DuckDB's persisted database for
// the same CSV. Each phase runs in a child process of its own, so that open times and
// resident memory are those of a process that only opened the store:
//   evq-bench --store-ingest CSV DIR          load the CSV and write the store (timed)
//   evq-bench --store-count DIR               open the store, count, exit (timed whole)
//   evq-bench --store-child DIR QUERIES.json  open (timed), memory after open, the queries

import BenchSupport
import EVQ
import EVQStore
import Foundation

struct StoreRun {
    var ingestMs = Double.nan
    var bytes = 0
    var openCountWholeMs = Double.nan
    var openMs = Double.nan
    var rssAfterOpen: Int?
    /// The same with `verify: .metadata` (no data checksums, so no page is read on open).
    var openMetadataMs = Double.nan
    var rssAfterMetadataOpen: Int?
    var timings: [String: Timing] = [:]
    var answers: [String: Answer] = [:]
    var duckCreateMs = Double.nan
    var duckBytes = 0
    var duckOpenCountWholeMs = Double.nan
    var duckOpenMs = Double.nan
    var duckRSSAfterOpen: Int?
    var duck: [String: DuckQuery] = [:]
}

/// Runs the child modes; returns without doing anything else for other arguments. Every
/// process of the bench keeps freed memory for reuse (HeapRetention.swift), as evq does, so the
/// store's children and the in-memory run (whose load grew its heap) allocate alike.
func runStoreChildModeIfAsked(_ arguments: [String]) {
    HeapRetention.keepFreedMemory()
    guard let mode = arguments.first, mode.hasPrefix("--store-") else { return }
    do {
        switch mode {
        case "--store-ingest":
            let (csv, dir) = (arguments[1], arguments[2])
            let start = nowNanos()
            // What `evq ingest` does: segments of about a million rows, one commit.
            _ = try StoreWriter(path: dir).ingest(paths: [csv], table: "events")
            print(elapsedMs(since: start))
        case "--store-count":
            let r = try Session(store: URL(fileURLWithPath: arguments[1])).query("events | count")
            print(r.table.value(row: 0, column: 0))
        case "--store-open-metadata":
            let before = nowNanos()
            let session = try Session(store: URL(fileURLWithPath: arguments[1]), verify: .metadata)
            blackHole(try session.query("events | count"))
            print(elapsedMs(since: before), anonymousResident())
        case "--store-child":
            let before = nowNanos()
            let session = try Session(store: URL(fileURLWithPath: arguments[1]))
            blackHole(try session.query("events | count"))
            let openMs = elapsedMs(since: before)
            let rss = anonymousResident()
            let spec = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: arguments[2]))) as! [String: Any]
            var out: [[String: Any]] = []
            for q in spec["queries"] as! [[String: String]] {
                let (t, result) = timeRuns(repeats: spec["repeat"] as! Int, budgetMs: spec["budget_ms"] as! Double) {
                    let r = try session.query(q["evq"]!)
                    blackHole(r)
                    return r
                }
                var entry: [String: Any] = ["id": q["id"]!, "first_ms": t.firstMs, "times_ms": t.warmMs, "error": t.error ?? ""]
                if let result {
                    let a = Answer(result)
                    entry["columns"] = a.columns
                    entry["rows"] = a.rows
                }
                out.append(entry)
            }
            let json = try JSONSerialization.data(withJSONObject: ["open_ms": openMs, "rss_after_open": rss, "queries": out])
            FileHandle.standardOutput.write(json)
        default:
            print("evq-bench: unknown mode \(mode)")
            exit(64)
        }
        exit(0)
    } catch {
        print("evq-bench \(mode): \(error)")
        exit(65)
    }
}

/// Resident memory that is not a mapped file (RssAnon): the heap, which is what opening a
/// store must keep small; the mapped pages of the store are the kernel's page cache.
func anonymousResident() -> Int {
    guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
    for line in text.split(separator: "\n") where line.hasPrefix("RssAnon:") {
        return (Int(line.split(whereSeparator: { $0 == " " || $0 == "\t" })[1]) ?? 0) * 1024
    }
    return 0
}

/// Runs a child and returns its stdout and the wall time it took.
private func child(_ executable: String, _ arguments: [String]) -> (out: Data, ms: Double, status: Int32) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: executable)
    p.arguments = arguments
    let out = Pipe()
    p.standardOutput = out
    p.standardError = FileHandle.standardError
    let start = nowNanos()
    do { try p.run() } catch { return (Data(), .nan, -1) }
    let data = out.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return (data, elapsedMs(since: start), p.terminationStatus)
}

private func directoryBytes(_ dir: String) -> Int {
    let files = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
    return files.reduce(0) { $0 + ((try? FileManager.default.attributesOfItem(atPath: dir + "/" + $1)[.size] as? Int) ?? 0) }
}

func runStoreSide(_ o: Options, csv: String, queries: [BenchQuery]) -> StoreRun {
    var run = StoreRun()
    let me = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    let dir = NSTemporaryDirectory() + "evq-bench-store-\(o.rows)-\(getpid()).evq"
    try? FileManager.default.removeItem(atPath: dir)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    progress("store: evq ingest")
    warmPageCache(csv)
    let ingest = child(me, ["--store-ingest", csv, dir])
    guard ingest.status == 0 else { print("!! store: ingest failed"); return run }
    run.ingestMs = Double(String(decoding: ingest.out, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) ?? .nan
    run.bytes = directoryBytes(dir)
    progress("store: evq open + count, whole process")
    run.openCountWholeMs = median((0..<5).map { _ in child(me, ["--store-count", dir]).ms })
    let metadataOnly = (0..<5).map { _ in String(decoding: child(me, ["--store-open-metadata", dir]).out, as: UTF8.self).split(separator: " ") }
    run.openMetadataMs = median(metadataOnly.compactMap { $0.first.flatMap { Double($0) } })
    run.rssAfterMetadataOpen = metadataOnly.last.flatMap { $0.last.flatMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) } }
    let evqQueries = queries.compactMap { q in q.evq.map { ["id": q.id, "evq": $0] } }
    let specPath = NSTemporaryDirectory() + "evq-bench-store-spec-\(getpid()).json"
    defer { try? FileManager.default.removeItem(atPath: specPath) }
    try? JSONSerialization.data(withJSONObject: ["queries": evqQueries, "repeat": o.repeats, "budget_ms": o.budgetSeconds * 1000])
        .write(to: URL(fileURLWithPath: specPath))
    progress("store: evq queries on the opened store")
    let q = child(me, ["--store-child", dir, specPath])
    if let obj = try? JSONSerialization.jsonObject(with: q.out) as? [String: Any] {
        run.openMs = (obj["open_ms"] as? NSNumber)?.doubleValue ?? .nan
        run.rssAfterOpen = (obj["rss_after_open"] as? NSNumber)?.intValue
        for e in obj["queries"] as? [[String: Any]] ?? [] {
            let id = e["id"] as? String ?? ""
            var t = Timing()
            t.firstMs = (e["first_ms"] as? NSNumber)?.doubleValue ?? .nan
            t.warmMs = (e["times_ms"] as? [NSNumber] ?? []).map(\.doubleValue)
            if let err = e["error"] as? String, !err.isEmpty { t.error = err }
            run.timings[id] = t
            if let rows = e["rows"] as? [[String]] { run.answers[id] = Answer(columns: e["columns"] as? [String] ?? [], rows: rows) }
        }
    }
    guard o.duckdb else { return run }
    let db = NSTemporaryDirectory() + "evq-bench-duckdb-\(o.rows)-\(getpid()).duckdb"
    defer { try? FileManager.default.removeItem(atPath: db) }
    let duckSpec = NSTemporaryDirectory() + "evq-bench-duckstore-spec-\(getpid()).json"
    defer { try? FileManager.default.removeItem(atPath: duckSpec) }
    try? JSONSerialization.data(withJSONObject: ["csv": csv, "db": db, "repeat": o.repeats, "budget_ms": o.budgetSeconds * 1000,
                                                 "threads": o.duckdbThreads.first ?? 2,
                                                 "queries": queries.map { ["name": $0.id, "sql": $0.sql] }])
        .write(to: URL(fileURLWithPath: duckSpec))
    let script = URL(fileURLWithPath: duckdbScriptPath(o)).deletingLastPathComponent().appendingPathComponent("duckdb_store_bench.py").path
    func python(_ mode: String) -> (obj: [String: Any]?, ms: Double) {
        let r = child("/usr/bin/env", ["python3", script, mode, duckSpec])
        return (try? JSONSerialization.jsonObject(with: r.out) as? [String: Any], r.ms)
    }
    progress("store: DuckDB create")
    warmPageCache(csv)
    guard let created = python("create").obj else { print("!! store: DuckDB create failed"); return run }
    run.duckCreateMs = (created["create_ms"] as? NSNumber)?.doubleValue ?? .nan
    run.duckBytes = (created["bytes"] as? NSNumber)?.intValue ?? 0
    progress("store: DuckDB open + count, whole process")
    run.duckOpenCountWholeMs = median((0..<5).map { _ in python("count").ms })
    progress("store: DuckDB queries on the reopened file")
    if let obj = python("query").obj {
        run.duckOpenMs = (obj["open_ms"] as? NSNumber)?.doubleValue ?? .nan
        run.duckRSSAfterOpen = (obj["rss_after_open"] as? NSNumber)?.intValue
        for e in obj["queries"] as? [[String: Any]] ?? [] {
            var answer: Answer? = nil
            if let rows = e["rows"] as? [[Any]] { answer = Answer(columns: e["columns"] as? [String] ?? [], rows: rows.map { $0.map { "\($0)" } }) }
            run.duck[e["name"] as? String ?? ""] = DuckQuery(firstMs: (e["first_ms"] as? NSNumber)?.doubleValue ?? .nan,
                                                             warmMs: (e["times_ms"] as? [NSNumber] ?? []).map(\.doubleValue),
                                                             answer: answer, error: e["error"] as? String)
        }
    }
    return run
}

/// The store section's tables: ingest, size, open and memory; then each query on the opened
/// store next to the in-memory table and DuckDB's reopened file.
func printStoreReport(_ s: StoreRun, evq: EVQRun, queries: [BenchQuery], rows: Int) {
    func f(_ x: Double) -> String { x.isNaN ? "-" : (x >= 100 ? String(format: "%.0f", x) : String(format: "%.2f", x)) }
    func mb(_ b: Int) -> String { b == 0 ? "-" : String(format: "%.1f MB", Double(b) / 1e6) }
    print("\nstore on disk (--store) at \(grouped(rows)) rows: evq's store against DuckDB's persisted database of the same CSV")
    print("metric                                 |        evq |     duckdb")
    print("---------------------------------------+------------+-----------")
    let lines: [(String, String, String)] = [
        ("ingest / create, ms (CSV -> files)", f(s.ingestMs), f(s.duckCreateMs)),
        ("size on disk", mb(s.bytes), mb(s.duckBytes)),
        ("open + events | count, whole process ms", f(s.openCountWholeMs), f(s.duckOpenCountWholeMs)),
        ("open + count inside the process, ms", f(s.openMs), f(s.duckOpenMs)),
        ("resident after open (evq: heap only)", megabytes(s.rssAfterOpen), megabytes(s.duckRSSAfterOpen)),
        ("  same, metadata checksums only, ms", f(s.openMetadataMs), "-"),
        ("  heap resident after that open", megabytes(s.rssAfterMetadataOpen), "-"),
    ]
    for (m, a, b) in lines {
        print(m.padding(toLength: 39, withPad: " ", startingAt: 0) + "| " + String(repeating: " ", count: max(0, 10 - a.count)) + a
            + " | " + String(repeating: " ", count: max(0, 10 - b.count)) + b)
    }
    print("\nqueries on the opened store, median of warm runs in ms (the whole process opened the store and nothing else)")
    print("id  | store ms | in memory ms | store/memory | duckdb file ms | store/duckdb | same answer")
    print("----+----------+--------------+--------------+----------------+--------------+------------")
    for q in queries where q.evq != nil {
        let st = s.timings[q.id]?.medianMs ?? .nan
        let mem = evq.timings[q.id]?.medianMs ?? .nan
        let dk = s.duck[q.id].map { median($0.warmMs) } ?? .nan
        let same = s.answers[q.id].map { a in evq.answers[q.id].map { $0 == a ? "=" : "DIFF" } ?? "-" } ?? "-"
        print([q.id.padding(toLength: 3, withPad: " ", startingAt: 0), f(st), f(mem), f(st / mem), f(dk), f(st / dk), same]
            .enumerated().map { k, c in k == 0 ? c : String(repeating: " ", count: max(0, [0, 8, 12, 12, 14, 12, 11][k] - c.count)) + c }
            .joined(separator: " | "))
    }
}
