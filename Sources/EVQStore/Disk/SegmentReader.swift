// Opens a segment file: maps it, checks the header and directory checksums and every
// section's bounds, and builds a `Table` whose buffers point into the mapping (no copy).

import Foundation

/// How much of a file to check on open. Metadata always; `all` also every data section's
/// checksum (a pass over the bytes at memory speed, which `evq check` always does); `lazy`
/// each data section when `Store.verifyData(of:columns:)` first asks for it.
public enum StoreVerification: Sendable {
    case metadata, lazy, all
}

enum SegmentReader {
    /// The table in `path` and its statistics.
    /// With `.lazy`, `checks` are the data sections' checks still to make.
    static func open(_ path: String, verify: StoreVerification) throws(StoreError) -> (table: Table, stats: SegmentStats, checks: DataChecks?) {
        let region = try MappedRegion(path: path)
        let file = (path as NSString).lastPathComponent
        let directory = try readDirectory(region, file: file)
        let sections = try SectionMap(directory, region, file: file)
        if verify == .all {
            let failures = sections.verifyAll(region)
            if let first = failures.first { throw first }
        }
        let checks = verify == .lazy ? DataChecks(directory, sections, region, file: file) : nil
        let table = try buildTable(directory, sections, region, file: file)
        if verify == .all { try validate(table, file: file) }
        return (table, directory.stats, checks)
    }

    /// Throws the first section whose ids, offsets or rows point outside their bounds.
    static func validate(_ table: Table, file: String) throws(StoreError) {
        if let (section, detail) = table.structuralDamage() { throw .corrupt(file: file, section: section, detail: detail) }
    }

    /// Every problem of the file, each naming its section (empty when the file is sound).
    static func check(_ path: String) -> [StoreError] {
        do {
            let region = try MappedRegion(path: path)
            let file = (path as NSString).lastPathComponent
            let directory = try readDirectory(region, file: file)
            let sections = try SectionMap(directory, region, file: file)
            let failures = sections.verifyAll(region)
            if !failures.isEmpty { return failures }
            try validate(try buildTable(directory, sections, region, file: file), file: file)
            return []
        } catch {
            return [error]
        }
    }

    /// The directory of the file at `path` (its metadata, checked; no data read).
    static func directory(_ path: String) throws(StoreError) -> SegmentDirectory {
        try readDirectory(try MappedRegion(path: path), file: (path as NSString).lastPathComponent)
    }

    private static func readDirectory(_ region: MappedRegion, file: String) throws(StoreError) -> SegmentDirectory {
        let header = try SegmentHeader.decode(region.bytes, file: file)
        guard header.fileLength == region.length else {
            throw .corrupt(file: file, section: "header", detail: "file is \(region.length) bytes, its header says \(header.fileLength) (truncated or extended)")
        }
        let start = Int(header.directoryOffset), length = Int(header.directoryLength)
        guard start >= SegmentFormat.headerSize, length >= 0, start + length <= region.length else {
            throw .corrupt(file: file, section: "directory", detail: "lies outside the file")
        }
        let bytes = UnsafeRawBufferPointer(rebasing: region.bytes[start..<start + length])
        guard CRC32C.of(bytes) == header.directoryCRC else { throw .corrupt(file: file, section: "directory", detail: "checksum mismatch") }
        do {
            return try SegmentWriter.decoder.decode(SegmentDirectory.self, from: Data(bytes))
        } catch {
            throw .corrupt(file: file, section: "directory", detail: "unreadable: \(error)")
        }
    }

    private static func buildTable(_ d: SegmentDirectory, _ sections: SectionMap, _ region: MappedRegion, file: String) throws(StoreError) -> Table {
        var columns: [Column] = []
        for entry in d.columns {
            guard let type = DataType(rawValue: entry.type), type != .list, type != .null else {
                throw .corrupt(file: file, section: "directory", detail: "column '\(entry.name)' has unknown type '\(entry.type)'")
            }
            let part = ColumnParts(entry, sections, region, file: file, rows: d.rows)
            let nulls: ColumnBuffer<Bool>? = try part.optional("nulls", Bool.self, count: d.rows)
            switch type {
            case .bool: columns.append(Column(name: entry.name, type: type, data: .bool(try part.required("values", Bool.self, count: d.rows)), isNull: nulls))
            case .float: columns.append(Column(name: entry.name, type: type, data: .float(try part.required("values", Double.self, count: d.rows)), isNull: nulls))
            case .int, .time, .duration:
                let values = try part.required("values", Int64.self, count: d.rows)
                var key: IntKeyIndex? = nil
                if let keyValues = try part.optional("key.values", Int64.self) {
                    key = IntKeyIndex(values: keyValues, rows: try part.required("key.rows", UInt32.self, count: keyValues.count))
                }
                columns.append(Column(name: entry.name, type: type, data: .int(values), isNull: nulls, keyIndex: key))
            case .string:
                let ids = try part.required("ids", UInt32.self, count: d.rows)
                let dictionary = try part.dictionary("dict.")
                let words = try part.dictionary("words.")
                let idOffsets = try part.required("words.idOffsets", UInt32.self, count: words.count + 1)
                let wordIndex = WordIndex(words: words, idOffsets: idOffsets, ids: try part.required("words.ids", UInt32.self, count: Int(idOffsets.last ?? 0)))
                let postingOffsets = try part.required("postings.offsets", UInt32.self, count: dictionary.count + 1)
                let postings = PostingLists(offsets: postingOffsets, rows: try part.required("postings.rows", UInt32.self, count: Int(postingOffsets.last ?? 0)))
                let dict = StringDictionary(offsets: dictionary.offsets, bytes: dictionary.bytes, wordIndex: wordIndex)
                columns.append(Column(name: entry.name, type: .string, data: .string(StringColumn(ids: ids, dictionary: dict, postings: postings)), isNull: nulls))
            case .list, .null: break
            }
        }
        if let t = d.timeColumn, !(0..<columns.count).contains(t) || columns[t].type != .time {
            throw .corrupt(file: file, section: "directory", detail: "the time column is not a time column")
        }
        var geo: GeoIndex? = nil
        if let g = d.geo { geo = try readGrid(g, columns, sections, region, file: file, rows: d.rows) }
        return Table(name: d.table, columns: columns, rowCount: d.rows, timeColumnIndex: d.timeColumn, geoIndex: geo)
    }

