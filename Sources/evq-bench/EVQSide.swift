// The evq side of a run: load the CSV through DataLoader (timed, with resident memory before,
// after and at the peak of the load), then time each query through Session.query (parse +
// check + plan + execute + a materialised result).

import BenchSupport
import EVQ
import Foundation

struct EVQRun {
    var loadMs: Double
    var rows: Int
    var schema: String
    var rssBeforeLoad: Int?, rssAfterLoad: Int?, peakDuringLoad: Int?, peakAtEnd: Int?
    var timings: [String: Timing] = [:]
    var answers: [String: Answer] = [:]
    var plans: [String: String] = [:]
}

func runEVQ(csv: String, queries: [BenchQuery], options: Options) throws -> EVQRun {
    ProcessMemory.resetPeak()
    let before = ProcessMemory.current()
    let session = Session()
    progress("evq load")
    warmPageCache(csv)
    let start = nowNanos()
    let reports = try DataLoader.load([DataSource(table: "events", path: csv)], into: session)
    let loadMs = elapsedMs(since: start)
    let after = ProcessMemory.current()
    if let r = reports.first, r.rowsRejected > 0 {
        print("!! evq rejected \(r.rowsRejected) rows on load; first issue: \(r.issues.first.map { "\($0)" } ?? "-")")
    }
    var schema = ""
    if let t = session.catalog.tables["events"] {
        schema = t.schema.map { "\($0.name) \($0.type.rawValue)" }.joined(separator: ", ")
            + (t.timeColumnIndex.map { " (time column: \(t.columns[$0].name))" } ?? "")
    }
    var run = EVQRun(loadMs: loadMs, rows: reports.first?.rows ?? 0, schema: schema,
                     rssBeforeLoad: before?.rss, rssAfterLoad: after?.rss, peakDuringLoad: after?.peak)
    profilerControl("enable")
    defer { profilerControl("disable") }
    for q in queries {
        guard let text = q.evq else { continue }
        progress("evq \(q.id)")
        let (timing, result) = timeRuns(repeats: options.repeats, budgetMs: options.budgetSeconds * 1000) {
            let r = try session.query(text)
            blackHole(r)
            return r
        }
        run.timings[q.id] = timing
        if let result { run.answers[q.id] = Answer(result) }
        if options.explain {
            try? session.run("explain " + text) { outcome in if case .text(let s) = outcome { run.plans[q.id] = s } }
        }
    }
    run.peakAtEnd = ProcessMemory.current()?.peak
    return run
}

/// One line on stderr per step, so a long run at 10 M shows where it is.
func progress(_ step: String) {
    FileHandle.standardError.write(Data("evq-bench: \(step)\n".utf8))
}

/// With EVQ_BENCH_PERF_CTL=FIFO, tells `perf record -D -1 --control fifo:FIFO` to sample only
/// evq's queries, not the generator or the load.
func profilerControl(_ command: String) {
    guard let fifo = ProcessInfo.processInfo.environment["EVQ_BENCH_PERF_CTL"], let f = fopen(fifo, "w") else { return }
    fputs(command + "\n", f)
    fclose(f)
}
