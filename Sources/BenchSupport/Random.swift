// Seeded random sources for the generator: SplitMix64, Walker alias tables (O(1) sampling
// from any weights), Zipf weights and normal deviates. Same seed, same numbers, on any machine.

import Foundation

package struct SplitMix64 {
    package var state: UInt64
    package mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    package mutating func unit() -> Double { Double(next() >> 11) * 0x1.0p-53 }
    /// Uniform in 0..<n.
    package mutating func below(_ n: Int) -> Int { Int(((next() >> 32) &* UInt64(n)) >> 32) }
    /// Standard normal (Box-Muller; one of the pair is dropped to keep the stream simple).
    package mutating func normal() -> Double {
        let u = 1 - unit(), v = unit()
        return (-2 * log(u)).squareRoot() * cos(2 * .pi * v)
    }
}

/// Walker's alias method (Vose's construction): one random number per sample, any weights.
package struct AliasTable {
    private let threshold: [UInt32]  // keep slot i when the low 32 bits fall below this
    private let alias: [Int32]
    package var count: Int { threshold.count }

    package init(weights: [Double]) {
        let n = weights.count
        precondition(n > 0 && n < Int(Int32.max), "alias table needs 1..<2^31 weights")
        let total = weights.reduce(0, +)
        var scaled = weights.map { $0 * Double(n) / total }
        var small: [Int] = [], large: [Int] = []
        for (i, p) in scaled.enumerated() { if p < 1 { small.append(i) } else { large.append(i) } }
        var threshold = [UInt32](repeating: UInt32.max, count: n)
        var alias = [Int32](repeating: 0, count: n)
        for i in 0..<n { alias[i] = Int32(i) }
        while let s = small.popLast(), let l = large.last {
            threshold[s] = UInt32(min(Double(UInt32.max), scaled[s] * 4_294_967_296))
            alias[s] = Int32(l)
            scaled[l] -= 1 - scaled[s]
            if scaled[l] < 1 { large.removeLast(); small.append(l) }
        }
        self.threshold = threshold
        self.alias = alias
    }

    @inline(__always)
    package func sample(_ rng: inout SplitMix64) -> Int {
        let r = rng.next()
        let i = Int(((r >> 32) &* UInt64(threshold.count)) >> 32)
        return UInt32(truncatingIfNeeded: r) < threshold[i] ? i : Int(alias[i])
    }
}

/// Weights 1/(rank+1)^s for ranks 0..<n.
package func zipfWeights(_ n: Int, s: Double) -> [Double] { (0..<n).map { 1 / pow(Double($0 + 1), s) } }

extension Array {
    /// Fisher-Yates with the given generator.
    package mutating func shuffle(with rng: inout SplitMix64) {
        guard count > 1 else { return }
        for i in stride(from: count - 1, to: 0, by: -1) { swapAt(i, rng.below(i + 1)) }
    }
}
