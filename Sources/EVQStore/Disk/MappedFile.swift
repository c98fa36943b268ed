// A whole file mapped read-only into memory. Buffers over it keep the mapping alive; the
// kernel reads pages as they are touched, so opening costs nothing per row.

import Foundation

public final class MappedRegion: BufferOwner, @unchecked Sendable {
    let base: UnsafeRawPointer
    let length: Int
    let path: String

    /// Maps `path`; an empty file maps to nothing.
    init(path: String) throws(StoreError) {
        let fd = Foundation.open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw StoreError.system(path, "open") }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw StoreError.system(path, "stat") }
        self.path = path
        self.length = Int(st.st_size)
        guard length > 0 else {
            throw StoreError.corrupt(file: (path as NSString).lastPathComponent, section: "header", detail: "file is empty (truncated)")
        }
        let p = mmap(nil, length, PROT_READ, MAP_SHARED, fd, 0)
        guard let p, p != MAP_FAILED else { throw StoreError.system(path, "mmap") }
        self.base = UnsafeRawPointer(p)
    }

    deinit { munmap(UnsafeMutableRawPointer(mutating: base), length) }

    public override var isMapped: Bool { true }

    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: length) }

    /// `count` elements of `T` at `offset`, which the caller has checked lies in the file
    /// and is aligned for `T`.
    func buffer<T: BitwiseCopyable>(_: T.Type, offset: Int, count: Int) -> ColumnBuffer<T> {
        ColumnBuffer(unsafeBase: (base + offset).assumingMemoryBound(to: T.self), count: count, owner: self)
    }
}
