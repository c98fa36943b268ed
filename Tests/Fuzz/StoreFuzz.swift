// libFuzzer target: a small valid store whose segment file or manifest is replaced by the fuzz
// input, then opened and queried. Anything but a clean StoreError (or a query's own error) is
// a crash. Built and run by Tests/Fuzz/run.sh, not by `swift build`.
//
// Input: byte 0 picks the file (bit 0: segment or MANIFEST) and how far it is resealed (bits
// 1-2): 0 as given; 1 with the header, directory and manifest checksums made right again, so
// the fuzzer gets past them to the fields and the JSON; 2 the sections' checksums too, a file
// that is damaged yet consistent, as a careless or hostile writer could make.

import Foundation
@testable import EVQ
@testable import EVQStore

private let base = (FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()) + "/evq-store-fuzz-\(getpid())"

/// The valid store's files: (segment name, segment bytes, manifest bytes).
private let original: (segment: String, bytes: [UInt8], manifest: [UInt8]) = {
    var b = TableBuilder(name: "events")
    let notes = ["drone strike near Tyre", "shelling near Nabatieh", "", "ÉTAT islamique 🙂", "drone strike on Aleppo", "rocket"]
    b.addColumn("id", (0..<6).map { .int(Int64($0) * 7) })
    b.addColumn("date", (0..<6).map { $0 == 5 ? .null : .time(1_730_000_000 + Int64($0) * 86_400) }, type: .time)
    b.addColumn("actor1", ["Hezbollah", "IDF", "Hezbollah", "IRGC", "Houthis", "IDF"].map(Value.string))
    b.addColumn("fatalities", [.int(3), .null, .int(0), .int(12), .int(-1), .int(5)])
    b.addColumn("score", [.float(1.5), .float(-0.0), .null, .float(1e308), .float(2), .float(.nan)])
    b.addColumn("verified", [.bool(true), .null, .bool(false), .bool(true), .bool(true), .bool(false)])
    b.addColumn("span", (0..<6).map { $0 == 2 ? .null : .duration(Int64($0) * 3600) }, type: .duration)
    b.addColumn("notes", notes.map(Value.string))
    let dir = base + "-original"
    try? FileManager.default.removeItem(atPath: dir)
    _ = try! StoreWriter(path: dir).append(b.build(timeColumn: "date"), as: "events")
    let segment = try! FileManager.default.contentsOfDirectory(atPath: dir).first { $0.hasSuffix(".evqseg") }!
    return (segment, [UInt8](FileManager.default.contents(atPath: dir + "/" + segment)!),
            [UInt8](FileManager.default.contents(atPath: dir + "/" + Manifest.fileName)!))
}()

/// `bytes` with the header's file length, directory length and both checksums made right
/// (and, with `sections`, every section's checksum in a rewritten directory).
private func resealSegment(_ input: [UInt8], sections: Bool) -> [UInt8] {
    var bytes = input
    guard bytes.count >= SegmentFormat.headerSize else { return bytes }
    func get(_ at: Int) -> UInt64 { bytes.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(fromByteOffset: at, as: UInt64.self)) } }
    let start = get(16), length = get(24)
    guard start >= UInt64(SegmentFormat.headerSize), start <= UInt64(bytes.count), length <= UInt64(bytes.count) - start else { return bytes }
    var json = Array(bytes[Int(start)..<Int(start + length)])
    if sections, var d = try? SegmentWriter.decoder.decode(SegmentDirectory.self, from: Data(json)) {
        for k in d.sections.indices {
            let s = d.sections[k]
            guard s.offset <= start, s.length <= start - s.offset else { continue }
            d.sections[k].crc32c = CRC32C.of(Array(bytes[Int(s.offset)..<Int(s.offset + s.length)]))
        }
        if let encoded = try? SegmentWriter.encoder.encode(d) { json = Array(encoded) }
        bytes = Array(bytes[..<Int(start)]) + json
    }
    let header = SegmentHeader(version: UInt32(littleEndian: bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 8, as: UInt32.self) }),
                               byteOrder: UInt32(littleEndian: bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 12, as: UInt32.self) }),
                               directoryOffset: start, directoryLength: UInt64(json.count), directoryCRC: CRC32C.of(json),
                               sectionCount: UInt32(littleEndian: bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 36, as: UInt32.self) }),
                               fileLength: UInt64(bytes.count))
    let encoded = header.encoded()
    bytes.replaceSubrange(0..<SegmentFormat.headerSize, with: Array(bytes[..<8]) + encoded[8...])
    return bytes
}

/// The manifest's JSON with a checksum line that matches it.
private func resealManifest(_ bytes: [UInt8]) -> [UInt8] {
    let marker = Array("\ncrc32c ".utf8)
    let cut = bytes.indices.last { bytes[$0...].starts(with: marker) } ?? bytes.count
    let body = Array(bytes[..<cut])
    return body + Array("\ncrc32c \(String(CRC32C.of(body), radix: 16))\n".utf8)
}

/// Opens the store and runs queries that read every column: count, filters that use the
/// indexes, grouping, sorting, and the rows themselves in two formats.
private func openAndQuery(_ dir: String) {
    let session: Session
    do { session = try Session(store: URL(fileURLWithPath: dir)) } catch {
        guard case .data = error.kind else { fatalError("opening a damaged store gave \(error.kind), not a store error") }
        return
    }
    let queries = ["events | count", "events | where actor1 == \"Hezbollah\" | count", "events | where notes has \"drone\"",
                   "events | where date >= 2024-10-28 | summarize n = count(), s = sum(score) by actor1", "events | where id == 14",
                   "events | sort by notes, fatalities desc", "events | summarize dcount(notes), max(span), countif(verified)",
                   "events | extend t = strcat(actor1, notes) | where t contains \"a\""]
    for q in queries {
        try? session.run(q, name: "fuzz") { outcome in
            if case .rows(let r, _) = outcome {
                _ = Renderer.render(r.table, as: .csv)
                _ = Renderer.render(r.table, as: .table)
            }
        }
    }
}

/// With EVQ_FUZZ_SEEDS=DIR, writes the seed inputs (the valid files at each level) and exits.
@_cdecl("LLVMFuzzerInitialize")
public func storeFuzzInitialize(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>) -> CInt {
    guard let seeds = ProcessInfo.processInfo.environment["EVQ_FUZZ_SEEDS"] else { return 0 }
    for level: UInt8 in 0...2 {
        FileManager.default.createFile(atPath: "\(seeds)/segment-\(level)", contents: Data([level << 1] + original.bytes))
        FileManager.default.createFile(atPath: "\(seeds)/manifest-\(level)", contents: Data([level << 1 | 1] + original.manifest))
    }
    exit(0)
}

@_cdecl("LLVMFuzzerTestOneInput")
public func storeFuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let mode = data[0], level = (mode >> 1) & 3
    var bytes = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    let dir = base + "-case"
    try? FileManager.default.removeItem(atPath: dir)
    try! FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    if mode & 1 == 0 {
        if level > 0 { bytes = resealSegment(bytes, sections: level > 1) }
        FileManager.default.createFile(atPath: dir + "/" + original.segment, contents: Data(bytes))
        FileManager.default.createFile(atPath: dir + "/" + Manifest.fileName, contents: Data(original.manifest))
    } else {
        if level > 0 { bytes = resealManifest(bytes) }
        FileManager.default.createFile(atPath: dir + "/" + original.segment, contents: Data(original.bytes))
        FileManager.default.createFile(atPath: dir + "/" + Manifest.fileName, contents: Data(bytes))
    }
    openAndQuery(dir)
    return 0
}
