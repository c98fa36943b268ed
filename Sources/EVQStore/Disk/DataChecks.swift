// Lazy checksums: a segment opened with `StoreVerification.lazy` has its metadata checked at
// once and each data section's CRC-32C checked the first time a caller asks for it (before
// reading it), so that opening stays proportional to nothing and damage is still found
// before it can turn into a wrong answer or a crash. A segment opened with `.metadata` skips
// the checksums and the bounds, but its encoded sections are still decoded here, where a
// decoder's failure is an error naming the section, and not on first read, where it could
// only stop the process.

import Synchronization

/// The data sections of one mapped segment, each checked at most once.
final class DataChecks: Sendable {
    private struct Section: Sendable {
        let entry: SegmentDirectory.SectionEntry
        /// Indexes into the segment's columns: the column whose part it is (both coordinate
        /// columns for the grid cells, which a query reads with either).
        let columns: [Int]
    }

    private let map: SectionMap
    private let file: String
    private let sections: [Section]
    /// Per section: whether it was checked and found sound.
    private let checked: Mutex<[Bool]>
    /// Per column, and for the grid cells: whether their ids, offsets and rows were found
    /// inside their bounds.
    private let validated: Mutex<(columns: [Bool], grid: Bool)>
    /// False for `.metadata`: sections are decoded, not checked.
    private let checksums: Bool

    init(_ directory: SegmentDirectory, _ map: SectionMap, _ region: MappedRegion, file: String, checksums: Bool) {
        self.checksums = checksums
        var list: [Section] = []
        for (i, c) in directory.columns.enumerated() {
            for name in c.parts.values.sorted() {
                if let e = map.entries[name] { list.append(Section(entry: e, columns: [i])) }
            }
        }
        if let g = directory.geo {
            for name in g.parts.values.sorted() {
                if let e = map.entries[name] { list.append(Section(entry: e, columns: [g.latitude, g.longitude])) }
            }
        }
        self.map = map
        self.file = file
        self.sections = list
        self.checked = Mutex([Bool](repeating: false, count: list.count))
        self.validated = Mutex(([Bool](repeating: false, count: directory.columns.count), directory.geo == nil))
    }

    /// Checks the sections of `columns` (nil: all) not checked before, then reads (decodes)
    /// what of them `table` reads on first use; the first damage found.
    func verify(columns: Set<Int>?, of table: Table) throws(StoreError) {
        try verifySections(columns: columns)
        try table.loadStored(columns: columns)
    }

    private func verifySections(columns: Set<Int>?) throws(StoreError) {
        guard checksums else { return }
        let wanted = sections.indices.filter { k in columns.map { !$0.isDisjoint(with: sections[k].columns) } ?? true }
        let pending = checked.withLock { done in wanted.filter { !done[$0] } }
        guard !pending.isEmpty else { return }
        let found = Parallel.map(pending.count) { j -> StoreError? in
            map.check(sections[pending[j]].entry)
        }
        checked.withLock { done in
            for (j, k) in pending.enumerated() where found[j] == nil { done[k] = true }
        }
        if let damage = found.compactMap({ $0 }).first { throw damage }
    }

    /// Once the checksums of `columns` (nil: all) hold: the bounds inside their sections
    /// (SegmentValidation.swift), which a file whose checksums were recomputed over bad bytes
    /// would pass. Each column once.
    func validate(columns: Set<Int>?, of table: Table) throws(StoreError) {
        let (pending, grid) = validated.withLock { done in
            let pending = Set((columns ?? Set(table.columns.indices)).filter { $0 < done.columns.count && !done.columns[$0] })
            // The grid cells are checked once, with the first of the columns they cover.
            return (pending, !done.grid && table.readsStoredGrid(pending))
        }
        guard !pending.isEmpty else { return }
        try verify(columns: columns, of: table)
        if checksums { try SegmentReader.validate(table, columns: pending, grid: grid, file: file) }
        validated.withLock { done in
            for i in pending { done.columns[i] = true }
            if grid { done.grid = true }
        }
    }
}

/// Which tables have data sections still to check (or decode): the segments
/// `Store.open(_:verify:)` mapped with `.lazy` or `.metadata`. Kept aside from `Table`, whose
/// readers need not know about files.
enum PendingChecks {
    private final class Entry: Sendable {
        weak let table: Table?
        let checks: DataChecks
        init(_ table: Table, _ checks: DataChecks) {
            self.table = table
            self.checks = checks
        }
    }

    private static let entries = Mutex<[ObjectIdentifier: Entry]>([:])

    static func register(_ table: Table, _ checks: DataChecks) {
        entries.withLock { map in
            map = map.filter { $0.value.table != nil }
            map[ObjectIdentifier(table)] = Entry(table, checks)
        }
    }

    static func checks(of table: Table) -> DataChecks? {
        entries.withLock { map in
            guard let e = map[ObjectIdentifier(table)], e.table === table else { return nil }
            return e.checks
        }
    }
}

extension Store {
    /// Checks the data sections of `table`'s `columns` (indexes; nil = every column) that no
    /// earlier call checked, when `table` is a segment opened with `.lazy` (with `.metadata`:
    /// decodes them, checking nothing); nothing otherwise.
    /// Call it before reading those columns: it throws `.corrupt` naming the file and section.
    ///
    ///     try Store.verifyData(of: segment, columns: [segment.columnIndex(named: "notes")!])
    public static func verifyData(of table: Table, columns: Set<Int>? = nil) throws(StoreError) {
        guard let checks = PendingChecks.checks(of: table) else { return }
        try checks.verify(columns: columns, of: table)
        try checks.validate(columns: columns, of: table)
    }
}
