// Encoded sections (format 3): every transform round-trips bit for bit, at the edges (one
// element, all nulls, widths of 0, 1 and 32 bits, huge and negative numbers, empty lists), a
// store of every column type reads back through them, and damage to an encoded section is
// found and named: a flipped byte, a truncated file, bytes resealed under a fresh checksum.
import CZstd
import Foundation
import Testing
@testable import EVQStore

@Suite struct SectionCodecTests {
    /// Encodes and decodes `values` as `element` with `plan`; the decoded bytes, and whether it was encoded.
    func roundTrip<T: BitwiseCopyable>(_ values: [T], _ element: String, _ plan: SectionCodec.Plan = .init()) throws -> (decoded: [T], encoded: Bool) {
        let raw = values.withUnsafeBytes { Array($0) }
        guard let (bytes, encoding) = raw.withUnsafeBytes({ SectionCodec.encode($0, element: element, plan: plan) }) else { return (values, false) }
        let lists = plan.lists
        let heap = try bytes.withUnsafeBytes { b in
            try SectionCodec.decode(b, element: element, encoding: encoding) { (name: String) throws(DecodeError) -> ColumnBuffer<UInt32> in
                guard let lists, lists.name == name else { throw DecodeError(detail: "no lists \(name)") }
                return lists.offsets
            }
        }
        let out = [T](unsafeUninitializedCapacity: values.count) { buf, n in
            UnsafeMutableRawBufferPointer(buf).copyMemory(from: UnsafeRawBufferPointer(start: heap.pointer, count: raw.count))
            n = values.count
        }
        #expect(withExtendedLifetime(heap) { Int(encoding.length) } == raw.count)
        return (out, true)
    }

    func same<T: BitwiseCopyable>(_ a: [T], _ b: [T]) -> Bool {
        a.withUnsafeBytes { x in b.withUnsafeBytes { y in x.elementsEqual(y) } }
    }

    @Test func idsOfEveryWidthWithNullsRoundTrip() throws {
        var g = SystemRandomNumberGenerator()
        let cases: [[UInt32]] = [
            [UInt32](repeating: 0, count: 5000),                                   // width 0
            (0..<5000).map { UInt32($0 % 2) },                                     // width 1
            (0..<5000).map { _ in UInt32.random(in: 0...UInt32.max, using: &g) },  // width 32
            (0..<5000).map { $0 % 3 == 0 ? StringColumn.nullID : UInt32($0 % 7) }, // nulls
            [UInt32](repeating: StringColumn.nullID, count: 5000),                 // all null
            [7],                                                                   // one row (too small to encode)
            [],
        ]
        for values in cases {
            let (decoded, _) = try roundTrip(values, "u32")
            #expect(same(decoded, values))
        }
        #expect(try roundTrip([UInt32](repeating: 0, count: 5000), "u32").encoded)
    }

    @Test func integersDeltasAndListsRoundTrip() throws {
        var g = SystemRandomNumberGenerator()
        let huge: [Int64] = (0..<4000).map { k in [Int64.min, Int64.max, -1, 0, 1, Int64.min + 1][k % 6] }
        let negative: [Int64] = (0..<4000).map { -Int64($0) * 1_000_003 }
        let random: [Int64] = (0..<4000).map { _ in Int64.random(in: .min ... .max, using: &g) }
        let sorted: [Int64] = (0..<4000).map { 1_704_067_200 + Int64($0 / 3) * 86_400 }
        for values in [huge, negative, random, sorted] {
            #expect(same(try roundTrip(values, "i64").decoded, values))
            #expect(same(try roundTrip(values, "i64", .init(delta: true)).decoded, values))
        }
        #expect(try roundTrip(sorted, "i64", .init(delta: true)).encoded)
        let offsets: [UInt64] = (0..<4000).map { UInt64($0) * 90 + UInt64($0 % 5) }.sorted()
        #expect(same(try roundTrip(offsets, "u64", .init(delta: true)).decoded, offsets))
        // CSR rows: lists of every length, empty ones included, each ascending from any start.
        var rows: [UInt32] = [], ends: [UInt32] = [0]
        for k in 0..<300 {
            let n = k % 4 == 0 ? 0 : Int.random(in: 1...40, using: &g)
            var r = UInt32.random(in: 0...1000, using: &g)
            for _ in 0..<n {
                rows.append(r)
                r += UInt32.random(in: 1...500, using: &g)
            }
            ends.append(UInt32(rows.count))
        }
        let plan = SectionCodec.Plan(lists: ("c0.postings.offsets", ColumnBuffer(ends)))
        let (decoded, encoded) = try roundTrip(rows, "u32", plan)
        #expect(encoded && same(decoded, rows))
    }

