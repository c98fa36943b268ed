// Checks a `sequence`: each step's query, its keys (the same number and compatible types in
// every step), its time column, the window and the mode; derives the output columns
// `name.field` of every step plus `span`. The matching itself is SequenceMatcher.swift.

import EVQStore
import EVQSyntax

/// Which pending match a new event extends (the reference, Language.md, says it in full).
public enum SequenceMode: String, CaseIterable, Sendable {
    /// EQL's rule: one pending match per step and key; a newer one replaces the older, and
    /// an event that completes or extends a match is used up by it.
    case latest
    /// Every first-step event starts its own match; each pending match is extended by the
    /// first qualifying event after it, which may extend several at once.
    case every
}

public struct CheckedSequence: Sendable {
    public var mode: SequenceMode
    /// Seconds from the first step's time to the last's, at most.
    public var within: Int64
    public var steps: [CheckedSequenceStep]
    public var until: CheckedSequenceStep?
}

public struct CheckedSequenceStep: Sendable {
    public enum Input: Sendable {
        /// A step with its own source: `[events | where ...]`.
        case query(CheckedQuery)
        /// Stages over the pipeline's input: `[where ...]`.
        case pipeline([CheckedStage])
    }

    public var name: String
    public var input: Input
    /// Over `output`: the sequence's shared keys, then the step's own.
    public var keys: [TypedExpr]
    /// The column of `output` that orders the step's events.
    public var timeColumn: Int
    public var output: [Field]
    public var span: Span
}

extension Checker {
    func sequence(_ clause: SequenceClause, input: [Field], source: TableRef?, span: Span) throws(Diagnostic) -> (CheckedStage.Kind, [Field]) {
        var mode = SequenceMode.latest
        if let m = clause.mode {
            guard let parsed = SequenceMode(rawValue: m.name) else {
                throw Diagnostic("unknown sequence mode '\(m.name)'", at: m.span,
                                 hint: Suggest.hint(for: m.name, in: SequenceMode.allCases.map(\.rawValue)) ?? "modes: latest, every")
            }
            mode = parsed
        }
        guard let withinExpr = clause.within else {
            throw Diagnostic("a sequence needs 'within' and a duration before its first step", at: clause.steps.first?.bracketSpan ?? clause.keyword.span,
                             hint: "for example: sequence within 3d [where ...] [where ...]")
        }
        guard case .duration(let within) = try fold(try checkScalar(withinExpr)), within >= 0 else {
            throw Diagnostic("'within' needs a duration that is not negative, such as 3d", at: withinExpr.span)
        }
        guard clause.steps.count >= 2 else {
            throw Diagnostic("a sequence needs at least two steps, found \(clause.steps.count)", at: clause.steps.first?.span ?? clause.keyword.span,
                             hint: "a second step in brackets: [where ...] as reply by actor1")
        }
        var steps: [CheckedSequenceStep] = []
        var names = Set<String>()
        for (i, step) in clause.steps.enumerated() {
            let checked = try sequenceStep(step, name: step.name?.name ?? "step\(i + 1)", clause, input: input, source: source)
            guard names.insert(checked.name).inserted else {
                throw Diagnostic("duplicate step name '\(checked.name)'", at: step.name?.span ?? step.bracketSpan, hint: "give each step its own name with 'as'")
            }
            steps.append(checked)
        }
        let until = try clause.until.map { u throws(Diagnostic) in try sequenceStep(u, name: "until", clause, input: input, source: source) }
        for other in steps.dropFirst() + (until.map { [$0] } ?? []) {
            try sameKeys(other, as: steps[0], clause)
        }
        var output: [Field] = []
        for step in steps { output += step.output.map { Field("\(step.name).\($0.name)", $0.type) } }
        output.append(Field("span", .duration))
        return (.sequence(CheckedSequence(mode: mode, within: within, steps: steps, until: until)), output)
    }

