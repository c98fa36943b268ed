@testable import EVQEngine
import EVQTestSupport
import Testing

/// The caseless search of `contains`, eight bytes at a time, against a byte-by-byte reference:
/// every ASCII byte in the hay (so that bytes one case bit from a needle's first byte, such as
/// '@' and '`' or 0x14 and '4', are met), needles of letters, digits and punctuation, matches
/// at the very end, and every start position.
@Suite struct CaselessSearchTests {
    func reference(_ needle: [UInt8], _ hay: [UInt8], from: Int, fold: Bool) -> Int? {
        guard !needle.isEmpty else { return from <= hay.count ? from : nil }
        guard hay.count >= needle.count, from <= hay.count - needle.count else { return nil }
        for i in from...(hay.count - needle.count) where (0..<needle.count).allSatisfy({ j in
            (fold ? CaselessText.lower(hay[i + j]) : hay[i + j]) == needle[j]
        }) { return i }
        return nil
    }

    @Test func findAgreesWithAByteByByteSearch() {
        var g = SplitMix(state: 31)
        let alphabet = Array(0..<128).map(UInt8.init) + Array("dDrRoOnNeE".utf8) + Array("dDrRoOnNeE".utf8)
        for trial in 0..<3000 {
            let hay = (0..<Int(g.below(70))).map { _ in alphabet[Int(g.below(alphabet.count))] }
            var needle: [UInt8]
            if !hay.isEmpty, g.below(2) == 0 {
                // A piece of the hay, lower-cased (needles are), so that it occurs.
                let at = Int(g.below(hay.count)), n = min(hay.count - at, Int(g.below(6)))
                needle = hay[at..<(at + n)].map(CaselessText.lower)
            } else {
                needle = (0..<Int(g.below(4))).map { _ in CaselessText.lower(alphabet[Int(g.below(alphabet.count))]) }
            }
            let fold = g.below(4) != 0
            let from = hay.isEmpty ? 0 : Int(g.below(hay.count + 1))
            let found = needle.withUnsafeBufferPointer { n in hay.withUnsafeBufferPointer { h in CaselessText.find(n, in: h, from: from, fold: fold) } }
            #expect(found == reference(needle, hay, from: from, fold: fold), "trial \(trial): \(needle) in \(hay) from \(from), fold \(fold)")
        }
    }
}
