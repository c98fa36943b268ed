// The plan node of a sequence: one optimized sub-plan per step (each with its own index
// path), the key expressions over each step's output, and the window; how the planner builds
// it and how explain prints it. It reads no input of the chain: a sequence is a source.

import EVQStore
import EVQSyntax

public struct SequencePlan: Sendable {
    public struct Step: Sendable {
        public var name: String
        /// Optimized on its own: its filter reaches its scan's indexes.
        public var plan: PlanNode
        public var keys: [TypedExpr]
        public var timeColumn: Int
    }

    public var mode: SequenceMode
    public var within: Int64
    public var steps: [Step]
    public var until: Step?

    /// The output's columns: every step's, prefixed with its name, then `span`.
    var columnNames: [String] {
        steps.flatMap { s in s.plan.columnNames.map { "\(s.name).\($0)" } } + ["span"]
    }

    var width: Int { steps.reduce(1) { $0 + $1.plan.width } }
}

extension Planner {
    func sequencePlan(_ s: CheckedSequence, pipeline: PlanNode) -> SequencePlan {
        func step(_ step: CheckedSequenceStep) -> SequencePlan.Step {
            let chain: PlanNode
            switch step.input {
            case .query(let q): chain = self.chain(q)
            case .pipeline(let stages): chain = stages.reduce(pipeline) { apply($1, to: $0) }
            }
            return SequencePlan.Step(name: step.name, plan: optimize(chain).0, keys: step.keys, timeColumn: step.timeColumn)
        }
        return SequencePlan(mode: s.mode, within: s.within, steps: s.steps.map(step), until: s.until.map(step))
    }
}

extension Plan {
    func describeSequence(_ s: SequencePlan) -> String {
        "Sequence within \(DurationFormat.format(s.within)), \(s.mode == .latest ? "latest" : "every") match: "
            + s.steps.map(\.name).joined(separator: " then ") + (s.until != nil ? ", until" : "")
    }

    /// One heading per step (its keys and time column), each followed by the step's plan.
    func sequenceStepLines(_ s: SequencePlan, pad: String) -> [String] {
        let labelled = s.steps.map { ("step \($0.name)", $0) } + (s.until.map { [("until", $0)] } ?? [])
        return labelled.flatMap { label, step -> [String] in
            let names = step.plan.columnNames
            let keys = step.keys.isEmpty ? "" : " by " + step.keys.map { text($0, names) }.joined(separator: ", ")
            return ["\(pad)  \(label)\(keys), in \(names[step.timeColumn]) order:"] + subplan(step.plan, pad: pad + "    ")
        }
    }

    /// `node` explained as a plan of its own, each line after `pad`.
    func subplan(_ node: PlanNode, pad: String) -> [String] {
        Plan(root: node, output: [], source: source).explain().split(separator: "\n").map { pad + $0 }
    }
}
