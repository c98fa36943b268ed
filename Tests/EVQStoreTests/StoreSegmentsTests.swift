// Appends make segments; late data (older than what is stored) still comes back in time
// order; compact merges segments and keeps every event and every answer.
import Foundation
import Testing
@testable import EVQStore

@Suite struct StoreSegmentsTests {
    @Test func appendThenReadAcrossSegmentsInTimeOrderWithLateData() throws {
        let dir = temporaryStore()
        let first = sampleTable(days: [10, 20, 30, -1, 40], tag: "a")
        let late = sampleTable(days: [5, 20, 35, -1], tag: "b")  // older and equal times too
        let w = try StoreWriter(path: dir)
        try w.append(first, as: "events")
        let commit = try w.append(late, as: "events")
        #expect(commit.segments == 2 && commit.rows == 4)
        let stored = try #require(Store.open(dir).table(named: "events"))
        #expect(stored.segments.count == 2)
        let t = stored.table
        #expect(t.rowCount == 9)
        let dates = t.values("date").map { v -> Int64? in if case .time(let x) = v { x } else { nil } }
        let day = { (d: Int) -> Int64 in 1_704_067_200 + Int64(d) * 86_400 }
        #expect(dates == [day(5), day(10), day(20), day(20), day(30), day(35), day(40), nil, nil])
        // Equal times: the earlier segment's row first.
        #expect(t.values("id")[2] == .int(1) && t.values("id")[3] == .int(1_001))
        // Every event of both, with its values.
        #expect(Set(rows(t).map { "\($0)" }) == Set((rows(first) + rows(late)).map { "\($0)" }))
        // Dictionaries merged: ids follow the merged sorted values.
        guard case .string(let notes) = t.column(named: "notes")!.data else { return }
        #expect(Array(notes.dictionary.values) == Array(notes.dictionary.values).sorted())
        #expect(t.nonNullTimeCount == 7)
    }

    @Test func compactKeepsEveryEventAndEveryAnswer() throws {
        let dir = temporaryStore()
        let w = try StoreWriter(path: dir)
        try w.append(sampleTable(days: [3, 1, 4, 1, 5], tag: "a"), as: "events")
        try w.append(sampleTable(days: [9, 2, 6], tag: "b"), as: "events")
        try w.append(sampleTable(days: [5, 3, -1, 5], tag: "c"), as: "events")
        let before = try #require(Store.open(dir).table(named: "events")).table
        let commits = try w.compact()
        #expect(commits.map(\.rows) == [12])
        #expect(try segmentFiles(dir).count == 1)
        let after = try #require(Store.open(dir).table(named: "events"))
        #expect(after.segments.count == 1)
        #expect(rows(after.table) == rows(before))
        #expect(try w.compact().isEmpty)
    }

    @Test func appendFitsOtherColumnsToTheTable() throws {
        let dir = temporaryStore()
        let w = try StoreWriter(path: dir)
        try w.append(sampleTable(days: [1, 2]), as: "events")
        // Fewer columns, in another order, and one new: missing ones are null in the new rows,
        // the new one null in the older segment.
        var b = TableBuilder(name: "events")
        b.addColumn("source", [.string("wire"), .null])
        b.addColumn("fatalities", [.int(7), .int(8)])
        b.addColumn("date", [.time(1_704_067_200), .time(1_704_153_600)], type: .time)
        b.addColumn("notes", [.null, .null])  // no value: takes the store's type
        try w.append(b.build(timeColumn: "date"), as: "events")
        let t = try #require(try Store.open(dir).table(named: "events"))
        #expect(t.segments.map { $0.columns.map(\.name) } == Array(repeating: ["id", "date", "notes", "fatalities", "lat", "verified", "span", "source"], count: 2))
        #expect(t.segments[1].columns.map(\.type) == [.int, .time, .string, .int, .float, .bool, .duration, .string])
        #expect(t.segments[0].column(named: "source").map { c in (0..<2).map { c.value(at: $0) } } == [.null, .null])
        #expect(t.segments[1].row(0) == [.null, .time(1_704_067_200), .null, .int(7), .null, .null, .null, .string("wire")])
        #expect(t.segments[1].timeColumnIndex == 1)
    }

    @Test func appendWithAnotherTypeOrTimeColumnIsRefusedAndChangesNothing() throws {
        let dir = temporaryStore()
        let w = try StoreWriter(path: dir)
        try w.append(sampleTable(days: [1, 2]), as: "events")
        var b = TableBuilder(name: "events")
        b.addColumn("date", [.time(1_704_067_200)], type: .time)
        b.addColumn("fatalities", [.string("many")])
        #expect(throws: StoreError.schemaMismatch(table: "events", detail: "column 'fatalities' is int in the store and string in the new rows; "
            + "use --type fatalities=int to read it as the store does")) {
            try w.append(b.build(timeColumn: "date"), as: "events")
        }
        var c = TableBuilder(name: "events")
        c.addColumn("id", [.int(1)])
        #expect(throws: StoreError.schemaMismatch(table: "events", detail: "the new rows are ordered by no time column, the store's by 'date'; use --time")) {
            try w.append(c.build(), as: "events")
        }
        #expect(try segmentFiles(dir).count == 1)
        #expect(try Store.open(dir).table(named: "events")?.rowCount == 2)
    }
}
