// `distance(latColumn, lonColumn, LAT, LON) <= R` recognised once and tested one way: the
// filter's kernel (ExpressionEvaluator+Float.swift) and the grid's exact check on the cells at
// a circle's edge (GeoSelection.swift) share this code, so both give the same rows.

import EVQStore
import EVQSyntax
import Foundation

/// A circle test: is (lat, lon) within `limit` km of a fixed point?
struct DistanceWithin {
    /// The table columns the test reads.
    let latitudeColumn: Int, longitudeColumn: Int
    let lat: Double, lon: Double
    let limit: Double
    /// `<=` (true) or `<`.
    let inclusive: Bool
    private let cosLat: Double
    /// Beyond this latitude difference (radians) no point can be within the limit; the margin
    /// is far above rounding error, so the skip never changes an answer.
    private let maxLatitudeGap: Double

    init(latitudeColumn: Int, longitudeColumn: Int, lat: Double, lon: Double, limit: Double, inclusive: Bool) {
        self.latitudeColumn = latitudeColumn
        self.longitudeColumn = longitudeColumn
        self.lat = lat
        self.lon = lon
        self.limit = limit
        self.inclusive = inclusive
        cosLat = cos(lat * .pi / 180)
        maxLatitudeGap = limit / Earth.radiusKilometres * (1 + 1e-9) + 1e-12
    }

    /// `distance(la, lo, LAT, LON) <= R` or `< R` (or `R >= distance(...)`) over float columns.
    static func match(_ c: TypedExpr, _ table: Table) -> DistanceWithin? {
        guard case .compare(let op, let a, let b) = c.kind else { return nil }
        if let m = match(op, a, b, table) { return m }
        return match(op.flipped, b, a, table)
    }

    static func match(_ op: BinaryOperator, _ a: TypedExpr, _ b: TypedExpr, _ table: Table) -> DistanceWithin? {
        guard op == .le || op == .lt, case .call(.distance, let args) = a.kind, args.count == 4,
              let limit = b.constantValue?.asDouble, !limit.isNaN,
              let la = args[0].columnIndex, let lo = args[1].columnIndex,
              case .float = table.columns[la].data, case .float = table.columns[lo].data,
              let lat2 = args[2].constantValue?.asDouble, let lon2 = args[3].constantValue?.asDouble
        else { return nil }
        return DistanceWithin(latitudeColumn: la, longitudeColumn: lo, lat: lat2, lon: lon2, limit: limit, inclusive: op == .le)
    }

    /// The haversine of `Earth.kilometres` with the row as the first point: same operations
    /// in the same order, the fixed point's cosine computed once, and points whose latitude
    /// alone puts them beyond the limit skipped before any trigonometry.
    @inline(__always)
    func holds(_ lat1: Double, _ lon1: Double) -> Bool {
        let dp = (lat - lat1) * .pi / 180
        if abs(dp) > maxLatitudeGap && abs(dp) <= .pi { return false }  // past pi (bad latitudes) the bound fails
        let p1 = lat1 * .pi / 180, dl = (lon - lon1) * .pi / 180
        let h = sin(dp / 2) * sin(dp / 2) + cos(p1) * cosLat * sin(dl / 2) * sin(dl / 2)
        let d = 2 * Earth.radiusKilometres * asin(min(1, h.squareRoot()))
        return inclusive ? d <= limit : d < limit
    }
}
