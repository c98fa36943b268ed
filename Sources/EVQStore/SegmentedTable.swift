// A table stored as several immutable segments (a store's table after appends), kept as
// they are: the executor reads them one by one and merges only what a query still needs, so
// opening the store copies nothing. What needs the whole table at once (a lookup's right side,
// value completion) gets it merged on first use, once.

import Synchronization

public final class SegmentedTable: Sendable {
    public let name: String
    /// In store order; each is time-sorted, and their time ranges may overlap (late data).
    public let segments: [Table]
    private let merged = Mutex<Table?>(nil)
    private let sharedIDs = Mutex<[Int: SharedTextIDs]>([:])
    private let ranks = Mutex<TimeRanks??>(nil)

    /// `segments` must share their columns and time column; there must be at least one.
    public init(name: String, segments: [Table]) {
        precondition(!segments.isEmpty, "a segmented table needs a segment")
        self.name = name
        self.segments = segments
    }

    public var rowCount: Int { segments.reduce(0) { $0 + $1.rowCount } }

    /// The first segment: every segment has its columns, types and time column.
    public var schemaTable: Table { segments[0] }

    /// The latest time of any row, nil when no row has one.
    public var latestTime: Int64? {
        segments.compactMap { s -> Int64? in
            guard let t = s.timeColumnIndex, case .int(let times) = s.columns[t].data, s.nonNullTimeCount > 0 else { return nil }
            return times[s.nonNullTimeCount - 1]
        }.max()
    }

    /// One id space for the texts of column `c` in every segment (a text column), built on first
    /// use and kept: grouping over segments then compares ids, not texts. Nil when the
    /// segments' dictionaries together hold more than `limit` values (near-unique notes),
    /// where the union would cost about what a query does.
    public func sharedTextIDs(ofColumn c: Int, limit: Int) -> SharedTextIDs? {
        guard let dictionaries = dictionaries(ofColumn: c), dictionaries.reduce(0, { $0 + $1.count }) <= limit else { return nil }
        return sharedIDs.withLock { cache in
            if let known = cache[c] { return known }
            let built = SharedTextIDs(dictionaries, segments: segments)
            cache[c] = built
            return built
        }
    }

    /// Each segment's dictionary of column `c`; nil unless it is text in every segment.
    private func dictionaries(ofColumn c: Int) -> [StringDictionary]? {
        var out: [StringDictionary] = []
        for segment in segments {
            guard case .string(let s) = segment.columns[c].data else { return nil }
            out.append(s.dictionary)
        }
        return out
    }

    /// The shared ids (`sharedTextIDs`) of each of `columns` that is text and has them under
    /// `sharedTextLimit`, for a merge of about `rows` rows: what `Table.merging` maps ids
    /// through. A column's are built for a merge of many rows next to its texts (a merge of a
    /// few rows looks at their values alone, faster than a union of whole dictionaries).
    public func sharedTexts(_ columns: Set<Int>?, rows: Int) -> [Int: SharedTextIDs] {
        var out: [Int: SharedTextIDs] = [:]
        for c in columns ?? Set(schemaTable.columns.indices) {
            guard case .string = schemaTable.columns[c].data else { continue }
            if let known = sharedIDs.withLock({ $0[c] }) {
                out[c] = known
                continue
            }
            let texts = dictionaries(ofColumn: c)?.reduce(0) { $0 + $1.count } ?? 0
            guard rows.multipliedReportingOverflow(by: 16).partialValue >= texts,
                  let ids = sharedTextIDs(ofColumn: c, limit: sharedTextLimit) else { continue }
            out[c] = ids
        }
        return out
    }

    /// The most texts a shared id space is built for, over all segments: a union of a few
    /// thousand values per segment costs a fraction of a millisecond once; a column with a text
    /// per row (notes) would cost more than the merges it saves.
    public var sharedTextLimit: Int { max(1 << 16, rowCount / 8) }

