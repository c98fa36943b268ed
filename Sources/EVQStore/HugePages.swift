// Large buffers built once and read for the life of a table (a notes column's texts and
// dictionary, word lists, the columns of 10 M rows) are asked to live in 2 MB pages. A load
// of 10 M events touches about 6 GB of fresh memory; in 4 KB pages that is 1.5 M page faults,
// 10 s of kernel time on two cores. The kernel here gives huge pages only where asked
// (transparent huge pages in `madvise` mode), and glibc's malloc asks only when told to by an
// environment variable, which a running process cannot set for itself.

#if canImport(Glibc)
    import Glibc
#endif

enum HugePages {
    /// Buffers smaller than this keep the kernel's default: they come and go with queries,
    /// and asking costs a system call and, on a fragmented machine, compaction.
    static let threshold = 64 << 20

    /// Asks for huge pages for the whole 2 MB pages inside `bytes` bytes at `base`.
    static func advise(_ base: UnsafeRawPointer?, bytes: Int) {
        #if canImport(Glibc)
            guard bytes >= threshold, let base else { return }
            let huge = UInt(2 << 20)
            let start = (UInt(bitPattern: base) + huge - 1) & ~(huge - 1)
            let end = (UInt(bitPattern: base) + UInt(bytes)) & ~(huge - 1)
            guard end > start else { return }
            _ = madvise(UnsafeMutableRawPointer(bitPattern: start), Int(end - start), 14)  // MADV_HUGEPAGE
        #endif
    }
}

extension Array {
    /// Asks for huge pages for the array's whole capacity when it is large (`HugePages`).
    mutating func adviseHugePages() {
        let bytes = capacity * MemoryLayout<Element>.stride
        guard bytes >= HugePages.threshold else { return }
        withUnsafeMutableBufferPointer { HugePages.advise($0.baseAddress.map(UnsafeRawPointer.init), bytes: bytes) }
    }
}
