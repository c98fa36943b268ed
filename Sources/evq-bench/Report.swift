// Prints one size's results: load and memory, the query table with ratios and targets, the
// answer checks (mismatches loudly), and the query texts.

import BenchSupport
import Foundation

struct Report {
    var rows: Int
    var options: Options
    var queries: QuerySet
    var evq: EVQRun
    var duck: DuckResult?
    var mismatches: [String] = []
    var verdicts: [(what: String, met: Bool)] = []

    init(rows: Int, options: Options, queries: QuerySet, evq: EVQRun, duck: DuckResult?) {
        self.rows = rows; self.options = options; self.queries = queries; self.evq = evq; self.duck = duck
    }

    var main: DuckRun? { duck.flatMap { $0.run(threads: options.duckdbThreads[0]) } }
    var single: DuckRun? { duck.flatMap { $0.run(threads: 1) } }

    mutating func printAll() {
        printLoad()
        printQueries()
        printTexts()
        printChecks()
        printVerdicts()
    }

    private mutating func printLoad() {
        print("")
        print("load (CSV -> in-memory table; the CSV is read once before each engine loads it, so both start from the page cache); memory = resident set from /proc/self/status, peak = VmHWM during the load")
        var table = [["evq", grouped(evq.rows), ms(evq.loadMs), perSecond(evq.rows, evq.loadMs),
                      megabytes(evq.rssBeforeLoad), megabytes(evq.rssAfterLoad), megabytes(evq.peakDuringLoad)]]
        if let d = duck {
            table.append(["duckdb (\(d.loadThreads)t)", grouped(d.rows), ms(d.loadMs), perSecond(d.rows, d.loadMs),
                          megabytes(d.rssBeforeLoad), megabytes(d.rssAfterLoad), megabytes(d.peakDuringLoad)])
            table.append(["evq/duckdb", "", ratioText(evq.loadMs / d.loadMs), "", "",
                          ratioText(Double(evq.rssAfterLoad ?? 0) / Double(d.rssAfterLoad ?? 0)), ""])
        }
        printTable(["engine", "rows", "load ms", "rows/s", "RSS before", "RSS after load", "peak in load"], table,
                   rightAlign: [1, 2, 3, 4, 5, 6])
        print("evq peak resident over the whole run (load + queries): \(megabytes(evq.peakAtEnd))")
        if let d = duck { verdict("CSV load no slower than DuckDB's (\(ms(evq.loadMs)) vs \(ms(d.loadMs)) ms)", evq.loadMs <= d.loadMs) }
        if rows == 1_000_000, let rss = evq.rssAfterLoad {
            verdict("resident memory after load ≤ 300 MB at 1 M (\(megabytes(rss)))", rss <= 300 * 1_048_576)
        }
        if evq.rows != rows || (duck.map { $0.rows != rows } ?? false) {
            mismatches.append("row counts: generated \(rows), evq loaded \(evq.rows), duckdb loaded \(duck?.rows ?? -1)")
        }
    }

    private mutating func verdict(_ what: String, _ met: Bool) { verdicts.append((what, met)) }

    private mutating func printQueries() {
        let t0 = options.duckdbThreads[0]
        print("")
        print("queries: median of warm runs in ms (evq: Session.query end to end, its default threads; duckdb: execute + fetchall)")
        var table: [[String]] = []
        for (group, list) in [("classes", queries.classes), ("off the index path (issue 7, Why)", queries.why)] {
            table.append(["-- \(group)", "", "", "", "", "", "", "", "", "", "", ""])
            for q in list { table += rowsFor(q) }
        }
        printTable(["id", "question", "answer", "evq ms", "duckdb \(t0)t", "evq/duckdb", "duckdb 1t", "evq/1t",
                    "runs e/d", "target", "verdict", "same"],
                   table, rightAlign: [2, 3, 4, 5, 6, 7, 8])
        print("runs e/d: warm runs of evq / of DuckDB (\(t0)t) behind each median (fewer than \(options.repeats) when they took "
            + "over \(Int(options.budgetSeconds)) s). same: = answers equal, DIFF see below, (vs Q..) checked against DuckDB's main SQL.")
        print("Q4 cold: the first `has` of the session (near-unique notes: their ids are scanned, no index is built); target (this bench's proxy "
            + "for 'has never builds an index inside a query'): cold ≤ 2 × warm + 5 ms.")
    }

