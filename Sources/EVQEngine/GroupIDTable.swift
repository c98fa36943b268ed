// An open-addressing hash table from Int64 keys to dense group ids, for grouping on integer
// keys (ids, fatalities, time buckets) and on pairs of group codes. Swift's Dictionary costs a
// hash of its own and a resize policy made for general use; here a key is one multiply and a
// probe, and the table stays under half full.

struct GroupIDTable {
    private var keys: [Int64]
    private var groups: [Int32]  // -1: empty slot
    private var mask: Int
    private(set) var count = 0

    init(expected: Int = 1024) {
        var capacity = 16
        while capacity < expected * 2 { capacity <<= 1 }
        keys = [Int64](repeating: 0, count: capacity)
        groups = [Int32](repeating: -1, count: capacity)
        mask = capacity - 1
    }

    /// The group of `key`; `newGroup` is its id when the key is new (then `count` grows).
    @inline(__always)
    mutating func group(of key: Int64, newGroup: Int32) -> Int32 {
        var i = Self.slot(key, mask)
        while true {
            let g = groups[i]
            if g < 0 { break }
            if keys[i] == key { return g }
            i = (i + 1) & mask
        }
        keys[i] = key
        groups[i] = newGroup
        count += 1
        if count * 2 > groups.count { grow() }
        return newGroup
    }

    @inline(__always)
    private static func slot(_ key: Int64, _ mask: Int) -> Int {
        // Fibonacci hashing: the high bits of the product are well mixed.
        let h = UInt64(bitPattern: key) &* 0x9E37_79B9_7F4A_7C15
        return Int(truncatingIfNeeded: h >> 32) & mask
    }

    private mutating func grow() {
        let oldKeys = keys, oldGroups = groups
        keys = [Int64](repeating: 0, count: oldKeys.count * 2)
        groups = [Int32](repeating: -1, count: oldKeys.count * 2)
        mask = keys.count - 1
        for (k, g) in zip(oldKeys, oldGroups) where g >= 0 {
            var i = Self.slot(k, mask)
            while groups[i] >= 0 { i = (i + 1) & mask }
            keys[i] = k
            groups[i] = g
        }
    }
}