    @Test func decimalFloatsBecomeIntegersAndOthersStayExact() throws {
        var g = SystemRandomNumberGenerator()
        let decimals: [Double] = (0..<4000).map { _ in Double(Int.random(in: -18_000_000...18_000_000, using: &g)) / 100_000 }
        #expect(SectionCodec.decimalPlaces(decimals.withUnsafeBytes { $0 }) == 5)
        #expect(same(try roundTrip(decimals, "f64", .init(decimals: true)).decoded, decimals))
        #expect(SectionCodec.decimalPlaces([1.0, 2.0, -3.0].withUnsafeBytes { $0 }) == 0)
        let awkward: [Double] = (0..<4000).map { k in [0.1, -0.0, .nan, .infinity, -.infinity, 1e300, 5e-324, .pi][k % 8] }
        #expect(SectionCodec.decimalPlaces(awkward.withUnsafeBytes { $0 }) == nil)
        #expect(same(try roundTrip(awkward, "f64", .init(decimals: true)).decoded, awkward))
        let random: [Double] = (0..<4000).map { _ in Double.random(in: -1e9...1e9, using: &g) }
        #expect(same(try roundTrip(random, "f64", .init(decimals: true)).decoded, random))
    }

    @Test func bytesAndFlagsRoundTrip() throws {
        let text = Array(String(repeating: "Ḥalab e\u{301}té 🚀 drone strike ", count: 300).utf8)
        let (decoded, encoded) = try roundTrip(text, "u8", .init(level: 3))
        #expect(encoded && decoded == text)
        let flags = (0..<5000).map { $0 % 9 == 0 }
        #expect(try roundTrip(flags, "bool").decoded == flags)
    }

    /// Text past 16 MB (a notes column) is compressed by zstd's workers, one per core: still
    /// one frame, which decodes to the same bytes.
    @Test func aLargeTextSectionRoundTripsThroughZstdWorkers() throws {
        var g = SeededGenerator(seed: 3)
        let words = ["drone", "strike", "near", "Ḥalab", "killed", "the", "convoy", "🚀"].map { Array($0.utf8) }
        var text: [UInt8] = []
        text.reserveCapacity(20 << 20)
        while text.count < 20 << 20 {
            text += words[Int(g.next() % UInt64(words.count))]
            text += Array(" \(g.next() % 100_000) ".utf8)
        }
        let (decoded, encoded) = try roundTrip(text, "u8", .init(level: 6))
        #expect(encoded && decoded == text)
    }

    /// A sorted dictionary's values back to back, and their offsets.
    func dictionary(_ values: [String]) -> (bytes: [UInt8], offsets: ColumnBuffer<UInt64>) {
        var bytes: [UInt8] = [], offsets: [UInt64] = [0]
        for v in values {
            bytes += Array(v.utf8)
            offsets.append(UInt64(bytes.count))
        }
        return (bytes, ColumnBuffer(offsets))
    }

