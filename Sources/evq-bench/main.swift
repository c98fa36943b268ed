// evq-bench: evq against DuckDB on a synthetic conflict-event table, in one command.
//
//     swift run -c release evq-bench [--rows N] [--repeat K] [--csv PATH] [--no-duckdb] [--seed S]
//
// 1. Writes a deterministic (seeded) CSV shaped like Samples/ucdp-syria.csv: id, date (10
//    years, shuffled order), type (3), actor1/actor2 (100 actors, Zipf), country (20), admin1,
//    location (5,000, Zipf), lat, lon, fatalities (Pareto-skewed ints, 3% null), notes (short
//    sentences over a 300-word list). `--csv PATH` writes it there and keeps it (reused when
//    it already exists); otherwise it goes to a temp dir and is deleted at the end.
// 2. evq: loads it once through `DataLoader` (timed), then runs each query class K times
//    through `Session.query` (parse + check + plan + execute + materialized result).
// 3. DuckDB: runs `duckdb_bench.py` (next to this file) with python3, which loads the same CSV
//    once with read_csv_auto (timed) and times the equivalent SQL K times (execute + fetchall),
//    first with DuckDB's default thread count, then with `SET threads = 1`.
// 4. Prints medians side by side and checks that both engines gave the same answer.

import EVQ
import Foundation

// MARK: - options

struct Options {
    var rows = 1_000_000
    var repeats = 5
    var csvPath: String? = nil
    var duckdb = true
    var seed: UInt64 = 20_240_101
    var script: String? = nil
    /// Run only the query classes whose name contains this text (for profiling).
    var only: String? = nil
}

func usage() -> Never {
    print("""
        usage: evq-bench [--rows N] [--repeat K] [--csv PATH] [--no-duckdb] [--seed S] [--duckdb-script PATH]
          --rows N         rows to generate (default 1000000; accepts 100k, 1M)
          --repeat K       timed runs per query (default 5; the median is reported)
          --csv PATH       write the CSV to PATH and keep it (reused as is when PATH exists)
          --no-duckdb      time evq only
          --seed S         generator seed (default 20240101)
          --only TEXT      run only the query classes whose name contains TEXT (for profiling)
        """)
    exit(64)
}

func parseCount(_ s: String) -> Int? {
    var t = s.replacingOccurrences(of: "_", with: "").replacingOccurrences(of: ",", with: "").lowercased()
    var scale = 1
    if t.hasSuffix("k") { scale = 1_000; t.removeLast() } else if t.hasSuffix("m") { scale = 1_000_000; t.removeLast() }
    if let v = Int(t) { return v * scale }
    if let d = Double(t) { return Int(d * Double(scale)) }
    return nil
}

func parseOptions() -> Options {
    var o = Options()
    var args = CommandLine.arguments.dropFirst()
    func next(_ flag: String) -> String {
        guard let v = args.popFirst() else { print("evq-bench: \(flag) needs a value"); usage() }
        return v
    }
    while let a = args.popFirst() {
        switch a {
        case "--rows": guard let n = parseCount(next(a)), n > 0 else { usage() }; o.rows = n
        case "--repeat": guard let k = parseCount(next(a)), k > 0 else { usage() }; o.repeats = k
        case "--csv": o.csvPath = next(a)
        case "--no-duckdb": o.duckdb = false
        case "--seed": guard let s = UInt64(next(a)) else { usage() }; o.seed = s
        case "--duckdb-script": o.script = next(a)
        case "--only": o.only = next(a)
        case "-h", "--help": usage()
        default: print("evq-bench: unknown argument '\(a)'"); usage()
        }
    }
    return o
}

// MARK: - sink

/// Results are folded in here so the optimiser cannot drop the work that made them.
nonisolated(unsafe) var blackHoleSink: UInt64 = 0

@inline(never)
func blackHole(_ r: QueryResult) {
    var h = UInt64(truncatingIfNeeded: r.rowCount) &* 31 &+ UInt64(truncatingIfNeeded: r.table.columns.count)
    if r.rowCount > 0, let c = r.table.columns.first {
        h &+= UInt64(truncatingIfNeeded: c.value(at: 0).hashValue)
    }
    blackHoleSink = blackHoleSink &* 0x100_0000_01B3 &+ h
}

// MARK: - deterministic generator

struct SplitMix64 {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    mutating func unit() -> Double { Double(next() >> 11) * 0x1.0p-53 }
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
}

