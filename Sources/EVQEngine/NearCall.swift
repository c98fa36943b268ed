// Checks `near(lat, lon, radius)` and `near("Place", radius)`: the input's coordinate fields
// (CoordinateColumns), a constant point (or a place resolved by GeoPlace.swift) and a distance,
// rewritten as `distance(lat, lon, LAT, LON) <= radius`, which the filter kernel and the grid
// cells both answer. Radii are kilometres: `50km`, `30mi`, `10nmi` or a plain number.

import EVQStore
import EVQSyntax

extension Checker {
    func near(_ f: Identifier, _ args: [Expr], _ span: Span, _ scope: inout Scope) throws(Diagnostic) -> TypedExpr {
        let usage = "usage: " + ScalarFunction.near.signature
        guard let (latField, lonField) = CoordinateColumns.find(scope.fields.map { ($0.name, $0.type) }) else {
            throw Diagnostic("'near' needs latitude and longitude fields (lat and lon, or latitude and longitude)", at: f.span,
                             hint: scope.fields.isEmpty ? nil : "fields: " + scope.fields.prefix(8).map(\.name).joined(separator: ", ")
                                 + (scope.fields.count > 8 ? ", ..." : ""))
        }
        let radius = try nearRadius(args[args.count - 1], &scope)
        let point: (lat: Double, lon: Double)
        if args.count == 2 {
            guard case .string(let name) = args[0].kind else {
                throw Diagnostic("'near' with two arguments needs a place name in quotes", at: args[0].span, hint: usage)
            }
            guard let segments = catalog.segmentedTables[catalog.defaultTable]?.segments ?? catalog.tables[catalog.defaultTable].map({ [$0] }) else {
                throw Diagnostic("place names are found in the '\(catalog.defaultTable)' table, which is not loaded", at: args[0].span,
                                 hint: "give coordinates: near(33.31, 44.37, 50km)")
            }
            point = try GeoPlace.resolve(name, in: segments, at: args[0].span)
        } else {
            let lat = try nearCoordinate(args[0], "latitude", -90...90, &scope)
            let lon = try nearCoordinate(args[1], "longitude", -180...180, &scope)
            point = (lat, lon)
        }
        let distance = TypedExpr(.call(.distance, [
            TypedExpr(.column(latField), scope.fields[latField].type, span),
            TypedExpr(.column(lonField), scope.fields[lonField].type, span),
            TypedExpr(.constant(.float(point.lat)), .float, span),
            TypedExpr(.constant(.float(point.lon)), .float, span),
        ]), .float, span)
        return TypedExpr(.compare(.le, distance, TypedExpr(.constant(.float(radius)), .float, span)), .bool, span)
    }

    /// The radius in kilometres: a constant number that is not negative.
    private func nearRadius(_ e: Expr, _ scope: inout Scope) throws(Diagnostic) -> Double {
        let t = try check(e, &scope)
        if t.type == .duration {
            var hint = "distances are written 50km, 30mi or 10nmi"
            // Written in minutes when the literal is the minute count and one letter (`500m`, not `8h`).
            if case .duration(let seconds) = e.kind, seconds % 60 == 0, e.span.end - e.span.start == String(seconds / 60).count + 1 {
                let minutes = seconds / 60
                var km = String(Double(minutes) / 1000)
                if km.hasSuffix(".0") { km.removeLast(2) }
                hint = "'\(minutes)m' is \(minutes) minutes ('m' means minutes): write \(km)km for \(minutes) metres"
            }
            throw Diagnostic("'near' needs a distance as its radius, found a duration", at: e.span, hint: hint)
        }
        guard t.type.isNumeric, let v = try fold(t)?.asDouble else {
            throw Diagnostic("'near' needs a constant distance as its radius, such as 50km", at: e.span,
                             hint: "to compare with a column, write distance(lat, lon, LAT, LON) <= x")
        }
        guard v >= 0, v.isFinite else {
            throw Diagnostic("a radius cannot be negative", at: e.span)
        }
        return v
    }

    private func nearCoordinate(_ e: Expr, _ what: String, _ range: ClosedRange<Double>, _ scope: inout Scope) throws(Diagnostic) -> Double {
        let t = try check(e, &scope)
        guard t.type.isNumeric, let v = try fold(t)?.asDouble else {
            throw Diagnostic("'near' needs a constant \(what) in decimal degrees", at: e.span,
                             hint: "to measure between two rows' points, write distance(lat, lon, lat2, lon2) <= 50km")
        }
        guard range.contains(v) else {
            throw Diagnostic("\(what) \(GeoPlace.degrees(v)) is out of range", at: e.span,
                             hint: "\(what)s run from \(Int(range.lowerBound)) to \(Int(range.upperBound))")
        }
        return v
    }
}
