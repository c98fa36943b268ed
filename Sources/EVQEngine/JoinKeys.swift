// Keys of hash joins and sequences as integers: each key value becomes one UInt64 code, so a
// composite key is a few integers and no boxed value is hashed per row. Text goes through one
// interner per operator, so that different columns (actor1 against actor2) and different
// tables compare by text; a dictionary column is coded once per distinct value.

import EVQStore

/// Codes for text (and, for computed keys, other values) shared by all the keys of one operator.
struct KeyInterner {
    private var strings: [String: UInt64] = [:]
    private var others: [Value: UInt64] = [:]
    /// The codes of a dictionary's values by id, per dictionary already coded (two steps
    /// often read the same column).
    private var dictionaries: [ObjectIdentifier: ContiguousArray<UInt64>] = [:]

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

    private mutating func codes(of dictionary: StringDictionary) -> ContiguousArray<UInt64> {
        if let known = dictionaries[ObjectIdentifier(dictionary)] { return known }
        var byID = ContiguousArray<UInt64>(repeating: 0, count: dictionary.count)
        for (i, v) in dictionary.values.enumerated() { byID[i] = code(v) }
        dictionaries[ObjectIdentifier(dictionary)] = byID
        return byID
    }

    static func floatCode(_ d: Double) -> UInt64 { (d == 0 ? 0.0 : d).bitPattern }

    /// `expr` at every position of `r`, typed loops for plain columns.
    mutating func encode(_ expr: TypedExpr, _ r: Relation, numbersAsFloat: Bool) -> KeyVector {
        let n = r.count
        var out = KeyVector(codes: ContiguousArray(repeating: 0, count: n), isNull: ContiguousArray(repeating: false, count: n))
        if n > 0, let codes = columnCodes(expr, r, numbersAsFloat: numbersAsFloat) {
            out.codes.withUnsafeMutableBufferPointer { c in
                out.isNull.withUnsafeMutableBufferPointer { isNull in codes.read(r.rows, 0..<n, c.baseAddress!, isNull.baseAddress!) }
            }
            return out
        }
        let eval = ExpressionEvaluator.compile(expr, r.table, nil)
        for p in 0..<n {
            if let c = code(eval(r.rows.map { Int($0[p]) } ?? p), numbersAsFloat: numbersAsFloat) { out.codes[p] = c } else { out.isNull[p] = true }
        }
        return out
    }

    /// The codes of a plain text or int (time, duration) column, to read on any thread; nil
    /// for other expressions, which `encode` evaluates.
    mutating func columnCodes(_ expr: TypedExpr, _ r: Relation, numbersAsFloat: Bool) -> ColumnCodes? {
        guard let c = expr.columnIndex else { return nil }
        let column = r.table.columns[c]
        switch column.data {
        case .string(let s): return ColumnCodes(column: column, byID: codes(of: s.dictionary), numbersAsFloat: false)
        case .int: return ColumnCodes(column: column, byID: nil, numbersAsFloat: numbersAsFloat)
        default: return nil
        }
    }
}

/// A text column's codes by dictionary id, or an int column's values as codes.
struct ColumnCodes: Sendable {
    let column: Column
    let byID: ContiguousArray<UInt64>?
    let numbersAsFloat: Bool

    /// The codes at `positions` of a relation whose rows are `rows` (nil: every row), written
    /// to `out[0...]` and `isNull[0...]`.
    func read(_ rows: [UInt32]?, _ positions: Range<Int>, _ out: UnsafeMutablePointer<UInt64>, _ isNull: UnsafeMutablePointer<Bool>) {
        let mask = column.isNull
        switch column.data {
        case .string(let s):
            byID!.withUnsafeBufferPointer { byID in
                s.ids.withUnsafeBufferPointer { ids in
                    Self.visit(rows, positions) { k, row in
                        let id = ids[row]
                        if id == StringColumn.nullID || mask?[row] == true { isNull[k] = true } else { out[k] = byID[Int(id)]; isNull[k] = false }
                    }
                }
            }
        case .int(let v):
            let asFloat = numbersAsFloat
            v.withUnsafeBufferPointer { v in
                Self.visit(rows, positions) { k, row in
                    out[k] = asFloat ? KeyInterner.floatCode(Double(v[row])) : UInt64(bitPattern: v[row])
                    isNull[k] = mask?[row] == true
                }
            }
        default:
            preconditionFailure("ColumnCodes holds text and int columns only")
        }
    }

    /// `body(k, row)` for the k-th of `positions`, whose row is `rows[position]` (nil: position).
    @inline(__always)
    private static func visit(_ rows: [UInt32]?, _ positions: Range<Int>, _ body: (Int, Int) -> Void) {
        let base = positions.lowerBound
        if let rows {
            rows.withUnsafeBufferPointer { rows in for p in positions { body(p - base, Int(rows[p])) } }
        } else {
            for p in positions { body(p - base, p) }
        }
    }
}

/// One key over a relation's positions: `codes[p]`, meaningless where `isNull[p]`.
struct KeyVector: Sendable {
    var codes: ContiguousArray<UInt64>
    var isNull: ContiguousArray<Bool>
}

