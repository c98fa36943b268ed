// A sequence's candidate events, every step's cut into partitions by key hash and laid out
// so that each partition's lie together, in the step's time order: flat typed arrays of
// time, key and position, built from the step's columns (no boxed value for plain columns).

import EVQStore

/// Partition k of step l is `steps[l]` at `steps[l].start[k] ..< steps[l].start[k + 1]`.
/// Keys never cross partitions, so partitions match independently, each with a key table
/// small enough for a core's cache. Events with a null time or key part are left out.
struct SequencePartitions {
    struct Step {
        var times: ContiguousArray<Int64> = []
        var keys: ContiguousArray<CompositeKey> = []
        /// Position in the step's result (Relation).
        var positions: ContiguousArray<Int32> = []
        /// The event's place in its step's time order (ties in the step's order).
        var ranks: ContiguousArray<Int32> = []
        var start: ContiguousArray<Int> = []
    }

    /// Where a key part comes from: a plain column, read on any thread, or values computed
    /// beforehand on one (a computed key such as `tolower(actor1)` interns its text).
    enum KeySource: Sendable {
        case column(ColumnCodes)
        case computed(KeyVector)

        func read(_ rows: [UInt32]?, _ n: Int, _ out: UnsafeMutablePointer<UInt64>, _ isNull: UnsafeMutablePointer<Bool>) {
            switch self {
            case .column(let c): c.read(rows, 0..<n, out, isNull)
            case .computed(let v):
                for p in 0..<n {
                    out[p] = v.codes[p]
                    isNull[p] = v.isNull[p]
                }
            }
        }
    }

    let count: Int
    private(set) var steps: [Step]
    /// How many events of step 0 there are (their ranks are 0..<firstCount).
    var firstCount: Int { steps[0].times.count }

    /// About this many candidates per partition.
    static let targetSize = 4096

    /// `steps` then `until`, each with its result and its key expressions.
    /// Cut short (steps left empty) once `isCancelled` says stop; the caller checks it again.
    init(_ all: [SequencePlan.Step], _ relations: [Relation], asFloat: [Bool], _ interner: inout KeyInterner,
         isCancelled: @escaping @Sendable () -> Bool = { false }) {
        func source(_ e: TypedExpr, _ r: Relation, asFloat: Bool) -> KeySource {
            interner.columnCodes(e, r, numbersAsFloat: asFloat).map(KeySource.column) ?? .computed(interner.encode(e, r, numbersAsFloat: asFloat))
        }
        let keySources = all.indices.map { l in all[l].keys.enumerated().map { source($1, relations[l], asFloat: asFloat[$0]) } }
        let timeSources = all.indices.map { l in source(TypedExpr(.column(all[l].timeColumn), .time, .none), relations[l], asFloat: false) }
        let total = relations.reduce(0) { $0 + $1.count }
        var bits = 0
        while bits < 10 && (total >> bits) > Self.targetSize { bits += 1 }
        count = 1 << bits
        let threads = max(1, min(Parallel.threads, all.count))
        let built = Parallel.map(threads) { [bits] t in
            stride(from: t, to: all.count, by: threads).map { l in Self.step(keySources[l], timeSources[l], relations[l], bits: bits, isCancelled) }
        }
        steps = Array(repeating: Step(), count: all.count)
        for (t, part) in built.enumerated() {
            for (j, step) in part.enumerated() { steps[t + j * threads] = step }
        }
    }

    /// One step's events, partitioned: its keys and times read, the whole ones put in time
    /// order (index paths give it already), then copied to their partition's place.
    private static func step(_ keySources: [KeySource], _ timeSource: KeySource, _ r: Relation, bits: Int, _ isCancelled: () -> Bool) -> Step {
        let n = r.count
        let empty = Step(start: ContiguousArray(repeating: 0, count: (1 << bits) + 1))
        guard n > 0 else { return empty }
        var keys = ContiguousArray(repeating: CompositeKey(), count: n)
        var whole = ContiguousArray(repeating: true, count: n)
        var codes = ContiguousArray<UInt64>(repeating: 0, count: n)
        var isNull = ContiguousArray(repeating: false, count: n)
        func read(_ source: KeySource) {
            codes.withUnsafeMutableBufferPointer { c in
                isNull.withUnsafeMutableBufferPointer { isNull in source.read(r.rows, n, c.baseAddress!, isNull.baseAddress!) }
            }
        }
        for (part, source) in keySources.enumerated() {
            read(source)
            keys.withUnsafeMutableBufferPointer { keys in
                for p in 0..<n {
                    keys[p][part] = codes[p]
                    if isNull[p] { whole[p] = false }  // a null key never matches
                }
            }
        }
        if isCancelled() { return empty }  // between passes: each is one linear sweep
        read(timeSource)
        var ordered = true, last = Int64.min
        for p in 0..<n where !isNull[p] {
            let t = Int64(bitPattern: codes[p])
            if t < last { ordered = false }
            last = t
        }
        var order = (0..<n).filter { whole[$0] && !isNull[$0] }
        if !ordered { order.sort { (Int64(bitPattern: codes[$0]), $0) < (Int64(bitPattern: codes[$1]), $1) } }

        if isCancelled() { return empty }
        var step = Step()
        let m = order.count
        var part = ContiguousArray<UInt16>(repeating: 0, count: m)
        var start = ContiguousArray<Int>(repeating: 0, count: (1 << bits) + 1)
        for (i, p) in order.enumerated() {
            let k = partition(keys[p], bits: bits)
            part[i] = UInt16(k)
            start[k + 1] += 1
        }
        for k in 0..<(1 << bits) { start[k + 1] += start[k] }
        var next = start
        step.times = ContiguousArray(repeating: 0, count: m)
        step.keys = ContiguousArray(repeating: CompositeKey(), count: m)
        step.positions = ContiguousArray(repeating: 0, count: m)
        step.ranks = ContiguousArray(repeating: 0, count: m)
        step.times.withUnsafeMutableBufferPointer { times in
            step.keys.withUnsafeMutableBufferPointer { outKeys in
                step.positions.withUnsafeMutableBufferPointer { positions in
                    step.ranks.withUnsafeMutableBufferPointer { ranks in
                        for (i, p) in order.enumerated() {
                            let k = Int(part[i]), at = next[k]
                            next[k] = at + 1
                            times[at] = Int64(bitPattern: codes[p])
                            outKeys[at] = keys[p]
                            positions[at] = Int32(p)
                            ranks[at] = Int32(i)
                        }
                    }
                }
            }
        }
        step.start = start
        return step
    }

    /// The top bits of a second mix of the key: KeyIDTable's slots use the first mix's, which
    /// would be the same for every key of one partition.
    static func partition(_ key: CompositeKey, bits: Int) -> Int {
        guard bits > 0 else { return 0 }
        var h = key.mixed
        h ^= h >> 31
        h = h &* 0xBF58_476D_1CE4_E5B9
        h ^= h >> 29
        return Int(truncatingIfNeeded: h >> UInt64(64 - bits))
    }

    /// Where partition k of step l lies in `steps[l]`.
    func range(_ l: Int, _ k: Int) -> Range<Int> { steps[l].start[k]..<steps[l].start[k + 1] }
}
