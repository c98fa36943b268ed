// Filters that test one column against constants run as one loop per batch over the column's
// typed buffer, one loop per (test, type), instead of two closure calls and an append per
// row: `where isnotnull(actor2)` over 1 M rows, the filter under the top actor pairs, took
// a sixth of that query. The loops store every row and advance past it only when it passes
// (no branch on the outcome, which is a coin toss for many filters). Everything else (and,
// or, computed values) takes the row predicates of ExpressionEvaluator, whose answers these
// match: a null row never passes a comparison.

import EVQStore
import EVQSyntax

enum FilterKernel {
    /// A test of a text column's dictionary id (the dictionary is sorted, so order
    /// comparisons with a constant are comparisons of ids).
    enum IDTest {
        case equal(UInt32)
        case notEqual(UInt32)  // and not null
        case below(UInt32)
        case atLeast(UInt32)  // and not null
        case never
        case null(Bool)

        /// The test for `ids op text`; nil for an operator it does not cover.
        static func compare(_ s: StringColumn, _ op: BinaryOperator, _ text: String) -> IDTest? {
            let firstNotBelow = UInt32(s.dictionary.firstID(notBelow: text))
            let exact = s.dictionary.id(of: text)
            switch op {
            case .eq: return exact.map(IDTest.equal) ?? .never
            case .ne: return .notEqual(exact ?? StringColumn.nullID)
            case .lt: return .below(firstNotBelow)
            case .le: return .below(exact.map { $0 + 1 } ?? firstNotBelow)
            case .gt: return .atLeast(exact.map { $0 + 1 } ?? firstNotBelow)
            case .ge: return .atLeast(firstNotBelow)
            default: return nil
            }
        }

        /// The same test as a row predicate.
        func predicate(_ ids: ColumnBuffer<UInt32>) -> RowPredicate {
            let null = StringColumn.nullID
            switch self {
            case .equal(let id): return { ids[$0] == id }
            case .notEqual(let id): return { let x = ids[$0]; return x != id && x != null }
            case .below(let bound): return { ids[$0] < bound }
            case .atLeast(let bound): return { let x = ids[$0]; return x >= bound && x != null }
            case .never: return { _ in false }
            case .null(let wanted): return { (ids[$0] == null) == wanted }
            }
        }
    }

    case ids(ColumnBuffer<UInt32>, IDTest)
    case ints(ColumnBuffer<Int64>, nulls: ColumnBuffer<Bool>?, BinaryOperator, Int64)
    case floats(ColumnBuffer<Double>, nulls: ColumnBuffer<Bool>?, BinaryOperator, Double)
    /// A null test on a column with a null mask (nil: none is null).
    case nulls(ColumnBuffer<Bool>?, wanted: Bool)

    /// The kernel for `p` over `table`, when `p` is one column tested against constants.
    static func make(_ p: TypedExpr, _ table: Table) -> FilterKernel? {
        switch p.kind {
        case .compare(let op, let a, let b):
            if let i = a.columnIndex, let v = b.constantValue { return compare(table.columns[i], op, v) }
            if let i = b.columnIndex, let v = a.constantValue { return compare(table.columns[i], op.flipped, v) }
            return nil
        case .call(let fn, let args) where (fn == .isnull || fn == .isnotnull) && args.count == 1 && args[0].columnIndex != nil:
            let c = table.columns[args[0].columnIndex!]
            switch c.data {
            case .string(let s): return .ids(s.ids, .null(fn == .isnull))
            case .boxed: return nil
            default: return .nulls(c.isNull, wanted: fn == .isnull)
            }
        default:
            return nil
        }
    }

    private static func compare(_ c: Column, _ op: BinaryOperator, _ v: Value) -> FilterKernel? {
        guard !v.isNull, [.eq, .ne, .lt, .le, .gt, .ge].contains(op) else { return nil }
        switch (c.data, v) {
        case (.string(let s), .string(let text)):
            return IDTest.compare(s, op, text).map { FilterKernel.ids(s.ids, $0) }
        case (.int(let xs), .int(let k)) where c.type == .int, (.int(let xs), .time(let k)) where c.type == .time,
             (.int(let xs), .duration(let k)) where c.type == .duration:
            return .ints(xs, nulls: c.isNull, op, k)
        case (.float(let xs), _):
            guard let k = v.asDouble else { return nil }
            return .floats(xs, nulls: c.isNull, op, k)
        default:
            return nil
        }
    }

