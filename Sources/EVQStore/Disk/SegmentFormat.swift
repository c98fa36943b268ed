// The layout of a segment file (FORMAT.md says it in prose): a 64-byte header, sections
// aligned to 64 bytes, and a JSON directory at the end that names every section.

import CChecksum

public enum SegmentFormat {
    public static let magic: [UInt8] = Array("EVQSEG\0\0".utf8)
    /// Bumped when a reader of the previous version could misread a file. Format 2 added the
    /// grid cells (`geo`), format 3 encoded sections, format 4 front-coded text dictionaries;
    /// this reader reads formats 1 to 3 too (FORMAT.md, Versions).
    public static let version = 4
    public static let headerSize = 64
    public static let alignment = 64
    /// Written as a native UInt32; read back as anything else, the file has the other byte order.
    public static let byteOrderMark: UInt32 = 0x0102_0304
    public static let fileExtension = "evqseg"
}

/// The fixed header at offset 0 (little-endian fields).
struct SegmentHeader {
    var version: UInt32
    var byteOrder: UInt32
    var directoryOffset: UInt64
    var directoryLength: UInt64
    var directoryCRC: UInt32
    var sectionCount: UInt32
    var fileLength: UInt64

    func encoded() -> [UInt8] {
        var out = SegmentFormat.magic
        func put<T: FixedWidthInteger>(_ v: T) { withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) } }
        put(version)
        put(byteOrder)
        put(directoryOffset)
        put(directoryLength)
        put(directoryCRC)
        put(sectionCount)
        put(fileLength)
        out.append(contentsOf: [UInt8](repeating: 0, count: SegmentFormat.headerSize - 4 - out.count))
        put(CRC32C.of(out))
        return out
    }

    /// Reads and checks the header; `file` names it in errors.
    static func decode(_ bytes: UnsafeRawBufferPointer, file: String) throws(StoreError) -> SegmentHeader {
        guard bytes.count >= SegmentFormat.headerSize else {
            throw .corrupt(file: file, section: "header", detail: "file is \(bytes.count) bytes, shorter than the \(SegmentFormat.headerSize)-byte header (truncated)")
        }
        guard bytes.prefix(8).elementsEqual(SegmentFormat.magic) else {
            throw .corrupt(file: file, section: "header", detail: "not an evq segment file (bad magic)")
        }
        func get<T: FixedWidthInteger>(_ at: Int, _: T.Type) -> T { T(littleEndian: bytes.loadUnaligned(fromByteOffset: at, as: T.self)) }
        let stored = get(60, UInt32.self)
        let version = get(8, UInt32.self)
        if version > SegmentFormat.version, stored == CRC32C.of(UnsafeRawBufferPointer(rebasing: bytes[0..<60])) {
            throw .newerFormat(file: file, version: Int(version))
        }
        guard stored == CRC32C.of(UnsafeRawBufferPointer(rebasing: bytes[0..<60])) else {
            throw .corrupt(file: file, section: "header", detail: "checksum mismatch")
        }
        let header = SegmentHeader(version: version, byteOrder: get(12, UInt32.self), directoryOffset: get(16, UInt64.self),
                                   directoryLength: get(24, UInt64.self), directoryCRC: get(32, UInt32.self),
                                   sectionCount: get(36, UInt32.self), fileLength: get(40, UInt64.self))
        guard header.byteOrder == SegmentFormat.byteOrderMark else {
            throw .corrupt(file: file, section: "header", detail: "written with the other byte order; this evq reads little-endian files only")
        }
        return header
    }
}

/// The JSON directory: the table's shape, every section and the segment's statistics.
struct SegmentDirectory: Codable {
    var table: String
    var rows: Int
    /// Index into `columns` of the time order; rows ascending by it, nulls last.
    var timeColumn: Int?
    var columns: [ColumnEntry]
    var sections: [SectionEntry]
    var stats: SegmentStats
    /// The grid cells over the coordinate columns (format 2; absent in format 1 and for a
    /// table without coordinates, whose reader builds the grid on first use).
    var geo: GeoEntry?

    struct ColumnEntry: Codable {
        var name: String
        var type: String
        /// Section name per part (`values`, `nulls`, `ids`, `dict.offsets`, ...).
        var parts: [String: String]
    }

    /// `GeoIndex`: the columns it covers and its three sections (`cells`, `offsets`, `rows`).
    struct GeoEntry: Codable {
        var latitude: Int
        var longitude: Int
        var parts: [String: String]
    }

    struct SectionEntry: Codable {
        var name: String
        /// `u8`, `bool`, `u32`, `u64`, `i64`, `f64`.
        var element: String
        var offset: UInt64
        /// Stored bytes (what `crc32c` covers).
        var length: UInt64
        var crc32c: UInt32
        /// Format 3: how the stored bytes become the array (absent: they are the array).
        var encoding: SectionEncoding?

        /// Bytes of the array the section stands for.
        var decodedLength: UInt64 { encoding?.length ?? length }
    }
}

/// Per-segment statistics, kept in the directory and the manifest: what a planner needs to
/// skip a segment without reading it.
public struct SegmentStats: Codable, Sendable, Equatable {
    public var rows: Int
    /// UTC seconds of the first and last non-null time (nil without a time order or times).
    public var minTime: Int64?
    public var maxTime: Int64?
    public var columns: [ColumnStats]

    public struct ColumnStats: Codable, Sendable, Equatable {
        public var name: String
        public var nulls: Int
        /// Distinct values, for text columns (the dictionary's size).
        public var distinct: Int?
        /// Smallest and largest non-null value of an int, time or duration column.
        public var minInt: Int64?
        public var maxInt: Int64?
        /// The same for a float column (NaN left out).
        public var minFloat: Double?
        public var maxFloat: Double?

        public init(name: String, nulls: Int) {
            self.name = name
            self.nulls = nulls
        }
    }
}

enum CRC32C {
    static func of(_ bytes: UnsafeRawBufferPointer, continuing crc: UInt32 = 0) -> UInt32 {
        guard let base = bytes.baseAddress else { return crc }
        return evq_crc32c(crc, base, bytes.count)
    }

    static func of(_ bytes: [UInt8]) -> UInt32 { bytes.withUnsafeBytes { of($0) } }
}