    /// Decodes a front-coded section with `offsets` as its offsets section; the error's detail, or the bytes.
    func decodeFront(_ stored: [UInt8], _ e: SectionEncoding, _ offsets: ColumnBuffer<UInt64>) -> Result<[UInt8], DecodeError> {
        do {
            let heap = try stored.withUnsafeBytes { b in
                try SectionCodec.decode(b, element: "u8", encoding: e, lists: { (_: String) throws(DecodeError) in ColumnBuffer() },
                                        offsets: { (name: String) throws(DecodeError) -> ColumnBuffer<UInt64> in
                                            guard name == "c0.dict.offsets" else { throw DecodeError(detail: "no offsets \(name)") }
                                            return offsets
                                        })
            }
            return .success(withExtendedLifetime(heap) { Array(UnsafeRawBufferPointer(start: heap.pointer, count: Int(e.length))) })
        } catch let error as DecodeError {
            return .failure(error)
        } catch {
            return .failure(DecodeError(detail: "\(error)"))
        }
    }

    /// Format 4: a sorted text dictionary is front-coded before zstd, and decodes to the same
    /// bytes: empty values, a value that is the start of the next, shared starts that end
    /// inside a multi-byte character, long values, and one value alone.
    @Test func sortedDictionariesRoundTripFrontCoded() throws {
        var g = SeededGenerator(seed: 11)
        let words = ["drone", "strike", "near", "Ḥalab", "killed", "the", "convoy", "🚀", "é", "e\u{301}"]
        var many: [String] = []
        for _ in 0..<3000 { many.append((0..<(1 + Int(g.next() % 12))).map { _ in words[Int(g.next() % UInt64(words.count))] }.joined(separator: " ")) }
        let cases: [[String]] = [
            Array(Set(many)).sorted(),
            ["", "", "a", "ab", "abc", "abd", "b", "Ḥa", "Ḥalab", "Ḥalab", "Ḥam"] + (0..<40).map { "value \($0 + 100)" },
            [String(repeating: "long shared start ", count: 200) + "x", String(repeating: "long shared start ", count: 200) + "y"],
        ]
        for values in cases {
            let (bytes, offsets) = dictionary(values)
            let plan = SectionCodec.Plan.text(front: "c0.dict.offsets", offsets)
            let (stored, e) = try #require(bytes.withUnsafeBytes { SectionCodec.encode($0, element: "u8", plan: plan) })
            #expect(e.front == "c0.dict.offsets" && e.length == UInt64(bytes.count))
            #expect(try decodeFront(stored, e, offsets).get() == bytes)
        }
        // Front coding pays on sorted text: fewer bytes reach zstd, and fewer come out.
        let (bytes, offsets) = dictionary(Array(Set(many)).sorted())
        let coded = try #require(bytes.withUnsafeBytes { SectionCodec.frontCoded($0, offsets) })
        #expect(coded.count < bytes.count * 3 / 4)
        // Offsets that do not delimit the bytes: the bytes are compressed as they are.
        #expect(bytes.withUnsafeBytes { SectionCodec.frontCoded($0, ColumnBuffer([0, 5])) } == nil)
    }

