// Dictionary-encoded strings with a posting list per distinct value, so that
// `actor1 == "X"` reads the rows of X directly instead of scanning the column.

import Synchronization

/// The distinct strings of a column, sorted, so that id order is string order
/// (sorting and range comparisons can work on ids). One blob of UTF-8 bytes and an offset per
/// value, so a dictionary mapped from a store file is used as it lies.
public final class StringDictionary: Sendable {
    /// Value `id` is `bytes[offsets[id] ..< offsets[id + 1]]`; `count + 1` entries, ascending.
    public let offsets: ColumnBuffer<UInt64>
    /// The values' UTF-8, back to back, in ascending String order (Swift's `<`).
    public let bytes: ColumnBuffer<UInt8>
    private let lazyWordIndex: LazyWordIndex

    /// A dictionary over buffers already laid out (a mapped segment); `wordIndex` when stored.
    public init(offsets: ColumnBuffer<UInt64>, bytes: ColumnBuffer<UInt8>, wordIndex: WordIndex? = nil) {
        precondition(!offsets.isEmpty, "a dictionary has count + 1 offsets")
        self.offsets = offsets
        self.bytes = bytes
        self.lazyWordIndex = LazyWordIndex(wordIndex)
    }

    /// A dictionary of a store file whose word index is read from it on first use.
    init(offsets: ColumnBuffer<UInt64>, bytes: ColumnBuffer<UInt8>, storedWordIndex: @escaping StoredLoad<WordIndex>) {
        precondition(!offsets.isEmpty, "a dictionary has count + 1 offsets")
        self.offsets = offsets
        self.bytes = bytes
        self.lazyWordIndex = LazyWordIndex(stored: storedWordIndex)
    }

    public convenience init(sortedUnique values: [String]) {
        var total = 0
        for v in values { total += v.utf8.count }
        var at = 0
        let bytes = ColumnBuffer<UInt8>(unsafeUninitializedCount: total) { out in
            for v in values {
                var v = v
                v.withUTF8 { src in
                    if let s = src.baseAddress { (out.baseAddress! + at).initialize(from: s, count: src.count) }
                    at += src.count
                }
            }
        }
        var end: UInt64 = 0
        let offsets = ColumnBuffer<UInt64>(unsafeUninitializedCount: values.count + 1) { out in
            out[0] = 0
            for (i, v) in values.enumerated() {
                end += UInt64(v.utf8.count)
                out[i + 1] = end
            }
        }
        self.init(offsets: offsets, bytes: bytes)
    }

    public var count: Int { offsets.count - 1 }

    /// The UTF-8 of value `id`, valid while the dictionary lives.
    @inline(__always)
    public func utf8(_ id: Int) -> UnsafeBufferPointer<UInt8> {
        let lo = Int(offsets[id]), hi = Int(offsets[id + 1])
        return bytes.withUnsafeBufferPointer { UnsafeBufferPointer(rebasing: $0[lo..<hi]) }
    }

    public subscript(id: Int) -> String { String(decoding: utf8(id), as: UTF8.self) }
    public subscript(id: UInt32) -> String { self[Int(id)] }

    /// The values in id order, decoded on access.
    public var values: Values { Values(dictionary: self) }

    /// The id of `value`: a binary search in String order (canonically equivalent strings are
    /// one value, as they were when the dictionary was built).
    public func id(of value: String) -> UInt32? {
        let i = firstID(notBelow: value)
        return i < count && self[i] == value ? UInt32(i) : nil
    }

