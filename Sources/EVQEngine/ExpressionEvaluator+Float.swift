// Float-valued expressions compiled to closures over the typed buffers, without a boxed
// `Value` per operand: `distance(lat, lon, 33.5, 36.3) <= 50` reads two Double arrays and
// calls the haversine directly. Covers float and int columns, numeric constants, float
// arithmetic, negation and distance(); anything else returns nil and takes the boxed path.
// Results equal the boxed path's: null in, null out; division by zero is null; comparisons
// order NaN as `Value.compare` does (above every number, equal to nothing).

import EVQStore
import EVQSyntax
import Foundation

typealias FloatEval = (Int) -> Double?

extension ExpressionEvaluator {
    static func compileFloat(_ e: TypedExpr, _ table: Table) -> FloatEval? {
        switch e.kind {
        case .constant(let v):
            guard let x = v.asDouble else { return nil }
            return { _ in x }
        case .column(let i):
            let c = table.columns[i]
            let mask = c.isNull
            switch c.data {
            case .float(let v): return { row in mask?[row] == true ? nil : v[row] }
            case .int(let v) where c.type == .int: return { row in mask?[row] == true ? nil : Double(v[row]) }
            default: return nil
            }
        case .negate(let a):
            guard e.type == .float, let f = compileFloat(a, table) else { return nil }
            return { row in f(row).map { -$0 } }
        case .arithmetic(let op, let a, let b):
            guard e.type == .float, let f = compileFloat(a, table), let g = compileFloat(b, table) else { return nil }
            switch op {
            case .add: return { row in guard let x = f(row), let y = g(row) else { return nil }; return x + y }
            case .sub: return { row in guard let x = f(row), let y = g(row) else { return nil }; return x - y }
            case .mul: return { row in guard let x = f(row), let y = g(row) else { return nil }; return x * y }
            case .div: return { row in guard let x = f(row), let y = g(row), y != 0 else { return nil }; return x / y }
            case .mod: return { row in guard let x = f(row), let y = g(row), y != 0 else { return nil }; return x.truncatingRemainder(dividingBy: y) }
            default: return nil
            }
        case .call(.distance, let args) where args.count == 4:
            let fs = args.compactMap { compileFloat($0, table) }
            guard fs.count == 4 else { return nil }
            let (a, b, c, d) = (fs[0], fs[1], fs[2], fs[3])
            return { row in
                guard let la1 = a(row), let lo1 = b(row), let la2 = c(row), let lo2 = d(row) else { return nil }
                return ScalarFunctions.greatCircleKilometres(la1, lo1, la2, lo2)
            }
        default:
            return nil
        }
    }

    /// `a op b` when at least one side is a float expression and both compile to floats.
    static func floatCompare(_ op: BinaryOperator, _ a: TypedExpr, _ b: TypedExpr, _ table: Table) -> RowPredicate? {
        if let near = distanceWithin(op, a, b, table) { return near }
        guard a.type == .float || b.type == .float, a.type.isNumeric, b.type.isNumeric,
              let f = compileFloat(a, table), let g = compileFloat(b, table) else { return nil }
        @inline(__always) func order(_ x: Double, _ y: Double) -> Int { x < y ? -1 : (x == y ? 0 : 1) }
        switch op {
        case .eq: return { row in guard let x = f(row), let y = g(row) else { return false }; return x == y }
        case .ne: return { row in guard let x = f(row), let y = g(row) else { return false }; return !(x == y) }
        case .lt: return { row in guard let x = f(row), let y = g(row) else { return false }; return x < y }
        case .le: return { row in guard let x = f(row), let y = g(row) else { return false }; return order(x, y) <= 0 }
        case .gt: return { row in guard let x = f(row), let y = g(row) else { return false }; return order(x, y) > 0 }
        case .ge: return { row in guard let x = f(row), let y = g(row) else { return false }; return order(x, y) >= 0 }
        default: return nil
        }
    }

    /// `distance(latColumn, lonColumn, LAT, LON) < R` (or `<=`, or flipped): the test of
    /// GeoDistance.swift per row, nulls never within.
    private static func distanceWithin(_ op: BinaryOperator, _ a: TypedExpr, _ b: TypedExpr, _ table: Table) -> RowPredicate? {
        guard let test = DistanceWithin.match(op, a, b, table) ?? DistanceWithin.match(op.flipped, b, a, table),
              case .float(let lats) = table.columns[test.latitudeColumn].data,
              case .float(let lons) = table.columns[test.longitudeColumn].data
        else { return nil }
        let latMask = table.columns[test.latitudeColumn].isNull, lonMask = table.columns[test.longitudeColumn].isNull
        return { row in
            if latMask?[row] == true || lonMask?[row] == true { return false }
            return test.holds(lats[row], lons[row])
        }
    }
}