    /// Writes to `out` the rows at `positions` (of `rows`, or the rows themselves when nil)
    /// that pass; returns how many. `out` has room for `positions.count`.
    func select(_ rows: UnsafeBufferPointer<UInt32>?, _ positions: Range<Int>, into out: UnsafeMutablePointer<UInt32>) -> Int {
        switch self {
        case .ids(let ids, let test):
            return ids.withUnsafeBufferPointer { x in
                let null = StringColumn.nullID
                switch test {
                case .equal(let id): return Self.loop(rows, positions, out) { x[$0] == id }
                case .notEqual(let id): return Self.loop(rows, positions, out) { x[$0] != id && x[$0] != null }
                case .below(let bound): return Self.loop(rows, positions, out) { x[$0] < bound }
                case .atLeast(let bound): return Self.loop(rows, positions, out) { x[$0] >= bound && x[$0] != null }
                case .never: return 0
                case .null(let wanted): return Self.loop(rows, positions, out) { (x[$0] == null) == wanted }
                }
            }
        case .ints(let xs, let nulls, let op, let k):
            return xs.withUnsafeBufferPointer { x in Self.compareLoop(x, nulls, op, k, rows, positions, out) }
        case .floats(let xs, let nulls, let op, let k):
            return xs.withUnsafeBufferPointer { x in Self.compareLoop(x, nulls, op, k, rows, positions, out) }
        case .nulls(let mask, let wanted):
            guard let mask else { return wanted ? 0 : Self.loop(rows, positions, out) { _ in true } }
            return mask.withUnsafeBufferPointer { m in Self.loop(rows, positions, out) { m[$0] == wanted } }
        }
    }

    /// One operator's loop; a row with a null mask set never passes.
    @inline(__always)
    private static func compareLoop<T: Comparable>(_ x: UnsafeBufferPointer<T>, _ nulls: ColumnBuffer<Bool>?, _ op: BinaryOperator, _ k: T,
                                                   _ rows: UnsafeBufferPointer<UInt32>?, _ positions: Range<Int>, _ out: UnsafeMutablePointer<UInt32>) -> Int {
        guard let nulls else {
            switch op {
            case .eq: return loop(rows, positions, out) { x[$0] == k }
            case .ne: return loop(rows, positions, out) { x[$0] != k }
            case .lt: return loop(rows, positions, out) { x[$0] < k }
            case .le: return loop(rows, positions, out) { x[$0] <= k }
            case .gt: return loop(rows, positions, out) { x[$0] > k }
            default: return loop(rows, positions, out) { x[$0] >= k }
            }
        }
        return nulls.withUnsafeBufferPointer { m in
            switch op {
            case .eq: return loop(rows, positions, out) { !m[$0] && x[$0] == k }
            case .ne: return loop(rows, positions, out) { !m[$0] && x[$0] != k }
            case .lt: return loop(rows, positions, out) { !m[$0] && x[$0] < k }
            case .le: return loop(rows, positions, out) { !m[$0] && x[$0] <= k }
            case .gt: return loop(rows, positions, out) { !m[$0] && x[$0] > k }
            default: return loop(rows, positions, out) { !m[$0] && x[$0] >= k }
            }
        }
    }

    /// Stores each row and moves on past it when `passes`: no branch on the outcome.
    @inline(__always)
    private static func loop(_ rows: UnsafeBufferPointer<UInt32>?, _ positions: Range<Int>, _ out: UnsafeMutablePointer<UInt32>,
                             _ passes: (Int) -> Bool) -> Int {
        var n = 0
        if let rows {
            for k in positions {
                let row = rows[k]
                out[n] = row
                n &+= passes(Int(row)) ? 1 : 0
            }
        } else {
            for row in positions {
                out[n] = UInt32(truncatingIfNeeded: row)
                n &+= passes(row) ? 1 : 0
            }
        }
        return n
    }
}
