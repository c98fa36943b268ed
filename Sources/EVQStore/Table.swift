// An immutable columnar table. When it has a time column, rows are sorted by it
// (ascending, nulls last), which turns time filters into a binary search.

public final class Table: Sendable {
    public let name: String
    public let columns: [Column]
    public let rowCount: Int
    /// Index of the column the rows are sorted by; nil when the table has no time order.
    public let timeColumnIndex: Int?
    private let indexByName: [String: Int]
    private let lazyGeoIndex: LazyGeoIndex

    /// Columns must all have `rowCount` rows. When `timeColumnIndex` is given, the caller
    /// guarantees the order (use `TableBuilder`, which sorts). `geoIndex`: the grid read from
    /// a store, over these very columns.
    public convenience init(name: String, columns: [Column], rowCount: Int, timeColumnIndex: Int? = nil, geoIndex: GeoIndex? = nil) {
        self.init(name: name, columns: columns, rowCount: rowCount, timeColumnIndex: timeColumnIndex, lazyGeoIndex: LazyGeoIndex(geoIndex))
    }

    /// A segment of a store file whose grid is read from it on first use.
    /// `over`: the grid's latitude and longitude columns.
    convenience init(name: String, columns: [Column], rowCount: Int, timeColumnIndex: Int?, storedGeoIndex: @escaping StoredLoad<GeoIndex>, over: (Int, Int)) {
        self.init(name: name, columns: columns, rowCount: rowCount, timeColumnIndex: timeColumnIndex,
                  lazyGeoIndex: LazyGeoIndex(stored: storedGeoIndex, columns: over))
    }

    private init(name: String, columns: [Column], rowCount: Int, timeColumnIndex: Int?, lazyGeoIndex: LazyGeoIndex) {
        precondition(columns.allSatisfy { $0.count == rowCount }, "columns of unequal length in \(name)")
        self.lazyGeoIndex = lazyGeoIndex
        self.name = name
        self.columns = columns
        self.rowCount = rowCount
        self.timeColumnIndex = timeColumnIndex
        var map: [String: Int] = [:]
        for (i, c) in columns.enumerated() where map[c.name] == nil { map[c.name] = i }
        self.indexByName = map
        #if EVQ_INTERNAL_CHECKS
            // A mapped segment's invariants are the store's to check (SegmentValidation.swift), as
            // an error naming the file: a damaged file must not trap here first.
            if !columns.contains(where: \.isMapped) { checkInvariants() }
        #endif
    }

    /// Builds what would otherwise be built by the first query that needs it (the posting
    /// lists and word index of each text column), so that no query pays for it. Loaders call
    /// it once per table.
    public func prepareIndexes() {
        // Every index is independent of the others: they are built on all cores at once, the
        // word indexes of the largest dictionaries first (the one of a notes column takes the
        // longest; it splits its own work over the cores too). Key indexes only for the id
        // columns (`id`, `event_id`, `GLOBALEVENTID`...); other int columns (counts such as
        // fatalities) get theirs at the first lookup.
        var tasks: [(cost: Int, label: String, build: () -> Void)] = []
        for c in columns {
            guard case .string(let s) = c.data else { continue }
            tasks.append((s.dictionary.bytes.count, "words of \(c.name)", { _ = s.wordIndex }))
            if s.postingsPayOff { tasks.append((s.ids.count / 8, "postings of \(c.name)", { _ = s.postings })) }
        }
        for c in columns where c.isKey { tasks.append((c.count, "key index of \(c.name)", { _ = c.keyIndex?.rows.count })) }
        tasks.append((rowCount / 2, "grid cells", { _ = self.geoIndex }))
        // The word index of notes costs more than all the others together: it runs alone first.
        _ = Parallel.mapLargestAlone(costs: tasks.map(\.cost)) { k in LoadTrace.timed(tasks[k].label) { tasks[k].build() } }
        LoadTrace.mark("indexes")
    }

    /// Grid cells over the coordinate columns (`lat`/`lon`, GeoIndex.swift), built on first use;
    /// nil without float coordinate columns.
    public var geoIndex: GeoIndex? { lazyGeoIndex.get(columns) }

    /// Whether reading `columns` (nil: all) may read the stored grid cells.
    func readsStoredGrid(_ columns: Set<Int>?) -> Bool { lazyGeoIndex.isRead(by: columns) }

    /// The grid if it exists already (what a store writes and reads), without building it.
    public var builtGeoIndex: GeoIndex? { lazyGeoIndex.ifBuilt }

    /// Reads (decodes) the stored parts of columns `indexes` (nil: all) and, with either
    /// coordinate column, the stored grid, reporting damage: before they are first read.
    func loadStored(columns indexes: Set<Int>?) throws(StoreError) {
        for (i, c) in columns.enumerated() where indexes?.contains(i) ?? true { try c.loadStored() }
        try lazyGeoIndex.loadStored(ifReading: indexes)
    }

    public func columnIndex(named name: String) -> Int? { indexByName[name] }
    public func column(named name: String) -> Column? { indexByName[name].map { columns[$0] } }

    public var schema: [(name: String, type: DataType)] { columns.map { ($0.name, $0.type) } }

    public func value(row: Int, column: Int) -> Value { columns[column].value(at: row) }

    public func row(_ row: Int) -> [Value] { columns.map { $0.value(at: row) } }

    /// Rows whose time lies in `lower ..< upper` (either bound optional), found by binary
    /// search over the sorted time column. Nil when the table has no time order.
    public func rowRange(timeFrom lower: Int64?, before upper: Int64?) -> Range<Int>? {
        guard let t = timeColumnIndex, case .int(let times) = columns[t].data else { return nil }
        let nonNull = nonNullTimeCount
        func firstIndex(notBelow bound: Int64) -> Int {
            var lo = 0, hi = nonNull
            while lo < hi {
                let mid = (lo + hi) / 2
                if times[mid] < bound { lo = mid + 1 } else { hi = mid }
            }
            return lo
        }
        let start = lower.map(firstIndex(notBelow:)) ?? 0
        let end = upper.map(firstIndex(notBelow:)) ?? nonNull
        return start..<max(start, end)
    }

    /// Rows with a time value; nulls sort last so they are the tail.
    public var nonNullTimeCount: Int {
        guard let t = timeColumnIndex else { return 0 }
        guard let mask = columns[t].isNull else { return rowCount }
        return mask.firstIndex(of: true) ?? rowCount
    }

    /// A table of the given rows, in that order; the time order survives only if `rows` is ascending.
    public func gather(_ rows: [UInt32], keepsTimeOrder: Bool, name: String? = nil) -> Table {
        Table(name: name ?? self.name, columns: columns.map { $0.gather(rows) }, rowCount: rows.count,
              timeColumnIndex: keepsTimeOrder ? timeColumnIndex : nil)
    }

    /// Verifies the invariants the planner relies on. Compiled in with -DEVQ_INTERNAL_CHECKS.
    public func checkInvariants() {
        if let t = timeColumnIndex, case .int(let times) = columns[t].data {
            let n = nonNullTimeCount
            for i in 1..<max(1, n) { precondition(times[i - 1] <= times[i], "\(name): time order broken at row \(i)") }
            for i in n..<rowCount { precondition(columns[t].isNull(i), "\(name): null time before non-null") }
        }
        for c in columns where !c.isPlaceholder {
            if case .string(let s) = c.data {
                for (row, id) in s.ids.enumerated() {
                    precondition((id == StringColumn.nullID) == c.isNull(row), "\(name).\(c.name): null id/mask mismatch at \(row)")
                }
            }
        }
    }
}
