// Builds a `WordIndex` from a dictionary on all cores, straight into its CSR form: each core
// takes a contiguous range of value ids, interns the words it meets as bytes and writes one
// word number per (value, word) into a flat list, then counting-sorts it by word. The parts
// are joined in id order, so each word's ids stay ascending: every word's place in the final
// list is known from the parts' list lengths, and the lists are copied there on all cores.
// No list per word, no String per word occurrence (only one per distinct word of each part).

enum WordIndexBuilder {
    static func build(_ dictionary: StringDictionary) -> WordIndex {
        let ranges = Parallel.chunks(dictionary.count, minimum: 20_000)
        let parts = Parallel.map(ranges.count) { index(dictionary, ranges[$0]) }

        // Words are one word when their Strings are equal (canonically equivalent spellings).
        var slotByWord: [String: Int] = [:]
        var words: [String] = []
        // For each part, the word slot of each of its local words.
        var slotsOfParts: [[Int]] = []
        for part in parts {
            var slots: [Int] = []
            slots.reserveCapacity(part.words.count)
            for w in 0..<part.words.count {
                let word = part.words.string(w)
                if let s = slotByWord[word] {
                    slots.append(s)
                } else {
                    slotByWord[word] = words.count
                    slots.append(words.count)
                    words.append(word)
                }
            }
            slotsOfParts.append(slots)
        }
        // Each slot's local words, part by part (usually one per part holding it).
        var localsOfSlot = [[(part: Int, word: Int)]](repeating: [], count: words.count)
        for (p, slots) in slotsOfParts.enumerated() {
            for (w, s) in slots.enumerated() { localsOfSlot[s].append((p, w)) }
        }
        let order = words.indices.sorted { words[$0] < words[$1] }
        // Each word's list is its parts' lists one after the other (parts hold ascending runs
        // of ids), so its place in the final list is known before any id is copied: the lists
        // are then copied on all cores. A word that some part holds under several local
        // spellings (rare: canonically equivalent non-ASCII words) has its whole list made
        // here, that part's lists unioned.
        var unioned: [Int: [UInt32]] = [:]  // by word
        var offsets = ContiguousArray<UInt32>(repeating: 0, count: words.count + 1)
        var total = 0
        for (k, s) in order.enumerated() {
            let locals = localsOfSlot[s]
            if Set(locals.map(\.part)).count == locals.count {
                total += locals.reduce(0) { $0 + parts[$1.part].list($1.word).count }
            } else {
                var list: [UInt32] = []
                var p = 0
                while p < locals.count {
                    var q = p + 1
                    while q < locals.count && locals[q].part == locals[p].part { q += 1 }
                    var merged = Set<UInt32>()
                    for l in locals[p..<q] { merged.formUnion(parts[l.part].list(l.word)) }
                    list += merged.sorted()
                    p = q
                }
                unioned[k] = list
                total += list.count
            }
            offsets[k + 1] = UInt32(total)
        }
        let flat = ColumnBuffer<UInt32>(unsafeUninitializedCount: total) { flat in
            let shared = UncheckedSendable(flat)
            let ranges = Parallel.chunks(order.count, minimum: 64)
            _ = Parallel.map(ranges.count) { c in
                let flat = shared.value
                func copy(_ list: ArraySlice<UInt32>, to at: inout Int) {
                    list.withUnsafeBufferPointer { src in
                        if let b = src.baseAddress { (flat.baseAddress! + at).initialize(from: b, count: src.count) }
                    }
                    at += list.count
                }
                for k in ranges[c] {
                    var at = Int(offsets[k])
                    if let list = unioned[k] {
                        copy(list[...], to: &at)
                    } else {
                        for l in localsOfSlot[order[k]] { copy(parts[l.part].list(l.word), to: &at) }
                    }
                }
            }
        }
        return WordIndex(words: StringDictionary(sortedUnique: order.map { words[$0] }),
                         idOffsets: ColumnBuffer(offsets), ids: flat)
    }

