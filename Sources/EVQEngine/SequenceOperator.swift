// Runs a sequence: each step's plan (its own index path), its candidates coded as (time,
// key) (SequenceCandidates), cut by key hash into partitions matched on every core through
// SequenceMatcher, and the matches gathered into `name.field` columns plus `span`. The
// output is ordered by the first step's event, for any number of cores.

import EVQStore

extension Executor {
    /// `needs`: the output columns read above (nil = all); the others are not gathered.
    func runSequence(_ s: SequencePlan, _ stats: inout QueryStats, needs: Set<Int>? = nil) throws(EngineError) -> Relation {
        let all = s.steps + (s.until.map { [$0] } ?? [])
        var relations: [Relation] = []
        for (k, step) in all.enumerated() {
            relations.append(try runSubplan(step.plan, &stats, needs: Self.stepNeeds(s, k, needs)))
        }
        if context.isCancelled() { throw .cancelled }
        // A key pair that mixes int and float compares as doubles on every step.
        let asFloat = s.steps[0].keys.indices.map { k in
            let types = Set(all.map { $0.keys[k].type })
            return types.contains(.int) && types.contains(.float)
        }
        var interner = KeyInterner()
        let partitions = SequencePartitions(all, relations, asFloat: asFloat, &interner, isCancelled: context.isCancelled)
        let candidates = partitions.steps.reduce(0) { $0 + $1.times.count }  // with a time and whole keys
        context.memory.charge(candidates * 48, MemoryStage("sequence"), grew: "\(MemoryBudget.describe(count: candidates)) step candidates")
        if context.isCancelled() { throw .cancelled }
        let matches = try match(partitions, s)
        context.memory.charge(matches.count * 4, MemoryStage("sequence"), grew: "\(MemoryBudget.describe(count: matches.count / max(1, s.steps.count))) matches")
        if context.isCancelled() { throw .cancelled }
        return sequenceOutput(s, relations, partitions, matches, needs: needs)
    }

    /// The columns of step `k`'s output that the sequence reads: its keys and time, and those
    /// of its output columns (`name.field`) read above; nil = all. A step over a segmented
    /// table then merges only these (the notes of every candidate cost more than the match).
    static func stepNeeds(_ s: SequencePlan, _ k: Int, _ needs: Set<Int>?) -> Set<Int>? {
        let step = k < s.steps.count ? s.steps[k] : s.until!
        var own = Executor.columns(read: step.keys)
        own.insert(step.timeColumn)
        guard k < s.steps.count else { return own }  // `until` adds no output columns
        guard let needs else { return nil }
        let offset = s.steps[..<k].reduce(0) { $0 + $1.plan.width }
        for c in 0..<step.plan.width where needs.contains(offset + c) { own.insert(c) }
        return own
    }

    /// Every match's events (`stepCount` offsets into `partitions.steps`, one per step),
    /// ordered by the first step's event. Keys are independent, so partitions run on
    /// separate cores; each first event starts at most one match, so that order is total and
    /// the same for any number of cores.
    private func match(_ partitions: SequencePartitions, _ s: SequencePlan) throws(EngineError) -> [Int32] {
        let threads = min(Parallel.threads, partitions.count)
        let isCancelled = context.isCancelled
        let results = Parallel.map(threads) { t -> [Int32]? in
            var found: [Int32] = []
            for k in stride(from: t, to: partitions.count, by: threads) {
                if isCancelled() { return nil }
                found += Self.matchPartition(k, partitions, s)
            }
            return found
        }
        let width = s.steps.count
        var flat: [Int32] = []
        for r in results {
            guard let r else { throw .cancelled }
            flat += r
        }
        let ranks = partitions.steps[0].ranks
        var byFirst = [Int32](repeating: -1, count: partitions.firstCount)
        for m in 0..<flat.count / width { byFirst[Int(ranks[Int(flat[m * width])])] = Int32(m) }
        var ordered: [Int32] = []
        ordered.reserveCapacity(flat.count)
        for m in byFirst where m >= 0 { ordered += flat[Int(m) * width..<Int(m + 1) * width] }
        return ordered
    }

