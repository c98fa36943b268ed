// The manifest: which segment files make up each table of a store. Replaced atomically on
// every commit (write a temp file, fsync, rename, fsync the directory), so a reader sees
// the last committed state and a crash leaves the old state or the new one.

import Foundation

public struct Manifest: Codable, Sendable, Equatable {
    public static let fileName = "MANIFEST"

    public var format = "evq-store"
    public var version = SegmentFormat.version
    /// Incremented by each commit.
    public var generation = 0
    /// Tables in the order they were first ingested.
    public var tables: [TableEntry] = []

    public struct TableEntry: Codable, Sendable, Equatable {
        public var name: String
        /// Segments in ingest order; each holds rows sorted by time.
        public var segments: [SegmentEntry]
    }

    public struct SegmentEntry: Codable, Sendable, Equatable {
        public var file: String
        public var bytes: Int
        public var stats: SegmentStats
    }

    public init() {}

    /// Reads `dir/MANIFEST`, checking its checksum line and format version.
    static func read(_ dir: String) throws(StoreError) -> Manifest {
        let path = dir + "/" + fileName
        guard let data = FileManager.default.contents(atPath: path) else {
            var isDir: ObjCBool = false
            if !FileManager.default.fileExists(atPath: dir, isDirectory: &isDir) || !isDir.boolValue {
                throw .io(path: dir, message: "no such store directory")
            }
            throw .notAStore(dir)
        }
        let bytes = [UInt8](data)
        let marker = Array("\ncrc32c ".utf8)
        guard let cut = bytes.indices.last(where: { bytes[$0...].starts(with: marker) }) else {
            throw .corrupt(file: fileName, section: "manifest", detail: "no checksum line (truncated)")
        }
        let body = Array(bytes[..<cut])
        let stated = String(decoding: bytes[(cut + marker.count)...], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard let crc = UInt32(stated, radix: 16), crc == CRC32C.of(body) else {
            throw .corrupt(file: fileName, section: "manifest", detail: "checksum mismatch")
        }
        let manifest: Manifest
        do { manifest = try SegmentWriter.decoder.decode(Manifest.self, from: Data(body)) } catch {
            throw .corrupt(file: fileName, section: "manifest", detail: "unreadable: \(error)")
        }
        guard manifest.version <= SegmentFormat.version else { throw .newerFormat(file: fileName, version: manifest.version) }
        // Segment files live in the store's own folder: a name that leaves it (`../x`, `/etc/x`) is damage, not a path to follow.
        for t in manifest.tables {
            for s in t.segments where s.file.isEmpty || s.file.contains("/") || s.file.hasPrefix(".") {
                throw .corrupt(file: fileName, section: "manifest", detail: "segment file name '\(s.file)' is not a file in the store's folder")
            }
        }
        return manifest
    }

    /// Commits this manifest as the store's state: temp file, fsync, rename, fsync the directory.
    func commit(_ dir: String) throws(StoreError) {
        let body: [UInt8]
        do { body = Array(try SegmentWriter.encoder.encode(self)) } catch {
            throw .io(path: dir, message: "cannot encode the manifest: \(error)")
        }
        let temp = dir + "/" + Self.fileName + ".tmp"
        unlink(temp)
        var w = try FileWriter(creating: temp)
        do {
            try w.write(body + Array("\ncrc32c \(String(CRC32C.of(body), radix: 16))\n".utf8))
            try w.durable()
        } catch {
            w.abandon()
            throw error
        }
        guard rename(temp, dir + "/" + Self.fileName) == 0 else { throw StoreError.system(dir + "/" + Self.fileName, "rename") }
        try FileWriter.syncDirectory(dir)
    }

    func table(named name: String) -> TableEntry? { tables.first { $0.name == name } }
}