/// Zipf-like sampler over ranks 0..<n with weight 1/(rank+1)^s.
struct Zipf {
    let cumulative: [Double]
    init(_ n: Int, s: Double) {
        var acc = 0.0
        var c: [Double] = []
        c.reserveCapacity(n)
        for k in 0..<n { acc += 1 / pow(Double(k + 1), s); c.append(acc) }
        cumulative = c.map { $0 / acc }
    }
    func sample(_ rng: inout SplitMix64) -> Int {
        let u = rng.unit()
        var lo = 0, hi = cumulative.count - 1
        while lo < hi {
            let mid = (lo + hi) / 2
            if cumulative[mid] < u { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }
    func share(_ rank: Int) -> Double { cumulative[rank] - (rank == 0 ? 0 : cumulative[rank - 1]) }
}

enum Vocabulary {
    static let countries = [
        "Syria", "Iraq", "Yemen", "Afghanistan", "Somalia", "Nigeria", "Mali", "Sudan", "Ukraine", "Libya",
        "Ethiopia", "Pakistan", "Lebanon", "Burkina Faso", "South Sudan", "Israel", "Palestine", "Turkey", "Iran", "Myanmar",
    ]
    static let types = ["State-based conflict", "Non-state conflict", "One-sided violence"]
    static let groupAdjectives = ["Northern", "Southern", "Eastern", "Western", "Free", "Popular", "Islamic", "National", "Revolutionary", "United"]
    static let groupNouns = ["Brigade", "Front", "Army", "Movement", "Liberation Front", "Resistance"]
    /// 327 words; rank order = frequency order in notes (Zipf). "drone" (the searched word) sits at rank 43.
    static let words: [String] = """
        the of in and to a on by was were at near from with killed forces attack village town area \
        clashes after two three civilians government during group fighters shelling reported least \
        between armed one people security military local several members strike air drone district \
        police more than four five rebels troops militants injured wounded army positions against \
        said sources residents city checkpoint vehicle road market bomb explosion airstrike artillery \
        mortar rocket fire gunmen unknown opposition militia suspected soldiers camp province north \
        south east west central outskirts near-by family children women men houses school hospital \
        mosque church bridge convoy patrol base headquarters border crossing night morning evening \
        early late clash battle offensive raid ambush siege assault counterattack retreat advance \
        captured seized control regained lost heavy light intense sporadic ongoing renewed continued \
        including among other several many dozens hundreds tens some few number total toll death dead \
        bodies found discovered executed abducted kidnapped detained arrested released hostage prisoners \
        shot stabbed beaten burned looted destroyed damaged targeted hit struck fired launched dropped \
        planted exploded detonated ied landmine grenade sniper helicopter jet aircraft tank vehicles \
        trucks motorcycle car bus checkpoint-area farm farmers shepherd herders cattle water well field \
        fields crops harvest fuel oil gas station power plant factory warehouse port airport railway \
        highway street quarter neighbourhood suburb valley mountain hill river coast island desert \
        forest lake dam canal plain front line frontline zone sector region governorate capital \
        displaced fled refugees aid workers journalists doctors teachers students officials leader \
        commander chief mayor elder cleric tribe tribal clan ethnic community communities dispute \
        land cattle-raid revenge retaliation response reprisal protest protesters demonstration riot \
        crowd dispersed teargas live ammunition rubber bullets curfew operation campaign sweep search \
        house-to-house clearance demining ceasefire truce violation violations agreement talks negotiations \
        peace deal exchange withdrawal deployment reinforcements arrived moved entered left returned \
        according monitoring observatory report reports claimed denied confirmed unconfirmed alleged \
        estimate estimated figures casualties victim victims survivor survivors medical treatment \
        evacuated rescued collapsed rubble debris fireball smoke
        """.split(separator: " ").map(String.init)
}

/// What the generator made, for writing queries that select a known share of rows.
struct Dataset {
    var path: String
    var generated: Bool
    var actors: [String]       // rank order (0 = most frequent)
    var countries: [String]
    var searchWord = "drone"
}

func makeActors() -> [String] {
    var actors: [String] = []
    for c in Vocabulary.countries { actors.append("Government of \(c)") }
    for a in Vocabulary.groupAdjectives { for n in Vocabulary.groupNouns { actors.append("\(a) \(n)") } }
    for c in Vocabulary.countries { actors.append("\(c) Militia") }
    return Array(actors.prefix(100))
}

/// Pronounceable unique names from syllables.
func makeNames(_ n: Int, suffixes: [String], rng: inout SplitMix64) -> [String] {
    let syl = ["al", "ar", "ba", "bu", "da", "deir", "el", "fa", "ha", "ja", "ka", "kh", "la", "ma", "na", "qa", "ra", "sa",
               "sh", "ta", "um", "wa", "ya", "za", "mi", "ri", "zor", "tel", "kir", "bab", "hom", "ham", "dar", "nur"]
    var seen = Set<String>()
    var out: [String] = []
    while out.count < n {
        let k = 2 + rng.below(2)
        var s = ""
        for _ in 0..<k { s += syl[rng.below(syl.count)] }
        s = s.prefix(1).uppercased() + s.dropFirst()
        let name = s + " " + suffixes[rng.below(suffixes.count)]
        if seen.insert(name).inserted { out.append(name) }
    }
    return out
}

struct ByteWriter {
    var buffer: [UInt8] = []
    let handle: FileHandle
    init(_ handle: FileHandle) { self.handle = handle; buffer.reserveCapacity(1 << 22) }
    mutating func bytes(_ b: [UInt8]) { buffer.append(contentsOf: b) }
    mutating func byte(_ b: UInt8) { buffer.append(b) }
    mutating func int(_ v: Int) {
        if v == 0 { buffer.append(0x30); return }
        var x = v, tmp: [UInt8] = []
        if x < 0 { buffer.append(0x2D); x = -x }
        while x > 0 { tmp.append(UInt8(0x30 + x % 10)); x /= 10 }
        buffer.append(contentsOf: tmp.reversed())
    }
    mutating func flushIfFull() { if buffer.count >= (1 << 22) - 4096 { flush() } }
    mutating func flush() { handle.write(Data(buffer)); buffer.removeAll(keepingCapacity: true) }
}

func generateCSV(path: String, rows: Int, seed: UInt64) -> Dataset {
    var rng = SplitMix64(state: seed)
    let actors = makeActors()
    let countries = Vocabulary.countries
    // Each location belongs to a country (Zipf over countries) and one of its 10 admin1 units.
    let admin1 = makeNames(countries.count * 10, suffixes: ["Governorate", "Province", "Region", "State"], rng: &rng)
    let locationNames = makeNames(5_000, suffixes: ["town", "village", "city", "district", "camp"], rng: &rng)
    let countryZipf = Zipf(countries.count, s: 0.9)
    struct Location { var name: [UInt8]; var country: Int; var admin1: [UInt8]; var latlon: [UInt8] }
    var locations: [Location] = []
    for name in locationNames {
        let c = countryZipf.sample(&rng)
        let a = admin1[c * 10 + rng.below(10)]
        let lat = -5.0 + Double(c) * 2.7 + rng.unit() * 3
        let lon = 10.0 + Double(c) * 2.3 + rng.unit() * 3
        locations.append(Location(name: Array(name.utf8), country: c, admin1: Array(a.utf8),
                                  latlon: Array(String(format: "%.5f,%.5f", lat, lon).utf8)))
    }
    let countryBytes = countries.map { Array($0.utf8) }
    let actorBytes = actors.map { Array($0.utf8) }
    let typeBytes = Vocabulary.types.map { Array($0.utf8) }
    let words = Vocabulary.words.map { Array($0.utf8) }
    let capitalized = Vocabulary.words.map { Array(($0.prefix(1).uppercased() + $0.dropFirst()).utf8) }
    // ~10 years of days: 2014-01-01 ..< 2024-01-01.
    let firstDay = TimeFormat.days(year: 2014, month: 1, day: 1)
    let dayCount = Int(TimeFormat.days(year: 2024, month: 1, day: 1) - firstDay)
    let dateBytes = (0..<dayCount).map { Array(TimeFormat.formatDate((firstDay + Int64($0)) * 86_400).utf8) }

    let actorZipf = Zipf(actors.count, s: 1.0)
    let locationZipf = Zipf(locations.count, s: 0.8)
    let wordZipf = Zipf(words.count, s: 1.0)

    _ = FileManager.default.createFile(atPath: path, contents: nil)
    guard let handle = FileHandle(forWritingAtPath: path) else { fatalError("cannot write \(path)") }
    var w = ByteWriter(handle)
    w.bytes(Array("id,date,type,actor1,actor2,country,admin1,location,lat,lon,fatalities,notes\n".utf8))
    for i in 0..<rows {
        w.bytes([0x65, 0x76, 0x2D]); w.int(i + 1); w.byte(0x2C)                 // ev-N
        w.bytes(dateBytes[rng.below(dayCount)]); w.byte(0x2C)
        let t = rng.unit()
        w.bytes(typeBytes[t < 0.6 ? 0 : (t < 0.85 ? 1 : 2)]); w.byte(0x2C)
        let a1 = actorZipf.sample(&rng)
        w.bytes(actorBytes[a1]); w.byte(0x2C)
        if rng.unit() >= 0.05 {  // 5% no second actor (null)
            var a2 = actorZipf.sample(&rng)
            if a2 == a1 { a2 = (a2 + 1) % actors.count }
            w.bytes(actorBytes[a2])
        }
        w.byte(0x2C)
        let loc = locations[locationZipf.sample(&rng)]
        w.bytes(countryBytes[loc.country]); w.byte(0x2C)
        w.bytes(loc.admin1); w.byte(0x2C)
        w.bytes(loc.name); w.byte(0x2C)
        w.bytes(loc.latlon); w.byte(0x2C)
        if rng.unit() >= 0.03 {  // 3% unknown fatalities (null)
            // Pareto(alpha 1.1) minus 1, floored: about half are 0, a long tail, capped at 20000.
            let f = min(20_000, Int(pow(1 - rng.unit(), -1 / 1.1) - 1))
            w.int(f)
        }
        w.byte(0x2C)
        // Notes: 4-13 words, first capitalised, sometimes a comma (then the field is quoted).
        let n = 4 + rng.below(10)
        let comma = rng.unit() < 0.1 ? 1 + rng.below(n - 1) : -1
        if comma > 0 { w.byte(0x22) }
        for k in 0..<n {
            let word = wordZipf.sample(&rng)
            if k > 0 { w.byte(k == comma ? 0x2C : 0x20); if k == comma { w.byte(0x20) } }
            w.bytes(k == 0 ? capitalized[word] : words[word])
        }
        w.byte(0x2E)
        if comma > 0 { w.byte(0x22) }
        w.byte(0x0A)
        w.flushIfFull()
    }
    w.flush()
    try? handle.close()
    return Dataset(path: path, generated: true, actors: actors, countries: countries)
}

// MARK: - query classes

enum Compare { case exact, unordered, column(String) }

struct QueryClass {
    var name: String
    var evq: String
    var sql: String
    var compare: Compare = .exact
    /// Result is one count: the "rows out" column shows that count.
    var isCount = false
}

func queryClasses(_ d: Dataset) -> [QueryClass] {
    let mid = d.actors[20]        // mid-frequency actor (~1.9% of rows)
    let frequent = d.actors[3]    // for the conjunction (~4.9%)
    let five = [1, 4, 7, 10, 13].map { d.countries[$0] }
    let word = d.searchWord
    func q(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "''") + "'" }
    return [
        QueryClass(name: "count all", evq: "events | count", sql: "SELECT count(*) FROM events", isCount: true),
        QueryClass(name: "time range (month)", evq: "events | where date in 2019-03 | count",
                   sql: "SELECT count(*) FROM events WHERE date >= DATE '2019-03-01' AND date < DATE '2019-04-01'", isCount: true),
        QueryClass(name: "actor1 == X", evq: "events | where actor1 == \"\(mid)\" | count",
                   sql: "SELECT count(*) FROM events WHERE actor1 = \(q(mid))", isCount: true),
        QueryClass(name: "time+actor+fatal", evq: "events | where date in 2018-01-01 .. 2019-12-31 and actor1 == \"\(frequent)\" and fatalities >= 10 | count",
                   sql: "SELECT count(*) FROM events WHERE date BETWEEN DATE '2018-01-01' AND DATE '2019-12-31' AND actor1 = \(q(frequent)) AND fatalities >= 10",
                   isCount: true),
        QueryClass(name: "country in [5]", evq: "events | where country in [\(five.map { "\"\($0)\"" }.joined(separator: ", "))] | count",
                   sql: "SELECT count(*) FROM events WHERE country IN (\(five.map(q).joined(separator: ", ")))", isCount: true),
        QueryClass(name: "group by actor1", evq: "events | summarize n = count(), killed = sum(fatalities) by actor1",
                   sql: "SELECT actor1, count(*) AS n, sum(fatalities) AS killed FROM events GROUP BY actor1", compare: .unordered),
        QueryClass(name: "group by week", evq: "events | summarize n = count(), killed = sum(fatalities) by wk = week(date)",
                   sql: "SELECT date_trunc('week', date) AS wk, count(*) AS n, sum(fatalities) AS killed FROM events GROUP BY wk", compare: .unordered),
        QueryClass(name: "top 10 by fatal", evq: "events | top 10 by fatalities | project id, date, fatalities",
                   sql: "SELECT id, date, fatalities FROM events ORDER BY fatalities DESC NULLS LAST LIMIT 10", compare: .column("fatalities")),
        QueryClass(name: "notes has word", evq: "events | where notes has \"\(word)\" | count",
                   sql: "SELECT count(*) FROM events WHERE regexp_matches(notes, '\\b\(word)\\b', 'i')", isCount: true),
        QueryClass(name: "dcount(actor1)", evq: "events | summarize d = dcount(actor1)",
                   sql: "SELECT count(DISTINCT actor1) AS d FROM events", isCount: false),
    ]
}

