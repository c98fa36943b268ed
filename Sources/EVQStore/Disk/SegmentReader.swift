// Opens a segment file: maps it, checks the header and directory checksums and every
// section's bounds, and builds a `Table` whose buffers point into the mapping (no copy).

import Foundation
import Synchronization

/// How much of a file to check on open. Metadata always; `all` also every data section's
/// checksum (a pass over the bytes at memory speed, which `evq check` always does); `lazy`
/// each data section when `Store.verifyData(of:columns:)` first asks for it; `metadata` no
/// data checksum, for files `evq check` vouched for (`Store.verifyData` still decodes what
/// is encoded, so a decoder's failure is an error).
public enum StoreVerification: Sendable {
    case metadata, lazy, all
}

enum SegmentReader {
    /// The table in `path` and its statistics.
    /// Unless `.all`, `checks` are the data sections' checks (or decodes) still to make.
    static func open(_ path: String, verify: StoreVerification) throws(StoreError) -> (table: Table, stats: SegmentStats, checks: DataChecks?) {
        let region = try MappedRegion(path: path)
        let file = (path as NSString).lastPathComponent
        let directory = try readDirectory(region, file: file)
        let sections = try SectionMap(directory, region, file: file)
        if verify == .all {
            let failures = sections.verifyAll(region)
            if let first = failures.first { throw first }
        }
        let checks = verify == .all ? nil : DataChecks(directory, sections, region, file: file, checksums: verify == .lazy)
        let table = try buildTable(directory, sections, region, file: file)
        if verify == .all { try validate(table, file: file) }
        return (table, directory.stats, checks)
    }

    /// Throws the first section (of `columns`, nil: all; and of the grid cells with `grid`)
    /// whose ids, offsets or rows point outside their bounds.
    static func validate(_ table: Table, columns: Set<Int>? = nil, grid: Bool = true, file: String) throws(StoreError) {
        if let (section, detail) = table.structuralDamage(columns: columns, grid: grid) { throw .corrupt(file: file, section: section, detail: detail) }
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
            if part.isEncoded {
                // Read on first use: the counts now (from the directory), the bytes then.
                try part.checkCounts(type)
                let keyIndex: StoredLoad<IntKeyIndex>? = entry.parts["key.values"] == nil ? nil : { @Sendable () throws(StoreError) in
                    let values = try part.required("key.values", Int64.self)
                    return IntKeyIndex(values: values, rows: try part.required("key.rows", UInt32.self, count: values.count))
                }
                let distinct = type == .string ? entry.parts["dict.offsets"].flatMap { sections.entries[$0] }.map { Int($0.decodedLength / 8) - 1 } : nil
                columns.append(Column(name: entry.name, type: type, rows: d.rows, distinct: distinct, load: { () throws(StoreError) in try columnData(type, part) }, keyIndex: keyIndex))
                continue
            }
            let (data, nulls) = try columnData(type, part)
            var key: IntKeyIndex? = nil
            if let keyValues = try part.optional("key.values", Int64.self) {
                key = IntKeyIndex(values: keyValues, rows: try part.required("key.rows", UInt32.self, count: keyValues.count))
            }
            columns.append(Column(name: entry.name, type: type, data: data, isNull: nulls, keyIndex: key))
        }
        if let t = d.timeColumn, !(0..<columns.count).contains(t) || columns[t].type != .time {
            throw .corrupt(file: file, section: "directory", detail: "the time column is not a time column")
        }
        if let g = d.geo {
            guard columns.indices.contains(g.latitude), columns.indices.contains(g.longitude),
                  columns[g.latitude].type == .float, columns[g.longitude].type == .float
            else { throw .corrupt(file: file, section: "directory", detail: "the grid cells do not cover two float columns") }
            let part = ColumnParts(.init(name: "geo", type: "grid", parts: g.parts), sections, region, file: file, rows: d.rows)
            if part.isEncoded {
                return Table(name: d.table, columns: columns, rowCount: d.rows, timeColumnIndex: d.timeColumn,
                             storedGeoIndex: { () throws(StoreError) in try readGrid(g, part) }, over: (g.latitude, g.longitude))
            }
            return Table(name: d.table, columns: columns, rowCount: d.rows, timeColumnIndex: d.timeColumn, geoIndex: try readGrid(g, part))
        }
        return Table(name: d.table, columns: columns, rowCount: d.rows, timeColumnIndex: d.timeColumn)
    }

    /// A column's values and null mask from its sections (decoding encoded ones).
    private static func columnData(_ type: DataType, _ part: ColumnParts) throws(StoreError) -> (data: ColumnData, nulls: ColumnBuffer<Bool>?) {
        let rows = part.rows
        var nulls: ColumnBuffer<Bool>? = try part.optional("nulls", Bool.self, count: rows)
        // A decoded mask is kept only when it holds a null (as a built column's is).
        if let mask = nulls, !mask.isMapped, !mask.contains(true) { nulls = nil }
        switch type {
        case .bool: return (.bool(try part.required("values", Bool.self, count: rows)), nulls)
        case .float: return (.float(try part.required("values", Double.self, count: rows)), nulls)
        case .int, .time, .duration: return (.int(try part.required("values", Int64.self, count: rows)), nulls)
        case .string, .list, .null:
            let ids = try part.required("ids", UInt32.self, count: rows)
            let dictionary = try part.dictionary("dict.")
            let dict: StringDictionary
            if part.isEncoded(prefix: "words.") {
                dict = StringDictionary(offsets: dictionary.offsets, bytes: dictionary.bytes, storedWordIndex: { () throws(StoreError) in try wordIndex(part) })
            } else {
                dict = StringDictionary(offsets: dictionary.offsets, bytes: dictionary.bytes, wordIndex: try wordIndex(part))
            }
            let values = dict.count
            if part.entry.parts["postings.offsets"] == nil {
                // A near-unique column (format 3): its lists are built if a query asks.
                return (.string(StringColumn(ids: ids, dictionary: dict)), nulls)
            }
            if part.isEncoded(prefix: "postings.") {
                return (.string(StringColumn(ids: ids, dictionary: dict, storedPostings: { () throws(StoreError) in try postings(part, values: values) })), nulls)
            }
            return (.string(StringColumn(ids: ids, dictionary: dict, postings: try postings(part, values: values))), nulls)
        }
    }

    private static func wordIndex(_ part: ColumnParts) throws(StoreError) -> WordIndex {
        let words = try part.dictionary("words.")
        let idOffsets = try part.required("words.idOffsets", UInt32.self, count: words.count + 1)
        return WordIndex(words: words, idOffsets: idOffsets, ids: try part.required("words.ids", UInt32.self, count: Int(idOffsets.last ?? 0)))
    }

    private static func postings(_ part: ColumnParts, values: Int) throws(StoreError) -> PostingLists {
        let offsets = try part.required("postings.offsets", UInt32.self, count: values + 1)
        return PostingLists(offsets: offsets, rows: try part.required("postings.rows", UInt32.self, count: Int(offsets.last ?? 0)))
    }

    /// The grid cells of the directory's `geo` entry, over two float columns of the segment.
    private static func readGrid(_ g: SegmentDirectory.GeoEntry, _ part: ColumnParts) throws(StoreError) -> GeoIndex {
        let cells = try part.required("cells", UInt32.self)
        return GeoIndex(latitudeColumn: g.latitude, longitudeColumn: g.longitude, cells: cells,
                        offsets: try part.required("offsets", UInt32.self, count: cells.count + 1), rows: try part.required("rows", UInt32.self))
    }
}