    /// Each segment's runs of rows with one time, ranked among every time of the table; built
    /// on first use and kept. Nil without a time column, or when times are nearly as many as
    /// rows (seconds rather than days: the runs would cost about a word per row).
    public var timeRanks: TimeRanks? {
        ranks.withLock { slot in
            if let slot { return slot }
            let built = TimeRanks(segments, maxRuns: max(1 << 16, rowCount / 8))
            slot = .some(built)
            return built
        }
    }

    /// Every segment's rows as one table, in time order; built on first use.
    public var whole: Table {
        merged.withLock { slot in
            if let slot { return slot }
            let table = Table.merging(segments, name: name)
            slot = table
            return table
        }
    }
}

/// The union of the segments' dictionaries of one text column (Table.union: String order,
/// canonically equivalent texts once), and each segment's ids mapped into it.
public struct SharedTextIDs: Sendable {
    /// Every text of the column in any segment.
    public let dictionary: StringDictionary
    /// Per segment, its id -> the shared id, and one entry more: `count`, the code of null.
    private let ofSegment: [ColumnBuffer<UInt32>]
    /// Each segment's place in `ofSegment`, by identity.
    private let segmentIndex: [ObjectIdentifier: Int]

    /// How many distinct texts the segments hold together.
    public var count: Int { dictionary.count }

    init(_ dictionaries: [StringDictionary], segments: [Table]) {
        let (union, ids) = Table.union(dictionaries, dictionaries.map { d in (0..<UInt32(d.count)).map { $0 } })
        dictionary = union
        ofSegment = ids.map { ColumnBuffer($0 + [UInt32(union.count)]) }
        segmentIndex = Dictionary(uniqueKeysWithValues: segments.enumerated().map { (ObjectIdentifier($1), $0) })
    }

    /// The shared id of each id of `segment`'s dictionary, then `count` (null's code, read
    /// by `code(of:)`); nil for a table not among the segments.
    public func ids(of segment: Table) -> ColumnBuffer<UInt32>? {
        segmentIndex[ObjectIdentifier(segment)].map { ofSegment[$0] }
    }

    /// A segment id's code in `ids(of:)`: its shared id, or `count` for null.
    @inline(__always)
    public static func code(of id: UInt32, in ids: ColumnBuffer<UInt32>) -> UInt32 {
        ids[id == StringColumn.nullID ? ids.count - 1 : Int(id)]
    }
}

/// The order of rows by time across segments, as small numbers: a segment's rows are in time
/// order, so each segment is runs of rows with one time, and each run has the rank of its time
/// among all the distinct times of every segment. Rows of different segments compare by time
/// through their ranks; rows without a time rank after every time (`untimed`).
public struct TimeRanks: Sendable {
    /// Per segment, the first row of each run, ascending (its timed rows only).
    public let runStarts: [[Int]]
    /// Per segment, each run's rank.
    public let runRanks: [[UInt32]]
    /// Per segment, how many of its rows have a time (its first ones).
    public let timed: [Int]
    public static let untimed = UInt32.max

    init?(_ segments: [Table], maxRuns: Int) {
        guard let t = segments.first?.timeColumnIndex else { return nil }
        var starts: [[Int]] = [], times: [[Int64]] = [], timed: [Int] = []
        var runs = 0
        for segment in segments {
            guard case .int(let v) = segment.columns[t].data else { return nil }
            let n = segment.nonNullTimeCount
            var s: [Int] = [], runTimes: [Int64] = []
            for r in 0..<n where r == 0 || v[r] != v[r - 1] {
                s.append(r)
                runTimes.append(v[r])
                runs += 1
                if runs > maxRuns { return nil }
            }
            starts.append(s)
            times.append(runTimes)
            timed.append(n)
        }
        let all = Array(Set(times.joined())).sorted()
        guard all.count < Int(Self.untimed) else { return nil }
        func rank(_ time: Int64) -> UInt32 {
            var lo = 0, hi = all.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if all[mid] < time { lo = mid + 1 } else { hi = mid }
            }
            return UInt32(lo)
        }
        runStarts = starts
        runRanks = times.map { $0.map(rank) }
        self.timed = timed
    }
}