/// DuckDB-only alternatives, checked against the same evq answer and shown as extra lines.
func alternatives(_ d: Dataset) -> [(of: String, name: String, sql: String)] {
    [(of: "notes has word", name: "  alt: split words",
      sql: "SELECT count(*) FROM events WHERE list_contains(regexp_split_to_array(lower(notes), '[^a-z0-9]+'), '\(d.searchWord)')")]
}

// MARK: - answers as text

func cellText(_ v: Value) -> String {
    switch v {
    case .null: return "null"
    case .bool(let b): return b ? "true" : "false"
    case .int(let i): return String(i)
    case .float(let f):
        if f == f.rounded(), abs(f) < 1e15 { return String(Int64(f)) }
        return String(format: "%.6g", f)
    case .string(let s): return s
    case .time(let t): return t % 86_400 == 0 ? TimeFormat.formatDate(t) : TimeFormat.format(t)
    case .duration(let d): return String(d)
    case .list(let l): return "[" + l.map(cellText).joined(separator: ", ") + "]"
    }
}

func rowsText(_ r: QueryResult) -> [[String]] {
    (0..<r.rowCount).map { row in r.table.columns.map { cellText($0.value(at: row)) } }
}

func normalized(_ rows: [[String]], _ c: Compare, header: [String]) -> [[String]] {
    switch c {
    case .exact: return rows
    case .unordered: return rows.sorted { $0.joined(separator: "\u{1}") < $1.joined(separator: "\u{1}") }
    case .column(let name):
        guard let i = header.firstIndex(of: name) else { return rows }
        return rows.map { $0.indices.contains(i) ? [$0[i]] : [] }
    }
}

