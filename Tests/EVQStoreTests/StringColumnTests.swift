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
}
