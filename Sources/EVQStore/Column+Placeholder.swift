// Columns that stand in for data a query never reads. When a table stored in several
// segments is merged for one query, only the columns the rest of the plan reads are copied;
// the others keep their place (plans address columns by position) as placeholders backed by
// inaccessible address space: they cost no memory, and a read of one, which would be a bug in
// the executor's analysis of what it needs, stops the process instead of answering wrongly.

import Foundation

/// Address space reserved with no access rights; any read of it faults.
final class UnreadableRegion: BufferOwner, @unchecked Sendable {
    let pointer: UnsafeMutableRawPointer?
    let byteCount: Int

    init(byteCount: Int) {
        self.byteCount = max(byteCount, 1)
        let p = mmap(nil, self.byteCount, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0)
        pointer = p == MAP_FAILED ? nil : p
    }

    deinit { if let pointer { munmap(pointer, byteCount) } }
}

extension ColumnBuffer {
    /// `count` elements that must never be read.
    static func unreadable(count: Int) -> ColumnBuffer {
        let region = UnreadableRegion(byteCount: count * MemoryLayout<Element>.stride)
        // Without address space (mmap refused it) an empty buffer still faults, by its bounds check.
        guard let p = region.pointer else { return ColumnBuffer(unsafeBase: nil, count: 0, owner: nil) }
        return ColumnBuffer(unsafeBase: UnsafePointer(p.bindMemory(to: Element.self, capacity: count)), count: count, owner: region)
    }
}

extension Column {
    /// A column of `rows` rows with `template`'s name and type that no one may read.
    public static func placeholder(like template: Column, rows: Int) -> Column {
        let data: ColumnData
        switch template.data {
        case .bool: data = .bool(.unreadable(count: rows))
        case .int: data = .int(.unreadable(count: rows))
        case .float: data = .float(.unreadable(count: rows))
        case .string: data = .string(StringColumn(ids: .unreadable(count: rows), dictionary: StringDictionary(sortedUnique: [])))
        case .boxed: preconditionFailure("boxed columns are gathered, never left out")
        }
        return Column(name: template.name, type: template.type, data: data, isNull: nil)
    }

    /// What keeps the column's values (a text column's ids) alive; nil for boxed values.
    private var valuesOwner: BufferOwner? {
        switch data {
        case .bool(let v): v.owner
        case .int(let v): v.owner
        case .float(let v): v.owner
        case .string(let s): s.ids.owner
        case .boxed: nil
        }
    }

    /// Whether the column's values are mapped from a store file.
    var isMapped: Bool { isStored || (valuesOwner?.isMapped ?? false) }

    /// Whether the column holds boxed values (those are always copied, never placeholders).
    public var isBoxed: Bool { if case .boxed = data { true } else { false } }

    /// Whether this column stands in for data left out of a merge (see `placeholder`).
    public var isPlaceholder: Bool { !isStored && valuesOwner is UnreadableRegion }
}