// MARK: - timing

func nowNanos() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

func median(_ xs: [Double]) -> Double {
    let s = xs.sorted()
    guard !s.isEmpty else { return .nan }
    return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
}

func ms(_ x: Double) -> String {
    if x.isNaN { return "-" }
    if x >= 100 { return String(format: "%.0f", x) }
    if x >= 10 { return String(format: "%.1f", x) }
    if x >= 1 { return String(format: "%.2f", x) }
    return String(format: "%.3f", x)
}

func grouped(_ n: Int) -> String {
    let s = String(n)
    var out = ""
    for (i, ch) in s.reversed().enumerated() {
        if i > 0, i % 3 == 0, ch != "-" { out.append(",") }
        out.append(ch)
    }
    return String(out.reversed())
}

func printTable(_ header: [String], _ rows: [[String]], rightAlign: Set<Int>) {
    var widths = header.map(\.count)
    for r in rows { for (i, c) in r.enumerated() { widths[i] = max(widths[i], c.count) } }
    func line(_ cells: [String]) -> String {
        cells.enumerated().map { i, c in
            let pad = String(repeating: " ", count: widths[i] - c.count)
            return rightAlign.contains(i) ? pad + c : c + pad
        }.joined(separator: " | ")
    }
    print(line(header))
    print(widths.map { String(repeating: "-", count: $0) }.joined(separator: "-+-"))
    for r in rows { print(line(r)) }
}

