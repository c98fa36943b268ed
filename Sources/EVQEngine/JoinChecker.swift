// Checks a `join`: the kind, the right side's query, each key pair (a column of each side,
// types that compare) and the output columns, where a right column whose name the left
// already has gets `1` appended (`name1`, then `name2` ...), as in KQL.

import EVQStore
import EVQSyntax

public enum JoinKind: String, CaseIterable, Sendable {
    case inner, leftouter, leftsemi, leftanti, rightouter, fullouter

    /// Whether the output has the right side's columns (semi and anti joins keep the left's only).
    var addsRightColumns: Bool { self != .leftsemi && self != .leftanti }
    /// Whether every output row comes from a left row, in the left's order.
    var keepsLeftOrder: Bool { self != .rightouter && self != .fullouter }
}

public struct CheckedJoin: Sendable {
    public var kind: JoinKind
    public var right: CheckedQuery
    /// Pairs of key columns: `leftKeys[i]` of the input matches `rightKeys[i]` of `right`.
    public var leftKeys: [Int]
    public var rightKeys: [Int]
    /// The right columns added to each row: output name and index in `right.output`.
    public var rightColumns: [(name: String, index: Int)]
}

extension Checker {
    func join(_ clause: JoinClause, input: [Field]) throws(Diagnostic) -> (CheckedStage.Kind, [Field]) {
        var kind = JoinKind.inner
        if let k = clause.kind {
            guard let parsed = JoinKind(rawValue: k.name.lowercased()) else {
                throw Diagnostic("unknown join kind '\(k.name)'", at: k.span,
                                 hint: Suggest.hint(for: k.name, in: JoinKind.allCases.map(\.rawValue))
                                    ?? "kinds: " + JoinKind.allCases.map(\.rawValue).joined(separator: ", "))
            }
            kind = parsed
        }
        let right = try check(clause.right)
        if right.chart != nil { throw Diagnostic("the right side of a join cannot draw a chart", at: clause.right.span) }
        var leftKeys: [Int] = [], rightKeys: [Int] = []
        if clause.conditions.count > CompositeKey.maxParts {
            throw Diagnostic("a join matches on at most \(CompositeKey.maxParts) keys, found \(clause.conditions.count)",
                             at: clause.conditions[CompositeKey.maxParts].span, hint: "combine keys into one with strcat(...)")
        }
        for c in clause.conditions {
            guard let l = input.firstIndex(where: { $0.name == c.left.name }) else {
                throw Diagnostic("unknown field '\(c.left.name)' on the left side of the join", at: c.left.span,
                                 hint: Suggest.hint(for: c.left.name, in: input.map(\.name)))
            }
            guard let r = right.output.firstIndex(where: { $0.name == c.right.name }) else {
                throw Diagnostic("unknown field '\(c.right.name)' on the right side of the join", at: c.right.span,
                                 hint: Suggest.hint(for: c.right.name, in: right.output.map(\.name))
                                    ?? "fields: " + right.output.prefix(8).map(\.name).joined(separator: ", "))
            }
            let lt = input[l].type, rt = right.output[r].type
            guard lt == rt || (lt.isNumeric && rt.isNumeric) else {
                throw Diagnostic("cannot join \(lt.rawValue) '\(c.left.name)' with \(rt.rawValue) '\(c.right.name)'", at: c.span,
                                 hint: "keys match by value: compare columns of the same type")
            }
            leftKeys.append(l)
            rightKeys.append(r)
        }
        var output = input
        var added: [(name: String, index: Int)] = []
        if kind.addsRightColumns {
            var names = Set(input.map(\.name))
            for (i, f) in right.output.enumerated() {
                var name = f.name
                var k = 1
                while names.contains(name) {
                    name = "\(f.name)\(k)"
                    k += 1
                }
                names.insert(name)
                added.append((name, i))
                output.append(Field(name, f.type))
            }
        }
        return (.join(CheckedJoin(kind: kind, right: right, leftKeys: leftKeys, rightKeys: rightKeys, rightColumns: added)), output)
    }
}
