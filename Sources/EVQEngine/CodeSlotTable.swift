// An open-addressing hash table from slot codes (several keys' dictionary ids in mixed radix)
// to slots numbered in order of first appearance, for grouping when the codes are too many
// for a dense table. Each entry keeps its code and slot side by side, so a probe reads one
// cache line; a class over one buffer, so the per-row loop checks no copy-on-write.

final class CodeSlotTable: @unchecked Sendable {
    private static let empty = UInt64.max
    /// Entry i: code at 2i (`empty` when free), slot at 2i + 1.
    private var entries: UnsafeMutablePointer<UInt64>
    private var capacity: Int
    private var shift: UInt64
    private(set) var count = 0

    init(expected: Int) {
        var capacity = 16
        while capacity < expected * 2 { capacity <<= 1 }
        self.capacity = capacity
        shift = UInt64(64 - capacity.trailingZeroBitCount)
        entries = Self.allocate(capacity)
    }

    deinit { entries.deallocate() }

    /// The slot of `code`; `new` (which must be `count`) when the code is new.
    @inline(__always)
    func slot(of code: UInt64, new: Int) -> Int {
        var i = Self.home(code, shift)
        let mask = capacity - 1
        while true {
            let c = entries[2 * i]
            if c == code { return Int(entries[2 * i + 1]) }
            if c == Self.empty { break }
            i = (i + 1) & mask
        }
        entries[2 * i] = code
        entries[2 * i + 1] = UInt64(new)
        count += 1
        if count * 2 > capacity { grow() }
        return new
    }

    /// Fibonacci hashing: the top bits of the product are well mixed.
    @inline(__always)
    private static func home(_ code: UInt64, _ shift: UInt64) -> Int {
        Int(truncatingIfNeeded: (code &* 0x9E37_79B9_7F4A_7C15) >> shift)
    }

    private static func allocate(_ capacity: Int) -> UnsafeMutablePointer<UInt64> {
        let p = UnsafeMutablePointer<UInt64>.allocate(capacity: 2 * capacity)
        p.initialize(repeating: empty, count: 2 * capacity)
        return p
    }

    private func grow() {
        let old = entries, oldCapacity = capacity
        capacity *= 2
        shift -= 1
        entries = Self.allocate(capacity)
        let mask = capacity - 1
        for j in 0..<oldCapacity where old[2 * j] != Self.empty {
            var i = Self.home(old[2 * j], shift)
            while entries[2 * i] != Self.empty { i = (i + 1) & mask }
            entries[2 * i] = old[2 * j]
            entries[2 * i + 1] = old[2 * j + 1]
        }
        old.deallocate()
    }
}
