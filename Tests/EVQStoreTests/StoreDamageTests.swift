// A damaged store is found and named (file and section), never read as data: flipped bytes,
// truncated files, a newer format, a broken manifest. And one writer at a time.
import Foundation
import Testing
@testable import EVQStore

@Suite struct StoreDamageTests {
    func oneSegmentStore() throws -> (dir: String, file: String) {
        let dir = temporaryStore()
        try StoreWriter(path: dir).append(sampleTable(days: Array(0..<40)), as: "events")
        return (dir, try #require(segmentFiles(dir).first))
    }

    @Test func aFlippedDataByteIsFoundOnOpenAndByCheck() throws {
        let (dir, file) = try oneSegmentStore()
        let range = try sectionRange(dir + "/" + file, "c2.ids")
        try modifyFile(dir + "/" + file) { $0[range.lowerBound + 5] ^= 0x10 }
        let expected = StoreError.corrupt(file: file, section: "c2.ids", detail: "checksum mismatch")
        #expect(throws: expected) { try Store.open(dir) }
        #expect(Store.check(dir) == [expected])
        #expect(expected.description == "\(file): c2.ids: checksum mismatch; the store is damaged (see 'evq check')")
        // Metadata-only opening trusts the data: it opens.
        #expect(try Store.open(dir, verify: .metadata).tables.count == 1)
    }

    @Test func flippedBytesInTheHeaderDirectoryOrEverySectionAreFound() throws {
        let (dir, file) = try oneSegmentStore()
        let path = dir + "/" + file
        let original = try Data(contentsOf: URL(fileURLWithPath: path))
        let d = try SegmentReader.directory(path)
        var positions = [3, 20, Int(d.sections.last!.offset + d.sections.last!.length) + 10]
        positions += d.sections.filter { $0.length > 0 }.map { Int($0.offset + $0.length / 2) }
        for p in positions {
            try original.write(to: URL(fileURLWithPath: path))
            try modifyFile(path) { $0[p] ^= 0x01 }
            do {
                _ = try Store.open(dir)
                Issue.record("a flipped byte at \(p) went unnoticed")
            } catch {
                guard case .corrupt(let f, _, _) = error else { Issue.record("\(error)"); continue }
                #expect(f == file)
            }
        }
    }

    @Test func aTruncatedFileIsFound() throws {
        let (dir, file) = try oneSegmentStore()
        let path = dir + "/" + file
        let size = try #require(FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
        try modifyFile(path) { $0.removeLast(100) }
        #expect(throws: StoreError.corrupt(file: file, section: "header", detail: "file is \(size - 100) bytes, its header says \(size) (truncated or extended)")) {
            try Store.open(dir)
        }
        try modifyFile(path) { $0.removeLast($0.count - 10) }
        #expect(throws: StoreError.corrupt(file: file, section: "header", detail: "file is 10 bytes, shorter than the 64-byte header (truncated)")) {
            try Store.open(dir)
        }
    }

    @Test func aNewerFormatIsRefusedWithAClearMessage() throws {
        let (dir, file) = try oneSegmentStore()
        let path = dir + "/" + file
        try modifyFile(path) { bytes in
            bytes[8] = UInt8(SegmentFormat.version + 1)
            let crc = CRC32C.of(Array(bytes[0..<60]))
            withUnsafeBytes(of: crc.littleEndian) { for k in 0..<4 { bytes[60 + k] = $0[k] } }
        }
        let newer = SegmentFormat.version + 1
        let error = StoreError.newerFormat(file: file, version: newer)
        #expect(throws: error) { try Store.open(dir) }
        #expect(error.description == "\(file): written in store format \(newer) by a newer evq; this evq reads format \(newer - 1) and older")
    }

    @Test func aDamagedManifestIsFound() throws {
        let (dir, _) = try oneSegmentStore()
        try modifyFile(dir + "/MANIFEST") { $0[12] ^= 0x20 }
        #expect(throws: StoreError.corrupt(file: "MANIFEST", section: "manifest", detail: "checksum mismatch")) { try Store.open(dir) }
        try modifyFile(dir + "/MANIFEST") { $0.removeLast(20) }
        #expect(throws: StoreError.corrupt(file: "MANIFEST", section: "manifest", detail: "no checksum line (truncated)")) { try Store.open(dir) }
    }

    @Test func aManifestNamingAFileOutsideTheStoreIsRefused() throws {
        let (dir, file) = try oneSegmentStore()
        // A well-formed manifest, checksum and all, whose segment lies outside the folder.
        let text = try String(contentsOfFile: dir + "/MANIFEST", encoding: .utf8)
        let body = String(text[..<text.range(of: "\ncrc32c ")!.lowerBound]).replacingOccurrences(of: file, with: "../" + file)
        let sealed = body + "\ncrc32c \(String(CRC32C.of(Array(body.utf8)), radix: 16))\n"
        try sealed.write(toFile: dir + "/MANIFEST", atomically: false, encoding: .utf8)
        #expect(throws: StoreError.corrupt(file: "MANIFEST", section: "manifest", detail: "segment file name '../\(file)' is not a file in the store's folder")) {
            try Store.open(dir)
        }
    }

    @Test func aSecondWriterIsRefusedNamingTheHolder() throws {
        let dir = temporaryStore()
        let first = try StoreWriter(path: dir)
        #expect(throws: StoreError.locked(store: dir, pid: getpid())) { try StoreWriter(path: dir) }
        #expect(StoreError.locked(store: dir, pid: 42).description == "\(dir): another evq is writing this store (pid 42); try again when it has finished")
        _ = first
    }

    @Test func theLockIsFreedWhenTheWriterEnds() throws {
        let dir = temporaryStore()
        do { _ = try StoreWriter(path: dir) }
        _ = try StoreWriter(path: dir)
    }

    @Test func readersSeeTheLastCommitAndNeverUncommittedFiles() throws {
        let (dir, file) = try oneSegmentStore()
        // What a writer killed before its commit leaves: a new segment file and a temp manifest.
        try FileManager.default.copyItem(atPath: dir + "/" + file, toPath: dir + "/seg-000002-deadbeef.evqseg")
        try Data("{\"partial".utf8).write(to: URL(fileURLWithPath: dir + "/MANIFEST.tmp"))
        #expect(try Store.open(dir).table(named: "events")?.rowCount == 40)
        // The next writer removes them.
        _ = try StoreWriter(path: dir)
        #expect(try segmentFiles(dir) == [file])
        #expect(!FileManager.default.fileExists(atPath: dir + "/MANIFEST.tmp"))
    }

    @Test func crc32cMatchesTheStandardCheckValue() {
        #expect(CRC32C.of(Array("123456789".utf8)) == 0xE306_9283)
        #expect(CRC32C.of([UInt8](repeating: 0, count: 32)) == 0x8A91_36AA)
    }
}