    /// One part's words (as lower-cased bytes, in first-seen order) and, for each, the ascending
    /// ids of the values holding it: `ids[offsets[w] ..< offsets[w + 1]]`.
    struct Part {
        var words: ByteInterner
        var offsets: [Int]
        var ids: [UInt32]

        func list(_ w: Int) -> ArraySlice<UInt32> { ids[offsets[w]..<offsets[w + 1]] }
    }

    /// The words met so far and the (value, word) pairs, as a value type whose methods the
    /// loop below calls directly (a nested function handed to a word splitter as a closure
    /// captured these arrays by reference, with an exclusivity check on every access).
    private struct Pairs {
        var words = ByteInterner(alwaysDeduplicates: true)
        /// Words of at most 16 bytes by their bytes held in two words: most words are short,
        /// and this finds them without hashing bytes or reading the interner's storage.
        var short = ShortWordTable()
        /// The word of each (value, word) pair, a value's words once each, values in id order.
        var wordOfPair: [UInt32] = []
        /// The last value id that listed each word, so a word twice in one value counts once.
        var lastValue: [UInt32] = []

        @inline(__always)
        mutating func add(_ bytes: UnsafeBufferPointer<UInt8>, value id: UInt32) {
            pair(words.intern(bytes).id, value: id)
        }

        /// A word of `count` ≤ 16 bytes, lower-cased, whose bytes are `low` then `high` (zeros
        /// past the end); `bytes` are the same bytes, read only when the word is new here.
        @inline(__always)
        mutating func addShort(_ low: UInt64, _ high: UInt64, count: Int, bytes: UnsafePointer<UInt8>, value id: UInt32) {
            pair(short.id(low, high, count: count) { words.intern(UnsafeBufferPointer(start: bytes, count: count)) }, value: id)
        }

        /// Word `w` (new when it is the interner's last) in value `id`.
        @inline(__always)
        private mutating func pair(_ w: UInt32, value id: UInt32) {
            if Int(w) == lastValue.count { lastValue.append(UInt32.max) }
            if lastValue[Int(w)] != id {
                lastValue[Int(w)] = id
                wordOfPair.append(w)
            }
        }
    }

    /// Open addressing over words of 1–16 bytes held as two little-endian words (a word's bytes
    /// are never 0, so the two words alone tell words apart), mapping each to its id in the
    /// part's interner. At most half full.
    struct ShortWordTable {
        private struct Slot {
            var low: UInt64 = 0
            var high: UInt64 = 0
            /// id + 1; 0 = empty.
            var id: UInt32 = 0
        }

        private var slots = [Slot](repeating: Slot(), count: 1024)
        private var count = 0

        /// The id of the word, from `intern` (which adds it to the interner) when not here yet.
        @inline(__always)
        mutating func id(_ low: UInt64, _ high: UInt64, count n: Int, intern: () -> (id: UInt32, inserted: Bool)) -> UInt32 {
            let mask = slots.count - 1
            var i = Self.home(low, high, count: n) & mask
            let found: UInt32? = slots.withUnsafeBufferPointer { slots in
                while true {
                    let s = slots[i]
                    if s.id == 0 { return nil }
                    if s.low == low && s.high == high { return s.id - 1 }
                    i = (i &+ 1) & mask
                }
            }
            if let found { return found }
            let id = intern().id
            slots[i] = Slot(low: low, high: high, id: id + 1)
            count += 1
            if count * 2 > slots.count { grow() }
            return id
        }

        private mutating func grow() {
            var bigger = [Slot](repeating: Slot(), count: slots.count * 2)
            let mask = bigger.count - 1
            for s in slots where s.id != 0 {
                var i = Self.home(s.low, s.high, count: Self.length(s.low, s.high)) & mask
                while bigger[i].id != 0 { i = (i &+ 1) & mask }
                bigger[i] = s
            }
            slots = bigger
        }