/// The sections of one file by name, each checked to lie inside the file, aligned; encoded
/// sections decoded at most once (kept while the segment is open).
final class SectionMap: Sendable {
    let entries: [String: SegmentDirectory.SectionEntry]
    let file: String
    let region: MappedRegion
    private let decoded = Mutex<[String: HeapAllocation]>([:])

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
        self.region = region
    }

    /// Checksums of every section, two cores at a time; the failures in file order.
    func verifyAll(_ region: MappedRegion) -> [StoreError] {
        let list = entries.values.sorted { $0.offset < $1.offset }
        let results = Parallel.map(list.count) { k -> StoreError? in check(list[k]) }
        return results.compactMap { $0 }
    }

    private func stored(_ s: SegmentDirectory.SectionEntry) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: region.bytes[Int(s.offset)..<Int(s.offset + s.length)])
    }

    /// The damage of one section (its checksum, whether it decodes, and booleans that are 0
    /// or 1), or nil. An encoded section is decoded here, once, for its readers.
    func check(_ s: SegmentDirectory.SectionEntry) -> StoreError? {
        if CRC32C.of(stored(s)) != s.crc32c { return .corrupt(file: file, section: s.name, detail: "checksum mismatch") }
        var bytes = stored(s)
        var heap: HeapAllocation? = nil
        // Gaps restarting at lists whose own checksum fails: that section is the damage found.
        if let l = s.encoding?.deltaLists.flatMap({ entries[$0] }), CRC32C.of(stored(l)) != l.crc32c { return nil }
        if let o = s.encoding?.front.flatMap({ entries[$0] }), CRC32C.of(stored(o)) != o.crc32c { return nil }
        if s.encoding != nil {
            do { heap = try decode(s) } catch { return error }
            bytes = UnsafeRawBufferPointer(start: heap!.pointer, count: Int(s.decodedLength))
        }
        if s.element == "bool", bytes.contains(where: { $0 > 1 }) { return .corrupt(file: file, section: s.name, detail: "a boolean byte is neither 0 nor 1") }
        return withExtendedLifetime(heap) { nil }
    }

    /// The array of section `s`: mapped as it lies, or decoded into the heap (once).
    func buffer<T: BitwiseCopyable>(_: T.Type, _ s: SegmentDirectory.SectionEntry) throws(StoreError) -> ColumnBuffer<T> {
        let n = Int(s.decodedLength) / MemoryLayout<T>.stride
        guard s.encoding != nil else { return region.buffer(T.self, offset: Int(s.offset), count: n) }
        let heap = try decode(s)
        return ColumnBuffer(unsafeBase: UnsafePointer(heap.pointer.bindMemory(to: T.self, capacity: n)), count: n, owner: heap)
    }

    private func decode(_ s: SegmentDirectory.SectionEntry) throws(StoreError) -> HeapAllocation {
        if let done = decoded.withLock({ $0[s.name] }) { return done }
        guard let encoding = s.encoding else { throw .corrupt(file: file, section: s.name, detail: "is not encoded") }
        let lists = { (name: String) throws(DecodeError) -> ColumnBuffer<UInt32> in
            guard name != s.name, let l = self.entries[name], l.element == "u32", l.encoding?.deltaLists == nil else {
                throw DecodeError(detail: "its lists '\(name)' are not a u32 section of the file")
            }
            do { return try self.buffer(UInt32.self, l) } catch { throw DecodeError(detail: "its lists '\(name)': \(error)") }
        }
        let offsets = { (name: String) throws(DecodeError) -> ColumnBuffer<UInt64> in
            guard name != s.name, let o = self.entries[name], o.element == "u64", o.encoding?.front == nil else {
                throw DecodeError(detail: "its offsets '\(name)' are not a u64 section of the file")
            }
            do { return try self.buffer(UInt64.self, o) } catch { throw DecodeError(detail: "its offsets '\(name)': \(error)") }
        }
        let heap: HeapAllocation
        do {
            heap = try SectionCodec.decode(stored(s), element: s.element, encoding: encoding, lists: lists, offsets: offsets)
        } catch {
            throw .corrupt(file: file, section: s.name, detail: "cannot be decoded: \(error.detail)")
        }
        return decoded.withLock { map in
            if let other = map[s.name] { return other }
            map[s.name] = heap
            return heap
        }
    }
}

