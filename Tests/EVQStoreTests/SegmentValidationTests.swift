// A segment whose checksums were recomputed over bad bytes passes every CRC: its ids,
// offsets, rows and flags must still be found out of bounds before anything reads them (the
// store fuzzer's first crash was a string id past the dictionary, in a resealed file).

import Testing
@testable import EVQStore

@Suite struct SegmentValidationTests {
    private func table(ids: [UInt32], values: [String], nulls: [UInt8]? = nil) -> Table {
        let mask = nulls.map { bytes in ColumnBuffer<Bool>(unsafeUninitializedCount: bytes.count) { out in
            out.withMemoryRebound(to: UInt8.self) { raw in for (k, b) in bytes.enumerated() { raw[k] = b } }
        } }
        let column = Column(name: "actor1", type: .string, data: .string(StringColumn(ids: ColumnBuffer(ids), dictionary: StringDictionary(sortedUnique: values))),
                            isNull: mask)
        return Table(name: "events", columns: [column], rowCount: ids.count)
    }

    @Test func soundColumnsPass() {
        #expect(table(ids: [0, 1, StringColumn.nullID], values: ["A", "B"], nulls: [0, 0, 1]).structuralDamage() == nil)
    }

    @Test func anIdPastTheDictionaryIsNamed() throws {
        let damage = try #require(table(ids: [0, 7], values: ["A", "B"]).structuralDamage())
        #expect(damage.section == "c0.ids")
        #expect(damage.detail == "value id 7 is past the dictionary's 2 values")
        #expect(throws: StoreError.corrupt(file: "seg-1.evqseg", section: "c0.ids", detail: "value id 7 is past the dictionary's 2 values")) {
            try SegmentReader.validate(table(ids: [0, 7], values: ["A", "B"]), file: "seg-1.evqseg")
        }
    }

    @Test func aFlagByteOtherThanZeroOrOneIsNamed() throws {
        // Written as bytes: a Bool holding 2 is what a damaged file would map.
        let flags = ColumnBuffer<Bool>(unsafeUninitializedCount: 2) { out in
            out.withMemoryRebound(to: UInt8.self) { raw in raw[0] = 0; raw[1] = 2 }
        }
        let column = Column(name: "verified", type: .bool, data: .bool(flags), isNull: nil)
        let damage = try #require(Table(name: "events", columns: [column], rowCount: 2).structuralDamage())
        #expect(damage.section == "c0.values")
        #expect(damage.detail == "flag 1 is neither 0 nor 1")
    }

    @Test func postingRowsPastTheSegmentAreNamed() throws {
        let column = Column(name: "actor1", type: .string, data: .string(StringColumn(
            ids: ColumnBuffer([0, 0]), dictionary: StringDictionary(sortedUnique: ["A"]),
            postings: PostingLists(offsets: ColumnBuffer([0, 2]), rows: ColumnBuffer([0, 9])))), isNull: nil)
        let damage = try #require(Table(name: "events", columns: [column], rowCount: 2).structuralDamage())
        #expect(damage.section == "c0.postings.rows")
        #expect(damage.detail == "row 9 is past the segment's 2 rows")
    }

    /// Memory that says it is mapped from a file, as a store segment's is (its invariants are
    /// then the validation's to check, not Table's).
    private final class PretendMapping: BufferOwner, @unchecked Sendable {
        let values: UnsafeMutablePointer<Int64>
        init(_ v: [Int64]) {
            values = .allocate(capacity: v.count)
            values.initialize(from: v, count: v.count)
        }
        deinit { values.deallocate() }
        override var isMapped: Bool { true }
    }

    @Test func timesOutOfOrderAreNamed() throws {
        let owner = PretendMapping([5, 3, 9])
        let times = Column(name: "date", type: .time, data: .int(ColumnBuffer(unsafeBase: owner.values, count: 3, owner: owner)), isNull: nil)
        let damage = try #require(Table(name: "events", columns: [times], rowCount: 3, timeColumnIndex: 0).structuralDamage())
        #expect(damage.section == "c0.values")
        #expect(damage.detail == "time order broken at row 1")
    }

    @Test func aWordIndexWhoseWordsRunPastTheirBytesIsNamed() throws {
        // The store fuzzer's third find: a word's offset past the word bytes, read at the first `has`.
        let words = StringDictionary(offsets: ColumnBuffer<UInt64>([0, 5, 40]), bytes: ColumnBuffer(Array("droneraid".utf8)))
        let index = WordIndex(words: words, idOffsets: ColumnBuffer([0, 1, 1]), ids: ColumnBuffer([0]))
        let dictionary = StringDictionary(offsets: ColumnBuffer<UInt64>([0, 5]), bytes: ColumnBuffer(Array("drone".utf8)), wordIndex: index)
        let column = Column(name: "notes", type: .string, data: .string(StringColumn(ids: ColumnBuffer([0]), dictionary: dictionary)), isNull: nil)
        let damage = try #require(Table(name: "events", columns: [column], rowCount: 1).structuralDamage())
        #expect(damage.section == "c0.words.offsets")
        #expect(damage.detail == "offset 2 is past the end (40 > 9)")
    }

    @Test func damageDeepInALargeSectionIsFoundPastNullIdsAndNamedByItsValue() throws {
        // The checks reduce blocks of 8,192 elements; a bad one in a later block is still the one named.
        var ids = (0..<20_000).map { UInt32($0 % 3 == 0 ? StringColumn.nullID : UInt32($0 % 2)) }
        let nulls = ids.map { $0 == StringColumn.nullID ? UInt8(1) : 0 }
        #expect(table(ids: ids, values: ["A", "B"], nulls: nulls).structuralDamage() == nil)
        ids[15_001] = 9
        let damage = try #require(table(ids: ids, values: ["A", "B"], nulls: nulls).structuralDamage())
        #expect(damage.section == "c0.ids" && damage.detail == "value id 9 is past the dictionary's 2 values")
        #expect(Table.firstDescent(ColumnBuffer((0..<20_000).map { $0 == 12_345 ? 0 : Int64($0) })) == 12_345)
        #expect(Table.firstDescent(ColumnBuffer([1, 2, 2, 3] as [UInt32]), strictly: true) == 2)
        #expect(Table.firstAtOrAbove(ColumnBuffer([0, 5, UInt32.max, 7] as [UInt32]), 6, exceptMax: true) == 3)
        #expect(Table.firstAtOrAbove(ColumnBuffer([0, 5, UInt32.max] as [UInt32]), 6, exceptMax: true) == nil)
    }
}
