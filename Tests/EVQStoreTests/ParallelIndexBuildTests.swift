// `Table.prepareIndexes` builds every index of a table at once on all cores (and a part read
// on its own core joins the table column by column on all cores): the indexes must be those
// a plain one-value-at-a-time construction gives.
import Foundation
import Testing
@testable import EVQStore

@Suite struct ParallelIndexBuildTests {
    @Test func indexesBuiltTogetherAreThoseBuiltOneByOne() throws {
        let text = ParallelIngestTests.messyCSV(rows: 3000, seed: 7)
        let serial = try load(text, options: ParallelIngestTests.options(partBytes: nil))
        let parts = try load(text, options: ParallelIngestTests.options(partBytes: 2048))
        ParallelIngestTests.expectSame(serial, parts, "parts of 2048 bytes")
        let table = parts.table
        table.prepareIndexes()
        var checked = 0
        for c in table.columns {
            if case .string(let s) = c.data {
                let built = try #require(s.builtPostings)
                let reference = PostingLists(ids: s.ids, valueCount: s.dictionary.count)
                #expect(Array(built.offsets) == Array(reference.offsets), "postings offsets of \(c.name)")
                #expect(Array(built.rows) == Array(reference.rows), "postings rows of \(c.name)")
                let words = try #require(s.dictionary.builtWordIndex)
                // Reference: each value's distinct words, one value at a time.
                var idsByWord: [String: [UInt32]] = [:]
                for id in 0..<s.dictionary.count {
                    var seen = Set<String>()
                    WordIndex.forEachWord(in: s.dictionary[id]) { w in
                        if seen.insert(w).inserted { idsByWord[w, default: []].append(UInt32(id)) }
                    }
                }
                let sortedWords = idsByWord.keys.sorted()
                #expect(Array(words.words.values) == sortedWords, "words of \(c.name)")
                var offsets: [UInt32] = [0], ids: [UInt32] = []
                for w in sortedWords {
                    ids += idsByWord[w]!
                    offsets.append(UInt32(ids.count))
                }
                #expect(Array(words.idOffsets) == offsets, "word offsets of \(c.name)")
                #expect(Array(words.ids) == ids, "word ids of \(c.name)")
                checked += 1
            }
            if c.isKey, case .int(let v) = c.data {
                let built = try #require(c.builtKeyIndex)
                let reference = IntKeyIndex(v, nulls: c.isNull)
                #expect(Array(built.values) == Array(reference.values) && Array(built.rows) == Array(reference.rows), "key index of \(c.name)")
                checked += 1
            }
        }
        #expect(checked >= 3)
    }
}