/// The sections of one column, typed and counted.
struct ColumnParts: Sendable {
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

    /// Whether any of the column's sections is encoded (it is then read on first use).
    var isEncoded: Bool { entry.parts.values.contains { sections.entries[$0]?.encoding != nil } }

    /// Whether any of the parts named `prefix…` is encoded.
    func isEncoded(prefix: String) -> Bool {
        entry.parts.contains { $0.key.hasPrefix(prefix) && sections.entries[$0.value]?.encoding != nil }
    }

    /// The section of `part`, its element count checked against `count` (no data read).
    private func section<T: BitwiseCopyable>(_ part: String, _: T.Type, count: Int?) throws(StoreError) -> SegmentDirectory.SectionEntry? {
        guard let name = entry.parts[part] else { return nil }
        guard let s = sections.entries[name] else {
            throw .corrupt(file: file, section: "directory", detail: "column '\(entry.name)' names a missing section '\(name)'")
        }
        let stride = MemoryLayout<T>.stride
        let length = s.decodedLength
        guard length % UInt64(stride) == 0, length <= UInt64(Int.max / 2) else {
            throw .corrupt(file: file, section: name, detail: "length \(length) is not a whole number of elements")
        }
        let n = Int(length) / stride
        if let count, n != count {
            throw .corrupt(file: file, section: name, detail: "holds \(n) elements where \(count) are expected")
        }
        return s
    }

    /// What can be checked of a column read on first use before its bytes are: its per-row
    /// parts hold a row each.
    func checkCounts(_ type: DataType) throws(StoreError) {
        _ = try section("nulls", Bool.self, count: rows)
        switch type {
        case .bool: _ = try section("values", Bool.self, count: rows)
        case .string: _ = try section("ids", UInt32.self, count: rows)
        default: _ = try section("values", Int64.self, count: rows)
        }
    }

    func optional<T: BitwiseCopyable>(_ part: String, _: T.Type, count: Int? = nil) throws(StoreError) -> ColumnBuffer<T>? {
        guard let s = try section(part, T.self, count: count) else { return nil }
        return try sections.buffer(T.self, s)
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