    /// The first id whose value is not below `value` (`count` when none).
    public func firstID(notBelow value: String) -> Int {
        var lo = 0, hi = count
        while lo < hi {
            let mid = (lo + hi) / 2
            if self[mid] < value { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// Built on first use (or mapped): only text columns such as `notes` are searched by word.
    public var wordIndex: WordIndex { lazyWordIndex.get(self) }

    /// The word index if it exists already (what a store writes), without building it.
    public var builtWordIndex: WordIndex? { lazyWordIndex.ifBuilt }

    func loadStoredWordIndex() throws(StoreError) { try lazyWordIndex.loadStored() }

    /// The dictionary's values as a collection of Strings, each decoded from the blob when read.
    public struct Values: RandomAccessCollection, Sendable {
        let dictionary: StringDictionary
        public var startIndex: Int { 0 }
        public var endIndex: Int { dictionary.count }
        public subscript(position: Int) -> String { dictionary[position] }
    }
}

/// Row ids grouped by dictionary id in compressed-sparse-row form: the rows holding value `id`
/// are `rows[offsets[id] ..< offsets[id + 1]]`, ascending. Two flat buffers, ready to be mapped
/// from disk as they are.
public struct PostingLists: Sendable {
    public let offsets: ColumnBuffer<UInt32>
    public let rows: ColumnBuffer<UInt32>

    /// Buffers already laid out (a mapped segment).
    public init(offsets: ColumnBuffer<UInt32>, rows: ColumnBuffer<UInt32>) {
        self.offsets = offsets
        self.rows = rows
    }

    /// Counting sort of row ids by value id: O(rows + values), rows stay ascending per value.
    public init(ids: ColumnBuffer<UInt32>, valueCount: Int) {
        var counts = ContiguousArray<UInt32>(repeating: 0, count: valueCount + 1)
        for id in ids where id != StringColumn.nullID { counts[Int(id) + 1] += 1 }
        for i in 0..<valueCount { counts[i + 1] += counts[i] }
        var next = counts
        var rows = ContiguousArray<UInt32>(repeating: 0, count: Int(counts[valueCount]))
        for (row, id) in ids.enumerated() where id != StringColumn.nullID {
            rows[Int(next[Int(id)])] = UInt32(row)
            next[Int(id)] += 1
        }
        self.offsets = ColumnBuffer(counts)
        self.rows = ColumnBuffer(rows)
    }

    /// The rows holding value `id`, ascending (a view, no copy).
    public func rows(of id: UInt32) -> ColumnBuffer<UInt32> {
        let i = Int(id)
        return rows.view(Int(offsets[i])..<Int(offsets[i + 1]))
    }

    public func count(of id: UInt32) -> Int { Int(offsets[Int(id) + 1] - offsets[Int(id)]) }
}

public final class StringColumn: Sendable {
    /// Marks a null row in `ids`; such rows are in no posting list.
    public static let nullID = UInt32.max

    public let ids: ColumnBuffer<UInt32>
    public let dictionary: StringDictionary
    private let lazyPostings: Mutex<PostingLists?>
    /// Posting lists a store file holds, read (decoded) on first use.
    private let storedPostings: LoadOnce<PostingLists>?

    /// `postings` when they are stored (a mapped segment); else built on first use.
    public init(ids: ColumnBuffer<UInt32>, dictionary: StringDictionary, postings: PostingLists? = nil) {
        self.ids = ids
        self.dictionary = dictionary
        self.lazyPostings = Mutex(postings)
        self.storedPostings = nil
    }

    /// A column of a store file whose posting lists are read from it on first use.
    init(ids: ColumnBuffer<UInt32>, dictionary: StringDictionary, storedPostings: @escaping StoredLoad<PostingLists>) {
        self.ids = ids
        self.dictionary = dictionary
        self.lazyPostings = Mutex(nil)
        self.storedPostings = LoadOnce(storedPostings)
    }

    /// Reads the stored posting lists and word index now, reporting damage.
    func loadStored() throws(StoreError) {
        _ = try storedPostings?.get()
        try dictionary.loadStoredWordIndex()
    }

    /// Near-unique columns (free text: every value its own) get no posting list up front, nor
    /// in a store file: one list per row costs a row number per row to find a value the
    /// dictionary finds as well. A search of such a column scans its ids against the values
    /// found (the planner's `RowLists.scan`) instead of building them.
    public var postingsPayOff: Bool { dictionary.count <= ids.count / 2 || ids.count < 1024 }

    @_disfavoredOverload
    public convenience init(ids: ContiguousArray<UInt32>, dictionary: StringDictionary) {
        self.init(ids: ColumnBuffer(ids), dictionary: dictionary)
    }

    /// The posting lists if they exist already (what a store writes), without building them.
    public var builtPostings: PostingLists? { storedPostings?.value ?? lazyPostings.withLock { $0 } }

    /// The rows of each value. Built on first use: the columns of a loaded table get them when
    /// it is added (`Table.prepareIndexes`), while the many columns made while a query runs
    /// (gathered results, projections) never need them, and building them costs as much as
    /// the whole dictionary even for a one-row result.
    public var postings: PostingLists {
        if let storedPostings { return storedPostings.value }
        return lazyPostings.withLock { slot in
            if let built = slot { return built }
            let built = PostingLists(ids: ids, valueCount: dictionary.count)
            slot = built
            return built
        }
    }

    /// The word index over this column's values, built on first use and shared by every
    /// column with the same dictionary.
    public var wordIndex: WordIndex { dictionary.wordIndex }

    /// Encodes strings (nil = null) into a fresh sorted dictionary.
    public convenience init(_ strings: [String?]) {
        let unique = Array(Set(strings.compactMap { $0 })).sorted()
        var idByValue = [String: UInt32](minimumCapacity: unique.count)  // while encoding only
        for (i, v) in unique.enumerated() { idByValue[v] = UInt32(i) }
        let ids = ColumnBuffer(strings.map { s in s.flatMap { idByValue[$0] } ?? StringColumn.nullID })
        self.init(ids: ids, dictionary: StringDictionary(sortedUnique: unique))
    }
}
