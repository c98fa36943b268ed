// Dictionary encoding and posting lists: sorted dictionary, ids, rows per value ascending,
// nulls in no list.
import Testing
@testable import EVQStore

@Suite struct StringColumnTests {
    @Test func postingListsGroupRowsByValueAscending() {
        let null = StringColumn.nullID
        let p = PostingLists(ids: [2, 0, null, 2, 1, 0], valueCount: 3)
        #expect(Array(p.offsets) == [0, 2, 3, 5])
        #expect(Array(p.rows(of: 0)) == [1, 5])
        #expect(Array(p.rows(of: 1)) == [4])
        #expect(Array(p.rows(of: 2)) == [0, 3])
        #expect(p.count(of: 2) == 2)
        #expect(p.rows.count == 5)
    }

    @Test func valueWithNoRowsHasAnEmptyList() {
        let p = PostingLists(ids: [0, 2], valueCount: 3)
        #expect(Array(p.rows(of: 1)) == [])
        #expect(p.count(of: 1) == 0)
    }

    @Test func dictionaryIsSortedAndIdsFollowIt() {
        let c = StringColumn(["zeta", "Alpha", nil, "beta", "alpha", "zeta"])
        #expect(Array(c.dictionary.values) == ["Alpha", "alpha", "beta", "zeta"])
        #expect(Array(c.ids) == [3, 0, StringColumn.nullID, 2, 1, 3])
        #expect(c.dictionary.id(of: "beta") == 2)
        #expect(c.dictionary.id(of: "gamma") == nil)
        #expect(Array(c.postings.rows(of: 3)) == [0, 5])
    }

    @Test func ingestDictionaryMatchesStringOrderForNonASCIIAndDecomposedText() throws {
        // "é" precomposed and decomposed are equal Strings: one dictionary entry.
        let r = try load("s\nb\n\u{E9}\ne\u{301}\nZ\n\u{C5}\n")
        guard case .string(let column) = r.table.column(named: "s")?.data else {
            Issue.record("not a string column")
            return
        }
        #expect(Array(column.dictionary.values) == ["Z", "b", "\u{C5}", "\u{E9}"])
        #expect(Array(column.ids) == [1, 3, 3, 0, 2])
        #expect(Array(column.dictionary.values) == column.dictionary.values.sorted())
    }

    /// Merging segments' dictionaries: the used values of each, in one String order, equal
    /// values once (canonically equivalent spellings too, the first dictionary's bytes kept),
    /// each used value's new id; the same as sorting every value as a String.
    @Test func theUnionOfDictionariesIsTheirValuesSortedAsStrings() {
        var g = SeededGenerator(seed: 5)
        let pool = ["", "a", "ab", "abc", "B", "b", "Zulu", "\u{E9}cole", "e\u{301}cole", "ecole", "\u{C5}", "Ḥalab", "Halab", "🚀", "drone strike", "drone"]
        for trial in 0..<200 {
            let k = 1 + Int(g.next() % 5)
            let dictionaries = (0..<k).map { _ in StringColumn(pool.filter { _ in g.next() % 2 == 0 } + ["x\(g.next() % 4)"]).dictionary }
            let used = dictionaries.map { d in (0..<d.count).filter { _ in g.next() % 3 != 0 }.map(UInt32.init) }
            let (merged, newIDs) = Table.union(dictionaries, used)
            // The reference: every used value as a String, sorted, equal ones once.
            var all: [String] = []
            for (d, ids) in used.enumerated() { for id in ids { all.append(dictionaries[d][id]) } }
            var unique: [String] = []
            for v in all.sorted() where unique.last != v { unique.append(v) }
            #expect(Array(merged.values) == unique, "trial \(trial)")
            for (d, ids) in used.enumerated() {
                for (j, id) in ids.enumerated() {
                    #expect(merged[newIDs[d][j]] == dictionaries[d][id], "trial \(trial): value \(dictionaries[d][id])")
                }
            }
        }
        // Canonically equivalent values are one; the first dictionary's spelling stands for it.
        let (one, ids) = Table.union([StringColumn(["e\u{301}"]).dictionary, StringColumn(["\u{E9}"]).dictionary], [[0], [0]])
        #expect(one.count == 1 && ids == [[0], [0]])
        #expect(Array(one.utf8(0)) == Array("e\u{301}".utf8))
        #expect(Table.union([], []).0.count == 0)
    }

    /// Every length up to a few words, a high byte at every place (the overlapping last word
    /// included) or none.
    @Test func asciiBytesFindAHighByteAnywhere() {
        for n in 0..<30 {
            let plain = [UInt8]((0..<n).map { UInt8(32 + $0 % 90) })
            #expect(plain.withUnsafeBufferPointer { ASCIIBytes.all($0) }, "length \(n)")
            for at in 0..<n {
                var bytes = plain
                bytes[at] = 0x80 | UInt8(at % 64)
                #expect(!bytes.withUnsafeBufferPointer { ASCIIBytes.all($0) }, "length \(n), high byte at \(at)")
            }
        }
    }
}
