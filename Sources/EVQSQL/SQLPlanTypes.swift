// The evq type of each column a plan node produces: a join compares an int key with a float
// one as floats, and a sequence's steps union their keys under one type.

import EVQEngine
import EVQStore

extension PlanNode {
    var sqlFieldTypes: [DataType] {
        switch self {
        case .scan(let table, _): return table.fields.map(\.type)
        case .project(_, let items), .distinct(_, let items): return items.map(\.expr.type)
        case .aggregate(_, let keys, _, let outputs): return keys.map(\.expr.type) + outputs.map(\.expr.type)
        case .count: return [.int]
        case .lookup(let input, let right, _, _, let columns): return input.sqlFieldTypes + columns.map { right.fields[$0.index].type }
        case .sequence(let s): return s.steps.flatMap(\.plan.sqlFieldTypes) + [.duration]
        case .join(let input, let j):
            let right = j.right.sqlFieldTypes
            return input.sqlFieldTypes + j.rightColumns.map { right[$0.index] }
        case .filter(let i, _), .sort(let i, _), .limit(let i, _), .top(let i, _, _), .tail(let i, _): return i.sqlFieldTypes
        @unknown default: return []
        }
    }
}
