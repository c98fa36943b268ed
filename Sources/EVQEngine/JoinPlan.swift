// The plan node of a join: the right side as an optimized sub-plan, the key column pairs and
// the right columns the output adds (the left side is the node's input); its planning and
// its explain line.

import EVQStore

public struct JoinPlan: Sendable {
    public var kind: JoinKind
    public var right: PlanNode
    public var leftKeys: [Int]
    public var rightKeys: [Int]
    /// Output name and column of `right`, in output order after the left's columns.
    public var rightColumns: [(name: String, index: Int)]
}

extension Planner {
    func joinPlan(_ j: CheckedJoin) -> JoinPlan {
        JoinPlan(kind: j.kind, right: optimize(chain(j.right)).0, leftKeys: j.leftKeys, rightKeys: j.rightKeys, rightColumns: j.rightColumns)
    }
}

extension Plan {
    func describeJoin(_ j: JoinPlan, leftNames: [String]) -> String {
        let rightNames = j.right.columnNames
        let on = zip(j.leftKeys, j.rightKeys).map { l, r in
            leftNames[l] == rightNames[r] ? leftNames[l] : "$left.\(leftNames[l]) == $right.\(rightNames[r])"
        }.joined(separator: ", ")
        let adds = j.rightColumns.isEmpty ? "" : ": adds " + j.rightColumns.map(\.name).joined(separator: ", ")
        return "Join kind=\(j.kind.rawValue) on \(on) (hash table on the right side)\(adds)"
    }
}
