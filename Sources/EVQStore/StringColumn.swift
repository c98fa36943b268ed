// Dictionary-encoded strings with a posting list per distinct value, so that
// `actor1 == "X"` reads the rows of X directly instead of scanning the column.

import Synchronization

/// The distinct strings of a column, sorted, so that id order is string order
/// (sorting and range comparisons can work on ids).
public final class StringDictionary: Sendable {
    /// Distinct values in ascending order; id = index.
    public let values: [String]
    private let idByValue: [String: UInt32]
    private let lazyWordIndex = LazyWordIndex()

    public init(sortedUnique values: [String]) {
        self.values = values
        var map = [String: UInt32](minimumCapacity: values.count)
        for (i, v) in values.enumerated() { map[v] = UInt32(i) }
        self.idByValue = map
    }

    public var count: Int { values.count }

    public func id(of value: String) -> UInt32? { idByValue[value] }

    /// Built on first use: only text columns such as `notes` are ever searched by word.
    public var wordIndex: WordIndex { lazyWordIndex.get(self) }
}

/// Row ids grouped by dictionary id in compressed-sparse-row form: the rows holding value `id`
/// are `rows[offsets[id] ..< offsets[id + 1]]`, ascending. Two flat buffers, ready to be mapped
/// from disk as they are.
public struct PostingLists: Sendable {
    public let offsets: ContiguousArray<UInt32>
    public let rows: ContiguousArray<UInt32>

    /// Counting sort of row ids by value id: O(rows + values), rows stay ascending per value.
    public init(ids: ContiguousArray<UInt32>, valueCount: Int) {
        var counts = ContiguousArray<UInt32>(repeating: 0, count: valueCount + 1)
        for id in ids where id != StringColumn.nullID { counts[Int(id) + 1] += 1 }
        for i in 0..<valueCount { counts[i + 1] += counts[i] }
        var next = counts
        var rows = ContiguousArray<UInt32>(repeating: 0, count: Int(counts[valueCount]))
        for (row, id) in ids.enumerated() where id != StringColumn.nullID {
            rows[Int(next[Int(id)])] = UInt32(row)
            next[Int(id)] += 1
        }
        self.offsets = counts
        self.rows = rows
    }

    public func rows(of id: UInt32) -> ArraySlice<UInt32> {
        let i = Int(id)
        return ArraySlice(rows[Int(offsets[i])..<Int(offsets[i + 1])])
    }

    public func count(of id: UInt32) -> Int { Int(offsets[Int(id) + 1] - offsets[Int(id)]) }
}

public final class StringColumn: Sendable {
    /// Marks a null row in `ids`; such rows are in no posting list.
    public static let nullID = UInt32.max

    public let ids: ContiguousArray<UInt32>
    public let dictionary: StringDictionary
    private let lazyPostings = Mutex<PostingLists?>(nil)

    public init(ids: ContiguousArray<UInt32>, dictionary: StringDictionary) {
        self.ids = ids
        self.dictionary = dictionary
    }

    /// The rows of each value. Built on first use: the columns of a loaded table get them when
    /// it is added (`Table.prepareIndexes`), while the many columns made while a query runs
    /// (gathered results, projections) never need them, and building them costs as much as
    /// the whole dictionary even for a one-row result.
    public var postings: PostingLists {
        lazyPostings.withLock { slot in
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
        let dictionary = StringDictionary(sortedUnique: unique)
        let ids = ContiguousArray(strings.map { s in s.flatMap { dictionary.id(of: $0) } ?? StringColumn.nullID })
        self.init(ids: ids, dictionary: dictionary)
    }
}
