// A table written to a store and opened again is the same table, indexes included, and
// its buffers lie in the mapped file.
import Foundation
import Testing
@testable import EVQStore

@Suite struct StoreRoundTripTests {
    @Test func everyColumnTypeWithNullsAndUnicodeComesBack() throws {
        let dir = temporaryStore()
        let original = sampleTable(days: (0..<50).map { ($0 * 37) % 90 - 3 })
        try StoreWriter(path: dir).append(original, as: "events")
        let store = try Store.open(dir)
        let t = try #require(store.table(named: "events")).table
        #expect(t.schema.map(\.name) == original.schema.map(\.name))
        #expect(t.schema.map(\.type) == original.schema.map(\.type))
        #expect(t.timeColumnIndex == original.timeColumnIndex)
        #expect(rows(t) == rows(original))
        guard case .string(let s) = t.column(named: "notes")!.data, case .string(let o) = original.column(named: "notes")!.data else {
            Issue.record("notes is not text")
            return
        }
        // Mapped where the section is raw; decoded into the heap on first use where it is encoded.
        #expect(t.column(named: "notes")!.isMapped)
        #expect(Array(s.dictionary.values) == Array(o.dictionary.values))
        #expect(s.dictionary.id(of: "\u{E9}té a1") != nil)
        #expect(s.dictionary.id(of: "\u{E9}té a1") == o.dictionary.id(of: "e\u{301}té a1"))
        for id in 0..<UInt32(o.dictionary.count) { #expect(Array(s.postings.rows(of: id)) == Array(o.postings.rows(of: id))) }
        for word in ["ḥalab", "drone", "u", "led", "🚀", "a1"] {
            #expect(Array(s.wordIndex.ids(of: word)) == Array(o.wordIndex.ids(of: word)))
        }
        #expect(s.wordIndex.ids(of: "drone").count > 0)
        let key = try #require(t.column(named: "id")?.builtKeyIndex)
        #expect(key.values.count == 50)
        #expect(Array(key.rows(of: 7)) == Array(original.column(named: "id")!.keyIndex!.rows(of: 7)))
        #expect(t.rowRange(timeFrom: 1_704_067_200 + 10 * 86_400, before: 1_704_067_200 + 20 * 86_400) ==
                original.rowRange(timeFrom: 1_704_067_200 + 10 * 86_400, before: 1_704_067_200 + 20 * 86_400))
    }

    @Test func statisticsDescribeTheSegment() throws {
        let dir = temporaryStore()
        try StoreWriter(path: dir).append(sampleTable(days: [5, -1, 2, 9]), as: "events")
        let stats = try #require(Store.open(dir).table(named: "events")).stats
        #expect(stats.count == 1)
        #expect(stats[0].rows == 4)
        #expect(stats[0].minTime == Int64(1_704_240_000))
        #expect(stats[0].maxTime == Int64(1_704_844_800))
        let fatalities = try #require(stats[0].columns.first { $0.name == "fatalities" })
        #expect(fatalities.nulls == 1)
        #expect(fatalities.minInt == 3 && fatalities.maxInt == 9)
    }

    @Test func severalTablesInOneStore() throws {
        let dir = temporaryStore()
        let w = try StoreWriter(path: dir)
        try w.append(sampleTable(days: [1, 2]), as: "events")
        try w.append(sampleTable(days: [3], name: "actors"), as: "actors")
        let store = try Store.open(dir)
        #expect(store.tables.map(\.name) == ["events", "actors"])
        #expect(store.tables.map(\.rowCount) == [2, 1])
    }

    @Test func listColumnsAreRefusedAndLeaveNoFile() throws {
        let dir = temporaryStore()
        var b = TableBuilder(name: "t")
        b.addColumn("xs", [.list([.int(1)])], type: .list)
        #expect(throws: StoreError.unsupported("column 'xs' holds lists, which a store cannot hold yet")) {
            try StoreWriter(path: dir).append(b.build(), as: "t")
        }
        #expect(try segmentFiles(dir) == [])
        #expect(throws: StoreError.notAStore(dir)) { try Store.open(dir) }
    }
}
