// The word index of a string column: for each word, the dictionary ids of the values that
// contain it, in CSR form (sorted words, one flat id list). `notes has "drone"` reads one
// list instead of scanning every note.
// A word is a maximal run of letters and digits (any script), compared in lower case:
// "U.S.-led" has the words "u", "s" and "led"; "Ḥalab" is one word "ḥalab".

import Synchronization

public final class WordIndex: Sendable {
    /// The distinct words, in ascending String order; word id = index.
    public let words: StringDictionary
    /// The ids of the values holding word `w` are `ids[idOffsets[w] ..< idOffsets[w + 1]]`, ascending.
    public let idOffsets: ColumnBuffer<UInt32>
    public let ids: ColumnBuffer<UInt32>

    /// Buffers already laid out (a mapped segment).
    public init(words: StringDictionary, idOffsets: ColumnBuffer<UInt32>, ids: ColumnBuffer<UInt32>) {
        self.words = words
        self.idOffsets = idOffsets
        self.ids = ids
    }

    /// Indexes every value of `dictionary` (on all cores: `WordIndexBuilder`).
    public convenience init(dictionary: StringDictionary) {
        let built = WordIndexBuilder.build(dictionary)
        self.init(words: built.words, idOffsets: built.idOffsets, ids: built.ids)
    }

    public var wordCount: Int { words.count }

    /// The ascending ids of the values holding `word` (lower case); empty when none does.
    public func ids(of word: String) -> ColumnBuffer<UInt32> {
        guard let w = words.id(of: word) else { return ColumnBuffer() }
        return ids.view(Int(idOffsets[Int(w)])..<Int(idOffsets[Int(w) + 1]))
    }

    /// The ids of values holding every word of `phrase`, consecutively and in order.
    public func dictionaryIDs(matching phrase: [String], in dictionary: StringDictionary) -> [UInt32] {
        guard let first = phrase.first else { return [] }
        var ids = Array(ids(of: first))
        for word in phrase.dropFirst() {
            guard !ids.isEmpty else { break }
            let other = Set(self.ids(of: word))
            ids = ids.filter { other.contains($0) }
        }
        if phrase.count == 1 { return ids }
        return ids.filter { Self.containsPhrase(Self.words(in: dictionary[$0]), phrase) }
    }

    /// The words of `text`, lower-cased, in order.
    public static func words(in text: String) -> [String] {
        var out: [String] = []
        forEachWord(in: text) { out.append($0) }
        return out
    }

    /// For each byte: its lower-case form when it is an ASCII letter or digit, else 0.
    static let asciiWordByte: [UInt8] = (0..<256).map { b -> UInt8 in
        switch UInt8(b) {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): UInt8(b) | 0x20
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"): UInt8(b)
        default: 0
        }
    }

    /// Calls `body` with each word of `text`, lower-cased, in order. ASCII text is read byte by
    /// byte (the only ASCII letters and digits are A-Z, a-z, 0-9, and every ASCII character is
    /// its own Character); text with any other byte takes the Character path, which follows
    /// Unicode's letters, digits and grapheme clusters.
    static func forEachWord(in text: String, _ body: (String) -> Void) {
        let done = forEachASCIIWord(in: text) { lowered in body(String(decoding: lowered, as: UTF8.self)) }
        if !done { forEachWordOfCharacters(in: text, body) }
    }

    /// When `text` is all ASCII, calls `body` with the lower-cased bytes of each word (valid
    /// during the call only) and returns true; otherwise calls nothing and returns false.
    @inline(__always)
    static func forEachASCIIWord(in text: String, _ body: (UnsafeBufferPointer<UInt8>) -> Void) -> Bool {
        let scanned = text.utf8.withContiguousStorageIfAvailable { bytes in forEachASCIIWord(inUTF8: bytes, body) }
        if let scanned { return scanned }
        var copy = text  // not contiguous UTF-8 (a bridged string): make it so
        copy.makeContiguousUTF8()
        return forEachASCIIWord(in: copy, body)
    }

    /// The same over UTF-8 bytes (a dictionary value as stored).
    @inline(__always)
    static func forEachASCIIWord(inUTF8 bytes: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) -> Void) -> Bool {
        for b in bytes where b >= 0x80 { return false }
        let n = bytes.count
        guard n > 0 else { return true }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: n) { lowered in
            asciiWordByte.withUnsafeBufferPointer { table in
                for k in 0..<n { lowered[k] = table[Int(bytes[k])] }
            }
            var i = 0
            while i < n {
                if lowered[i] == 0 {
                    i += 1
                    continue
                }
                var end = i + 1
                while end < n, lowered[end] != 0 { end += 1 }
                body(UnsafeBufferPointer(rebasing: lowered[i..<end]))
                i = end
            }
            return true
        }
    }

    /// The general rule: a maximal run of Characters that are letters or numbers (any script).
    static func forEachWordOfCharacters(in text: String, _ body: (String) -> Void) {
        var current = ""
        for ch in text {
            if ch.isLetter || ch.isNumber {
                current.append(ch)
            } else if !current.isEmpty {
                body(current.lowercased())
                current = ""
            }
        }
        if !current.isEmpty { body(current.lowercased()) }
    }

    /// Whether `words` holds `phrase` as a contiguous run.
    public static func containsPhrase(_ words: [String], _ phrase: [String]) -> Bool {
        guard !phrase.isEmpty, words.count >= phrase.count else { return phrase.isEmpty }
        for start in 0...(words.count - phrase.count) where words[start] == phrase[0] {
            if words[start..<start + phrase.count].elementsEqual(phrase) { return true }
        }
        return false
    }
}

/// Builds a column's word index on first use and keeps it; safe across threads.
public final class LazyWordIndex: Sendable {
    private let cache: Mutex<WordIndex?>
    private let stored: LoadOnce<WordIndex>?

    /// `stored`: an index read from a store, used instead of building one.
    public init(_ stored: WordIndex? = nil) {
        cache = Mutex(stored)
        self.stored = nil
    }

    /// An index a store file holds, read on first use.
    init(stored load: @escaping StoredLoad<WordIndex>) {
        cache = Mutex(nil)
        stored = LoadOnce(load)
    }

    /// The index if it exists already (built, or in a store file), without building it.
    public var ifBuilt: WordIndex? { stored?.value ?? cache.withLock { $0 } }

    func loadStored() throws(StoreError) { _ = try stored?.get() }

    public func get(_ dictionary: StringDictionary) -> WordIndex {
        if let stored { return stored.value }
        return cache.withLock { slot in
            if let index = slot { return index }
            let index = WordIndex(dictionary: dictionary)
            slot = index
            return index
        }
    }
}
