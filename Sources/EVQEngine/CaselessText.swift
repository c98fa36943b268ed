// Caseless substring, prefix, suffix and glob tests on UTF-8 bytes, without a String per value.
// "Ignoring case" means: both sides lower-cased by Unicode's rules (String.lowercased()), then
// compared code point by code point, without normalization. ASCII values, the common case, are
// folded byte by byte in place; any other value is lower-cased once, which gives the same answer.

import EVQStore

/// A needle or glob, lower-cased once when the query is checked.
public struct CaselessText: Sendable {
    public enum Test: Sendable { case contains, prefix, suffix }

    /// ASCII lower case of a byte; bytes of 0x80 and above stay as they are.
    @inline(__always)
    static func lower(_ b: UInt8) -> UInt8 { b &- 65 < 26 ? b | 0x20 : b }

    /// Runs `body` on the value's bytes, lower-cased: in place of the ASCII bytes themselves
    /// (`folded` false: the caller folds), or on the Unicode lower case of a non-ASCII value.
    @inline(__always)
    static func withLowered<R>(_ value: String, _ body: (UnsafeBufferPointer<UInt8>, _ needsFolding: Bool) -> R) -> R {
        if let r = value.utf8.withContiguousStorageIfAvailable({ bytes -> R? in
            isASCII(bytes) ? body(bytes, true) : nil
        }), let r { return r }
        var lowered = value.lowercased()
        return lowered.withUTF8 { body($0, false) }
    }

    @inline(__always)
    static func isASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool { ASCIIBytes.all(bytes) }

    /// Whether `needle` (already lower case) occurs in `hay` at `at`, folding hay's ASCII when asked.
    @inline(__always)
    static func equal(_ hay: UnsafeBufferPointer<UInt8>, at: Int, _ needle: UnsafeBufferPointer<UInt8>, fold: Bool) -> Bool {
        if fold {
            for j in 0..<needle.count where lower(hay[at + j]) != needle[j] { return false }
        } else {
            for j in 0..<needle.count where hay[at + j] != needle[j] { return false }
        }
        return true
    }

    /// First position at or after `from` where `needle` occurs, or nil.
    ///
    /// Candidates for the needle's first byte are found eight bytes at a time (a zero-byte test
    /// on the word xor that byte repeated; with `fold`, a letter's case bit set in both first),
    /// then checked in full: a byte at a time, this loop was nearly all of a `contains` over a
    /// notes column (0.5 GB/s a core).
    static func find(_ needle: UnsafeBufferPointer<UInt8>, in hay: UnsafeBufferPointer<UInt8>, from: Int, fold: Bool) -> Int? {
        let m = needle.count
        guard m > 0 else { return from <= hay.count ? from : nil }
        guard hay.count - from >= m else { return nil }
        let first = needle[0]
        let last = hay.count - m
        var i = from
        if let base = hay.baseAddress {
            // Folding changes only A-Z: a lower-case letter matches itself and its upper case,
            // which differ in bit 0x20 alone; any other needle byte matches only itself.
            let caseBit: UInt64 = fold && first &- 97 < 26 ? 0x2020_2020_2020_2020 : 0
            let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
            let pattern = UInt64(first) &* ones
            let raw = UnsafeRawPointer(base)
            while i + 8 <= hay.count && i <= last {
                let v = (UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)) | caseBit) ^ pattern
                // A set high bit for every zero byte (and maybe for bytes above one): candidates only.
                var z = (v &- ones) & ~v & highs
                while z != 0 {
                    let p = i + z.trailingZeroBitCount >> 3
                    if p > last { return nil }
                    if equal(hay, at: p, needle, fold: fold) { return p }
                    z &= z &- 1
                }
                i += 8
            }
        }
        if fold {
            while i <= last {
                if lower(hay[i]) == first, equal(hay, at: i, needle, fold: true) { return i }
                i += 1
            }
        } else {
            while i <= last {
                if hay[i] == first, equal(hay, at: i, needle, fold: false) { return i }
                i += 1
            }
        }
        return nil
    }

    let needle: [UInt8]
    public let test: Test

    init(_ text: String, _ test: Test) {
        needle = Array(text.lowercased().utf8)
        self.test = test
    }

    func matches(_ value: String) -> Bool {
        needle.withUnsafeBufferPointer { matches(value, $0) }
    }

    @inline(__always)
    func matches(_ value: String, _ n: UnsafeBufferPointer<UInt8>) -> Bool {
        Self.withLowered(value) { hay, fold in matches(hay: hay, fold: fold, n) }
    }

    /// `matches` for every value, the needle pinned once; stops early (leaving false) when cancelled.
    /// The values are read as UTF-8 from the dictionary's one blob, in order: no String per value.
    func matchEach(_ dictionary: StringDictionary, _ ids: Range<Int>, _ cancelled: () -> Bool) -> [Bool] {
        var member = [Bool](repeating: false, count: ids.count)
        needle.withUnsafeBufferPointer { n in
            member.withUnsafeMutableBufferPointer { out in
                for (k, id) in ids.enumerated() {
                    if k & 1023 == 0, cancelled() { break }
                    out[k] = matches(utf8: dictionary.utf8(id), n)
                }
            }
        }
        return member
    }

    @inline(__always)
    func matches(utf8 bytes: UnsafeBufferPointer<UInt8>, _ n: UnsafeBufferPointer<UInt8>) -> Bool {
        if Self.isASCII(bytes) { return matches(hay: bytes, fold: true, n) }
        var lowered = String(decoding: bytes, as: UTF8.self).lowercased()
        return lowered.withUTF8 { matches(hay: $0, fold: false, n) }
    }

    @inline(__always)
    func matches(hay: UnsafeBufferPointer<UInt8>, fold: Bool, _ n: UnsafeBufferPointer<UInt8>) -> Bool {
        switch test {
        case .contains: Self.find(n, in: hay, from: 0, fold: fold) != nil
        case .prefix: hay.count >= n.count && Self.equal(hay, at: 0, n, fold: fold)
        case .suffix: hay.count >= n.count && Self.equal(hay, at: hay.count - n.count, n, fold: fold)
        }
    }
}
