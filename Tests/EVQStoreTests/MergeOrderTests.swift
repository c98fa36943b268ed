// The order of a merge of segments (Table+Merging.swift): by time, ties to the lower segment
// and then the earlier row, rows without a time last in segment order. A merge of many rows
// runs in slices of time on all cores; slices must meet exactly where the one merge would.
import Testing
@testable import EVQStore

@Suite struct MergeOrderTests {
    /// A time-sorted segment of `n` rows whose times come from a few hundred seconds (many
    /// ties within and across segments), every `nullEvery`-th time missing.
    static func segment(_ n: Int, seed: UInt64, nullEvery: Int) -> Table {
        var rng = SeededGenerator(seed: seed)
        var builder = TableBuilder(name: "events")
        builder.addColumn("t", (0..<n).map { k in k % nullEvery == 0 ? .null : .time(1_600_000_000 + Int64(rng.next() % 300)) }, type: .time)
        builder.addColumn("k", (0..<n).map { .int(Int64($0)) }, type: .int)
        return builder.build(timeColumn: "t")
    }

    /// The reference: every (part, row) sorted by (time, part, position), no time last.
    static func reference(_ parts: [MergePart]) -> [[UInt32]] {
        var entries: [(time: Int64?, part: Int, position: Int, row: UInt32)] = []
        for (p, part) in parts.enumerated() {
            guard case .int(let times) = part.table.columns[part.table.timeColumnIndex!].data else { return [] }
            let mask = part.table.columns[part.table.timeColumnIndex!].isNull
            for k in 0..<part.count {
                let row = part.row(k)
                entries.append((mask?[row] == true ? nil : times[row], p, k, UInt32(row)))
            }
        }
        entries.sort { a, b in
            switch (a.time, b.time) {
            case let (x?, y?) where x != y: return x < y
            case (nil, .some): return false
            case (.some, nil): return true
            default: return (a.part, a.position) < (b.part, b.position)
            }
        }
        return [entries.map { UInt32($0.part) }, entries.map(\.row)]
    }

    @Test(arguments: [false, true])
    func aMergeOfManyRowsInSlicesIsTheOneMerge(selected: Bool) {
        let tables = [Self.segment(90_000, seed: 1, nullEvery: 97), Self.segment(70_000, seed: 2, nullEvery: 1_000_000),
                      Self.segment(1, seed: 3, nullEvery: 5), Self.segment(60_000, seed: 4, nullEvery: 13)]
        let parts = tables.enumerated().map { s, table in
            MergePart(table, rows: selected && s != 2 ? (0..<table.rowCount).filter { $0 % 3 != s }.map(UInt32.init) : nil)
        }
        #expect(parts.reduce(0) { $0 + $1.count } >= 1 << 17, "enough rows to merge in slices")
        let order = Table.timeOrder(of: parts)
        #expect([order.part, order.row] == Self.reference(parts))
        // And the merged table's rows are those rows, with their values.
        let merged = Table.merging(parts, name: "events")
        guard case .int(let k) = merged.columns[1].data else { Issue.record("k is an int column"); return }
        let expected = zip(order.part, order.row).map { p, r -> Int64 in
            guard case .int(let v) = parts[Int(p)].table.columns[1].data else { return -1 }
            return v[Int(r)]
        }
        #expect(Array(k) == expected)
    }

    /// Without a time column the parts go out one after the other, selections kept, up to a limit.
    @Test func withoutATimeColumnPartsFollowEachOther() {
        func untimed(_ n: Int) -> Table {
            var builder = TableBuilder(name: "actors")
            builder.addColumn("k", (0..<n).map { .int(Int64($0)) }, type: .int)
            return builder.build(timeColumn: nil)
        }
        let parts = [MergePart(untimed(3)), MergePart(untimed(5), rows: [1, 4]), MergePart(untimed(2))]
        let order = Table.timeOrder(of: parts)
        #expect(order.part == [0, 0, 0, 1, 1, 2, 2] && order.row == [0, 1, 2, 1, 4, 0, 1])
        let merged = Table.merging(parts, name: "actors", limit: 4)
        guard case .int(let k) = merged.columns[0].data else { Issue.record("k is an int column"); return }
        #expect(Array(k) == [0, 1, 2, 1])
    }
}