    @Test func aDamagedFrontCodedSectionIsAnErrorNotACrash() throws {
        let (bytes, offsets) = dictionary(["drone", "drone strike", "drones", "near"])
        let coded = try #require(bytes.withUnsafeBytes { SectionCodec.frontCoded($0, offsets) })
        // 0 "drone", 5 " strike", 5 "s", 0 "near"
        #expect(coded == [0] + Array("drone".utf8) + [5] + Array(" strike".utf8) + [5] + Array("s".utf8) + [0] + Array("near".utf8))
        func stored(_ coded: [UInt8]) -> ([UInt8], SectionEncoding) {
            let frame = coded.withUnsafeBytes { c -> [UInt8] in
                var out = [UInt8](repeating: 0, count: ZSTD_compressBound(c.count))
                let n = out.withUnsafeMutableBytes { ZSTD_compress($0.baseAddress, $0.count, c.baseAddress, c.count, 3) }
                return Array(out.prefix(n))
            }
            var e = SectionEncoding(codec: SectionEncoding.zstd, length: UInt64(bytes.count))
            e.front = "c0.dict.offsets"
            return (frame, e)
        }
        func detail(_ r: Result<[UInt8], DecodeError>) -> String? {
            if case .failure(let e) = r { return e.detail }
            return nil
        }
        let (good, e) = stored(coded)
        #expect(try decodeFront(good, e, offsets).get() == bytes)
        var tooMuch = coded
        tooMuch[6] = 9  // "drone strike" would share 9 bytes with the 5 of "drone"
        #expect(detail(decodeFront(stored(tooMuch).0, e, offsets)) == "value 1 shares 9 bytes, more than it or the value before holds")
        #expect(detail(decodeFront(stored(coded + [1]).0, e, offsets)) == "1 coded bytes are left after the last value")
        #expect(detail(decodeFront(stored(Array(coded.dropLast(2))).0, e, offsets)) == "value 3 runs past the coded bytes")
        #expect(detail(decodeFront(stored(coded).0, e, ColumnBuffer([0, 4]))) == "the offsets of 'c0.dict.offsets' do not span the 27 bytes")
        var shuffled = e
        shuffled.shuffle = true
        #expect(detail(decodeFront(good, shuffled, offsets)) == "a byte section with number transforms")
    }

    @Test func aDamagedFrameIsAnErrorNotACrash() throws {
        let values = (0..<5000).map { UInt32($0 % 13) }
        let (bytes, encoding) = try #require(values.withUnsafeBytes { SectionCodec.encode($0, element: "u32", plan: .init()) })
        func decode(_ b: [UInt8], _ e: SectionEncoding) -> String? {
            do {
                _ = try b.withUnsafeBytes { try SectionCodec.decode($0, element: "u32", encoding: e) { (_: String) throws(DecodeError) in ColumnBuffer() } }
                return nil
            } catch let e as DecodeError { return e.detail } catch { return "\(error)" }
        }
        #expect(decode(bytes, encoding) == nil)
        #expect(decode(Array(bytes.prefix(bytes.count / 2)), encoding) != nil)
        var wrongLength = encoding
        wrongLength.length += 4
        #expect(decode(bytes, wrongLength) == "the zstd frame holds 20000 bytes where 20004 are expected")
        var unknown = encoding
        unknown.codec = "lz5"
        #expect(decode(bytes, unknown) == "unknown codec 'lz5'")
        var lists = encoding
        lists.deltaLists = "c0.postings.offsets"
        #expect(decode(bytes, lists) == "the lists of 'c0.postings.offsets' do not span the 5000 elements")
        #expect(decode([UInt8](repeating: 7, count: 40), encoding) == "not a zstd frame")
    }

    /// Every column type, with nulls, Unicode, a near-unique text column and enough rows for
    /// every section to be encoded.
    func bigTable() -> Table {
        sampleTable(days: (0..<3000).map { $0 / 7 })
    }

    func near(_ n: Int) -> Table {
        var b = TableBuilder(name: "events")
        b.addColumn("date", (0..<n).map { .time(1_704_067_200 + Int64($0) * 60) }, type: .time)
        b.addColumn("notes", (0..<n).map { $0 == 5 ? .null : .string("Ḥalab note \($0) 🚀") })
        b.addColumn("lat", (0..<n).map { .float(Double($0 % 1000) / 100 - 5) })
        b.addColumn("lon", (0..<n).map { .float(Double($0 % 700) / 1000 + 30) })
        return b.build(timeColumn: "date")
    }

