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
        /// The word of each (value, word) pair, a value's words once each, values in id order.
        var wordOfPair: [UInt32] = []
        /// The last value id that listed each word, so a word twice in one value counts once.
        var lastValue: [UInt32] = []

        @inline(__always)
        mutating func add(_ bytes: UnsafeBufferPointer<UInt8>, value id: UInt32) {
            let (w, inserted) = words.intern(bytes)
            if inserted { lastValue.append(UInt32.max) }
            if lastValue[Int(w)] != id {
                lastValue[Int(w)] = id
                wordOfPair.append(w)
            }
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
        // The lower-cased bytes of the current value (0 between words), as
        // `WordIndex.forEachASCIIWord` splits them.
        var lowered = [UInt8](repeating: 0, count: 256)
        dictionary.bytes.withUnsafeBufferPointer { blob in
            dictionary.offsets.withUnsafeBufferPointer { offsets in
                WordIndex.asciiWordByte.withUnsafeBufferPointer { table in
                    for index in range {
                        let id = UInt32(index)
                        let lo = Int(offsets[index]), n = Int(offsets[index + 1]) - lo
                        let value = UnsafeBufferPointer(rebasing: blob[lo..<(lo + n)])
                        if TableAssembly.isASCII(value) {
                            if lowered.count < n { lowered = [UInt8](repeating: 0, count: 2 * n) }
                            lowered.withUnsafeMutableBufferPointer { low in
                                for k in 0..<n { low[k] = table[Int(value[k])] }
                                var i = 0
                                while i < n {
                                    if low[i] == 0 {
                                        i += 1
                                        continue
                                    }
                                    var end = i + 1
                                    while end < n, low[end] != 0 { end += 1 }
                                    pairs.add(UnsafeBufferPointer(rebasing: low[i..<end]), value: id)
                                    i = end
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
