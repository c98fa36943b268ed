// The state machine of a sequence over one partition of keys: events arrive in time order
// (at one timestamp: `until` events, then the last step's, ..., then the first step's, so
// that events at the same time never extend each other); pending matches wait per step and
// key. Each event costs one hash lookup, plus the matches it moves: linear in the events.

/// One step candidate. `step` is -1 for the `until` step; `order` is its place in the merged
/// time order of all steps, which orders the output.
struct SequenceEvent {
    var time: Int64
    var step: Int32
    /// Position in its step's result.
    var position: Int32
    var order: Int32
    /// The dense id of the event's key (KeyIDTable).
    var key: Int32
}

struct SequenceMatcher {
    let stepCount: Int
    let within: Int64
    let mode: SequenceMode

    /// Entry e's step positions are `slots[e * stepCount ..< (e + 1) * stepCount]`.
    private var slots: [Int32] = []
    private var firstTime: [Int64] = []
    private var firstOrder: [Int32] = []
    /// Pending entries by the number of steps they have (index 1..<stepCount) and key id:
    /// one entry or -1 (`latest`), or a list in order of first time (`every`).
    private var latest: [[Int32]]
    private var every: [[[Int32]]]
    /// Completed matches: the order of the first and last event, and the entry.
    private(set) var matches: [(first: Int32, last: Int32, entry: Int32)] = []

    init(stepCount: Int, within: Int64, mode: SequenceMode, keyCount: Int) {
        self.stepCount = stepCount
        self.within = within
        self.mode = mode
        latest = mode == .latest ? Array(repeating: Array(repeating: -1, count: keyCount), count: stepCount) : []
        every = mode == .every ? Array(repeating: Array(repeating: [], count: keyCount), count: stepCount) : []
    }

    /// Bytes of the pending and completed matches (what a long sequence grows), about.
    var heldBytes: Int { slots.count * 4 + firstTime.count * 16 + matches.count * 12 }

    /// The step positions of a completed match.
    func positions(of entry: Int32) -> ArraySlice<Int32> {
        slots[Int(entry) * stepCount..<(Int(entry) + 1) * stepCount]
    }

    mutating func feed(_ e: SequenceEvent) {
        let k = Int(e.key)
        guard e.step >= 0 else {
            // `until`: whatever is pending for the key is dropped.
            for s in 1..<stepCount {
                switch mode {
                case .latest: latest[s][k] = -1
                case .every: every[s][k] = []
                }
            }
            return
        }
        let s = Int(e.step)
        if s == 0 {
            let id = Int32(firstTime.count)
            firstTime.append(e.time)
            firstOrder.append(e.order)
            slots.append(contentsOf: repeatElement(-1, count: stepCount))
            slots[Int(id) * stepCount] = e.position
            switch mode {
            case .latest: latest[1][k] = id  // a newer first step replaces the older
            case .every: every[1][k].append(id)
            }
            return
        }
        let (h, overflow) = e.time.subtractingReportingOverflow(within)
        let horizon = overflow ? Int64.min : h
        switch mode {
        case .latest:
            let id = latest[s][k]
            guard id >= 0 else { return }
            latest[s][k] = -1
            guard firstTime[Int(id)] >= horizon else { return }
            slots[Int(id) * stepCount + s] = e.position
            if s == stepCount - 1 {
                matches.append((firstOrder[Int(id)], e.order, id))
            } else {
                latest[s + 1][k] = id
            }
        case .every:
            guard !every[s][k].isEmpty else { return }
            let ids = every[s][k]
            every[s][k] = []
            // In order of first time, so the expired ones are a prefix.
            let live = ids.drop { firstTime[Int($0)] < horizon }
            for id in live { slots[Int(id) * stepCount + s] = e.position }
            if s == stepCount - 1 {
                for id in live { matches.append((firstOrder[Int(id)], e.order, id)) }
            } else if !live.isEmpty {
                every[s + 1][k].append(contentsOf: live)
            }
        }
    }
}
