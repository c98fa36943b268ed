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
        case .bin:
            let f = args[0], g = args[1]
            return { row in bin(f(row), g(row)) }
        case .latest:
            return { _ in .null }  // folded by the checker
        case .now:
            let t = Int64(Date().timeIntervalSince1970)
            return { _ in .time(t) }
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
                case .string(let s): return Double(s.trimmingCharacters(in: .whitespaces)).map(Value.float) ?? .null
                default: return .null
                }
            }
        case .abs:
            return unary { v in
                switch v {
                case .int(let i): return i == .min ? .null : .int(Swift.abs(i))
                case .float(let d): return .float(Swift.abs(d))
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
                case .int: return v
                case .float(let d):
                    let scale = pow(10.0, Double(n))
                    return .float((d * scale).rounded(.toNearestOrAwayFromZero) / scale)
                default: return .null
                }
            }
        case .floor, .ceil:
            let rule: FloatingPointRoundingRule = fn == .floor ? .down : .up
            return unary { v in
                switch v {
                case .int: return v
                case .float(let d): return .float(d.rounded(rule))
                default: return .null
                }
            }
        }
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
            return .time(TimeFormat.floorDiv(t, d) * d)
        case (.int(let x), .int(let k)) where k > 0:
            return .int(TimeFormat.floorDiv(x, k) * k)
        default:
            guard let x = v.asDouble, let k = size.asDouble, k > 0 else { return .null }
            return .float((x / k).rounded(.down) * k)
        }
    }
}
