// Runs a sequence: each step's plan (its own index path), the step candidates coded as
// (time, key), merged into one time order, cut by key hash into one partition per core, run
// through SequenceMatcher, and the matches gathered into `name.field` columns plus `span`.
// The output is ordered by the first step's event, then the last's, for any number of cores.

import EVQStore

extension Executor {
    func runSequence(_ s: SequencePlan, _ stats: inout QueryStats) throws(EngineError) -> Relation {
        let all = s.steps + (s.until.map { [$0] } ?? [])
        var relations: [Relation] = []
        for step in all { relations.append(try runSubplan(step.plan, &stats)) }
        // A key pair that mixes int and float compares as doubles on every step.
        let asFloat = s.steps[0].keys.indices.map { k in
            let types = Set(all.map { $0.keys[k].type })
            return types.contains(.int) && types.contains(.float)
        }
        var interner = KeyInterner()
        var ids = KeyIDTable(expected: 1024)
        var lists: [[SequenceEvent]] = []
        var times: [ContiguousArray<Int64>] = []
        for (i, step) in all.enumerated() {
            if context.isCancelled() { throw .cancelled }
            let r = relations[i]
            let keys = interner.keys(step.keys, r, asFloat: asFloat, context.isCancelled)
            if context.isCancelled() { throw .cancelled }
            let time = interner.encode(TypedExpr(.column(step.timeColumn), .time, .none), r, numbersAsFloat: false)
            times.append(ContiguousArray(time.codes.lazy.map { Int64(bitPattern: $0) }))
            var list: [SequenceEvent] = []
            list.reserveCapacity(r.count)
            for p in 0..<r.count where !time.isNull[p] {
                if p % ExecutionContext.batchSize == 0, context.isCancelled() { throw .cancelled }
                guard let key = keys[p] else { continue }  // a null key never matches
                list.append(SequenceEvent(time: times[i][p], step: i < s.steps.count ? Int32(i) : -1, position: Int32(p), order: 0, key: ids.id(key)))
            }
            // Index paths give rows in time order; anything else is put in it (ties keep their order).
            if !zip(list, list.dropFirst()).allSatisfy({ $0.time <= $1.time }) {
                list.sort { ($0.time, $0.position) < ($1.time, $1.position) }
            }
            lists.append(list)
        }
        // Each candidate is held twice (its step's list and the merged order), 24 bytes each.
        let candidates = lists.reduce(0) { $0 + $1.count }
        context.memory.charge(candidates * 48, MemoryStage("sequence"), grew: "\(MemoryBudget.describe(count: candidates)) step candidates")
        if context.isCancelled() { throw .cancelled }
        let merged = try Self.merge(lists, stepCount: s.steps.count, context.isCancelled)
        let matches = try match(merged, s, keyCount: ids.count)
        return sequenceOutput(s, relations, times, matches)
    }

    /// One time order over all steps; at one timestamp `until` first, then the steps from
    /// the last to the first, each in its own order. `order` numbers the result.
    static func merge(_ lists: [[SequenceEvent]], stepCount: Int, _ isCancelled: () -> Bool = { false }) throws(EngineError) -> [SequenceEvent] {
        func priority(_ list: Int) -> Int { list >= stepCount ? 0 : stepCount - list }
        var heads = Array(repeating: 0, count: lists.count)
        var out: [SequenceEvent] = []
        out.reserveCapacity(lists.reduce(0) { $0 + $1.count })
        while true {
            var best = -1
            for l in lists.indices where heads[l] < lists[l].count {
                if best < 0 { best = l; continue }
                let a = lists[l][heads[l]], b = lists[best][heads[best]]
                if (a.time, priority(l)) < (b.time, priority(best)) { best = l }
            }
            guard best >= 0 else { break }
            if out.count % ExecutionContext.batchSize == 0, isCancelled() { throw .cancelled }
            var e = lists[best][heads[best]]
            e.order = Int32(out.count)
            out.append(e)
            heads[best] += 1
        }
        return out
    }

    /// The matches (step positions per match) ordered by first then last event. Keys are
    /// independent, so partitions by key hash run on separate cores.
    private func match(_ events: [SequenceEvent], _ s: SequencePlan, keyCount: Int) throws(EngineError) -> [[Int32]] {
        let partitions = events.count >= 4096 ? Parallel.threads : 1
        var parts = Array(repeating: [SequenceEvent](), count: partitions)
        if partitions == 1 {
            parts[0] = events
        } else {
            for (i, e) in events.enumerated() {
                if i % ExecutionContext.batchSize == 0, context.isCancelled() { throw .cancelled }
                parts[Int(e.key) % partitions].append(e)
            }
        }
        let isCancelled = context.isCancelled, memory = context.memory
        let results = Parallel.map(partitions) { k -> [(first: Int32, last: Int32, positions: [Int32])]? in
            var m = SequenceMatcher(stepCount: s.steps.count, within: s.within, mode: s.mode, keyCount: keyCount)
            // An `every` event may complete many matches at once: look again every 65,536 of them.
            var charged = 0, nextLook = 0x10000
            for (i, e) in parts[k].enumerated() {
                if i % ExecutionContext.batchSize == 0 || m.matches.count >= nextLook {
                    let held = m.heldBytes
                    memory.charge(held - charged, MemoryStage("sequence"), grew: "pending state and \(MemoryBudget.describe(count: m.matches.count)) matches")
                    charged = held
                    nextLook = m.matches.count + 0x10000
                    if isCancelled() { return nil }
                }
                m.feed(e)
            }
            return m.matches.map { ($0.first, $0.last, Array(m.positions(of: $0.entry))) }
        }
        var all: [(first: Int32, last: Int32, positions: [Int32])] = []
        for r in results {
            guard let r else { throw .cancelled }
            all += r
        }
        all.sort { ($0.first, $0.last) < ($1.first, $1.last) }
        return all.map(\.positions)
    }

    /// Each step's columns at its matched rows, then `span` (last step's time minus first's).
    private func sequenceOutput(_ s: SequencePlan, _ relations: [Relation], _ times: [ContiguousArray<Int64>], _ matches: [[Int32]]) -> Relation {
        var columns: [Column] = []
        var timeIndex: Int? = nil
        for (k, step) in s.steps.enumerated() {
            let r = relations[k]
            let rowIDs = matches.map { m in r.rows.map { $0[Int(m[k])] } ?? UInt32(m[k]) }
            if k == 0 { timeIndex = step.timeColumn }
            for c in r.table.columns { columns.append(c.gather(rowIDs).renamed("\(step.name).\(c.name)")) }
        }
        let last = s.steps.count - 1
        let spans = ContiguousArray(matches.map { times[last][Int($0[last])] - times[0][Int($0[0])] })
        columns.append(Column(name: "span", type: .duration, data: .int(spans), isNull: nil))
        // Matches come in the order of their first step's time: that column orders them.
        let table = Table(name: "sequence", columns: columns, rowCount: matches.count, timeColumnIndex: timeIndex)
        return Relation(table: table, rows: nil, inTimeOrder: timeIndex != nil)
    }
}
