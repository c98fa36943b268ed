// Writes the benchmark's events CSV from a World: one row per event, in chunks of 64 Ki rows
// that each have their own seeded generator, so the file is the same for any thread count.
// Generated files are cached by (rows, seed, generator version) so reruns skip this step.

import EVQ
import Foundation

package enum CSVGenerator {
    /// Bump when the rows for a given (rows, seed) change, so stale cached files are not reused.
    package static let version = 2
    package static let header = "id,date,type,subtype,actor1,actor2,country,admin1,location,lat,lon,fatalities,notes\n"
    package static let chunkRows = 65_536

    package static func cachedPath(rows: Int, seed: UInt64) -> String {
        NSTemporaryDirectory() + "evq-bench-cache/events-v\(version)-\(rows)-\(seed).csv"
    }

    /// Writes `rows` events to `path` (through a temporary file, renamed when complete).
    package static func write(path: String, rows: Int, world: World, seed: UInt64) throws {
        let dir = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let partial = path + ".partial-\(getpid())"
        guard let file = fopen(partial, "wb") else { throw BenchError("cannot write \(partial): \(String(cString: strerror(errno)))") }
        let tables = RowTables(world)
        var ok = fputs(header, file) >= 0
        let chunks = (rows + chunkRows - 1) / chunkRows
        let workers = max(1, min(2, ProcessInfo.processInfo.activeProcessorCount))
        let sinks = (0..<workers).map { _ in ByteSink(capacity: chunkRows * 300) }
        var next = 0
        while next < chunks && ok {
            let batch = Array(next..<min(chunks, next + workers))
            DispatchQueue.concurrentPerform(iterations: batch.count) { k in
                let first = batch[k] * chunkRows
                tables.chunk(index: batch[k], firstRow: first, count: min(chunkRows, rows - first), seed: seed, into: sinks[k])
            }
            for k in batch.indices { ok = ok && fwrite(sinks[k].base, 1, sinks[k].count, file) == sinks[k].count }
            next += batch.count
        }
        ok = fclose(file) == 0 && ok
        guard ok else { unlink(partial); throw BenchError("writing \(partial) failed: \(String(cString: strerror(errno)))") }
        guard rename(partial, path) == 0 else { throw BenchError("cannot rename \(partial) to \(path)") }
    }
}

/// Strings as one block of bytes with offsets, so copying one into a row is a memcpy without
/// reference counting. Lives as long as the process (the generator's tables are built once).
private final class ByteTable: @unchecked Sendable {
    private let bytes: UnsafeMutablePointer<UInt8>
    private let offsets: UnsafeMutablePointer<Int>  // count + 1 offsets into bytes
    let count: Int

    init(_ strings: [String]) {
        let total = strings.reduce(0) { $0 + $1.utf8.count }
        bytes = .allocate(capacity: max(1, total))
        offsets = .allocate(capacity: strings.count + 1)
        count = strings.count
        var at = 0
        for (i, s) in strings.enumerated() {
            offsets[i] = at
            for b in s.utf8 { bytes[at] = b; at += 1 }
        }
        offsets[strings.count] = at
    }

    func contains(byte: UInt8) -> Bool { (0..<offsets[count]).contains { bytes[$0] == byte } }

    @inline(__always)
    func write(_ i: Int, to sink: ByteSink) {
        let start = offsets[i]
        sink.put(bytes + start, offsets[i + 1] - start)
    }
}

/// A growable byte buffer for one chunk of rows; reused across chunks so its pages stay mapped.
/// Each worker owns one, so it needs no lock.
private final class ByteSink: @unchecked Sendable {
    private(set) var base: UnsafeMutablePointer<UInt8>
    private(set) var count = 0
    private var capacity: Int

    init(capacity: Int) {
        self.capacity = capacity
        base = .allocate(capacity: capacity)
    }
    deinit { base.deallocate() }

    /// Makes room for `n` more bytes (rows are far shorter than the slack asked for per row).
    func reserve(_ n: Int) {
        guard count + n > capacity else { return }
        capacity = max(capacity * 2, count + n)
        let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        grown.update(from: base, count: count)
        base.deallocate()
        base = grown
    }
    func reset() { count = 0 }
    @inline(__always) func put(_ p: UnsafePointer<UInt8>, _ n: Int) { (base + count).update(from: p, count: n); count += n }
    @inline(__always) func byte(_ b: UInt8) { base[count] = b; count += 1 }

    func int(_ v: Int) {
        var x = v
        if x < 0 { byte(0x2D); x = -x }
        var digits = 1, p = 10
        while p <= x { digits += 1; p &*= 10 }
        count += digits
        for k in 1...digits { base[count - k] = UInt8(0x30 + x % 10); x /= 10 }
    }

    /// `x` with exactly five decimals ("-3.14159"), without Foundation's formatter (too slow for 20 M cells).
    func fixed5(_ x: Double) {
        var scaled = Int((x * 100_000).rounded())
        if scaled < 0 { byte(0x2D); scaled = -scaled }
        int(scaled / 100_000)
        byte(0x2E)
        var frac = scaled % 100_000
        count += 5
        for k in 1...5 { base[count - k] = UInt8(0x30 + frac % 10); frac /= 10 }
    }
}

