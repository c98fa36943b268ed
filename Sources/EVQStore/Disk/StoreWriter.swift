// The one writer of a store: appends a table as a new segment, or compacts a table's
// segments into one. Each change writes new files, fsyncs them, then commits a new manifest;
// until that rename, readers and a crash see the store as it was.

import Foundation

public final class StoreWriter {
    public let path: String
    private let lock: StoreLock
    public private(set) var manifest: Manifest

    /// Opens the store at `path` for writing (with `create`, an empty or missing directory
    /// becomes a new store); throws `.locked` when another process writes it.
    public init(path: String, create: Bool = true) throws(StoreError) {
        var isDir: ObjCBool = false
        if !FileManager.default.fileExists(atPath: path, isDirectory: &isDir) {
            guard create else { throw .io(path: path, message: "no such store directory") }
            guard mkdir(path, 0o755) == 0 || errno == EEXIST else { throw StoreError.system(path, "mkdir") }
        } else if !isDir.boolValue {
            throw .io(path: path, message: "not a directory")
        }
        self.path = path
        self.lock = try StoreLock(path)
        do {
            self.manifest = try Manifest.read(path)
        } catch {
            guard case .notAStore = error, create else { throw error }
            self.manifest = Manifest()
        }
        removeUncommittedFiles()
    }

    /// What an append or compaction wrote.
    public struct Commit: Sendable {
        public var table: String
        public var rows: Int
        public var segments: Int
        public var bytesWritten: Int
        public var storeBytes: Int
    }

    /// Adds `table` to the store as a new segment of the table `name` (created when new).
    /// Its columns must be those of the stored table, in order and type.
    @discardableResult
    public func append(_ table: Table, as name: String) throws(StoreError) -> Commit {
        var next = manifest
        let schema = table.columns.map { "\($0.name) \($0.type.rawValue)" }
        if let existing = manifest.table(named: name), let first = existing.segments.first {
            let stored = try SegmentReader.open(path + "/" + first.file, verify: .metadata).table
            let storedSchema = stored.columns.map { "\($0.name) \($0.type.rawValue)" }
            if storedSchema != schema {
                let missing = storedSchema.filter { !schema.contains($0) }, extra = schema.filter { !storedSchema.contains($0) }
                throw .schemaMismatch(table: name, detail: "the new rows' columns differ from the store's: "
                    + (missing.isEmpty ? "" : "store has \(missing.joined(separator: ", ")); ")
                    + (extra.isEmpty ? "" : "new rows have \(extra.joined(separator: ", ")); ")
                    + "use --type COLUMN=TYPE to match, or --table NEW to make another table")
            }
            if stored.timeColumnIndex.map({ stored.columns[$0].name }) != table.timeColumnIndex.map({ table.columns[$0].name }) {
                throw .schemaMismatch(table: name, detail: "the new rows are ordered by another time column than the store's; use --time")
            }
        }
        next.generation += 1
        let segment = try writeSegment(table, generation: next.generation)
        if let i = next.tables.firstIndex(where: { $0.name == name }) {
            next.tables[i].segments.append(segment)
        } else {
            next.tables.append(.init(name: name, segments: [segment]))
        }
        try commit(next, adding: [segment.file])
        let entry = next.table(named: name)!
        return Commit(table: name, rows: table.rowCount, segments: entry.segments.count, bytesWritten: segment.bytes, storeBytes: storeBytes)
    }

    /// Merges every segment of each table with more than one into a single segment.
    public func compact() throws(StoreError) -> [Commit] {
        var commits: [Commit] = []
        for entry in manifest.tables where entry.segments.count > 1 {
            var next = manifest
            let segments = try entry.segments.map { (s) throws(StoreError) in try SegmentReader.open(path + "/" + s.file, verify: .all).table }
            next.generation += 1
            let merged = Table.merging(segments, name: entry.name)
            let segment = try writeSegment(merged, generation: next.generation)
            let i = next.tables.firstIndex { $0.name == entry.name }!
            let old = next.tables[i].segments.map(\.file)
            next.tables[i].segments = [segment]
            try commit(next, adding: [segment.file])
            // Readers that mapped the old files keep them until they close; new readers use the
            // new manifest.
            for file in old { unlink(path + "/" + file) }
            commits.append(Commit(table: entry.name, rows: merged.rowCount, segments: 1, bytesWritten: segment.bytes, storeBytes: storeBytes))
        }
        return commits
    }

    private var storeBytes: Int { manifest.tables.reduce(0) { $0 + $1.segments.reduce(0) { $0 + $1.bytes } } }

    private func writeSegment(_ table: Table, generation: Int) throws(StoreError) -> Manifest.SegmentEntry {
        let file = String(format: "seg-%06d-%08x.%@", generation, UInt32.random(in: 0 ... .max), SegmentFormat.fileExtension)
        let stats = try SegmentWriter.write(table, to: path + "/" + file)
        var st = stat()
        stat(path + "/" + file, &st)
        return .init(file: file, bytes: Int(st.st_size), stats: stats)
    }

    private func commit(_ next: Manifest, adding files: [String]) throws(StoreError) {
        do {
            try FileWriter.syncDirectory(path)  // the new segment files' names
            try next.commit(path)
        } catch {
            for f in files { unlink(path + "/" + f) }
            throw error
        }
        manifest = next
    }

    /// Segment files that no manifest names: left by an ingest that crashed or was stopped
    /// before its commit. Only the lock holder may remove them.
    private func removeUncommittedFiles() {
        let named = Set(manifest.tables.flatMap { $0.segments.map(\.file) })
        let files = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        for f in files where (f.hasSuffix("." + SegmentFormat.fileExtension) && !named.contains(f)) || f == Manifest.fileName + ".tmp" {
            unlink(path + "/" + f)
        }
    }
}
