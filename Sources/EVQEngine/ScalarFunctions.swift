// Row-level implementations of the scalar functions declared in Functions.swift.

import EVQStore
import Foundation

enum ScalarFunctions {
    static func compile(_ fn: ScalarFunction, _ args: [RowEval], _ typed: [TypedExpr]) -> RowEval {
        func unary(_ body: @escaping (Value) -> Value) -> RowEval {
            let f = args[0]
            return { row in body(f(row)) }
        }
        switch fn {
        case .day: return unary { v in truncate(v) { TimeFormat.floorDiv($0, 86_400) * 86_400 } }
        case .week: return unary { v in truncate(v) { weekStart($0) } }
        case .month:
            return unary { v in
                truncate(v) { t in
                    let (y, m, _) = TimeFormat.civil(days: TimeFormat.floorDiv(t, 86_400))
                    return TimeFormat.days(year: y, month: m, day: 1) * 86_400
                }
            }
        case .year:
            return unary { v in
                guard case .time(let t) = v else { return .null }
                return .int(TimeFormat.civil(days: TimeFormat.floorDiv(t, 86_400)).year)
            }
        case .dayofweek:
            return unary { v in
                guard case .time(let t) = v else { return .null }
                let day = TimeFormat.floorDiv(t, 86_400)
                return .int(((day + 3) % 7 + 7) % 7 + 1)
            }
        case .bin:
            let f = args[0], g = args[1]
            return { row in bin(f(row), g(row)) }
        case .latest:
            return { _ in .null }  // folded by the checker
        case .now:
            let t = Int64(Date().timeIntervalSince1970)
            return { _ in .time(t) }
        case .todatetime:
            var layout: TimeLayout? = nil
            if typed.count == 2, case .constant(.string(let name)) = typed[1].kind { layout = TimeLayout(name: name) }
            return unary { v in
                switch v {
                case .time: return v
                case .string(let s): return (layout?.parse(s) ?? (layout == nil ? TimeFormat.parseAutomatic(s) : nil)).map(Value.time) ?? .null
                case .int(let i): return (layout ?? .yyyymmdd).parse(String(i)).map(Value.time) ?? .null
                default: return .null
                }
            }
        case .make_datetime:
            return { row in
                var parts: [Int64] = []
                for f in args {
                    guard case .int(let v) = f(row) else { return .null }
                    parts.append(v)
                }
                return TimeFormat.make(parts).map(Value.time) ?? .null
            }
        case .isnull: return unary { .bool($0.isNull) }
        case .isnotnull: return unary { .bool(!$0.isNull) }
        case .coalesce:
            let asFloat = typed.contains { $0.type == .float }
            return { row in
                for f in args {
                    let v = f(row)
                    if !v.isNull {
                        if asFloat, case .int(let i) = v { return .float(Double(i)) }
                        return v
                    }
                }
                return .null
            }
        case .tolower: return unary { v in v.stringValue.map { .string($0.lowercased()) } ?? .null }
        case .toupper: return unary { v in v.stringValue.map { .string($0.uppercased()) } ?? .null }
        case .strlen: return unary { v in v.stringValue.map { .int(Int64($0.count)) } ?? .null }
        case .substring:
            return { row in
                guard case .string(let s) = args[0](row), case .int(let start) = args[1](row) else { return .null }
                let chars = Array(s)
                let from = Int(max(0, min(start, Int64(chars.count))))
                var to = chars.count
                if args.count == 3 {
                    guard case .int(let length) = args[2](row) else { return .null }
                    to = from + Int(min(Int64(chars.count - from), max(0, length)))
                }
                return .string(String(chars[from..<max(from, to)]))
            }
        case .replace:
            return { row in
                guard case .string(let s) = args[0](row), case .string(let old) = args[1](row), case .string(let new) = args[2](row) else { return .null }
                return .string(old.isEmpty ? s : s.replacingOccurrences(of: old, with: new))
            }
        case .trim: return unary { v in v.stringValue.map { .string($0.trimmingCharacters(in: .whitespacesAndNewlines)) } ?? .null }
        case .strcat:
            return { row in .string(args.map { f in let v = f(row); return v.isNull ? "" : ValueFormat.plain(v) }.joined()) }
        case .tostring: return unary { v in v.isNull ? .null : .string(ValueFormat.plain(v)) }
        case .toint:
            return unary { v in
                switch v {
                case .int: return v
                case .float(let d): return Int64(exactly: d.rounded(.towardZero)).map(Value.int) ?? .null
                case .string(let s): return Int64(s.trimmingCharacters(in: .whitespaces)).map(Value.int) ?? .null
                case .bool(let b): return .int(b ? 1 : 0)
                default: return .null
                }
            }
        case .tofloat:
            return unary { v in
                switch v {
                case .int(let i): return .float(Double(i))
                case .float: return v
                case .string(let s): return Double(s.trimmingCharacters(in: .whitespaces)).map(finite) ?? .null
                default: return .null
                }
            }
        case .abs:
            return unary { v in
                switch v {
                case .int(let i): return i == .min ? .null : .int(Swift.abs(i))
                case .float(let d): return finite(Swift.abs(d))
                case .duration(let d): return .duration(Swift.abs(d))
                default: return .null
                }
            }
        case .round:
            let f = args[0]
            let digits = args.count > 1 ? args[1] : { _ in .int(0) }
            return { row in
                let v = f(row)
                guard case .int(let n) = digits(row) else { return .null }
                switch v {
                case .int(let i):
                    // round(1234, -2) is 1200: whole numbers round to tens, hundreds, ...
                    guard n < 0 else { return v }
                    guard n > -19 else { return .int(0) }
                    var p: Int64 = 1
                    for _ in 0..<Int(-n) { p *= 10 }
                    let (q, r) = i.quotientAndRemainder(dividingBy: p)
                    let away: Int64 = r.magnitude * 2 >= p.magnitude ? (i < 0 ? -1 : 1) : 0
                    let (out, overflow) = (q + away).multipliedReportingOverflow(by: p)
                    return overflow ? .null : .int(out)
                case .float(let d):
                    // Past 10^±308 the scale itself overflows: a double has no digits that far
                    // right (it is unchanged) and none that far left (it rounds to 0).
                    guard d.isFinite else { return .null }
                    if n > 308 { return v }
                    if n < -308 { return .float(0) }
                    let scale = pow(10.0, Double(n)), scaled = d * scale
                    guard scaled.isFinite else { return v }
                    return finite(scaled.rounded(.toNearestOrAwayFromZero) / scale)
                default: return .null
                }
            }
        case .sqrt:
            return unary { v in v.asDouble.flatMap { $0 < 0 ? nil : Value.float($0.squareRoot()) } ?? .null }
        case .log:
            return unary { v in v.asDouble.flatMap { $0 <= 0 ? nil : Value.float(Foundation.log($0)) } ?? .null }
        case .pow:
            return { row in
                guard let x = args[0](row).asDouble, let y = args[1](row).asDouble else { return .null }
                let r = Foundation.pow(x, y)
                return r.isFinite ? .float(r) : .null
            }
        case .distance:
            return { row in
                let vs = args.map { $0(row).asDouble }
                guard let la1 = vs[0], let lo1 = vs[1], let la2 = vs[2], let lo2 = vs[3] else { return .null }
                return finite(greatCircleKilometres(la1, lo1, la2, lo2))
            }
        case .near:
            // The checker rewrites near() as a distance comparison; no call of it is left to run.
            preconditionFailure("near() reached the evaluator")
        case .floor, .ceil:
            let rule: FloatingPointRoundingRule = fn == .floor ? .down : .up
            return unary { v in
                switch v {
                case .int: return v
                case .float(let d): return finite(d.rounded(rule))
                default: return .null
                }
            }
        }
    }