    private mutating func rowsFor(_ q: BenchQuery) -> [[String]] {
        let e = evq.timings[q.id]
        let d = main?.queries[q.id], d1 = single?.queries[q.id]
        let em = e?.medianMs ?? .nan
        let dm = d.map { median($0.warmMs) } ?? .nan, d1m = d1.map { median($0.warmMs) } ?? .nan
        let evqAnswer = evq.answers[q.id]
        var same = "-"
        if let d, let da = d.answer {
            if let evqAnswer {
                if let diff = difference(evqAnswer, da, q.compare) { same = "DIFF"; mismatches.append("\(q.id): evq \(diff) (evq vs duckdb)") } else { same = "=" }
            } else if q.evq == nil { same = "duckdb only" }
        }
        if let err = d?.error { mismatches.append("\(q.id): duckdb failed: \(err)"); same = "DUCKDB ERROR" }
        let answerText = evqAnswer?.summary ?? d?.answer?.summary ?? "-"
        var evqText: String, verdictText: String
        if q.evq == nil {
            evqText = "not supported"; verdictText = "not supported"
            verdict("\(q.id) \(q.title): evq cannot express it yet", false)
        } else if let err = e?.error {
            evqText = "ERROR"; verdictText = "ERROR"
            mismatches.append("\(q.id): evq failed: \(err)")
            verdict("\(q.id) \(q.title): evq failed", false)
        } else {
            evqText = ms(em)
            var ok = true, checked = false
            if let r = q.target.ratio, !dm.isNaN { ok = ok && em / dm <= r; checked = true }
            if let m = q.target.milliseconds(rows: rows) { ok = ok && em <= m; checked = true }
            verdictText = checked ? (ok ? "met" : "MISSED") : "-"
            if checked { verdict("\(q.id) \(q.title): \(q.target.text(rows: rows)) (evq \(ms(em)) ms, \(ratioText(em / dm)))", ok) }
        }
        let runs = "\(e?.warmMs.count ?? 0)/\(d?.warmMs.count ?? 0)"
        var out = [[q.id, q.title, answerText, evqText, ms(dm), ratioText(em / dm), ms(d1m), ratioText(em / d1m), runs,
                    q.target.text(rows: rows), verdictText, same]]
        if q.id == "Q4", let e, e.error == nil {
            let limit = 2 * em + 5
            let ok = e.firstMs <= limit
            verdict("Q4 cold (first `has`): ≤ 2 × warm + 5 ms (\(ms(e.firstMs)) ms)", ok)
            out.append(["", "  cold: first run", "", ms(e.firstMs), d.map { ms($0.firstMs) } ?? "-",
                        ratioText(e.firstMs / (d?.firstMs ?? .nan)), d1.map { ms($0.firstMs) } ?? "-", "", "1/1",
                        "≤\(ms(limit)) ms", ok ? "met" : "MISSED", ""])
        }
        for alt in q.alternatives {
            let name = "\(q.id)/\(alt.label)"
            guard let a = main?.queries[name] else { continue }
            let am = median(a.warmMs), a1m = single?.queries[name].map { median($0.warmMs) } ?? .nan
            var altSame = "-"
            let reference = evqAnswer ?? d?.answer
            if let err = a.error { altSame = "DUCKDB ERROR"; mismatches.append("\(name): duckdb failed: \(err)") } else if let ref = reference, let aa = a.answer {
                if let diff = difference(ref, aa, q.compare) {
                    altSame = "DIFF"; mismatches.append("\(name): \(diff) (\(evqAnswer == nil ? "duckdb main SQL" : "evq") vs this)")
                } else { altSame = evqAnswer == nil ? "= (vs \(q.id))" : "=" }
            }
            out.append(["", "  duckdb alt: \(alt.label)", "", "", ms(am), ratioText(em / am), ms(a1m), ratioText(em / a1m),
                        "-/\(a.warmMs.count)", "", "", altSame])
        }
        return out
    }