    private func sequenceStep(_ step: SequenceStep, name: String, _ clause: SequenceClause, input: [Field], source: TableRef?) throws(Diagnostic) -> CheckedSequenceStep {
        let stepInput: CheckedSequenceStep.Input
        var output: [Field]
        var timeSource = source
        if let q = step.query {
            let checked = try check(q)
            if checked.chart != nil { throw Diagnostic("a step of a sequence cannot draw a chart", at: step.bracketSpan) }
            stepInput = .query(checked)
            output = checked.output
            timeSource = checked.source
        } else {
            guard !clause.isSource else {
                throw Diagnostic("a sequence that starts a query needs a source in each step", at: step.bracketSpan,
                                 hint: "name the table: [events | where ...], or start with 'events | sequence ...'")
            }
            var stages: [CheckedStage] = []
            output = input
            for stage in step.stages {
                let checked = try check(stage, input: output)
                if case .chart = checked.kind { throw Diagnostic("a step of a sequence cannot draw a chart", at: stage.span) }
                stages.append(checked)
                output = checked.output
            }
            stepInput = .pipeline(stages)
        }
        // The source's time column when the step keeps it, else the step's first time column.
        let sourceTime = timeSource?.timeColumnIndex.map { timeSource!.fields[$0].name }
        guard let time = output.firstIndex(where: { $0.name == sourceTime && $0.type == .time }) ?? output.firstIndex(where: { $0.type == .time }) else {
            throw Diagnostic("step '\(name)' has no time column to order its events by", at: step.bracketSpan,
                             hint: "keep a date column in the step, for example: project date, actor1")
        }
        var scope = Scope(fields: output, allowAggregates: false)
        var keys: [TypedExpr] = []
        for k in clause.keys + step.keys { keys.append(try check(k, &scope)) }
        if keys.count > CompositeKey.maxParts {
            throw Diagnostic("a sequence matches on at most \(CompositeKey.maxParts) keys, step '\(name)' has \(keys.count)", at: step.span,
                             hint: "combine keys into one with strcat(...)")
        }
        return CheckedSequenceStep(name: name, input: stepInput, keys: keys, timeColumn: time, output: output, span: step.span)
    }

    /// Every step joins on as many keys as the first, of types that compare.
    private func sameKeys(_ step: CheckedSequenceStep, as first: CheckedSequenceStep, _ clause: SequenceClause) throws(Diagnostic) {
        let label = step.name == "until" ? "the 'until' step" : "step '\(step.name)'"
        guard step.keys.count == first.keys.count else {
            let have = step.keys.count == 0 ? "no keys" : "\(step.keys.count) key\(step.keys.count == 1 ? "" : "s")"
            throw Diagnostic("\(label) has \(have), but step '\(first.name)' has \(first.keys.count)", at: step.span,
                             hint: step.keys.count < first.keys.count
                                ? "add 'by' and its keys after the step's ']' (keys may differ per step: by actor2, then by actor1)"
                                : "give every step the same number of keys, in the same order")
        }
        for (i, (a, b)) in zip(first.keys, step.keys).enumerated() {
            let compatible = a.type == b.type || (a.type.isNumeric && b.type.isNumeric) || a.type == .null || b.type == .null
            guard compatible else {
                throw Diagnostic("key \(i + 1) of \(label) is \(b.type.rawValue), but of step '\(first.name)' it is \(a.type.rawValue)", at: b.span,
                                 hint: "keys match by value: give them the same type")
            }
        }
    }

    /// The error for a dotted name that is not a column (`strke.date`, `strike.dat`): which
    /// part is wrong, when the fields come from a sequence. Nil when no field is dotted.
    static func dottedFieldError(_ name: String, _ span: Span, _ fields: [Field]) -> Diagnostic? {
        guard let dot = name.firstIndex(of: ".") else { return nil }
        let steps = fields.compactMap { f in f.name.firstIndex(of: ".").map { String(f.name[..<$0]) } }
        guard !steps.isEmpty else { return nil }
        let step = String(name[..<dot]), field = String(name[name.index(after: dot)...])
        var seen = Set<String>()
        let stepNames = steps.filter { seen.insert($0).inserted }
        guard stepNames.contains(step) else {
            return Diagnostic("unknown step '\(step)' in '\(name)'", at: span,
                              hint: Suggest.hint(for: step, in: stepNames) ?? "steps: " + stepNames.joined(separator: ", "))
        }
        let stepFields = fields.compactMap { f in f.name.hasPrefix(step + ".") ? String(f.name.dropFirst(step.count + 1)) : nil }
        return Diagnostic("step '\(step)' has no field '\(field)'", at: span,
                          hint: Suggest.hint(for: field, in: stepFields) ?? "fields: " + stepFields.prefix(8).joined(separator: ", "))
    }
}
