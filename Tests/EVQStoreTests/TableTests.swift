// Table and column behaviour the planner relies on: time order (nulls last, stable), binary
// search over it, gather.
import Testing
@testable import EVQStore

@Suite struct TableTests {
    func timeTable(_ times: [Int64?]) -> Table {
        var b = TableBuilder(name: "t")
        b.addColumn("id", times.indices.map { .string("r\($0)") })
        b.addColumn("when", times.map { $0.map(Value.time) ?? .null })
        return b.build(timeColumn: "when")
    }

    @Test func buildSortsByTimeStablyWithNullsLast() {
        let t = timeTable([20, nil, 10, 20, nil, 5])
        #expect(t.values("id") == ["r5", "r2", "r0", "r3", "r1", "r4"].map(Value.string))
        #expect(t.values("when") == [.time(5), .time(10), .time(20), .time(20), .null, .null])
        #expect(t.timeColumnIndex == 1)
        #expect(t.nonNullTimeCount == 4)
        t.checkInvariants()
    }

    @Test func rowRangeIsInclusiveBelowExclusiveAbove() {
        let t = timeTable([30, 10, 20, 20, nil, 40])  // sorted: 10 20 20 30 40 null
        #expect(t.rowRange(timeFrom: 20, before: 40) == 1..<4)
        #expect(t.rowRange(timeFrom: 20, before: 30) == 1..<3)
        #expect(t.rowRange(timeFrom: 21, before: 30) == 3..<3)
        #expect(t.rowRange(timeFrom: nil, before: nil) == 0..<5)
        #expect(t.rowRange(timeFrom: nil, before: 11) == 0..<1)
        #expect(t.rowRange(timeFrom: 40, before: nil) == 4..<5)
        #expect(t.rowRange(timeFrom: 41, before: nil) == 5..<5)
        #expect(t.rowRange(timeFrom: 30, before: 10) == 3..<3)
    }

    @Test func rowRangeNeedsATimeOrder() {
        var b = TableBuilder(name: "t")
        b.addColumn("n", [.int(1), .int(2)])
        let t = b.build()
        #expect(t.rowRange(timeFrom: 0, before: 10) == nil)
        #expect(t.nonNullTimeCount == 0)
    }

    @Test func timeOrderWithNegativeTimesAndAllNull() {
        let t = timeTable([0, -86_400, -1])
        #expect(t.values("when") == [.time(-86_400), .time(-1), .time(0)])
        #expect(t.rowRange(timeFrom: -1, before: 0) == 1..<2)
        // With no value to infer from, TableBuilder types the column string: no time order.
        let empty = timeTable([nil, nil])
        #expect(empty.timeColumnIndex == nil)
        #expect(empty.rowRange(timeFrom: nil, before: nil) == nil)
    }

    @Test func gatherKeepsNullsAndSharesTheDictionary() {
        var b = TableBuilder(name: "t")
        b.addColumn("n", [.int(10), .null, .int(30)])
        b.addColumn("s", [.string("x"), .string("y"), .null])
        let t = b.build()
        let n = t.columns[0].gather([2, 1, 0, 2] as [UInt32])
        #expect((0..<4).map { n.value(at: $0) } == [.int(30), .null, .int(10), .int(30)])
        let s = t.columns[1].gather([2, 0, 0] as [UInt32])
        #expect((0..<3).map { s.value(at: $0) } == [.null, .string("x"), .string("x")])
        guard case .string(let before) = t.columns[1].data, case .string(let after) = s.data else {
            Issue.record("not string columns")
            return
        }
        #expect(before.dictionary === after.dictionary)
        #expect(Array(after.postings.rows(of: 0)) == [1, 2])
        #expect(Array(after.postings.rows(of: 1)) == [])
        #expect(s.isNull?.map { $0 } == [true, false, false])
        #expect(n.isNull?.map { $0 } == [false, true, false, false])
        let g = t.gather([2, 0], keepsTimeOrder: false, name: "g")
        #expect(g.rowCount == 2)
        #expect(g.row(0) == [.int(30), .null])
    }

    @Test func columnWithoutNullsHasNoMask() {
        var b = TableBuilder(name: "t")
        b.addColumn("n", [.int(1), .int(2)])
        #expect(b.build().columns[0].isNull == nil)
    }

    @Test func forcedTypeOnUnconvertibleValueIsNull() {
        let c = TableBuilder.makeColumn(name: "n", values: [.string("abc"), .int(2), .float(2.5)], type: .int)
        #expect((0..<3).map { c.value(at: $0) } == [.null, .int(2), .null])
        let b = TableBuilder.makeColumn(name: "b", values: [.int(1), .bool(true)], type: .bool)
        #expect((0..<2).map { b.value(at: $0) } == [.null, .bool(true)])
        let t = TableBuilder.makeColumn(name: "t", values: [.int(5), .time(86_400)], type: .time)
        #expect((0..<2).map { t.value(at: $0) } == [.null, .time(86_400)])
    }
}
