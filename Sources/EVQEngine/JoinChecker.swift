// Checks a `join` and a `lookup`: the kind, the right side, each key pair (a column of each
// side, types that compare) and the output columns, named by the one rule of
// `addedNames` (Language.md, "join", says it to users).

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
            let names = Self.addedNames(right.output.map(\.name), to: input.map(\.name))
            added = names.enumerated().map { ($1, $0) }
            output += zip(names, right.output).map { Field($0, $1.type) }
        }
        return (.join(CheckedJoin(kind: kind, right: right, leftKeys: leftKeys, rightKeys: rightKeys, rightColumns: added)), output)
    }

    // lookup -> 'lookup' TABLE 'on' left ('=' | '==') right | 'lookup' TABLE 'on' key
    func lookup(_ tableName: Identifier, _ left: Identifier, _ right: Identifier, _ input: [Field]) throws(Diagnostic) -> (CheckedStage.Kind, [Field]) {
        guard let table = catalog.tableRef(named: tableName.name) else {
            throw Diagnostic("unknown table '\(tableName.name)'", at: tableName.span,
                             hint: Suggest.hint(for: tableName.name, in: catalog.tableNames))
        }
        guard let leftKey = input.firstIndex(where: { $0.name == left.name }) else {
            throw Diagnostic("unknown field '\(left.name)'", at: left.span, hint: Suggest.hint(for: left.name, in: input.map(\.name)))
        }
        guard let rightKey = table.columnIndex(named: right.name) else {
            throw Diagnostic("'\(table.name)' has no column '\(right.name)'", at: right.span,
                             hint: Suggest.hint(for: right.name, in: table.fields.map(\.name)) ?? "columns: " + table.fields.map(\.name).joined(separator: ", "))
        }
        let lt = input[leftKey].type, rt = table.fields[rightKey].type
        guard lt == rt || (lt.isNumeric && rt.isNumeric) else {
            throw Diagnostic("cannot match \(lt.rawValue) '\(left.name)' with \(rt.rawValue) '\(right.name)'", at: left.span.to(right.span))
        }
        // The table's key column is left out: it equals the left key wherever it matched.
        let kept = table.fields.indices.filter { $0 != rightKey }
        let names = Self.addedNames(kept.map { table.fields[$0].name }, to: input.map(\.name))
        let added = zip(names, kept).map { (name: $0, index: $1) }
        let output = input + added.map { Field($0.name, table.fields[$0.index].type) }
        return (.lookup(right: table, leftKey: leftKey, rightKey: rightKey, columns: added), output)
    }

    /// The names of the right columns a join or lookup adds after the left's: a right column
    /// keeps its name unless a left column or an earlier added one has it; then it takes the
    /// first of `name1`, `name2`, ... that no left column, no right column and no earlier
    /// added column has (so a right `name1` keeps its own name).
    static func addedNames(_ right: [String], to left: [String]) -> [String] {
        var taken = Set(left)
        let rightNames = Set(right)
        var out: [String] = []
        for name in right {
            var chosen = name, k = 0
            while taken.contains(chosen) || (k > 0 && rightNames.contains(chosen)) {
                k += 1
                chosen = "\(name)\(k)"
            }
            taken.insert(chosen)
            out.append(chosen)
        }
        return out
    }
}
