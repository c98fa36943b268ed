// A typed, immutable buffer that lives either on the heap or in memory mapped from a store
// file: a base pointer, a count and an owner that keeps the memory alive. Columns, posting
// lists and indexes are made of these, so a mapped segment is used in place, never copied.

/// Keeps the memory of one or more buffers alive: a heap allocation or a mapped file region.
public class BufferOwner: @unchecked Sendable {
    public init() {}

    /// Whether the memory is a mapped file (read lazily by the kernel, so never scanned on open).
    open var isMapped: Bool { false }
}

/// A heap allocation of `byteCount` bytes, aligned for any element type; freed with the owner.
@usableFromInline
final class HeapAllocation: BufferOwner, @unchecked Sendable {
    @usableFromInline let pointer: UnsafeMutableRawPointer

    @usableFromInline
    init(byteCount: Int) {
        pointer = UnsafeMutableRawPointer.allocate(byteCount: max(byteCount, 1), alignment: 64)
        HugePages.advise(pointer, bytes: byteCount)
    }

    deinit { pointer.deallocate() }
}

/// Elements `0 ..< count` at `baseAddress`, read only. Invariant: the memory stays valid and
/// unchanged while `owner` is alive (heap buffers are written once, in their initializer).
@frozen
public struct ColumnBuffer<Element: BitwiseCopyable>: RandomAccessCollection, @unchecked Sendable {
    @usableFromInline let base: UnsafePointer<Element>?
    public let count: Int
    @usableFromInline let owner: BufferOwner?

    /// Wraps memory kept alive by `owner` (a mapped region, or another buffer's allocation).
    public init(unsafeBase base: UnsafePointer<Element>?, count: Int, owner: BufferOwner?) {
        self.base = count == 0 ? nil : base
        self.count = count
        self.owner = owner
    }

    /// An empty buffer.
    public init() { self.init(unsafeBase: nil, count: 0, owner: nil) }

    /// A heap buffer of `count` elements written once by `initialize` (every element must be set).
    @inlinable
    public init(unsafeUninitializedCount count: Int, _ initialize: (UnsafeMutableBufferPointer<Element>) throws -> Void) rethrows {
        let heap = HeapAllocation(byteCount: count * MemoryLayout<Element>.stride)
        let typed = heap.pointer.bindMemory(to: Element.self, capacity: count)
        try initialize(UnsafeMutableBufferPointer(start: typed, count: count))
        self.init(unsafeBase: UnsafePointer(typed), count: count, owner: heap)
    }

    /// A heap copy of `elements`.
    @inlinable
    public init<C: Collection>(_ elements: C) where C.Element == Element {
        let n = elements.count
        self.init(unsafeUninitializedCount: n) { out in
            let copied = elements.withContiguousStorageIfAvailable { src in
                if let s = src.baseAddress { out.baseAddress!.initialize(from: s, count: n) }
                return true
            }
            if copied == nil { _ = out.initialize(from: elements) }
        }
    }

    /// `count` copies of `value` on the heap.
    @inlinable
    public init(repeating value: Element, count: Int) {
        self.init(unsafeUninitializedCount: count) { out in out.initialize(repeating: value) }
    }

    @inlinable public var startIndex: Int { 0 }
    @inlinable public var endIndex: Int { count }

    @inlinable
    public subscript(position: Int) -> Element {
        precondition(UInt(bitPattern: position) < UInt(bitPattern: count), "ColumnBuffer index out of range")
        return base.unsafelyUnwrapped[position]
    }

    @inlinable
    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Element>) throws -> R) rethrows -> R {
        try body(UnsafeBufferPointer(start: base, count: count))
    }

    @inlinable
    public func withContiguousStorageIfAvailable<R>(_ body: (UnsafeBufferPointer<Element>) throws -> R) rethrows -> R? {
        try body(UnsafeBufferPointer(start: base, count: count))
    }

    /// The raw bytes of the buffer (what a segment file stores).
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try body(UnsafeRawBufferPointer(UnsafeBufferPointer(start: base, count: count)))
    }

    /// The elements `range`, sharing this buffer's memory (indices start at 0).
    @inlinable
    public func view(_ range: Range<Int>) -> ColumnBuffer<Element> {
        precondition(range.lowerBound >= 0 && range.upperBound <= count, "ColumnBuffer view out of range")
        return ColumnBuffer(unsafeBase: base.map { $0 + range.lowerBound }, count: range.count, owner: owner)
    }

    /// Whether the elements lie in a mapped file.
    public var isMapped: Bool { owner?.isMapped ?? false }

    /// A heap copy as an array (for code that mutates).
    public var array: ContiguousArray<Element> { ContiguousArray(self) }
}

extension ColumnBuffer: ExpressibleByArrayLiteral {
    public init(arrayLiteral elements: Element...) { self.init(elements) }
}

extension ColumnBuffer: Equatable where Element: Equatable {
    public static func == (a: ColumnBuffer, b: ColumnBuffer) -> Bool { a.elementsEqual(b) }
}