    @Test func aStoreOfEveryTypeReadsBackThroughItsEncodings() throws {
        for table in [bigTable(), near(5000)] {
            let dir = temporaryStore()
            try StoreWriter(path: dir).append(table, as: "events")
            let file = try #require(segmentFiles(dir).first)
            let d = try SegmentReader.directory(dir + "/" + file)
            #expect(d.sections.contains { $0.encoding != nil })
            for verify in [StoreVerification.all, .lazy, .metadata] {
                let segment = try #require(Store.open(dir, verify: verify).table(named: "events")?.segments.first)
                if verify == .lazy { try Store.verifyData(of: segment) }
                #expect(rows(segment) == rows(table))
                for (a, b) in zip(segment.columns, table.columns) {
                    if case .string(let x) = a.data, case .string(let y) = b.data {
                        #expect(Array(x.postings.rows) == Array(y.postings.rows))
                        #expect(Array(x.wordIndex.ids) == Array(y.wordIndex.ids))
                    }
                    #expect(a.keyIndex.map { Array($0.rows) } == b.keyIndex.map { Array($0.rows) })
                }
                #expect(segment.geoIndex.map { Array($0.rows) } == table.geoIndex.map { Array($0.rows) })
            }
            #expect(Store.check(dir).isEmpty)
        }
    }