/// A composite key of up to `maxParts` codes, inline: no allocation, no reference counting,
/// one hash combine.
struct CompositeKey: Hashable {
    static let maxParts = 4
    var a: UInt64 = 0
    var b: UInt64 = 0
    var c: UInt64 = 0
    var d: UInt64 = 0

    /// Part `i` (0..<maxParts); unused parts stay 0.
    subscript(part: Int) -> UInt64 {
        get {
            switch part {
            case 0: a
            case 1: b
            case 2: c
            default: d
            }
        }
        set {
            switch part {
            case 0: a = newValue
            case 1: b = newValue
            case 2: c = newValue
            default: d = newValue
            }
        }
    }

    /// A mix of the parts, also used to cut keys into partitions.
    var mixed: UInt64 {
        (a &* 0x9E37_79B9_7F4A_7C15) ^ (b &* 0xC2B2_AE3D_27D4_EB4F) ^ (c &* 0x1656_67B1_9E37_79F9) ^ (d &* 0x27D4_EB2F_1656_67C5)
    }

    func hash(into hasher: inout Hasher) { hasher.combine(mixed) }
}

extension KeyInterner {
    /// The keys of every position of `r`: `exprs` evaluated, numbers as doubles where
    /// `asFloat` says so (per key); nil where a part is null. Cut short when `isCancelled` says
    /// stop: the caller then checks it again and throws before using the keys.
    mutating func keys(_ exprs: [TypedExpr], _ r: Relation, asFloat: [Bool], _ isCancelled: () -> Bool = { false }) -> [CompositeKey?] {
        let (keys, whole) = compositeKeys(exprs, r, asFloat: asFloat, isCancelled)
        if isCancelled() { return [] }
        var out: [CompositeKey?] = []
        out.reserveCapacity(keys.count)
        for p in keys.indices {
            if p % ExecutionContext.batchSize == 0, isCancelled() { return [] }
            out.append(whole[p] ? keys[p] : nil)
        }
        return out
    }

    /// The same as two flat arrays: the key at each position, and whether it has no null part.
    mutating func compositeKeys(_ exprs: [TypedExpr], _ r: Relation, asFloat: [Bool],
                                _ isCancelled: () -> Bool = { false }) -> (keys: ContiguousArray<CompositeKey>, whole: ContiguousArray<Bool>) {
        var keys = ContiguousArray(repeating: CompositeKey(), count: r.count)
        var whole = ContiguousArray(repeating: true, count: r.count)
        for (part, e) in exprs.enumerated() {
            if isCancelled() { break }  // the caller looks again and throws
            let v = encode(e, r, numbersAsFloat: asFloat[part])
            if isCancelled() { break }
            keys.withUnsafeMutableBufferPointer { keys in
                for p in keys.indices {
                    keys[p][part] = v.codes[p]
                    if v.isNull[p] { whole[p] = false }
                }
            }
        }
        return (keys, whole)
    }
}

/// Dense ids 0, 1, 2 ... for the distinct composite keys of one operator, so that its state
/// lives in arrays indexed by id. An insert-only open-addressing table with linear probing
/// and a multiplicative hash: one probe or two per key, no SipHash, nothing to delete.
struct KeyIDTable {
    /// -1: empty; else an id, whose key is `keys[id]`.
    private var slots: [Int32]
    private var shift: UInt64
    private(set) var keys: [CompositeKey] = []

    init(expected: Int = 16) {
        var bits: UInt64 = 4
        while (1 << bits) < expected * 2 { bits += 1 }
        slots = Array(repeating: -1, count: 1 << bits)
        shift = 64 - bits
    }

    var count: Int { keys.count }

    private func start(_ k: CompositeKey) -> Int { Int(truncatingIfNeeded: (k.mixed &* 0x9E37_79B9_7F4A_7C15) >> shift) }

    /// The key's id, new ones numbered in order of first sight.
    mutating func id(_ k: CompositeKey) -> Int32 {
        if keys.count * 2 >= slots.count { grow() }
        let mask = slots.count - 1
        var i = start(k)
        while true {
            let s = slots[i]
            if s < 0 {
                slots[i] = Int32(keys.count)
                keys.append(k)
                return slots[i]
            }
            if keys[Int(s)] == k { return s }
            i = (i + 1) & mask
        }
    }

    /// The key's id, or -1 when it was never inserted.
    func find(_ k: CompositeKey) -> Int32 {
        let mask = slots.count - 1
        var i = start(k)
        while true {
            let s = slots[i]
            if s < 0 || keys[Int(s)] == k { return s }
            i = (i + 1) & mask
        }
    }

    private mutating func grow() {
        slots = Array(repeating: -1, count: slots.count * 2)
        shift -= 1
        let mask = slots.count - 1
        for (id, k) in keys.enumerated() {
            var i = start(k)
            while slots[i] >= 0 { i = (i + 1) & mask }
            slots[i] = Int32(id)
        }
    }
}
