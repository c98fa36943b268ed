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