    @Test func aNearUniqueColumnHasNoStoredPostingsButAnswersFromBuiltOnes() throws {
        let table = near(5000)
        let dir = temporaryStore()
        try StoreWriter(path: dir).append(table, as: "events")
        let d = try SegmentReader.directory(dir + "/" + (try #require(segmentFiles(dir).first)))
        #expect(d.columns[1].parts["postings.rows"] == nil)
        #expect(d.columns[1].parts["words.ids"] != nil)
        let segment = try #require(Store.open(dir).table(named: "events")?.segments.first)
        guard case .string(let s) = segment.columns[1].data else { Issue.record("not text"); return }
        #expect(s.builtPostings == nil)
        let id = try #require(s.dictionary.id(of: "Ḥalab note 42 🚀"))
        #expect(Array(s.postings.rows(of: id)) == [42])
    }

    @Test func aFormatTwoFileOfRawSectionsStillOpens() throws {
        let table = bigTable()
        let dir = temporaryStore()
        try StoreWriter(path: dir).append(table, as: "events")
        let file = try #require(segmentFiles(dir).first)
        try FileManager.default.removeItem(atPath: dir + "/" + file)
        _ = try SegmentWriter.write(table, to: dir + "/" + file, format: 2)
        let d = try SegmentReader.directory(dir + "/" + file)
        #expect(d.sections.allSatisfy { $0.encoding == nil })
        let segment = try #require(Store.open(dir, verify: .all).table(named: "events")?.segments.first)
        #expect(segment.columns.allSatisfy { $0.isMapped })
        #expect(rows(segment) == rows(table))
    }

    @Test func aFormatThreeFileOfPlainTextDictionariesStillOpens() throws {
        let table = bigTable()
        let dir = temporaryStore()
        try StoreWriter(path: dir).append(table, as: "events")
        let file = try #require(segmentFiles(dir).first)
        let current = try SegmentReader.directory(dir + "/" + file)
        #expect(current.sections.contains { $0.encoding?.front != nil })
        try FileManager.default.removeItem(atPath: dir + "/" + file)
        _ = try SegmentWriter.write(table, to: dir + "/" + file, format: 3)
        let d = try SegmentReader.directory(dir + "/" + file)
        #expect(d.sections.contains { $0.encoding != nil } && d.sections.allSatisfy { $0.encoding?.front == nil })
        let segment = try #require(Store.open(dir, verify: .all).table(named: "events")?.segments.first)
        #expect(rows(segment) == rows(table))
    }

    /// An encoded section of the big table's store, by name.
    func encodedStore() throws -> (dir: String, file: String, directory: SegmentDirectory) {
        let dir = temporaryStore()
        try StoreWriter(path: dir).append(bigTable(), as: "events")
        let file = try #require(segmentFiles(dir).first)
        return (dir, file, try SegmentReader.directory(dir + "/" + file))
    }

    @Test func aFlippedByteInAnEncodedSectionIsFoundAndNamed() throws {
        let (dir, file, d) = try encodedStore()
        let encoded = d.sections.filter { $0.encoding != nil }
        #expect(encoded.count > 10)
        let path = dir + "/" + file
        let original = try Data(contentsOf: URL(fileURLWithPath: path))
        for s in encoded {
            try original.write(to: URL(fileURLWithPath: path))
            try modifyFile(path) { $0[Int(s.offset + s.length / 2)] ^= 0x04 }
            let expected = StoreError.corrupt(file: file, section: s.name, detail: "checksum mismatch")
            #expect(throws: expected) { try Store.open(dir) }
            #expect(Store.check(dir) == [expected])
            // Lazily: before the column is first read.
            let segment = try #require(Store.open(dir, verify: .lazy).table(named: "events")?.segments.first)
            #expect(throws: expected) { try Store.verifyData(of: segment) }
        }
    }

    @Test func encodedBytesResealedUnderAFreshChecksumAreFoundByDecoding() throws {
        let (dir, file, d) = try encodedStore()
        let path = dir + "/" + file
        let s = try #require(d.sections.first { $0.name == "c2.ids" && $0.encoding != nil })
        // Garbage in the frame, with the section's checksum and the directory's recomputed.
        var damaged = d
        try modifyFile(path) { bytes in
            for k in Int(s.offset) + 4..<Int(s.offset + s.length) { bytes[k] = 0x5A }
            let crc = CRC32C.of(Array(bytes[Int(s.offset)..<Int(s.offset + s.length)]))
            damaged.sections = d.sections.map { e in
                var e = e
                if e.name == s.name { e.crc32c = crc }
                return e
            }
            let json = Array(try! SegmentWriter.encoder.encode(damaged))
            let start = Int(bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 16, as: UInt64.self) })
            bytes.removeSubrange(start...)
            bytes += json
            let header = SegmentHeader(version: 3, byteOrder: SegmentFormat.byteOrderMark, directoryOffset: UInt64(start), directoryLength: UInt64(json.count),
                                       directoryCRC: CRC32C.of(json), sectionCount: UInt32(d.sections.count), fileLength: UInt64(bytes.count))
            bytes.replaceSubrange(0..<SegmentFormat.headerSize, with: header.encoded())
        }
        let problems = Store.check(dir)
        #expect(problems.count == 1)
        guard case .corrupt(let f, let section, let detail) = problems.first else { Issue.record("\(problems)"); return }
        #expect(f == file && section == "c2.ids" && detail.hasPrefix("cannot be decoded"))
        let segment = try #require(Store.open(dir, verify: .lazy).table(named: "events")?.segments.first)
        #expect(throws: StoreError.self) { try Store.verifyData(of: segment, columns: [2]) }
        // Trusted files (no checksums read): the decode before the first statement still
        // fails as an error, where reading the column unchecked would stop the process.
        let trusted = try #require(Store.open(dir, verify: .metadata).table(named: "events")?.segments.first)
        #expect(throws: StoreError.self) { try Store.verifyData(of: trusted, columns: [2]) }
        #expect(throws: StoreError.self) { try Store.verifyData(of: trusted) }
        let sound = try #require(Store.open(dir, verify: .metadata).table(named: "events")?.segments.first)
        try Store.verifyData(of: sound, columns: [0, 1])
    }

    @Test func aTruncatedEncodedFileIsFound() throws {
        let (dir, file, d) = try encodedStore()
        let s = try #require(d.sections.last { $0.encoding != nil })
        try modifyFile(dir + "/" + file) { $0.removeSubrange(Int(s.offset + s.length / 2)...) }
        #expect(throws: StoreError.self) { try Store.open(dir, verify: .metadata) }
        #expect(Store.check(dir).count == 1)
    }

    @Test func openingReadsNoEncodedSection() throws {
        let (dir, _, _) = try encodedStore()
        let segment = try #require(Store.open(dir, verify: .lazy).table(named: "events")?.segments.first)
        #expect(segment.columns.allSatisfy { $0.isStored || $0.isMapped })
        #expect(segment.rowCount == 3000)
    }
}