        /// Where a word's probe starts (before the table's mask).
        @inline(__always)
        private static func home(_ low: UInt64, _ high: UInt64, count: Int) -> Int {
            var h = (low &* 0x9E37_79B9_7F4A_7C15) ^ (high &* 0xC2B2_AE3D_27D4_EB4F) ^ UInt64(count)
            h ^= h >> 31
            h = h &* 0xFF51_AFD7_ED55_8CCD
            return Int(truncatingIfNeeded: h >> 32)
        }

        /// The byte count of a word held as two words (its bytes are never 0).
        static func length(_ low: UInt64, _ high: UInt64) -> Int {
            high != 0 ? 16 - high.leadingZeroBitCount / 8 : 8 - low.leadingZeroBitCount / 8
        }
    }

    private static func index(_ dictionary: StringDictionary, _ range: Range<Int>) -> Part {
        var pairs = Pairs()
        // A value has at most one word per two of its bytes (a letter and a separator): room
        // for that many pairs at once is address space, touched only as pairs are written,
        // where doubling would copy the pairs (into memory the system clears first) again
        // and again.
        let bytes = Int(dictionary.offsets[range.upperBound]) - Int(dictionary.offsets[range.lowerBound])
        pairs.wordOfPair.reserveCapacity(bytes / 2 + range.count)
        var pairEnds: [Int] = []
        pairEnds.reserveCapacity(range.count)
        var splitter = ASCIIWordSplitter()
        defer { splitter.deallocate() }
        dictionary.bytes.withUnsafeBufferPointer { blob in
            dictionary.offsets.withUnsafeBufferPointer { offsets in
                for index in range {
                    let id = UInt32(index)
                    let lo = Int(offsets[index]), n = Int(offsets[index + 1]) - lo
                    let value = UnsafeBufferPointer(rebasing: blob[lo..<(lo + n)])
                    if TableAssembly.isASCII(value) {
                        splitter.forEachWord(in: value) { low, high, word in
                            if word.count <= 16 {
                                pairs.addShort(low, high, count: word.count, bytes: word.baseAddress!, value: id)
                            } else {
                                pairs.add(word, value: id)
                            }
                        }
                    } else {
                        WordIndex.forEachWordOfCharacters(in: dictionary[index]) { word in
                            var word = word
                            word.withUTF8 { pairs.add($0, value: id) }
                        }
                    }
                    pairEnds.append(pairs.wordOfPair.count)
                }
            }
        }
        let words = pairs.words, wordOfPair = pairs.wordOfPair
        // Counting sort of the pairs by word; values come in id order, so each list ascends.
        var offsets = [Int](repeating: 0, count: words.count + 1)
        for w in wordOfPair { offsets[Int(w) + 1] += 1 }
        for w in 0..<words.count { offsets[w + 1] += offsets[w] }
        var next = offsets
        let ids = [UInt32](unsafeUninitializedCapacity: wordOfPair.count) { ids, count in
            count = wordOfPair.count  // every slot is written once below
            wordOfPair.withUnsafeBufferPointer { pairs in
                var start = 0
                for (k, end) in pairEnds.enumerated() {
                    let id = UInt32(range.lowerBound + k)
                    for p in start..<end {
                        let w = Int(pairs[p])
                        ids[next[w]] = id
                        next[w] += 1
                    }
                    start = end
                }
            }
        }
        return Part(words: words, offsets: offsets, ids: ids)
    }
}

/// Splits ASCII text into words (runs of A–Z, a–z, 0–9, lower-cased), eight bytes at a time:
/// each block's word bytes are found and lower-cased with a few word-wide adds and masks, one
/// bit per byte goes into a bitmap, and the words are the runs of set bits. A loop over bytes
/// spent most of a notes column's word index waiting on a table lookup per byte and on a
/// mispredicted branch at each end of each word.
struct ASCIIWordSplitter {
    /// The lower-cased bytes of the current text (0 outside words), 16 bytes of slack after it
    /// so that a short word is read in two whole loads.
    private var lowered = UnsafeMutablePointer<UInt8>.allocate(capacity: 0)
    private var bits = UnsafeMutablePointer<UInt64>.allocate(capacity: 0)
    private var capacity = -1

