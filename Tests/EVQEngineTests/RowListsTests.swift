// The row-list operations under index selection: cutting a posting list to a time range,
// merging the lists of several values, intersecting (merge walk and galloping). Each is
// checked against the plain definition (filter, sort, Set intersection) on random lists.

@testable import EVQEngine
import EVQStore
import EVQTestSupport
import Testing

private func randomAscending(_ rng: inout SplitMix, count: Int, below bound: Int) -> [UInt32] {
    var set = Set<UInt32>()
    while set.count < min(count, bound) { set.insert(UInt32(rng.next() % UInt64(bound))) }
    return set.sorted()
}

@Suite struct RowListsTests {
    @Test func intersectionEqualsSetIntersectionForEveryRatio() {
        var rng = SplitMix(state: 7)
        // Ratios below and above the galloping threshold (32), empty and disjoint lists included.
        for (short, long) in [(0, 10), (1, 1), (5, 100), (10, 5_000), (3, 100_000), (200, 300), (1, 0)] {
            let a = randomAscending(&rng, count: short, below: 200_000)
            let b = randomAscending(&rng, count: long, below: 200_000)
            let expected = Set(a).intersection(b).sorted()
            #expect(RowLists.intersect(a, b) == expected, "sizes \(short), \(long)")
            #expect(RowLists.intersect(b, a) == expected, "sizes \(long), \(short)")
        }
        // Every row of the short list present, at the ends of the long one.
        let long = Array(UInt32(0)..<UInt32(10_000))
        #expect(RowLists.intersect([0, 5_000, 9_999], long) == [0, 5_000, 9_999])
        #expect(RowLists.intersect([10_000, 20_000], long) == [])
    }

    @Test func cutKeepsExactlyTheRowsInTheRange() {
        let list = ColumnBuffer<UInt32>([2, 3, 7, 10, 11, 40])
        #expect(Array(list[RowLists.cut(list, to: 3..<11)]) == [3, 7, 10])
        #expect(Array(list[RowLists.cut(list, to: 0..<2)]) == [])
        #expect(Array(list[RowLists.cut(list, to: 41..<50)]) == [])
        #expect(Array(list[RowLists.cut(list, to: 0..<100)]) == [2, 3, 7, 10, 11, 40])
        #expect(Array(list[RowLists.cut(list, to: 8..<8)]) == [])
    }

    @Test func listsOfSeveralValuesMergeAscendingWithinTheRange() {
        var rng = SplitMix(state: 11)
        // Disjoint lists, as the posting lists of distinct values are: few rows (sorted) and
        // many rows (bitmap) both.
        for (lists, rows) in [(3, 30), (50, 40_000)] {
            var all = randomAscending(&rng, count: rows, below: 100_000)
            all.shuffle(using: &rng)
            var parts = [[UInt32]](repeating: [], count: lists)
            for (k, r) in all.enumerated() { parts[k % lists].append(r) }
            let buffers = parts.map { ColumnBuffer($0.sorted()) }
            for range in [nil, 10_000..<60_000, 0..<1] as [Range<Int>?] {
                let expected = all.filter { range?.contains(Int($0)) ?? true }.sorted()
                #expect(RowLists.ascending(buffers, within: range) == expected, "\(lists) lists, range \(String(describing: range))")
            }
        }
        #expect(RowLists.ascending([], within: 0..<10) == [])
        #expect(RowLists.clip([1, 5, 9], to: 5..<9) == [5])
        #expect(RowLists.clip([1, 5, 9], to: nil) == [1, 5, 9])
    }

    @Test func scanOfIdsFindsTheRowsOfTheWantedValuesInOrder() {
        var rng = SplitMix(state: 13)
        // 200,000 rows over 150,000 values (near-unique, as notes are), a tenth null; cut into
        // chunks on a machine of several cores (ParallelTests compares one thread with four).
        let values = 150_000
        let ids = (0..<200_000).map { _ in rng.next() % 10 == 0 ? StringColumn.nullID : UInt32(rng.next() % UInt64(values)) }
        let column = ColumnBuffer(ids)
        for wanted in [[], [0], randomAscending(&rng, count: 3_000, below: values), Array(0..<UInt32(values))] {
            let set = Set(wanted)
            for range in [nil, 50_000..<120_000, 7..<7] as [Range<Int>?] {
                let expected = (range ?? 0..<ids.count).filter { ids[$0] != StringColumn.nullID && set.contains(ids[$0]) }.map(UInt32.init)
                #expect(RowLists.scan(column, for: wanted, valueCount: values, within: range) == expected,
                        "\(wanted.count) values, range \(String(describing: range))")
            }
        }
    }
}
