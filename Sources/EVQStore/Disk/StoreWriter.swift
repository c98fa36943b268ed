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
        /// The table's segments after the commit, and how many of them it added.
        public var segments: Int
        public var segmentsAdded = 1
        public var bytesWritten: Int
        public var storeBytes: Int
    }

    /// Adds `table` to the store as a new segment of the table `name` (created when new).
    /// Its columns are fitted to the stored table's (`StoredSchema.fit`).
    @discardableResult
    public func append(_ table: Table, as name: String) throws(StoreError) -> Commit {
        let pending = try beginAppend(to: name)
        do {
            try pending.add(table)
            return try pending.commit()
        } catch {
            pending.abandon()
            throw error
        }
    }

    /// Starts an append of any number of segments to the table `name`, committed together
    /// by `Append.commit()` (until then readers and a crash see the store as it was).
    public func beginAppend(to name: String) throws(StoreError) -> Append {
        var schema: StoredSchema? = nil
        if let last = manifest.table(named: name)?.segments.last {
            schema = StoredSchema(try SegmentReader.directory(path + "/" + last.file))
        }
        return Append(writer: self, table: name, schema: schema)
    }

    /// Segments written for one table and not yet committed.
    public final class Append {
        private let writer: StoreWriter
        private let table: String
        private var schema: StoredSchema?
        private var written: [Manifest.SegmentEntry] = []
        private var rows = 0
        private let generation: Int

        fileprivate init(writer: StoreWriter, table: String, schema: StoredSchema?) {
            self.writer = writer
            self.table = table
            self.schema = schema
            self.generation = writer.manifest.generation + 1
        }

        /// Writes `segment` (fitted to the table's columns so far) as a new file, fsynced.
        public func add(_ segment: Table) throws(StoreError) {
            let fitted = try schema?.fit(segment, tableName: table) ?? segment
            written.append(try writer.writeSegment(fitted, generation: generation))
            rows += fitted.rowCount
            schema = StoredSchema(fitted)
        }

        /// Makes the written segments part of the store, in one manifest commit.
        public func commit() throws(StoreError) -> Commit {
            var next = writer.manifest
            next.generation = generation
            if let i = next.tables.firstIndex(where: { $0.name == table }) {
                next.tables[i].segments += written
            } else {
                next.tables.append(.init(name: table, segments: written))
            }
            try writer.commit(next, adding: written.map(\.file))
            let files = written
            written = []
            return Commit(table: table, rows: rows, segments: next.table(named: table)!.segments.count, segmentsAdded: files.count,
                          bytesWritten: files.reduce(0) { $0 + $1.bytes }, storeBytes: writer.storeBytes)
        }

        /// Removes the segments written so far (the store stays as it was).
        public func abandon() {
            for s in written { unlink(writer.path + "/" + s.file) }
            written = []
        }
    }

    /// Merges every segment of each table with more than one into a single segment.
    public func compact() throws(StoreError) -> [Commit] {
        var commits: [Commit] = []
        for entry in manifest.tables where entry.segments.count > 1 {
            var next = manifest
            var segments = try entry.segments.map { (s) throws(StoreError) in try SegmentReader.open(path + "/" + s.file, verify: .all).table }
            let schema = StoredSchema(segments.last!)
            segments = segments.map(schema.pad)
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

    fileprivate var storeBytes: Int { manifest.tables.reduce(0) { $0 + $1.segments.reduce(0) { $0 + $1.bytes } } }

    fileprivate func writeSegment(_ table: Table, generation: Int) throws(StoreError) -> Manifest.SegmentEntry {
        let file = String(format: "seg-%06d-%08x.%@", generation, UInt32.random(in: 0 ... .max), SegmentFormat.fileExtension)
        let stats = try SegmentWriter.write(table, to: path + "/" + file)
        var st = stat()
        stat(path + "/" + file, &st)
        return .init(file: file, bytes: Int(st.st_size), stats: stats)
    }

    fileprivate func commit(_ next: Manifest, adding files: [String]) throws(StoreError) {
        // The files just written are of this format; a reader of an older one must refuse the
        // store by its manifest, before it meets them.
        var next = next
        next.version = max(next.version, SegmentFormat.version)
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
