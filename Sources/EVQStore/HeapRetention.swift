// Freed memory kept for the next query. glibc's malloc hands large freed blocks back to the
// kernel (munmap above a threshold that starts at 128 KB, heap trimming above twice it), so a
// process whose heap is small, such as one that opened a store instead of loading a CSV, pays
// page faults and page zeroing again for every query's temporaries (group ids, row lists):
// a quarter of Q8's time on a mapped store was in the kernel, against 2% in a process whose
// load had grown the heap. A process that runs many queries calls this once at its start.

#if canImport(Glibc)
    import Glibc
#endif

public enum HeapRetention {
    /// Blocks up to 32 MB (glibc's largest mmap threshold) come from the heap and are reused,
    /// and freed memory at the heap's top is kept up to 1 GB instead of being returned.
    public static func keepFreedMemory() {
        #if canImport(Glibc)
            // <malloc.h> is not in Swift's Glibc module: look mallopt up by name. Its options
            // (malloc.h): M_TRIM_THRESHOLD -1, M_MMAP_THRESHOLD -3.
            typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
            guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return }
            let mallopt = unsafeBitCast(symbol, to: Mallopt.self)
            _ = mallopt(-3, 32 << 20)
            _ = mallopt(-1, 1 << 30)
        #endif
    }
}