    /// One partition: its events of every step merged into one time order (at one timestamp
    /// `until` first, then the steps from the last to the first, each in its own order), keys
    /// numbered densely, fed through SequenceMatcher.
    private static func matchPartition(_ k: Int, _ partitions: SequencePartitions, _ s: SequencePlan) -> [Int32] {
        let stepCount = s.steps.count
        let lists = partitions.steps
        let ranges = lists.indices.map { partitions.range($0, k) }
        let total = ranges.reduce(0) { $0 + $1.count }
        var ids = KeyIDTable(expected: max(16, total / 2))
        var events: [SequenceEvent] = []
        events.reserveCapacity(total)
        // A lower rank goes first among events at one time.
        let rank = lists.indices.map { $0 >= stepCount ? 0 : stepCount - $0 }
        var heads = ranges.map(\.lowerBound)
        while true {
            var best = -1, bestTime = Int64.max
            for l in ranges.indices where heads[l] < ranges[l].upperBound {
                let t = lists[l].times[heads[l]]
                if best < 0 || t < bestTime || (t == bestTime && rank[l] < rank[best]) { best = l; bestTime = t }
            }
            guard best >= 0 else { break }
            let at = heads[best]
            heads[best] += 1
            events.append(SequenceEvent(time: bestTime, step: best < stepCount ? Int32(best) : -1, index: Int32(at), key: ids.id(lists[best].keys[at])))
        }
        var m = SequenceMatcher(stepCount: stepCount, within: s.within, mode: s.mode, keyCount: ids.count)
        for e in events { m.feed(e) }
        var out: [Int32] = []
        out.reserveCapacity(m.matches.count * stepCount)
        for entry in m.matches { out += m.indices(of: entry) }
        return out
    }

    /// Each step's columns at its matched rows, then `span` (last step's time minus first's).
    private func sequenceOutput(_ s: SequencePlan, _ relations: [Relation], _ partitions: SequencePartitions, _ matches: [Int32],
                                needs: Set<Int>?) -> Relation {
        let width = s.steps.count, count = matches.count / width
        var gathers: [(column: Column, rows: [UInt32], name: String)] = []
        for (k, step) in s.steps.enumerated() {
            let r = relations[k], positions = partitions.steps[k].positions
            let rowIDs = (0..<count).map { m in
                let p = Int(positions[Int(matches[m * width + k])])
                return r.rows.map { $0[p] } ?? UInt32(p)
            }
            for c in r.table.columns { gathers.append((c, rowIDs, "\(step.name).\(c.name)")) }
        }
        // Columns are gathered on every core, a share each; those no later stage reads (nor the
        // time order) are placeholders.
        let threads = max(1, min(Parallel.threads, gathers.count))
        let parts = Parallel.map(threads) { t in
            stride(from: t, to: gathers.count, by: threads).map { j in
                if let needs, !needs.contains(j), j != s.steps[0].timeColumn, !gathers[j].column.isBoxed {
                    return Column.placeholder(like: gathers[j].column, rows: count).renamed(gathers[j].name)
                }
                return gathers[j].column.gather(gathers[j].rows).renamed(gathers[j].name)
            }
        }
        var columns = [Column?](repeating: nil, count: gathers.count)
        for (t, part) in parts.enumerated() {
            for (j, c) in part.enumerated() { columns[t + j * threads] = c }
        }
        let first = partitions.steps[0].times, last = partitions.steps[width - 1].times
        let spans = ContiguousArray((0..<count).map { m in last[Int(matches[m * width + width - 1])] - first[Int(matches[m * width])] })
        columns.append(Column(name: "span", type: .duration, data: .int(spans), isNull: nil))
        // Matches come in the order of their first step's time: that column orders them.
        let table = Table(name: "sequence", columns: columns.map { $0! }, rowCount: count, timeColumnIndex: s.steps[0].timeColumn)
        return Relation(table: table, rows: nil, inTimeOrder: true)
    }
}
