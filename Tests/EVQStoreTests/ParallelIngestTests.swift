// A CSV file read in parts on several cores gives exactly what one pass gives: the same
// table, the same issues (positions and counts), the same rejected rows, whatever the cut
// points, including cuts inside quoted line feeds and after unterminated quotes. Also the
// pieces of the fast table assembly against plain references.
import Foundation
import Testing
@testable import EVQStore

@Suite struct ParallelIngestTests {
    /// A messy file: quoted line feeds, doubled and stray quotes, CRLF, blank lines, null
    /// tokens, short and long rows, a forced int column with text in it, non-ASCII text.
    static func messyCSV(rows: Int, seed: UInt64) -> String {
        var rng = SeededGenerator(seed: seed)
        var text = "id,date,name,note,n\n"
        let names = ["Ḥalab", "Idlib", "e\u{301}cole", "école", "Aleppo", "NA", "", "\"Dar'a\""]
        for i in 0..<rows {
            let date = "2020-0\(1 + Int(rng.next() % 9))-1\(rng.next() % 10)"
            var note: String
            switch rng.next() % 10 {
            case 0: note = "\"two\nlines, \"\"quoted\"\"\""
            case 1: note = "12\" pipe"
            case 2: note = "\"say \"hi\" now\""
            case 3: note = "\"\n\n\""
            default: note = "word\(rng.next() % 50) drone strike"
            }
            let n = rng.next() % 7 == 0 ? "many" : "\(rng.next() % 100)"
            var row = "\(i),\(date),\(names[Int(rng.next() % UInt64(names.count))]),\(note),\(n)"
            switch rng.next() % 23 {
            case 0: row += ",extra"
            case 1: row = "\(i),\(date)"
            case 2: row += "\r"
            case 3: row = "\n" + row
            default: break
            }
            text += row + "\n"
        }
        return text
    }

    static func options(partBytes: Int?, types: [String: DataType] = ["n": .int]) -> IngestOptions {
        var options = IngestOptions(types: types)
        options.keepsRejectedRows = true
        options.partBytes = partBytes
        return options
    }

    static func expectSame(_ a: IngestResult, _ b: IngestResult, _ note: String) {
        #expect(a.issueTexts == b.issueTexts, "\(note)")
        #expect(a.omitted == b.omitted, "\(note)")
        #expect(a.rejections == b.rejections, "\(note)")
        #expect(a.rejectedRows == b.rejectedRows, "\(note)")
        #expect(a.rowsRead == b.rowsRead && a.rowsRejected == b.rowsRejected && a.cellsNulled == b.cellsNulled, "\(note)")
        #expect(a.table.schema.map(\.name) == b.table.schema.map(\.name), "\(note)")
        #expect(a.table.schema.map(\.type) == b.table.schema.map(\.type), "\(note)")
        #expect(a.table.timeColumnIndex == b.table.timeColumnIndex, "\(note)")
        for (name, _) in a.table.schema {
            #expect(a.table.values(name) == b.table.values(name), "\(note): column \(name)")
            if case .string(let x) = a.table.column(named: name)!.data, case .string(let y) = b.table.column(named: name)!.data {
                #expect(Array(x.dictionary.values) == Array(y.dictionary.values), "\(note): dictionary of \(name)")
                #expect(Array(x.ids) == Array(y.ids), "\(note): ids of \(name)")
            }
        }
    }

    @Test(arguments: [1, 5, 17, 64, 333, 4096])
    func partsGiveWhatOnePassGives(partBytes: Int) throws {
        let text = Self.messyCSV(rows: 300, seed: UInt64(partBytes))
        let one = try load(text, options: Self.options(partBytes: nil))
        let parts = try load(text, options: Self.options(partBytes: partBytes))
        #expect(one.rowsRejected > 0 && one.cellsNulled > 0 && one.issues.count == IssueLog.fullIssueLimit)
        #expect(!one.omitted.isEmpty)
        Self.expectSame(one, parts, "parts of \(partBytes) bytes")
    }

    @Test(arguments: [true, false])
    func aQuotedFieldAcrossManyPartsReadsAsOnePassReadsIt(closes: Bool) throws {
        var text = "id,note\n1,\"opens here\n"
        for i in 2..<200 { text += "\(i),plain \(i)\n" }
        if closes { text += "200,\"a closer\"\n" }
        let one = try load(text, options: Self.options(partBytes: nil, types: [:]))
        // Closed: one row whose note runs to the last line; never closed: that row is
        // rejected and reading resumes on line 3.
        #expect(closes ? one.table.rowCount == 1 : one.rowsRejected == 1 && one.table.rowCount == 198)
        for partBytes in [3, 40, 500] {
            Self.expectSame(one, try load(text, options: Self.options(partBytes: partBytes, types: [:])), "parts of \(partBytes) bytes")
        }
    }

