// Interns byte strings: equal bytes get the same dense id, in first-seen order. Ingest keeps
// one per column, so each distinct cell text is decoded and type-checked once, not per row.

struct ByteInterner {
    /// Distinct values back to back; value `id` is `storage[offsets[id] ..< offsets[id + 1]]`.
    private(set) var storage: [UInt8] = []
    private(set) var offsets: [Int] = [0]
    /// Open addressing with linear probing. 0 = empty, else the hash's top 32 bits (the
    /// probe start, and a tag compared before any bytes) above id + 1. Power-of-two size,
    /// at most half full. Probes touch one slot per step, so a new value costs one cache miss.
    private var slots: [UInt64] = Array(repeating: 0, count: 64)
    private(set) var count = 0
    /// Bytes of all distinct values together.
    var byteCount: Int { storage.count }
    /// False once the values look unique (ids, notes, coordinates): then every call appends,
    /// since a lookup would miss the cache for nothing. Equal texts may then have several ids;
    /// readers of ids must not assume otherwise (string assembly merges equal neighbours).
    private(set) var deduplicates = true
    /// False for a table of words, where every equal text must have one id.
    private var mayStopDeduplicating = true
    private var calls = 0

    init() {}

    /// An interner that never stops looking values up (`deduplicates` stays on).
    init(alwaysDeduplicates: Bool) {
        mayStopDeduplicating = !alwaysDeduplicates
    }

    /// Values laid out as `storage` and `offsets` were (a spilled chunk); appends only from now on.
    init(restoring storage: [UInt8], offsets: [Int]) {
        self.storage = storage
        self.offsets = offsets.isEmpty ? [0] : offsets
        count = self.offsets.count - 1
        deduplicates = false
        slots = []
    }

    /// The id of `bytes`, adding it when new (always, once `deduplicates` is off).
    mutating func intern(_ bytes: UnsafeBufferPointer<UInt8>) -> (id: UInt32, inserted: Bool) {
        guard deduplicates else { return (append(bytes), true) }
        calls += 1
        if mayStopDeduplicating, calls == 16_384 || calls == 131_072, count * 4 > calls * 3 {
            deduplicates = false
            slots = []
            return (append(bytes), true)
        }
        let tag = Self.hash(bytes) >> 32
        let mask = slots.count - 1
        var i = Int(truncatingIfNeeded: tag) & mask
        while true {
            let s = slots[i]
            if s == 0 { break }
            if s >> 32 == tag {
                let id = Int(truncatingIfNeeded: s & 0xFFFF_FFFF) - 1
                if equals(id, bytes) { return (UInt32(id), false) }
            }
            i = (i &+ 1) & mask
        }
        let id = append(bytes)
        slots[i] = tag << 32 | UInt64(id + 1)
        if count * 2 > slots.count { grow() }
        return (id, true)
    }

    /// Makes room for `values` more values of `bytes` bytes in all, so that adding them
    /// (a part joined) does not copy the storage on every doubling. Grows by half again at
    /// least: room for exactly one more part would copy everything at every part joined.
    /// `capacity` may grow the room further: given the count needed and whether it counts
    /// bytes (else values), the capacity to make.
    mutating func reserve(values: Int, bytes: Int, capacity: (Int, Bool) -> Int = { n, _ in n }) {
        storage.reserveRoom(for: bytes) { capacity($0, true) }
        offsets.reserveRoom(for: values) { capacity($0, false) }
    }

    /// Appends every value of `other` (its ids become `base + id`) without looking any up;
    /// only once `deduplicates` is off. Returns `base`.
    mutating func appendAll(_ other: ByteInterner) -> UInt32 {
        precondition(!deduplicates, "appendAll keeps equal texts apart")
        let base = count, shift = storage.count
        storage.append(contentsOf: other.storage)
        other.offsets.withUnsafeBufferPointer { o in offsets.append(contentsOf: o.dropFirst().lazy.map { $0 &+ shift }) }
        count += other.count
        return UInt32(base)
    }

    private mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt32 {
        storage.append(contentsOf: bytes)
        offsets.append(storage.count)
        count += 1
        return UInt32(count - 1)
    }