    /// Calls `body` with each word of `text` (every byte below 0x80): its first eight bytes and
    /// the next eight as little-endian words with zeros past its end (whole only for words of at
    /// most 16 bytes), and its bytes (valid during the call only).
    @inline(__always)
    mutating func forEachWord(in text: UnsafeBufferPointer<UInt8>, _ body: (UInt64, UInt64, UnsafeBufferPointer<UInt8>) -> Void) {
        let n = text.count
        guard n > 0, let source = text.baseAddress else { return }
        reserve(n)
        let ones: UInt64 = 0x0101_0101_0101_0101, high: UInt64 = 0x8080_8080_8080_8080
        let words = (n + 63) / 64
        for w in 0..<words { bits[w] = 0 }
        var i = 0
        while i < n {
            var x: UInt64 = 0
            if i + 8 <= n {
                x = UnsafeRawPointer(source + i).loadUnaligned(as: UInt64.self)
            } else {
                withUnsafeMutableBytes(of: &x) { $0.copyMemory(from: UnsafeRawBufferPointer(start: source + i, count: n - i)) }
            }
            // For bytes below 0x80, (b + 0x80 - lo) has its top bit set when b >= lo, and
            // (b + 0x7F - hi) when b > hi; no sum carries into the next byte.
            let folded = x | (ones &* 0x20)
            let letter = (folded &+ ones &* (0x80 - 0x61)) & ~(folded &+ ones &* (0x7F - 0x7A)) & high
            let digit = (x &+ ones &* (0x80 - 0x30)) & ~(x &+ ones &* (0x7F - 0x39)) & high
            let word = letter | digit
            let lower = (x | letter >> 2) & ((word >> 7) &* 0xFF)
            UnsafeMutableRawPointer(lowered + i).storeBytes(of: lower, as: UInt64.self)
            // The top bit of byte k to bit k: the products land on distinct bits, so nothing carries.
            bits[i >> 6] |= ((word &* 0x0002_0408_1020_4081) >> 56) << UInt64(i & 63)
            i += 8
        }
        var at = 0
        while true {
            let start = nextBit(from: at, set: true, words: words)
            if start >= n { break }
            let end = min(n, nextBit(from: start, set: false, words: words))
            let count = end - start
            let raw = UnsafeRawPointer(lowered + start)
            let low = raw.loadUnaligned(as: UInt64.self) & Self.mask(count)
            let next = count > 8 ? raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self) & Self.mask(count - 8) : 0
            body(low, next, UnsafeBufferPointer(start: lowered + start, count: count))
            at = end
        }
    }

    /// The first bit at or after `from` that is set (or clear), or a position ≥ the text's length.
    @inline(__always)
    private func nextBit(from: Int, set: Bool, words: Int) -> Int {
        var w = from >> 6
        guard w < words else { return words * 64 }
        var x = (set ? bits[w] : ~bits[w]) & (~0 << UInt64(from & 63))
        while x == 0 {
            w += 1
            if w == words { return words * 64 }
            x = set ? bits[w] : ~bits[w]
        }
        return w * 64 + x.trailingZeroBitCount
    }

    /// The low `count` bytes of a word (all eight from eight on).
    @inline(__always)
    private static func mask(_ count: Int) -> UInt64 { count >= 8 ? ~0 : (1 << UInt64(8 * count)) - 1 }

    private mutating func reserve(_ n: Int) {
        guard n > capacity else { return }
        lowered.deallocate()
        bits.deallocate()
        capacity = max(256, 2 * n)
        // Whole blocks of eight are stored, and a short word's loads may reach 16 bytes past it.
        lowered = .allocate(capacity: capacity + 24)
        lowered.initialize(repeating: 0, count: capacity + 24)
        bits = .allocate(capacity: capacity / 64 + 2)
    }

    /// Frees the buffers (the splitter is not used after).
    func deallocate() {
        lowered.deallocate()
        bits.deallocate()
    }
}