    @Test func strictStopsAtTheSameFirstErrorInParts() throws {
        let text = Self.messyCSV(rows: 200, seed: 7)
        var serial = Self.options(partBytes: nil)
        serial.strict = true
        var parts = serial
        parts.partBytes = 50
        var first: IngestError?
        do { _ = try load(text, options: serial) } catch { first = error as? IngestError }
        #expect(first != nil)
        #expect(throws: first!) { try load(text, options: parts) }
    }

    @Test func partStartsFollowLineFeeds() {
        let text = Array("ab\ncd\nef\n".utf8)
        text.withUnsafeBufferPointer { b in
            #expect(CSVReader.partStarts(b, from: 0, bytesPerPart: 1) == [0, 3, 6])
            #expect(CSVReader.partStarts(b, from: 3, bytesPerPart: 4) == [3])
            #expect(CSVReader.partStarts(b, from: 0, bytesPerPart: 100) == [0])
        }
    }

    @Test func sortedIDsMatchAPlainSortOfTheBytes() {
        var rng = SeededGenerator(seed: 42)
        var interner = ByteInterner()
        var texts: [[UInt8]] = []
        let stems: [[UInt8]] = [Array("the airstrike".utf8), Array("abcdefgh".utf8), [0, 0, 0], [], Array("abcdefghi".utf8)]
        for _ in 0..<3000 {
            var t = stems[Int(rng.next() % UInt64(stems.count))]
            for _ in 0..<Int(rng.next() % 20) { t.append(UInt8(rng.next() % 4 == 0 ? 0 : 97 + rng.next() % 3)) }
            texts.append(t)
            _ = t.withUnsafeBufferPointer { interner.intern($0) }
        }
        let sorted = interner.sortedIDs(), ids = sorted.ids
        let values = ids.map { id in interner.withValue(id) { Array($0) } }
        #expect(values == values.sorted { $0.lexicographicallyPrecedes($1) })
        #expect(sorted.equalToPrevious == values.indices.map { $0 > 0 && values[$0] == values[$0 - 1] })
        // The same texts appended without lookups (ids of equal texts differ): equal texts end
        // up together, each marked after the first, also where they tie past 8 and 16 bytes.
        var appended = ByteInterner(restoring: [], offsets: [0])
        for t in texts { _ = t.withUnsafeBufferPointer { appended.intern($0) } }
        let all = appended.sortedIDs()
        let allValues = all.ids.map { id in appended.withValue(id) { Array($0) } }
        #expect(allValues == allValues.sorted { $0.lexicographicallyPrecedes($1) })
        let equal = allValues.indices.map { $0 > 0 && allValues[$0] == allValues[$0 - 1] }
        #expect(equal.contains(true) && all.equalToPrevious == equal)
        #expect(Set(ids).count == interner.count)
    }

    /// `hash` and `bytesEqual` read the bytes after the last whole word of eight in at most two
    /// overlapping loads: every length up to 24, each text against every text one byte away
    /// from it (at each position), must stay distinct, and equal copies must meet.
    @Test func textsOneByteApartAreDistinctAtEveryLength() {
        var interner = ByteInterner(alwaysDeduplicates: true)
        var expected: [[UInt8]: UInt32] = [:]
        for n in 0...24 {
            let base = (0..<n).map { UInt8(97 + $0 % 26) }
            var texts = [base]
            for k in 0..<n {
                var t = base
                t[k] = 0x41
                texts.append(t)
            }
            for t in texts {
                let id = t.withUnsafeBufferPointer { interner.intern($0).id }
                #expect(expected[t, default: id] == id, "length \(n)")
                expected[t] = id
                // The same bytes elsewhere in memory (not the stored copy) find the same id.
                let again = Array(t).withUnsafeBufferPointer { interner.intern($0) }
                #expect(again.id == id && !again.inserted, "length \(n)")
            }
            for a in texts {
                for b in texts {
                    let equal = a.withUnsafeBufferPointer { x in b.withUnsafeBufferPointer { y in ByteInterner.bytesEqual(x.baseAddress, y.baseAddress, n) } }
                    #expect(equal == (a == b), "length \(n)")
                }
            }
        }
        #expect(interner.count == expected.count)
    }

    /// 300,000 texts, as a notes column holds them: enough to be split by first bytes and
    /// sorted on several cores (and numbered and copied in runs), most sharing their first
    /// letters, some repeated, some not ASCII, one not UTF-8.
    static func manyTexts() -> ByteInterner {
        var rng = SeededGenerator(seed: 5)
        var interner = ByteInterner()
        let stems = ["The airstrike", "The", "Ḥalab shelling", "A", "", "Abducted near", "zz", "école", "e\u{301}cole"].map { Array($0.utf8) }
        for k in 0..<300_000 {
            var t = stems[Int(rng.next() % UInt64(stems.count))]
            if k % 5 != 0 { t += Array(" \(rng.next() % 200_000)".utf8) }
            if k == 777 { t.append(0xFF) }
            _ = t.withUnsafeBufferPointer { interner.intern($0) }
        }
        return interner
    }

