// The grid cells of `near()` survive on disk: three sections mapped back as they lie,
// checked like every other section (a damaged one is an error naming file and section), and
// a segment written before they existed (format 1) still opens and builds its grid on use.
import Foundation
import Testing
@testable import EVQStore

@Suite struct StoreGeoTests {
    /// Rows around Aleppo, some with a null latitude and some off the globe (the stray cell).
    static func placedTable(rows n: Int = 300) -> Table {
        var b = TableBuilder(name: "events")
        b.addColumn("date", (0..<n).map { .time(1_704_067_200 + Int64($0) * 3_600) }, type: .time)
        func latitude(_ r: Int) -> Value {
            if r % 17 == 5 { return .null }
            return .float(r % 23 == 0 ? 200 : 36.1 + Double(r % 40) * 0.013)
        }
        b.addColumn("lat", (0..<n).map(latitude))
        b.addColumn("lon", (0..<n).map { r -> Value in .float(37.1 + Double((r * 7) % 50) * 0.011) })
        return b.build(timeColumn: "date")
    }

    func storedSegment() throws -> (dir: String, file: String, original: Table) {
        let dir = temporaryStore()
        let original = Self.placedTable()
        try StoreWriter(path: dir).append(original, as: "events")
        return (dir, try #require(segmentFiles(dir).first), original)
    }

    @Test func theGridIsWrittenAndMappedBack() throws {
        let (dir, _, original) = try storedSegment()
        let segment = try #require(Store.open(dir).table(named: "events")?.segments.first)
        let stored = try #require(segment.builtGeoIndex, "the grid is read with the segment, not built")
        let built = try #require(original.geoIndex)
        // Raw sections are mapped; encoded ones (format 3) are decoded on first use.
        let d = try SegmentReader.directory(dir + "/" + (try segmentFiles(dir).first!))
        for (name, buffer) in [("geo.rows", stored.rows), ("geo.cells", stored.cells)] {
            #expect(buffer.isMapped == (d.sections.first { $0.name == name }?.encoding == nil))
        }
        #expect(stored.latitudeColumn == built.latitudeColumn && stored.longitudeColumn == built.longitudeColumn)
        #expect(Array(stored.cells) == Array(built.cells))
        #expect(Array(stored.offsets) == Array(built.offsets))
        #expect(Array(stored.rows) == Array(built.rows))
        #expect(stored.cells.last == GeoGrid.stray)
        #expect(try StoreReport.describe(dir).contains("\n  grid cells over lat, lon: "))
    }

    @Test func aDamagedGridSectionIsNamedOnOpenAndAtFirstUseOfItsColumns() throws {
        let (dir, file, _) = try storedSegment()
        let range = try sectionRange(dir + "/" + file, "geo.rows")
        try modifyFile(dir + "/" + file) { $0[range.lowerBound + 3] ^= 0x04 }
        let expected = StoreError.corrupt(file: file, section: "geo.rows", detail: "checksum mismatch")
        #expect(throws: expected) { try Store.open(dir, verify: .all) }
        #expect(Store.check(dir) == [expected])
        let segment = try #require(Store.open(dir, verify: .lazy).table(named: "events")?.segments.first)
        try Store.verifyData(of: segment, columns: [0])  // the date: not the grid's
        #expect(throws: expected) { try Store.verifyData(of: segment, columns: [2]) }  // lon reads the grid too
        #expect(throws: expected) { try Store.verifyData(of: segment) }
    }

    @Test func aResealedGridOutOfItsBoundsIsNamed() throws {
        let table = Self.placedTable(rows: 4)
        func damage(cells: [UInt32], offsets: [UInt32], rows: [UInt32]) -> String? {
            let grid = GeoIndex(latitudeColumn: 1, longitudeColumn: 2, cells: ColumnBuffer(cells), offsets: ColumnBuffer(offsets), rows: ColumnBuffer(rows))
            return Table(name: "events", columns: table.columns, rowCount: 4, timeColumnIndex: 0, geoIndex: grid).structuralDamage()
                .map { "\($0.section): \($0.detail)" }
        }
        #expect(damage(cells: [3, 9], offsets: [0, 2, 4], rows: [0, 1, 2, 3]) == nil)
        #expect(damage(cells: [9, 3], offsets: [0, 2, 4], rows: [0, 1, 2, 3]) == "geo.cells: cell 1 is not above the one before it")
        #expect(damage(cells: [3, 9], offsets: [0, 2], rows: [0, 1, 2, 3]) == "geo.offsets: 1 lists for 2 cells")
        #expect(damage(cells: [3, 9], offsets: [0, 5, 4], rows: [0, 1, 2, 3]) == "geo.offsets: offset 1 is past the end (5 > 4)")
        #expect(damage(cells: [3, 9], offsets: [0, 2, 4], rows: [0, 1, 2, 8]) == "geo.rows: row 8 is past the segment's 4 rows")
        #expect(damage(cells: [3, 9], offsets: [0, 2, 4], rows: [0, 1, 3, 2]) == "geo.rows: the rows of cell 1 are not ascending")
    }

    @Test func aFormatOneSegmentWithoutTheGridOpensAndBuildsItOnUse() throws {
        let (dir, file, original) = try storedSegment()
        try rewriteAsFormatOne(dir + "/" + file)
        let segment = try #require(Store.open(dir, verify: .all).table(named: "events")?.segments.first)
        #expect(segment.builtGeoIndex == nil)
        #expect(rows(segment) == rows(original))
        #expect(Array(try #require(segment.geoIndex).rows) == Array(try #require(original.geoIndex).rows))
    }

    @Test func theManifestCarriesTheFormatOfTheFilesItNames() throws {
        let (dir, _, _) = try storedSegment()
        #expect(try Manifest.read(dir).version == SegmentFormat.version)
        // A store begun by format 1: appending a newer file raises the manifest's version, so
        // that an older reader refuses the store instead of meeting the file.
        let text = try String(contentsOfFile: dir + "/MANIFEST", encoding: .utf8)
        let body = String(text[..<text.range(of: "\ncrc32c ")!.lowerBound])
            .replacingOccurrences(of: "\"version\":\(SegmentFormat.version)", with: "\"version\":1")
        try (body + "\ncrc32c \(String(CRC32C.of(Array(body.utf8)), radix: 16))\n").write(toFile: dir + "/MANIFEST", atomically: false, encoding: .utf8)
        #expect(try Manifest.read(dir).version == 1)
        try StoreWriter(path: dir).append(Self.placedTable(rows: 3), as: "events")
        #expect(try Manifest.read(dir).version == SegmentFormat.version)
    }

    /// What a format-1 writer wrote: the same file without the `geo` entry, version 1.
    private func rewriteAsFormatOne(_ path: String) throws {
        var d = try SegmentReader.directory(path)
        d.geo = nil
        let json = Array(try SegmentWriter.encoder.encode(d))
        try modifyFile(path) { bytes in
            let start = Int(bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 16, as: UInt64.self) })
            bytes.removeSubrange(start...)
            bytes += json
            let header = SegmentHeader(version: 1, byteOrder: SegmentFormat.byteOrderMark, directoryOffset: UInt64(start), directoryLength: UInt64(json.count),
                                       directoryCRC: CRC32C.of(json), sectionCount: UInt32(d.sections.count), fileLength: UInt64(bytes.count))
            bytes.replaceSubrange(0..<SegmentFormat.headerSize, with: header.encoded())
        }
    }
}
