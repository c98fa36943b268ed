// The word index of a string column: for each word, the dictionary ids of the values that
// contain it. `notes has "drone"` reads one list instead of scanning every note.
// A word is a maximal run of letters and digits (any script), compared in lower case:
// "U.S.-led" has the words "u", "s" and "led"; "Ḥalab" is one word "ḥalab".

import Synchronization

public final class WordIndex: Sendable {
    /// word -> ascending dictionary ids of the values holding it.
    private let idsByWord: [String: [UInt32]]

    public init(dictionary: StringDictionary) {
        var map: [String: [UInt32]] = [:]
        for (id, value) in dictionary.values.enumerated() {
            var seen = Set<String>()
            for word in Self.words(in: value) where seen.insert(word).inserted {
                map[word, default: []].append(UInt32(id))
            }
        }
        self.idsByWord = map
    }

    public var wordCount: Int { idsByWord.count }

    /// The ids of values holding every word of `phrase`, consecutively and in order.
    public func dictionaryIDs(matching phrase: [String], in dictionary: StringDictionary) -> [UInt32] {
        guard let first = phrase.first else { return [] }
        var ids = idsByWord[first] ?? []
        for word in phrase.dropFirst() {
            guard !ids.isEmpty else { break }
            let other = Set(idsByWord[word] ?? [])
            ids = ids.filter { other.contains($0) }
        }
        if phrase.count == 1 { return ids }
        return ids.filter { Self.containsPhrase(Self.words(in: dictionary.values[Int($0)]), phrase) }
    }

    /// The words of `text`, lower-cased, in order.
    public static func words(in text: String) -> [String] {
        var out: [String] = []
        var current = ""
        for ch in text {
            if ch.isLetter || ch.isNumber {
                current.append(ch)
            } else if !current.isEmpty {
                out.append(current.lowercased())
                current = ""
            }
        }
        if !current.isEmpty { out.append(current.lowercased()) }
        return out
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
    private let cache = Mutex<WordIndex?>(nil)

    public init() {}

    public func get(_ dictionary: StringDictionary) -> WordIndex {
        cache.withLock { slot in
            if let index = slot { return index }
            let index = WordIndex(dictionary: dictionary)
            slot = index
            return index
        }
    }
}