// MARK: - DuckDB

struct DuckQuery { var times: [Double]; var rows: [[String]] }
struct DuckRun { var threads: Int; var queries: [String: DuckQuery] }
struct DuckResult { var version: String; var loadMs: Double; var rows: Int; var types: [String: String]; var runs: [DuckRun] }

func scriptPath(_ o: Options) -> String {
    if let s = o.script { return s }
    if let s = ProcessInfo.processInfo.environment["EVQ_BENCH_DUCKDB_SCRIPT"], !s.isEmpty { return s }
    return URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("duckdb_bench.py").path
}

enum DuckOutcome { case ok(DuckResult), unavailable(String) }

func runDuckDB(_ o: Options, csv: String, queries: [(name: String, sql: String)], workDir: String) -> DuckOutcome {
    let script = scriptPath(o)
    guard FileManager.default.fileExists(atPath: script) else {
        return .unavailable("helper script not found at \(script) (pass --duckdb-script PATH)")
    }
    let spec: [String: Any] = [
        "csv": csv, "repeat": o.repeats, "threads": [0, 1],
        "queries": queries.map { ["name": $0.name, "sql": $0.sql] },
    ]
    let specPath = workDir + "/duckdb-spec.json"
    do {
        try JSONSerialization.data(withJSONObject: spec).write(to: URL(fileURLWithPath: specPath))
    } catch {
        return .unavailable("cannot write \(specPath): \(error)")
    }
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
    var runs: [DuckRun] = []
    for r in obj["runs"] as? [[String: Any]] ?? [] {
        var qs: [String: DuckQuery] = [:]
        for q in r["queries"] as? [[String: Any]] ?? [] {
            let name = q["name"] as? String ?? ""
            let times = (q["times_ms"] as? [Any] ?? []).compactMap { ($0 as? NSNumber)?.doubleValue }
            let rows = (q["rows"] as? [[Any]] ?? []).map { $0.map { "\($0)" } }
            qs[name] = DuckQuery(times: times, rows: rows)
        }
        runs.append(DuckRun(threads: (r["threads"] as? NSNumber)?.intValue ?? 0, queries: qs))
    }
    return .ok(DuckResult(version: obj["version"] as? String ?? "?", loadMs: (obj["load_ms"] as? NSNumber)?.doubleValue ?? .nan,
                          rows: (obj["rows"] as? NSNumber)?.intValue ?? 0,
                          types: obj["types"] as? [String: String] ?? [:], runs: runs))
}

