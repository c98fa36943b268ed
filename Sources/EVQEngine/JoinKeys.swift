// Keys of hash joins and sequences as integers: each key value becomes one UInt64 code, so a
// composite key is a few integers and no boxed value is hashed per row. Text goes through one
// interner per operator, so that different columns (actor1 against actor2) and different
// tables compare by text; a dictionary column is coded once per distinct value.

import EVQStore

/// Codes for text (and, for computed keys, other values) shared by all the keys of one operator.
struct KeyInterner {
    private var strings: [String: UInt64] = [:]
    private var others: [Value: UInt64] = [:]

    mutating func code(_ s: String) -> UInt64 {
        if let c = strings[s] { return c }
        let c = UInt64(strings.count)
        strings[s] = c
        return c
    }

    /// A code for a value that is not text, numbers or times (lists): its own numbering,
    /// offset so that it cannot meet a text code.
    mutating func code(other v: Value) -> UInt64 {
        if let c = others[v] { return c }
        let c = (UInt64(1) << 63) | UInt64(others.count)
        others[v] = c
        return c
    }

    /// The code of `v`, or nil for null. With `numbersAsFloat` an int is coded as its double,
    /// so that 3 meets 3.0 (a key pair that mixes int and float).
    mutating func code(_ v: Value, numbersAsFloat: Bool) -> UInt64? {
        switch v {
        case .null: return nil
        case .string(let s): return code(s)
        case .int(let i): return numbersAsFloat ? Self.floatCode(Double(i)) : UInt64(bitPattern: i)
        case .float(let d): return d.isNaN ? nil : Self.floatCode(d)
        case .bool(let b): return b ? 1 : 0
        case .time(let t), .duration(let t): return UInt64(bitPattern: t)
        case .list: return code(other: v)
        }
    }

    static func floatCode(_ d: Double) -> UInt64 { (d == 0 ? 0.0 : d).bitPattern }

    /// `expr` at every position of `r`, typed loops for plain columns.
    mutating func encode(_ expr: TypedExpr, _ r: Relation, numbersAsFloat: Bool) -> KeyVector {
        let n = r.count
        var out = KeyVector(codes: ContiguousArray(repeating: 0, count: n), isNull: ContiguousArray(repeating: false, count: n))
        let rows = r.rows
        func row(_ p: Int) -> Int { rows.map { Int($0[p]) } ?? p }
        if let c = expr.columnIndex {
            let column = r.table.columns[c]
            switch column.data {
            case .string(let s):
                var byID = ContiguousArray<UInt64>(repeating: 0, count: s.dictionary.count)
                for (i, v) in s.dictionary.values.enumerated() { byID[i] = code(v) }
                for p in 0..<n {
                    let id = s.ids[row(p)]
                    if id == StringColumn.nullID || column.isNull(row(p)) { out.isNull[p] = true } else { out.codes[p] = byID[Int(id)] }
                }
                return out
            case .int(let v):
                for p in 0..<n {
                    let x = v[row(p)]
                    out.codes[p] = numbersAsFloat ? Self.floatCode(Double(x)) : UInt64(bitPattern: x)
                    out.isNull[p] = column.isNull(row(p))
                }
                return out
            default:
                break
            }
        }
        let eval = ExpressionEvaluator.compile(expr, r.table, nil)
        for p in 0..<n {
            if let c = code(eval(row(p)), numbersAsFloat: numbersAsFloat) { out.codes[p] = c } else { out.isNull[p] = true }
        }
        return out
    }
}

/// One key over a relation's positions: `codes[p]`, meaningless where `isNull[p]`.
struct KeyVector {
    var codes: ContiguousArray<UInt64>
    var isNull: ContiguousArray<Bool>
}

/// A composite key: up to two parts inline (no allocation), more in `rest`.
struct CompositeKey: Hashable {
    var a: UInt64 = 0
    var b: UInt64 = 0
    var rest: [UInt64] = []

    /// The key at position `p`, or nil when any part is null (a null key never matches).
    init?(_ vectors: [KeyVector], at p: Int) {
        for (i, v) in vectors.enumerated() {
            if v.isNull[p] { return nil }
            switch i {
            case 0: a = v.codes[p]
            case 1: b = v.codes[p]
            default: rest.append(v.codes[p])
            }
        }
    }
}

extension KeyInterner {
    /// The keys of every position of `r`: `exprs` evaluated, numbers as doubles where
    /// `asFloat` says so (per key).
    mutating func keys(_ exprs: [TypedExpr], _ r: Relation, asFloat: [Bool]) -> [CompositeKey?] {
        let vectors = exprs.enumerated().map { i, e in encode(e, r, numbersAsFloat: asFloat[i]) }
        return (0..<r.count).map { CompositeKey(vectors, at: $0) }
    }
}
