// Lazy checksums: a store opened with `.lazy` checks only metadata at open; a data section's
// damage is found the first time its column is asked for, naming the file and section.
import Foundation
import Testing
@testable import EVQStore

@Suite struct LazyChecksTests {
    func damagedStore() throws -> (dir: String, file: String) {
        let dir = temporaryStore()
        try StoreWriter(path: dir).append(sampleTable(days: Array(0..<40)), as: "events")
        let file = try #require(try segmentFiles(dir).first)
        let range = try sectionRange(dir + "/" + file, "c2.ids")  // notes
        try modifyFile(dir + "/" + file) { $0[range.lowerBound + 5] ^= 0x40 }
        return (dir, file)
    }

    @Test func aFlippedDataByteIsFoundAtFirstUseOfItsColumnOnly() throws {
        let (dir, file) = try damagedStore()
        #expect(throws: StoreError.corrupt(file: file, section: "c2.ids", detail: "checksum mismatch")) { try Store.open(dir, verify: .all) }
        let store = try Store.open(dir, verify: .lazy)
        let events = try #require(store.table(named: "events")?.segments.first)
        try Store.verifyData(of: events, columns: [0, 1, 3])
        #expect(throws: StoreError.corrupt(file: file, section: "c2.ids", detail: "checksum mismatch")) {
            try Store.verifyData(of: events, columns: [2])
        }
        // Still damaged the second time: a failed check is not remembered as done.
        #expect(throws: StoreError.corrupt(file: file, section: "c2.ids", detail: "checksum mismatch")) { try Store.verifyData(of: events) }
        #expect(Store.check(dir) == [.corrupt(file: file, section: "c2.ids", detail: "checksum mismatch")])
    }

    @Test func sectionsAreCheckedOnceAndOtherTablesNotAtAll() throws {
        let dir = temporaryStore()
        try StoreWriter(path: dir).append(sampleTable(days: Array(0..<40)), as: "events")
        let events = try #require(try Store.open(dir, verify: .lazy).table(named: "events")?.segments.first)
        try Store.verifyData(of: events)
        let file = try #require(try segmentFiles(dir).first)
        // Damage after the check is not looked for again (the mapping is immutable in use).
        try modifyFile(dir + "/" + file) { $0[try! sectionRange(dir + "/" + file, "c0.values").lowerBound] ^= 1 }
        try Store.verifyData(of: events)
        try Store.verifyData(of: sampleTable(days: [1]))  // not from a store: nothing to check
    }

    @Test func eachSegmentOfATableIsCheckedLazilyOnItsOwn() throws {
        let dir = temporaryStore()
        let w = try StoreWriter(path: dir)
        try w.append(sampleTable(days: [1, 2]), as: "events")
        try w.append(sampleTable(days: [3, 4]), as: "events")
        let file = try segmentFiles(dir).sorted()[0]
        let range = try sectionRange(dir + "/" + file, "c3.values")
        try modifyFile(dir + "/" + file) { $0[range.lowerBound] ^= 1 }
        // Segments are read in place, never merged at open: opening checks metadata only.
        let segments = try #require(try Store.open(dir, verify: .lazy).table(named: "events")?.segments)
        #expect(segments.count == 2)
        try Store.verifyData(of: segments[1])
        #expect(throws: StoreError.corrupt(file: file, section: "c3.values", detail: "checksum mismatch")) { try Store.verifyData(of: segments[0]) }
        #expect(throws: StoreError.corrupt(file: file, section: "c3.values", detail: "checksum mismatch")) { try Store.open(dir, verify: .all) }
    }
}