/// The World turned into ready-made bytes and alias tables, shared read-only by the workers.
private struct RowTables: @unchecked Sendable {
    let dates: ByteTable           // "YYYY-MM-DD,"
    let subtypeFields: ByteTable   // "type,subtype,"
    let violent: [Bool]
    let airStrike: Int
    let actorNames: ByteTable
    let placeFields: ByteTable     // "country,admin1,location,"
    let placeLat: [Double], placeLon: [Double]
    let words: ByteTable, capitalised: ByteTable
    let drone: Int
    let days, subtypes, actors, places, wordRanks: AliasTable

    init(_ w: World) {
        dates = ByteTable((0..<World.dayCount).map { TimeFormat.formatDate((World.firstDay + Int64($0)) * 86_400) + "," })
        subtypeFields = ByteTable(w.subtypes.map { "\($0.type),\($0.name)," })
        violent = w.subtypes.map(\.violent)
        airStrike = w.subtypes.firstIndex { $0.name == "Air/drone strike" }!
        actorNames = ByteTable(w.actors)
        placeFields = ByteTable(w.places.map { "\(w.countries[$0.country].name),\($0.admin1),\($0.name)," })
        placeLat = w.places.map(\.lat)
        placeLon = w.places.map(\.lon)
        words = ByteTable(Vocabulary.words)
        capitalised = ByteTable(Vocabulary.words.map { $0.prefix(1).uppercased() + $0.dropFirst() })
        drone = Vocabulary.words.firstIndex(of: "drone")!
        days = AliasTable(weights: w.dayWeights)
        subtypes = AliasTable(weights: w.subtypes.map(\.weight))
        actors = AliasTable(weights: zipfWeights(w.actors.count, s: 1.1))
        places = AliasTable(weights: zipfWeights(w.places.count, s: 0.9))
        wordRanks = AliasTable(weights: zipfWeights(Vocabulary.words.count, s: 1.0))
        for table in [actorNames, placeFields, subtypeFields] {
            precondition(!table.contains(byte: 0x22) && !table.contains(byte: 0x0A), "generated names must not need CSV quoting")
        }
        precondition(!actorNames.contains(byte: 0x2C), "actor names must not contain commas")
    }

    func chunk(index: Int, firstRow: Int, count: Int, seed: UInt64, into out: ByteSink) {
        var rng = SplitMix64(state: seed &+ UInt64(index) &* 0xD1B5_4A32_D192_ED03)
        out.reset()
        for i in firstRow..<(firstRow + count) {
            out.reserve(4096)  // far above the longest row
            row(id: i + 1, &rng, out)
        }
    }

    private func row(id: Int, _ rng: inout SplitMix64, _ out: ByteSink) {
        out.int(id); out.byte(0x2C)
        dates.write(days.sample(&rng), to: out)
        let s = subtypes.sample(&rng)
        subtypeFields.write(s, to: out)
        let a1 = actors.sample(&rng)
        actorNames.write(a1, to: out); out.byte(0x2C)
        if rng.unit() >= (violent[s] ? 0.05 : 0.4) {  // no second actor: 5% of violent events, 40% of others
            var a2 = actors.sample(&rng)
            if a2 == a1 { a2 = (a2 + 1) % actorNames.count }
            actorNames.write(a2, to: out)
        }
        out.byte(0x2C)
        let p = places.sample(&rng)
        placeFields.write(p, to: out)
        out.fixed5(placeLat[p] + rng.normal() * 0.03); out.byte(0x2C)   // about 3 km around the place
        out.fixed5(placeLon[p] + rng.normal() * 0.03); out.byte(0x2C)
        if rng.unit() >= 0.03 {  // 3% unknown fatalities (null)
            // Pareto(alpha 1.1) minus 1, floored: about half are 0, a long tail, capped at 20,000.
            let tail = min(20_000, Int(pow(1 - rng.unit(), -1 / 1.1) - 1))
            out.int(violent[s] || rng.unit() < 0.03 ? tail : 0)
        }
        out.byte(0x2C)
        notes(strike: s == airStrike, &rng, out)
        out.byte(0x0A)
    }

    /// 8-25 Zipf-drawn words, the first capitalised, a full stop; sometimes a comma (then the
    /// field is quoted). Air/drone strikes mention "drone" more often than other events.
    private func notes(strike: Bool, _ rng: inout SplitMix64, _ out: ByteSink) {
        let n = 8 + rng.below(18)
        let comma = rng.unit() < 0.1 ? 1 + rng.below(n - 1) : -1
        let droneAt = strike && rng.unit() < 0.4 ? rng.below(n) : -1
        if comma > 0 { out.byte(0x22) }
        for k in 0..<n {
            let word = k == droneAt ? drone : wordRanks.sample(&rng)
            if k > 0 {
                if k == comma { out.byte(0x2C) }
                out.byte(0x20)
                words.write(word, to: out)
            } else {
                capitalised.write(word, to: out)
            }
        }
        out.byte(0x2E)
        if comma > 0 { out.byte(0x22) }
    }
}

package struct BenchError: Error, CustomStringConvertible {
    package var description: String
    package init(_ description: String) { self.description = description }
}
