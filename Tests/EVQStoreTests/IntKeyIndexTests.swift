// The key index of an int column radix sorts keys that span at most 32 bits and compares
// wider ones: both must give the rows sorted by (value, row), nulls left out.
import Testing
@testable import EVQStore

@Suite struct IntKeyIndexTests {
    /// Values from `make(row)`, every seventh row null when `nulls`.
    static func index(_ n: Int, nulls: Bool, _ make: (Int) -> Int64) -> (IntKeyIndex, ColumnBuffer<Int64>, ColumnBuffer<Bool>?) {
        let values = ColumnBuffer((0..<n).map(make))
        let mask = nulls ? ColumnBuffer((0..<n).map { $0 % 7 == 3 }) : nil
        return (IntKeyIndex(values, nulls: mask), values, mask)
    }

    static func expectReference(_ index: IntKeyIndex, _ values: ColumnBuffer<Int64>, _ mask: ColumnBuffer<Bool>?, _ what: String) {
        let (rows, sorted) = values.withUnsafeBufferPointer { v in
            mask.map { m in m.withUnsafeBufferPointer { IntKeyIndex.comparisonSorted(v, $0) } } ?? IntKeyIndex.comparisonSorted(v, nil)
        }
        // The first difference, not two arrays of 30,000 in the failure.
        let rowsDiffer = zip(index.rows, rows).enumerated().first { $1.0 != $1.1 }?.offset
        let valuesDiffer = zip(index.values, sorted).enumerated().first { $1.0 != $1.1 }?.offset
        #expect(index.rows.count == rows.count && rowsDiffer == nil, "rows: \(what)")
        #expect(index.values.count == sorted.count && valuesDiffer == nil, "values: \(what)")
    }

    @Test(arguments: [false, true])
    func radixOrderIsTheComparisonOrder(nulls: Bool) {
        var state: UInt64 = 0x9E37_79B9
        func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 11
        }
        let shapes: [(String, (Int) -> Int64)] = [
            ("shuffled ids", { _ in Int64(next() % 50_000) + 1 }),
            ("negative, many ties", { _ in Int64(next() % 40) - 20 }),
            ("one value", { _ in 42 }),
            ("ascending", { Int64($0) * 3 }),
            ("exactly 32 bits of span", { r in r % 2 == 0 ? -2_147_483_648 : 2_147_483_647 - Int64(r % 5) }),
            ("33 bits of span (compared)", { _ in Int64(next() % (1 << 33)) - (1 << 32) }),
            ("extremes (compared)", { r in [Int64.min, Int64.max, 0, -1][r % 4] }),
        ]
        for (what, make) in shapes {
            let (index, values, mask) = Self.index(30_000, nulls: nulls, make)
            Self.expectReference(index, values, mask, what)
            // A lookup reads the sorted runs: every row of one value, ascending.
            let probe = values[12]
            let expected = (0..<values.count).filter { values[$0] == probe && mask?[$0] != true }.map(UInt32.init)
            #expect(Array(index.rows(of: probe)) == expected, "rows of \(probe): \(what)")
        }
    }

    /// Lookups at the keys' least and greatest values find their rows; below and above them
    /// (answered from the range alone) and on no keys at all, none.
    @Test func lookupsAtAndBeyondTheEnds() {
        let values: [Int64] = [7, -3, 12, 7, -3, 40, 12]
        let index = IntKeyIndex(ColumnBuffer(values), nulls: ColumnBuffer([false, false, false, false, true, false, false]))
        #expect(Array(index.rows(of: -3)) == [1])
        #expect(Array(index.rows(of: 40)) == [5])
        #expect(Array(index.rows(of: 7)) == [0, 3])
        for absent: Int64 in [-4, 41, 8, .min, .max] { #expect(index.rows(of: absent).isEmpty, "\(absent)") }
        #expect(IntKeyIndex(ColumnBuffer<Int64>(), nulls: nil).rows(of: 0).isEmpty)
    }

    @Test func allNullAndEmptyColumnsHaveNoKeys() {
        let (all, _, _) = Self.index(100, nulls: false) { Int64($0) }
        #expect(all.rows.count == 100)
        let mask = ColumnBuffer([Bool](repeating: true, count: 10))
        let none = IntKeyIndex(ColumnBuffer((0..<10).map(Int64.init)), nulls: mask)
        #expect(none.rows.isEmpty && none.values.isEmpty)
        let empty = IntKeyIndex(ColumnBuffer<Int64>(), nulls: nil)
        #expect(empty.rows.isEmpty)
    }
}
