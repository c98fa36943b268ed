// evq-bench's command line.

import Foundation

struct Options {
    var rows = 1_000_000
    /// Several sizes: each runs in its own child process, one after the other.
    var sizes: [Int] = []
    var repeats = 5
    var budgetSeconds = 20.0
    var csvPath: String? = nil
    var fresh = false
    var duckdb = true
    var duckdbThreads = [2, 1]
    var seed: UInt64 = 20_240_101
    var script: String? = nil
    /// Only the queries whose id is in this comma-separated list (for profiling).
    var only: Set<String>? = nil
    var explain = ProcessInfo.processInfo.environment["EVQ_BENCH_EXPLAIN"] != nil
    /// Also time the store on disk against DuckDB's persisted database (StoreSide.swift).
    var store = false
}

let usageText = """
    usage: evq-bench [--rows N | --sizes N,N,...] [--repeat K] [--budget S] [--csv PATH] [--fresh]
                     [--no-duckdb] [--duckdb-threads T,T] [--seed S] [--only Q1,W2,...] [--explain] [--store]
      --rows N            events to generate (default 1000000; accepts 100k, 1M, 10M)
      --sizes N,N         run each size in turn, each in a fresh process (e.g. --sizes 1M,10M)
      --repeat K          warm runs per query after one cold run (default 5; the median is reported)
      --budget S          stop a query's warm runs once they took S seconds (default 20; at least one)
      --csv PATH          use or write the CSV at PATH (default: a cache file per rows and seed
                          in the temp directory, reused by later runs)
      --fresh             regenerate the CSV even when it exists
      --no-duckdb         time evq only
      --duckdb-threads    DuckDB thread counts to time, first also used for its load (default 2,1)
      --seed S            generator seed (default 20240101)
      --only IDS          run only these queries (ids as printed: Q1..Q10, W1..W5)
      --explain           print evq's plan of each query (also EVQ_BENCH_EXPLAIN=1)
      --store             also ingest into a store on disk and time it against DuckDB's database file
      --duckdb-script P   the DuckDB helper (default: duckdb_bench.py next to this source)
    Profiling evq's queries alone (not the generator or the load), e.g. W1:
      mkfifo /tmp/ctl; EVQ_BENCH_PERF_CTL=/tmp/ctl perf record -g -D -1 --control fifo:/tmp/ctl \\
        .build-bench/release/evq-bench --only W1 --no-duckdb
    """

func usage() -> Never {
    print(usageText)
    exit(64)
}

func parseCount(_ s: String) -> Int? {
    var t = s.replacingOccurrences(of: "_", with: "").lowercased()
    var scale = 1.0
    if t.hasSuffix("k") { scale = 1e3; t.removeLast() } else if t.hasSuffix("m") { scale = 1e6; t.removeLast() }
    if let v = Int(t) { return Int(Double(v) * scale) }
    if let d = Double(t) { return Int(d * scale) }
    return nil
}

func parseOptions(_ arguments: [String]) -> Options {
    var o = Options()
    var args = arguments[...]
    func next(_ flag: String) -> String {
        guard let v = args.popFirst() else { print("evq-bench: \(flag) needs a value"); usage() }
        return v
    }
    func counts(_ flag: String) -> [Int] {
        let list = next(flag).split(separator: ",").map { parseCount(String($0)) }
        guard !list.isEmpty, list.allSatisfy({ ($0 ?? 0) > 0 }) else { print("evq-bench: bad \(flag)"); usage() }
        return list.map { $0! }
    }
    while let a = args.popFirst() {
        switch a {
        case "--rows": o.rows = counts(a)[0]
        case "--sizes": o.sizes = counts(a)
        case "--repeat": o.repeats = counts(a)[0]
        case "--budget": guard let s = Double(next(a)), s > 0 else { usage() }; o.budgetSeconds = s
        case "--csv": o.csvPath = next(a)
        case "--fresh": o.fresh = true
        case "--no-duckdb": o.duckdb = false
        case "--store": o.store = true
        case "--duckdb-threads": o.duckdbThreads = counts(a)
        case "--seed": guard let s = UInt64(next(a)) else { usage() }; o.seed = s
        case "--duckdb-script": o.script = next(a)
        case "--only": o.only = Set(next(a).split(separator: ",").map { $0.uppercased() })
        case "--explain": o.explain = true
        case "-h", "--help": usage()
        default: print("evq-bench: unknown argument '\(a)'"); usage()
        }
    }
    return o
}
