// evq-bench: evq against DuckDB on generated conflict events, in one command.
//
//     swift run -c release --scratch-path .build-bench evq-bench --rows 1000000
//     swift run -c release --scratch-path .build-bench evq-bench --sizes 1M,10M
//
// 1. Generates (or reuses from the cache in the temp directory) a seeded CSV of `--rows` events
//    shaped like an ACLED export: skewed types, Zipf actors, places clustered around centres,
//    bursts in time, notes of 8-25 words (World.swift, CSVGenerator.swift).
// 2. evq loads it through DataLoader (timed, resident memory measured) and runs the classes
//    Q1-Q10 of the engine design and the slow queries of issue 7 (Queries.swift): one cold run,
//    then up to K warm runs whose median is reported (EVQSide.swift).
// 3. DuckDB (python package, installed with pip when missing) loads the same CSV and runs the
//    same questions in SQL, with 2 threads and with 1 (DuckDBSide.swift, duckdb_bench.py).
// 4. Prints load, memory and query tables with ratios, the issue's targets and whether each is
//    met, and checks that both engines gave the same answers (Report.swift). Exit 1 on a mismatch.
// With --sizes, each size runs in its own process, one after the other, so memory figures and
// caches of one size do not leak into the next.

import BenchSupport
import EVQ
import Foundation

func runSizes(_ o: Options) -> Never {
    var args: [String] = []
    var rest = CommandLine.arguments.dropFirst()[...]
    while let a = rest.popFirst() {
        if a == "--sizes" || a == "--rows" { _ = rest.popFirst(); continue }
        args.append(a)
    }
    let me = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    var failed = false
    for (k, rows) in o.sizes.enumerated() {
        if k > 0 { print("\n" + String(repeating: "=", count: 100) + "\n") }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: me)
        p.arguments = args + ["--rows", String(rows)]
        do { try p.run() } catch { print("evq-bench: cannot start \(me): \(error)"); exit(70) }
        p.waitUntilExit()
        failed = failed || p.terminationStatus != 0
    }
    exit(failed ? 1 : 0)
}

func prepareData(_ o: Options, world: World) -> String {
    let path = o.csvPath ?? CSVGenerator.cachedPath(rows: o.rows, seed: o.seed)
    if !o.fresh, FileManager.default.fileExists(atPath: path) {
        print("data: \(path) (\(fileSize(path)), reused; --fresh regenerates it)")
        return path
    }
    let start = nowNanos()
    do {
        try CSVGenerator.write(path: path, rows: o.rows, world: world, seed: o.seed)
    } catch {
        print("evq-bench: \(error)")
        exit(74)
    }
    print("data: wrote \(path) (\(fileSize(path))) in \(ms(elapsedMs(since: start))) ms; later runs reuse it")
    return path
}

func fileSize(_ path: String) -> String {
    let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
    return String(format: "%.1f MB", Double(size) / 1e6)
}

func cpuModel() -> String {
    guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return "cpu ?" }
    for line in text.split(separator: "\n") where line.hasPrefix("model name") {
        return line.split(separator: ":", maxSplits: 1).last.map { $0.trimmingCharacters(in: .whitespaces) } ?? "cpu ?"
    }
    return "cpu ?"
}

func runOneSize(_ o: Options) -> Never {
    let startAll = nowNanos()
    let info = ProcessInfo.processInfo
    print("evq-bench: \(grouped(o.rows)) rows, seed \(o.seed), 1 cold + up to \(o.repeats) warm runs per query "
        + "(median of the warm runs; a query stops after \(Int(o.budgetSeconds)) s of warm runs)")
    print("machine: \(info.activeProcessorCount) cores, \(cpuModel()), \(info.physicalMemory >> 30) GiB RAM; "
        + "load average \(((try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? "?").split(separator: " ").prefix(3).joined(separator: " "))")

    let world = World(seed: o.seed)
    let csv = prepareData(o, world: world)
    var queries = benchQueries(world: world, rows: o.rows)
    if let only = o.only {
        queries.classes = queries.classes.filter { only.contains($0.id) }
        queries.why = queries.why.filter { only.contains($0.id) }
    }

    let evq: EVQRun
    do {
        evq = try runEVQ(csv: csv, queries: queries.all, options: o)
    } catch {
        print("evq-bench: evq failed to load \(csv): \(error)")
        exit(65)
    }
    print("evq schema: \(evq.schema)")

    var duck: DuckResult? = nil
    if o.duckdb {
        switch runDuckDB(o, csv: csv, queries: queries.all) {
        case .ok(let r):
            duck = r
            print("DuckDB \(r.version) via python3; schema: \(r.types)")
        case .unavailable(let why):
            print("\n!! DuckDB not run: \(why)")
            print("!! install it with:  python3 -m pip install duckdb   (or pass --no-duckdb)")
        }
    }

    var report = Report(rows: o.rows, options: o, queries: queries, evq: evq, duck: duck)
    report.printAll()
    if o.store { printStoreReport(runStoreSide(o, csv: csv, queries: queries.all), evq: evq, queries: queries.all, rows: o.rows) }
    print("")
    print(String(format: "total %.1f s (sink %llu)", elapsedMs(since: startAll) / 1000, blackHoleSink))
    exit(report.mismatches.isEmpty && (duck != nil || !o.duckdb) ? 0 : 1)
}

runStoreChildModeIfAsked(Array(CommandLine.arguments.dropFirst()))
let options = parseOptions(Array(CommandLine.arguments.dropFirst()))
if options.sizes.count > 1 { runSizes(options) }
var single = options
if let only = options.sizes.first { single.rows = only }
runOneSize(single)