    private func printTexts() {
        print("")
        print("query texts:")
        for q in queries.all {
            print("  \(q.id)  evq: \(q.evq ?? "(not expressible yet)")")
            print("  \(String(repeating: " ", count: q.id.count))  sql: \(q.sql)")
            for alt in q.alternatives { print("  \(String(repeating: " ", count: q.id.count))  sql (\(alt.label)): \(alt.sql)") }
        }
        print("  Q4: evq `has` matches whole words ignoring case; RE2's \\b with 'i' is the same for this ASCII text (no '_' in notes).")
        print("  Q7: the SQL spells out evq's haversine (R = \(evqEarthRadiusKm) km, evq's constant) so both agree at the 50 km edge.")
        print("  Q9: ASOF join takes, per strike, the first attack Y->X after its day; the self-join alternative checks it; evq runs a sequence.")
        print("  DuckDB alternatives run with \(options.duckdbThreads[0]) threads only; Q4's split words and Q9's self-join up to 2 M rows.")
        if options.explain {
            print("")
            print("evq plans:")
            for q in queries.all where evq.plans[q.id] != nil { print("-- \(q.id)\n\(evq.plans[q.id]!)") }
        }
    }

    private func printChecks() {
        print("")
        print("answers:")
        for q in queries.all {
            let a = evq.answers[q.id] ?? main?.queries[q.id]?.answer
            guard let a else { continue }
            let first = a.rows.first.map { "(" + $0.joined(separator: ", ") + ")" } ?? "-"
            print("  \(q.id): \(a.summary); first row \(first.count > 110 ? String(first.prefix(110)) + "…" : first)")
        }
        guard duck != nil else { return }
        if mismatches.isEmpty {
            print("  all answers of evq and DuckDB agree")
        } else {
            print("")
            print(String(repeating: "!", count: 100))
            print("!!! MISMATCH or FAILURE in \(mismatches.count) check\(mismatches.count == 1 ? "" : "s"):")
            for m in mismatches { print("!!!   " + m) }
            print(String(repeating: "!", count: 100))
        }
    }

    private func printVerdicts() {
        print("")
        let met = verdicts.filter(\.met).count
        print("targets of issue 7 at \(grouped(rows)) rows: \(met) of \(verdicts.count) met")
        for v in verdicts { print("  \(v.met ? "met   " : "MISSED") \(v.what)") }
    }
}

/// evq time over DuckDB time: "3.01x" (evq slower) or "0.0185x" (evq faster).
func ratioText(_ r: Double) -> String {
    if r.isNaN || r.isInfinite { return "-" }
    return r >= 1 ? String(format: "%.2fx", r) : String(format: "%.3gx", r)
}

func ms(_ x: Double) -> String {
    if x.isNaN { return "-" }
    if x >= 100 { return grouped(Int(x.rounded())) }
    if x >= 10 { return String(format: "%.1f", x) }
    if x >= 1 { return String(format: "%.2f", x) }
    if x >= 0.01 { return String(format: "%.3f", x) }
    return String(format: "%.4f", x)
}

func perSecond(_ rows: Int, _ ms: Double) -> String { ms > 0 ? grouped(Int(Double(rows) / (ms / 1000))) : "-" }

func grouped(_ n: Int) -> String {
    let s = String(n.magnitude)
    var out = ""
    for (i, ch) in s.reversed().enumerated() {
        if i > 0, i % 3 == 0 { out.append(",") }
        out.append(ch)
    }
    return (n < 0 ? "-" : "") + String(out.reversed())
}

func printTable(_ header: [String], _ rows: [[String]], rightAlign: Set<Int>) {
    var widths = header.map(\.count)
    for r in rows where !(r.first ?? "").hasPrefix("--") { for (i, c) in r.enumerated() { widths[i] = max(widths[i], c.count) } }
    func line(_ cells: [String]) -> String {
        cells.enumerated().map { i, c in
            let pad = String(repeating: " ", count: max(0, widths[i] - c.count))
            return rightAlign.contains(i) ? pad + c : c + pad
        }.joined(separator: " | ")
    }
    print(line(header))
    print(widths.map { String(repeating: "-", count: $0) }.joined(separator: "-+-"))
    for r in rows {
        if let first = r.first, first.hasPrefix("--") { print(first); continue }
        print(line(r))
    }
}

/// The report goes straight to file descriptor 1, a line at a time, so a long run redirected to
/// a file shows its progress (Swift's `print` is block-buffered there). Shadows `Swift.print`.
func print(_ line: String = "") {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}