// MARK: - main

struct EVQTiming { var first: Double; var times: [Double]; var result: QueryResult?; var error: String? }

func runBench() {
    let o = parseOptions()
    let startAll = nowNanos()
    let cores = ProcessInfo.processInfo.activeProcessorCount
    print("evq-bench: \(grouped(o.rows)) rows, \(o.repeats) runs per query (median reported), seed \(o.seed)")
    print("machine: \(cores) cores (\(ProcessInfo.processInfo.processorCount) online), \(cpuModel()), "
        + "\(ProcessInfo.processInfo.physicalMemory >> 30) GiB RAM; evq runs on one thread")

    // 1. Data.
    let workDir = NSTemporaryDirectory() + "evq-bench-\(getpid())"
    try? FileManager.default.createDirectory(atPath: workDir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: workDir) }
    var dataset: Dataset
    let genStart = nowNanos()
    if let path = o.csvPath, FileManager.default.fileExists(atPath: path) {
        dataset = Dataset(path: path, generated: false, actors: makeActors(), countries: Vocabulary.countries)
        print("data: using existing \(path) (delete it to regenerate)")
    } else {
        let path = o.csvPath ?? workDir + "/events.csv"
        dataset = generateCSV(path: path, rows: o.rows, seed: o.seed)
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        print(String(format: "data: wrote %@ (%.1f MB) in %.0f ms%@", path, Double(size) / 1e6,
                     Double(nowNanos() - genStart) / 1e6, o.csvPath == nil ? " (temp, deleted at exit)" : ""))
    }
    let classes = queryClasses(dataset).filter { c in o.only.map { c.name.contains($0) } ?? true }
    let alts = alternatives(dataset).filter { a in classes.contains { $0.name == a.of } }

    // 2. evq.
    let session = Session()
    let loadStart = nowNanos()
    let reports: [LoadReport]
    do {
        reports = try DataLoader.load([DataSource(table: "events", path: dataset.path)], into: session)
    } catch {
        print("evq-bench: evq failed to load \(dataset.path): \(error)")
        exit(65)
    }
    let evqLoadMs = Double(nowNanos() - loadStart) / 1e6
    let evqRows = reports.first?.rows ?? 0
    if let r = reports.first, r.rowsRejected > 0 { print("evq: \(r.rowsRejected) rows rejected on load; first issue: \(r.issues.first.map { "\($0)" } ?? "-")") }
    if let t = session.catalog.tables["events"] {
        print("evq schema: " + t.schema.map { "\($0.name) \($0.type.rawValue)" }.joined(separator: ", ")
            + (t.timeColumnIndex.map { " (time column: \(t.columns[$0].name))" } ?? ""))
    }

    var evq: [String: EVQTiming] = [:]
    for c in classes {
        var t = EVQTiming(first: .nan, times: [], result: nil, error: nil)
        for k in 0...o.repeats {  // run 0 is the first (cold) run, reported apart; runs 1...K are timed
            let s = nowNanos()
            do {
                let r = try session.query(c.evq)
                let e = Double(nowNanos() - s) / 1e6
                blackHole(r)
                if k == 0 { t.first = e } else { t.times.append(e) }
                t.result = r
            } catch {
                t.error = "\(error)"
                break
            }
        }
        evq[c.name] = t
    }
    let planText: [String: String] = Dictionary(uniqueKeysWithValues: classes.map { c in
        var text = ""
        try? session.run("explain " + c.evq) { outcome in if case .text(let s) = outcome { text = s } }
        return (c.name, text)
    })

    // 3. DuckDB.
    var duck: DuckResult? = nil
    if o.duckdb {
        let qs = classes.map { ($0.name, $0.sql) } + alts.map { ($0.name, $0.sql) }
        switch runDuckDB(o, csv: dataset.path, queries: qs, workDir: workDir) {
        case .ok(let r): duck = r
        case .unavailable(let why):
            print("\n!! DuckDB not run: \(why)")
            print("!! install it with:  pip install duckdb   (or: python3 -m pip install --user duckdb); or pass --no-duckdb")
        }
    }

    // 4. Report.
    let all = duck?.runs.first { $0.threads != 1 } ?? duck?.runs.first
    let one = duck?.runs.first { $0.threads == 1 }
    print("")
    if let d = duck {
        print("DuckDB \(d.version) via python3; default threads = \(all?.threads ?? 0); "
            + "DuckDB schema: " + d.types.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
    }
    print("")
    print("load (CSV -> in-memory table)")
    var loadRows: [[String]] = [["evq", grouped(evqRows), ms(evqLoadMs), grouped(Int(Double(evqRows) / (evqLoadMs / 1000)))]]
    if let d = duck {
        loadRows.append(["duckdb (\(all?.threads ?? 0) threads)", grouped(d.rows), ms(d.loadMs), grouped(Int(Double(d.rows) / (d.loadMs / 1000)))])
        loadRows.append(["evq/duckdb", "", ratioText(evqLoadMs / d.loadMs), ""])
    }
    printTable(["engine", "rows", "ms", "rows/s"], loadRows, rightAlign: [1, 2, 3])

    print("")
    print("queries: median of \(o.repeats) runs, ms (evq = Session.query end to end; duckdb = execute + fetchall)")
    var mismatches: [String] = []
    var checks: [String] = []
    var tableRows: [[String]] = []
    func rowsOut(_ c: QueryClass, _ r: QueryResult?) -> String {
        guard let r else { return "error" }
        if c.isCount, r.rowCount == 1, case .int(let n) = r.table.value(row: 0, column: 0) { return grouped(Int(n)) + " (count)" }
        return grouped(r.rowCount)
    }
    for c in classes {
        let t = evq[c.name]!
        let em = median(t.times)
        let dq = all?.queries[c.name]
        let d1 = one?.queries[c.name]
        let dm = dq.map { median($0.times) } ?? .nan
        let d1m = d1.map { median($0.times) } ?? .nan
        let ratio = dm.isNaN || em.isNaN ? "-" : ratioText(em / dm)
        let ratio1 = d1m.isNaN || em.isNaN ? "-" : ratioText(em / d1m)
        tableRows.append([c.name, rowsOut(c, t.result), t.error == nil ? ms(em) : "ERROR", ms(dm), ratio, ms(d1m), ratio1])
        // Answers.
        if let e = t.error { mismatches.append("\(c.name): evq failed: \(e)"); continue }
        guard let r = t.result else { continue }
        let header = r.columnNames
        let evqRowsText = normalized(rowsText(r), c.compare, header: header)
        if let dq {
            // DuckDB column names follow the SQL aliases, which match evq's output names here.
            let duckRowsText = normalized(dq.rows, c.compare, header: header)
            if evqRowsText != duckRowsText {
                mismatches.append("\(c.name): evq \(preview(evqRowsText)) vs duckdb \(preview(duckRowsText))")
            }
            if r.rowCount == 1, r.table.columns.count == 1 || c.isCount || c.compare == .exact {
                checks.append("\(c.name): evq \(evqRowsText.first?.joined(separator: ",") ?? "-") | duckdb \(duckRowsText.first?.joined(separator: ",") ?? "-")")
            } else {
                checks.append("\(c.name): \(r.rowCount) rows vs \(dq.rows.count); " + (evqRowsText == duckRowsText ? "all equal" : "DIFFER"))
            }
        } else if r.rowCount == 1 {
            checks.append("\(c.name): evq \(evqRowsText.first?.joined(separator: ",") ?? "-")")
        }
    }
    // First (cold) run of the word search: includes building evq's word index.
    if let t = evq["notes has word"] {
        let dq = all?.queries["notes has word"]
        tableRows.append(["  first run (cold)", "", ms(t.first), dq.map { ms($0.times.first ?? .nan) } ?? "-",
                          dq.map { ratioText(t.first / ($0.times.first ?? .nan)) } ?? "-", "", ""])
    }
    for a in alts {
        guard let dq = all?.queries[a.name] else { continue }
        let dm = median(dq.times)
        let d1m = one?.queries[a.name].map { median($0.times) } ?? .nan
        let em = evq[a.of].map { median($0.times) } ?? .nan
        tableRows.append([a.name, dq.rows.first?.first.map { (Int($0).map(grouped) ?? $0) + " (count)" } ?? "", "", ms(dm),
                          ratioText(em / dm), ms(d1m), ratioText(em / d1m)])
        if let r = evq[a.of]?.result, rowsText(r) != dq.rows {
            mismatches.append("\(a.name): evq \(preview(rowsText(r))) vs duckdb \(preview(dq.rows))")
        }
    }
    let dLabel = "duckdb ms" + (all.map { " (\($0.threads)t)" } ?? "")
    printTable(["query", "rows out", "evq ms", dLabel, "evq/duckdb", "duckdb 1t ms", "evq/duckdb 1t"], tableRows, rightAlign: [1, 2, 3, 4, 5, 6])

    print("")
    print("queries:")
    for c in classes {
        print("  \(c.name):  evq: \(c.evq)")
        print("  \(String(repeating: " ", count: c.name.count))   sql: \(c.sql)")
    }
    print("  word search: evq `has` matches whole words ignoring case through its word index (built on the first")
    print("  `has` over the column and cached); DuckDB has no such index, so the fairest one-pass equivalent is")
    print("  regexp_matches(notes, '\\bword\\b', 'i') (RE2, case-insensitive, same word boundaries for this ASCII text).")
    print("")
    print("checks (answers of both engines):")
    for c in checks { print("  " + c) }
    if duck != nil {
        if mismatches.isEmpty {
            print("  all \(classes.count + alts.count) answers match")
        } else {
            print("")
            print("!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!")
            print("!!! MISMATCH between evq and DuckDB in \(mismatches.count) quer\(mismatches.count == 1 ? "y" : "ies"):")
            for m in mismatches { print("!!!   " + m) }
            print("!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!")
        }
    }
    if ProcessInfo.processInfo.environment["EVQ_BENCH_EXPLAIN"] != nil {
        print("")
        print("evq plans:")
        for c in classes { print("-- \(c.name)\n\(planText[c.name] ?? "")") }
    }
    print("")
    print(String(format: "total %.1f s (sink %llu)", Double(nowNanos() - startAll) / 1e9, blackHoleSink))
    if !mismatches.isEmpty {
        try? FileManager.default.removeItem(atPath: workDir)
        exit(1)
    }
}

/// evq time over DuckDB time: "3.01x" (evq slower) or "0.0185x" (evq faster).
func ratioText(_ r: Double) -> String {
    if r.isNaN || r.isInfinite { return "-" }
    return r >= 1 ? String(format: "%.2fx", r) : String(format: "%.3gx", r)
}

func preview(_ rows: [[String]]) -> String {
    let shown = rows.prefix(3).map { "(" + $0.joined(separator: ", ") + ")" }.joined(separator: " ")
    return "\(rows.count) rows: " + shown + (rows.count > 3 ? " ..." : "")
}

func cpuModel() -> String {
    guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return "cpu ?" }
    for line in text.split(separator: "\n") where line.hasPrefix("model name") {
        return line.split(separator: ":", maxSplits: 1).last.map { $0.trimmingCharacters(in: .whitespaces) } ?? "cpu ?"
    }
    return "cpu ?"
}

extension Compare: Equatable {}

runBench()