    @Test func sortedIDsOfManyValuesMatchAPlainSortOfTheBytes() {
        let interner = Self.manyTexts()
        let sorted = interner.sortedIDs(), ids = sorted.ids
        let values = ids.map { id in interner.withValue(id) { Array($0) } }
        #expect(ids.count == interner.count && Set(ids).count == interner.count)
        // Equal texts (the interner stopped looking values up) are marked after their first.
        let equal = values.indices.map { $0 > 0 && values[$0] == values[$0 - 1] }
        #expect(equal.contains(true) && sorted.equalToPrevious == equal)
        #expect(zip(values, values.dropFirst()).allSatisfy { !$1.lexicographicallyPrecedes($0) })
    }

    @Test func theDictionaryOfManyValuesHoldsEachOnceInOrder() throws {
        let interner = Self.manyTexts()
        let sorted = interner.sortedIDs()
        // Decomposed "école" sorts before "Ḥalab" as bytes but not as Strings: the byte path
        // gives up (nil) and the String path answers; without it the byte path answers.
        #expect(TableAssembly.byteOrderedDictionary(interner, sorted: sorted) == nil)
        var plain = ByteInterner()
        for id in 0..<interner.count {
            let bytes = interner.withValue(id) { Array($0) }
            if String(decoding: bytes, as: UTF8.self).unicodeScalars.contains(where: { $0.value == 0x301 }) { continue }
            _ = bytes.withUnsafeBufferPointer { plain.intern($0) }
        }
        let (dictionary, newID) = try #require(TableAssembly.byteOrderedDictionary(plain, sorted: plain.sortedIDs()))
        let values = Array(dictionary.values)
        #expect(zip(values, values.dropFirst()).allSatisfy { $0 < $1 })
        for id in 0..<plain.count {
            #expect(values[Int(newID[id])] == plain.string(id), "text \(id)")
        }
        #expect(Set((0..<plain.count).map { plain.string($0) }).count == values.count)
    }

    @Test func timeOrderIsAStableSortWithNullsLast() {
        var rng = SeededGenerator(seed: 9)
        let times: [Int64?] = (0..<40).map { $0 % 7 == 0 ? nil : Int64(rng.next() % 15) }
        let ids: [UInt32] = (0..<2000).map { _ in rng.next() % 11 == 0 ? TableAccumulator.nullID : UInt32(rng.next() % 40) }
        func time(_ row: Int) -> Int64? { ids[row] == TableAccumulator.nullID ? nil : times[Int(ids[row])] }
        let expected = (0..<ids.count).sorted { a, b in
            switch (time(a), time(b)) {
            case (let x?, let y?): x != y ? x < y : a < b
            case (nil, nil): a < b
            case (nil, _): false
            case (_, nil): true
            }
        }
        #expect(TableAssembly.timeOrder(ids: ids, times: times)?.map(Int.init) == expected)
        #expect(TableAssembly.timeOrder(ids: [0, 1, TableAccumulator.nullID], times: [1, 2]) == nil)
    }

    @Test func joinedColumnsGrowToTheExtrapolatedSizeBoundedByTheBytesLeft() {
        typealias Growth = TableAccumulator.Growth
        // A quarter read: four times the count, a tenth over.
        #expect(Growth(share: 0.25, bytesLeft: 1 << 30).capacity(for: 100, bytesPerElement: 1) == 440)
        // The bytes left bound it: 100 more bytes add at most 50 two-byte cells.
        #expect(Growth(share: 0.01, bytesLeft: 100).capacity(for: 100, bytesPerElement: 2) == 150)
        // All read (or no share known): exactly what is needed.
        #expect(Growth(share: 1, bytesLeft: 0).capacity(for: 100, bytesPerElement: 1) == 100)
        #expect(Growth(share: 0, bytesLeft: 10).capacity(for: 7, bytesPerElement: 1) == 7)
    }

    @Test func wordIndexListsEachValueOnceUnderEachOfItsWords() {
        let values = ["Drone strike on a drone depot", "café CAFÉ cafe\u{301}", "U.S.-led", "", "strike", "Ḥalab 2020"]
        let dictionary = StringColumn(values).dictionary
        let index = WordIndex(dictionary: dictionary)
        var expected: [String: [UInt32]] = [:]
        for id in 0..<dictionary.count {
            for word in Set(WordIndex.words(in: dictionary[id])) { expected[word, default: []].append(UInt32(id)) }
        }
        #expect(Array(index.words.values) == expected.keys.sorted())
        for (word, ids) in expected { #expect(Array(index.ids(of: word)) == ids, "word \(word)") }
    }
}

/// SplitMix64: the same numbers on every run.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D4_9BA2_94B4_133B
        return z ^ (z >> 31)
    }
}