    func withValue<R>(_ id: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        let range = offsets[id]..<offsets[id + 1]
        return try storage.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[range])) }
    }

    func string(_ id: Int) -> String { withValue(id) { String(decoding: $0, as: UTF8.self) } }

    private func equals(_ id: Int, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let start = offsets[id]
        guard offsets[id + 1] - start == bytes.count else { return false }
        return storage.withUnsafeBufferPointer { s in
            Self.bytesEqual(s.baseAddress! + start, bytes.baseAddress, bytes.count)
        }
    }

    private mutating func grow() {
        var bigger = [UInt64](repeating: 0, count: slots.count * 2)
        let mask = bigger.count - 1
        for s in slots where s != 0 {
            var i = Int(truncatingIfNeeded: s >> 32) & mask
            while bigger[i] != 0 { i = (i &+ 1) & mask }
            bigger[i] = s
        }
        slots = bigger
    }

    /// Ids in byte-wise lexicographic order of their values, which is Unicode scalar order
    /// when the values are valid UTF-8. Equal values (possible once `deduplicates` is off)
    /// end up adjacent.
    ///
    /// Sorts by eight bytes at a time held beside each id (a multikey sort): a comparison reads
    /// two keys next to each other instead of two texts far apart in `storage`, and only ids
    /// whose first 8·k bytes tie are compared on the next eight. Many values (a notes column)
    /// are first split by their first two bytes (a counting sort), and the buckets sorted on
    /// all cores: buckets in order are values in order.
    ///
    /// The sort also says which ids hold the same bytes as the one before them: it knows when
    /// it ends a run of equal keys, so a dictionary built from the order need not read the
    /// texts again (at random) to compare neighbours.
    func sortedIDs() -> SortedTexts {
        guard count > 1 else { return SortedTexts(ids: Array(0..<count), equalToPrevious: [Bool](repeating: false, count: count)) }
        var entries = [SortEntry](repeating: SortEntry(key: 0, rest: 0, id: 0), count: count)
        var equal = [Bool](repeating: false, count: count)
        storage.withUnsafeBufferPointer { s in
            offsets.withUnsafeBufferPointer { o in
                entries.withUnsafeMutableBufferPointer { e in
                  equal.withUnsafeMutableBufferPointer { equal in
                    let n = count
                    let chunks = Parallel.chunks(n, minimum: 1 << 16)
                    guard chunks.count > 1 else {
                        for id in 0..<n { e[id] = Self.entry(id, depth: 0, s, o) }
                        Self.sort(e, 0..<n, s, o, equal)
                        return
                    }
                    let bucketBits = 16, buckets = 1 << bucketBits
                    @inline(__always) func bucket(_ key: UInt64) -> Int { Int(truncatingIfNeeded: key >> UInt64(64 - bucketBits)) }
                    // Each chunk's entries and bucket counts on its own core, then one scatter.
                    let unsorted = UnsafeMutableBufferPointer<SortEntry>.allocate(capacity: n)
                    defer { unsorted.deallocate() }
                    let shared = UncheckedSendable((unsorted, s, o))
                    let counts = Parallel.map(chunks.count) { c -> [Int] in
                        let (unsorted, s, o) = shared.value
                        var counts = [Int](repeating: 0, count: buckets)
                        for id in chunks[c] {
                            let entry = Self.entry(id, depth: 0, s, o)
                            unsorted.initializeElement(at: id, to: entry)
                            counts[bucket(entry.key)] += 1
                        }
                        return counts
                    }
                    var starts = [Int](repeating: 0, count: buckets + 1)
                    for b in 0..<buckets { starts[b + 1] = starts[b] + counts.reduce(0) { $0 + $1[b] } }
                    var next = Array(starts.dropLast())
                    for k in 0..<n {
                        let b = bucket(unsorted[k].key)
                        e[next[b]] = unsorted[k]
                        next[b] += 1
                    }
                    // Contiguous runs of buckets of about equal size, several per core (bucket
                    // sizes vary: texts share their first letters).
                    let jobs = Parallel.threads * 8
                    var cuts = [0]
                    for b in 1..<buckets where starts[b] * jobs / n > cuts.count - 1 && starts[b] > starts[cuts.last!] { cuts.append(b) }
                    cuts.append(buckets)
                    let sorting = UncheckedSendable((e, s, o, equal))
                    _ = Parallel.map(cuts.count - 1) { j in
                        let (e, s, o, equal) = sorting.value
                        for b in cuts[j]..<cuts[j + 1] where starts[b + 1] - starts[b] > 1 {
                            Self.sort(e, starts[b]..<starts[b + 1], s, o, equal)
                        }
                    }
                  }
                }
            }
        }
        return SortedTexts(ids: entries.map { Int($0.id) }, equalToPrevious: equal)
    }

    /// Ids in the order of their values' bytes, and for each place whether its value's bytes
    /// are those of the place before (possible once `deduplicates` is off).
    struct SortedTexts {
        var ids: [Int]
        var equalToPrevious: [Bool]
    }

    /// Sorts `e[range]`, whose depth-0 keys are filled in, by their values' bytes.
    /// Ids of texts whose bytes tie to the end are marked in `equal` (at their sorted place)
    /// after the first of them.
    private static func sort(
        _ e: UnsafeMutableBufferPointer<SortEntry>, _ range: Range<Int>, _ s: UnsafeBufferPointer<UInt8>, _ o: UnsafeBufferPointer<Int>,
        _ equal: UnsafeMutableBufferPointer<Bool>
    ) {
        // Ranges of entries whose keys tied at `depth - 1` (explicit: texts may be long).
        var pending: [(lo: Int, hi: Int, depth: Int)] = [(range.lowerBound, range.upperBound, 0)]
        while let range = pending.popLast() {
            let (lo, hi, depth) = range
            if depth > 0 {
                for k in lo..<hi { e[k] = Self.entry(Int(e[k].id), depth: depth, s, o) }
            }
            var group = UnsafeMutableBufferPointer(rebasing: e[lo..<hi])
            group.sort { a, b in a.key != b.key ? a.key < b.key : a.rest < b.rest }
            var i = lo
            while i < hi {
                var j = i + 1
                while j < hi && e[j].key == e[i].key && e[j].rest == e[i].rest { j += 1 }
                if j - i > 1 {
                    if e[i].rest == SortEntry.more {
                        pending.append((i, j, depth + 1))
                    } else {
                        // Both end within these eight bytes, and every eight before tied.
                        for k in (i + 1)..<j { equal[k] = true }
                    }
                }
                i = j
            }
        }
    }

    /// One id's sort key at `depth`: its bytes `8·depth ..< 8·depth + 8` big-endian (zeros past
    /// the end), and how many bytes it has from `8·depth` on (`more` when over eight). Equal
    /// keys with equal `rest` below `more` are equal texts; a shorter `rest` is a prefix, so it
    /// sorts first.
    private struct SortEntry {
        static let more: UInt32 = 9
        var key: UInt64
        var rest: UInt32
        var id: UInt32
    }

    @inline(__always)
    private static func entry(_ id: Int, depth: Int, _ s: UnsafeBufferPointer<UInt8>, _ o: UnsafeBufferPointer<Int>) -> SortEntry {
        let start = o[id] + 8 * depth, end = o[id + 1]
        let n = max(0, end - start)
        var key: UInt64 = 0
        if n >= 8 {
            key = UInt64(bigEndian: UnsafeRawPointer(s.baseAddress! + start).loadUnaligned(as: UInt64.self))
        } else {
            for k in 0..<n { key |= UInt64(s[start + k]) << (56 - 8 * UInt64(k)) }
        }
        return SortEntry(key: key, rest: UInt32(min(n, 9)), id: UInt32(id))
    }

    static func bytesEqual(_ a: UnsafePointer<UInt8>?, _ b: UnsafePointer<UInt8>?, _ n: Int) -> Bool {
        guard n > 0, let a, let b else { return true }
        let ra = UnsafeRawPointer(a), rb = UnsafeRawPointer(b)
        var i = 0
        while i + 8 <= n {
            if ra.loadUnaligned(fromByteOffset: i, as: UInt64.self) != rb.loadUnaligned(fromByteOffset: i, as: UInt64.self) {
                return false
            }
            i += 8
        }
        return i == n || tailWord(ra, n) == tailWord(rb, n)
    }

    /// The bytes after the last whole word of eight of an `n`-byte text (n > 0, not a multiple
    /// of eight), in at most two loads instead of one byte at a time (most words of a notes
    /// column are shorter than eight bytes). The loads may overlap each other or the words
    /// before, but every byte is read: two texts of one length with the same words before have
    /// the same tail word exactly when their last bytes are equal.
    @inline(__always)
    private static func tailWord(_ raw: UnsafeRawPointer, _ n: Int) -> UInt64 {
        if n >= 8 { return raw.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self) }
        if n >= 4 { return UInt64(raw.loadUnaligned(as: UInt32.self)) | UInt64(raw.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self)) << 32 }
        let b = raw.assumingMemoryBound(to: UInt8.self)
        return UInt64(b[0]) | UInt64(b[n / 2]) << 8 | UInt64(b[n - 1]) << 16
    }

    /// Eight bytes per step with a multiply-xorshift mix and a murmur3 finalizer: cells are
    /// short, and long ones (notes) must not cost a multiply per byte.
    static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        let n = bytes.count
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(truncatingIfNeeded: n)
        guard let base = bytes.baseAddress else { return h }
        let raw = UnsafeRawPointer(base)
        var i = 0
        while i + 8 <= n {
            h = (h ^ raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0xFF51_AFD7_ED55_8CCD
            h ^= h >> 29
            i += 8
        }
        // With the length mixed in above, every byte is read, so equal hashes stay rare.
        if i < n { h = (h ^ tailWord(raw, n)) &* 0xFF51_AFD7_ED55_8CCD }
        h ^= h >> 33
        h = h &* 0xC4CE_B9FE_1A85_EC53
        h ^= h >> 33
        return h
    }
}

extension Array {
    /// Room for `more` elements, growing the capacity by half again at least, so that a
    /// sequence of such calls copies the elements a bounded number of times (a plain
    /// `reserveCapacity(count + more)` reallocates on every call).
    /// `atLeast` may ask for more, given the count needed (`count + more`).
    mutating func reserveRoom(for more: Int, atLeast: (Int) -> Int = { $0 }) {
        let needed = count + more
        guard needed > capacity else { return }
        reserveCapacity(Swift.max(atLeast(needed), capacity + capacity / 2))
        adviseHugePages()
    }
}