    /// The grid cells of the directory's `geo` entry, over two float columns of the segment.
    private static func readGrid(_ g: SegmentDirectory.GeoEntry, _ columns: [Column], _ sections: SectionMap, _ region: MappedRegion,
                                 file: String, rows: Int) throws(StoreError) -> GeoIndex {
        guard columns.indices.contains(g.latitude), columns.indices.contains(g.longitude),
              columns[g.latitude].type == .float, columns[g.longitude].type == .float
        else { throw .corrupt(file: file, section: "directory", detail: "the grid cells do not cover two float columns") }
        let part = ColumnParts(.init(name: "geo", type: "grid", parts: g.parts), sections, region, file: file, rows: rows)
        let cells = try part.required("cells", UInt32.self)
        return GeoIndex(latitudeColumn: g.latitude, longitudeColumn: g.longitude, cells: cells,
                        offsets: try part.required("offsets", UInt32.self, count: cells.count + 1), rows: try part.required("rows", UInt32.self))
    }
}

/// The sections of one file by name, each checked to lie inside the file, aligned.
struct SectionMap {
    let entries: [String: SegmentDirectory.SectionEntry]
    let file: String

    init(_ d: SegmentDirectory, _ region: MappedRegion, file: String) throws(StoreError) {
        var map: [String: SegmentDirectory.SectionEntry] = [:]
        for s in d.sections {
            guard s.offset % UInt64(SegmentFormat.alignment) == 0, s.offset >= UInt64(SegmentFormat.headerSize),
                  s.offset <= UInt64(region.length), s.length <= UInt64(region.length) - s.offset
            else { throw .corrupt(file: file, section: s.name, detail: "lies outside the file or is misaligned") }
            map[s.name] = s
        }
        entries = map
        self.file = file
    }

    /// Checksums of every section, two cores at a time; the failures in file order.
    func verifyAll(_ region: MappedRegion) -> [StoreError] {
        let list = entries.values.sorted { $0.offset < $1.offset }
        let results = Parallel.map(list.count) { k -> StoreError? in Self.check(list[k], region, file: file) }
        return results.compactMap { $0 }
    }

    /// The damage of one section (its checksum, and booleans that are 0 or 1), or nil.
    static func check(_ s: SegmentDirectory.SectionEntry, _ region: MappedRegion, file: String) -> StoreError? {
        let bytes = UnsafeRawBufferPointer(rebasing: region.bytes[Int(s.offset)..<Int(s.offset + s.length)])
        if CRC32C.of(bytes) != s.crc32c { return .corrupt(file: file, section: s.name, detail: "checksum mismatch") }
        if s.element == "bool", bytes.contains(where: { $0 > 1 }) { return .corrupt(file: file, section: s.name, detail: "a boolean byte is neither 0 nor 1") }
        return nil
    }
}

/// The sections of one column, typed and counted.
struct ColumnParts {
    let entry: SegmentDirectory.ColumnEntry
    let sections: SectionMap
    let region: MappedRegion
    let file: String
    let rows: Int

    init(_ entry: SegmentDirectory.ColumnEntry, _ sections: SectionMap, _ region: MappedRegion, file: String, rows: Int) {
        self.entry = entry
        self.sections = sections
        self.region = region
        self.file = file
        self.rows = rows
    }

    func optional<T: BitwiseCopyable>(_ part: String, _: T.Type, count: Int? = nil) throws(StoreError) -> ColumnBuffer<T>? {
        guard let name = entry.parts[part] else { return nil }
        guard let s = sections.entries[name] else {
            throw .corrupt(file: file, section: "directory", detail: "column '\(entry.name)' names a missing section '\(name)'")
        }
        let stride = MemoryLayout<T>.stride
        guard Int(s.length) % stride == 0 else { throw .corrupt(file: file, section: name, detail: "length \(s.length) is not a whole number of elements") }
        let n = Int(s.length) / stride
        if let count, n != count {
            throw .corrupt(file: file, section: name, detail: "holds \(n) elements where \(count) are expected")
        }
        return region.buffer(T.self, offset: Int(s.offset), count: n)
    }

    func required<T: BitwiseCopyable>(_ part: String, _ type: T.Type, count: Int? = nil) throws(StoreError) -> ColumnBuffer<T> {
        guard let b = try optional(part, type, count: count) else {
            throw .corrupt(file: file, section: "directory", detail: "column '\(entry.name)' lacks its '\(part)' section")
        }
        return b
    }

    func dictionary(_ prefix: String) throws(StoreError) -> StringDictionary {
        let offsets = try required(prefix + "offsets", UInt64.self)
        let bytes = try required(prefix + "bytes", UInt8.self)
        guard let last = offsets.last, offsets.first == 0, last == UInt64(bytes.count) else {
            throw .corrupt(file: file, section: entry.parts[prefix + "offsets"] ?? prefix, detail: "offsets do not span the bytes")
        }
        return StringDictionary(offsets: offsets, bytes: bytes)
    }
}
