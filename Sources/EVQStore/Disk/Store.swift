// A store opened for reading: the committed manifest and, per table, its segments mapped
// from their files. Readers take no lock; a writer never changes a committed file.

import Foundation

/// One table of a store: its segments in ingest order, each an immutable time-sorted table.
public struct StoreTable: Sendable {
    public let name: String
    public let segments: [Table]
    public let stats: [SegmentStats]

    /// The segments as one time-ordered table: the mapped segment itself when there is one,
    /// else a merge of them on the heap (`evq compact` makes it one again).
    public var table: Table { segments.count == 1 ? segments[0] : Table.merging(segments, name: name) }

    public var rowCount: Int { stats.reduce(0) { $0 + $1.rows } }
}

public final class Store: Sendable {
    public let path: String
    public let manifest: Manifest
    public let tables: [StoreTable]

    private init(path: String, manifest: Manifest, tables: [StoreTable]) {
        self.path = path
        self.manifest = manifest
        self.tables = tables
    }

    /// Opens the store at `path` as last committed.
    ///
    ///     let store = try Store.open("syria.evq")
    ///     store.tables.map(\.name)  // ["events"]
    public static func open(_ path: String, verify: StoreVerification = .all) throws(StoreError) -> Store {
        // A compaction may remove a file between our reading the manifest and opening it: the
        // manifest has then moved on, so read it again.
        var attempt = 0
        while true {
            let manifest = try Manifest.read(path)
            do {
                var tables: [StoreTable] = []
                for t in manifest.tables {
                    var segments: [Table] = []
                    var stats: [SegmentStats] = []
                    var checks: [DataChecks?] = []
                    for s in t.segments {
                        let (table, st, pending) = try SegmentReader.open(path + "/" + s.file, verify: verify)
                        segments.append(table.renamed(t.name))
                        stats.append(st)
                        checks.append(pending)
                    }
                    // Columns added by a later append: the older segments read them as null.
                    if let last = segments.last {
                        let schema = StoredSchema(last)
                        segments = segments.map(schema.pad)
                    }
                    // Each segment's data sections are checked before the first statement that may
                    // read them (sessions read segments in place; see Session+StoreChecks).
                    for (segment, c) in zip(segments, checks) { if let c { PendingChecks.register(segment, c) } }
                    tables.append(StoreTable(name: t.name, segments: segments, stats: stats))
                }
                return Store(path: path, manifest: manifest, tables: tables)
            } catch {
                attempt += 1
                if case .io = error, attempt < 5, (try? Manifest.read(path)) != manifest { continue }
                throw error
            }
        }
    }

    public func table(named name: String) -> StoreTable? { tables.first { $0.name == name } }

    /// Bytes on disk of each segment file, by table.
    public var totalBytes: Int { manifest.tables.reduce(0) { $0 + $1.segments.reduce(0) { $0 + $1.bytes } } }

    /// Checks every file of the store in full (every section's checksum); the problems found.
    public static func check(_ path: String) -> [StoreError] {
        let manifest: Manifest
        do { manifest = try Manifest.read(path) } catch { return [error] }
        return manifest.tables.flatMap { t in t.segments.flatMap { SegmentReader.check(path + "/" + $0.file) } }
    }
}

extension Table {
    /// The same table under another name (columns shared).
    func renamed(_ newName: String) -> Table {
        newName == name ? self : Table(name: newName, columns: columns, rowCount: rowCount, timeColumnIndex: timeColumnIndex, geoIndex: builtGeoIndex)
    }
}