    /// A float result, or null when it is not a number or not finite: "undefined" is null.
    static func finite(_ d: Double) -> Value { d.isFinite ? .float(d) : .null }

    /// Haversine distance on a sphere of the mean Earth radius (6,371.0088 km); good to
    /// about 0.5% anywhere, which is far finer than event geocoding.
    static func greatCircleKilometres(_ lat1: Double, _ lon1: Double, _ lat2: Double, _ lon2: Double) -> Double {
        Earth.kilometres(lat1, lon1, lat2, lon2)
    }

    private static func truncate(_ v: Value, _ body: (Int64) -> Int64) -> Value {
        guard case .time(let t) = v else { return .null }
        return .time(body(t))
    }

    /// Monday 00:00 of the ISO week holding `t`. 1970-01-01 was a Thursday.
    static func weekStart(_ t: Int64) -> Int64 {
        let day = TimeFormat.floorDiv(t, 86_400)
        let weekday = ((day + 3) % 7 + 7) % 7  // 0 = Monday
        return (day - weekday) * 86_400
    }

    static func bin(_ v: Value, _ size: Value) -> Value {
        switch (v, size) {
        case (.time(let t), .duration(let d)) where d > 0:
            let (r, overflow) = TimeFormat.floorDiv(t, d).multipliedReportingOverflow(by: d)
            return overflow ? .null : .time(r)
        case (.int(let x), .int(let k)) where k > 0:
            let (r, overflow) = TimeFormat.floorDiv(x, k).multipliedReportingOverflow(by: k)
            return overflow ? .null : .int(r)
        default:
            guard let x = v.asDouble, let k = size.asDouble, k > 0 else { return .null }
            return finite((x / k).rounded(.down) * k)
        }
    }
}
