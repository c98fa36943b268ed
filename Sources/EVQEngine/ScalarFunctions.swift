// The built-in scalar functions, each defined once: name, arity, the doc line `.help` and
// completion show, type rule and row kernel. Adding a function is adding a definition here
// and listing it in `builtins`; `near` and `latest` are also special forms of the checker
// (Checker+Call.swift), and the ClickHouse translation (EVQSQL) says which functions it can
// write as SQL.

import EVQStore
import EVQSyntax
import Foundation

extension ScalarFunction {
    /// Every built-in, in the order `.help functions` lists them.
    static let builtins: [ScalarFunction] = [
        .day, .week, .month, .year, .dayofweek, .bin, .latest, .now, .todatetime, .make_datetime,
        .isnull, .isnotnull, .coalesce,
        .tolower, .toupper, .strlen, .substring, .replace, .trim, .strcat, .tostring, .toint, .tofloat,
        .abs, .round, .floor, .ceil, .sqrt, .pow, .log, .distance, .near,
    ]

    // MARK: time

    package static let day = ScalarFunction("day", arity: 1...1, "day(t): the start of t's day",
        type: { c throws(Diagnostic) in try c.need(0, [.time], "a time"); return .time },
        kernel: unary { v in truncate(v) { TimeFormat.floorDiv($0, 86_400) * 86_400 } })

    package static let week = ScalarFunction("week", arity: 1...1, "week(t): the Monday starting t's ISO week",
        type: { c throws(Diagnostic) in try c.need(0, [.time], "a time"); return .time },
        kernel: unary { v in truncate(v) { ScalarFunctions.weekStart($0) } })

    package static let month = ScalarFunction("month", arity: 1...1, "month(t): the first day of t's month",
        type: { c throws(Diagnostic) in try c.need(0, [.time], "a time"); return .time },
        kernel: unary { v in
            truncate(v) { t in
                let (y, m, _) = TimeFormat.civil(days: TimeFormat.floorDiv(t, 86_400))
                return TimeFormat.days(year: y, month: m, day: 1) * 86_400
            }
        })

    package static let year = ScalarFunction("year", arity: 1...1, "year(t): t's year as a number",
        type: { c throws(Diagnostic) in try c.need(0, [.time], "a time"); return .int },
        kernel: unary { v in
            guard case .time(let t) = v else { return .null }
            return .int(TimeFormat.civil(days: TimeFormat.floorDiv(t, 86_400)).year)
        })

    package static let dayofweek = ScalarFunction("dayofweek", arity: 1...1, "dayofweek(t): 1 for Monday to 7 for Sunday (ISO)",
        type: { c throws(Diagnostic) in try c.need(0, [.time], "a time"); return .int },
        kernel: unary { v in
            guard case .time(let t) = v else { return .null }
            let day = TimeFormat.floorDiv(t, 86_400)
            return .int(((day + 3) % 7 + 7) % 7 + 1)
        })

    package static let bin = ScalarFunction("bin", arity: 2...2,
        "bin(t, 3d): t rounded down to a multiple of the duration (from 1970-01-01); bin(x, 10) for numbers",
        type: { c throws(Diagnostic) in
            if c.type(0) == .time {
                try c.need(1, [.duration], "a duration such as 1d when binning times")
                guard case .constant(.duration(let d)) = c[1].kind, d > 0 else {
                    throw Diagnostic("'bin' needs a positive constant duration", at: c[1].span, hint: "for example: bin(date, 7d)")
                }
                return .time
            }
            try c.need(0, [.int, .float], "a time or a number")
            try c.need(1, [.int, .float], "a number")
            return c.type(0) == .int && c.type(1) == .int ? .int : .float
        },
        kernel: { args, _ in
            let f = args[0], g = args[1]
            return { row in ScalarFunctions.bin(f(row), g(row)) }
        })

    /// A special form: the checker checks the default table and the binder reads the time.
    package static let latest = ScalarFunction("latest", arity: 0...0, "latest(): the newest time in the events table", foldable: false,
        type: { _ throws(Diagnostic) in .time },
        kernel: { _, _ in { _ in .null } })  // replaced by the binder before anything runs

    package static let now = ScalarFunction("now", arity: 0...0, "now(): the current time", foldable: false,
        type: { _ throws(Diagnostic) in .time },
        kernel: { _, _ in
            let t = Int64(Date().timeIntervalSince1970)
            return { _ in .time(t) }
        })

    package static let todatetime = ScalarFunction("todatetime", arity: 1...2,
        "todatetime(s) or todatetime(s, layout): text as a time (null when it is not one); layouts: iso, yyyymmdd, yyyymmddhhmmss, unix, dd/mm/yyyy, mm/dd/yyyy, d month yyyy",
        type: { c throws(Diagnostic) in
            try c.need(0, [.string, .int, .time], "text")
            if c.count == 2 {
                guard case .constant(.string(let name)) = c[1].kind else {
                    throw Diagnostic("'todatetime' needs a layout name in quotes", at: c[1].span, hint: c.usage)
                }
                guard TimeLayout(name: name) != nil else {
                    throw Diagnostic("unknown layout '\(name)'", at: c[1].span,
                                     hint: "layouts: " + TimeLayout.allCases.map(\.rawValue).joined(separator: ", "))
                }
            }
            return .time
        },
        kernel: { args, typed in
            var layout: TimeLayout? = nil
            if typed.count == 2, case .constant(.string(let name)) = typed[1].kind { layout = TimeLayout(name: name) }
            let f = args[0], chosen = layout
            return { row in
                let v = f(row)
                switch v {
                case .time: return v
                case .string(let s): return (chosen?.parse(s) ?? (chosen == nil ? TimeFormat.parseAutomatic(s) : nil)).map(Value.time) ?? .null
                case .int(let i): return (chosen ?? .yyyymmdd).parse(String(i)).map(Value.time) ?? .null
                default: return .null
                }
            }
        })

    package static let make_datetime = ScalarFunction("make_datetime", arity: 3...6,
        "make_datetime(year, month, day [, hour, minute, second]): a UTC time (null when invalid)",
        type: { c throws(Diagnostic) in
            for i in 0..<c.count { try c.need(i, [.int], "whole numbers") }
            return .time
        },
        kernel: { args, _ in
            { row in
                var parts: [Int64] = []
                for f in args {
                    guard case .int(let v) = f(row) else { return .null }
                    parts.append(v)
                }
                return TimeFormat.make(parts).map(Value.time) ?? .null
            }
        })

    // MARK: nulls

    package static let isnull = ScalarFunction("isnull", arity: 1...1, "isnull(x): true when x is null",
        type: { _ throws(Diagnostic) in .bool }, kernel: unary { .bool($0.isNull) })

    package static let isnotnull = ScalarFunction("isnotnull", arity: 1...1, "isnotnull(x): true when x is not null",
        type: { _ throws(Diagnostic) in .bool }, kernel: unary { .bool(!$0.isNull) })

    package static let coalesce = ScalarFunction("coalesce", arity: 1...16, "coalesce(a, b, ...): the first argument that is not null",
        type: { c throws(Diagnostic) in
            let types = Set(c.arguments.map(\.type).filter { $0 != .null })
            if types.count > 1, !types.allSatisfy(\.isNumeric) {
                throw Diagnostic("'coalesce' needs arguments of one type, found \(types.map(\.rawValue).sorted().joined(separator: " and "))", at: c.nameSpan)
            }
            return types.count > 1 ? .float : (types.first ?? .null)
        },
        kernel: { args, typed in
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
        })

    // MARK: text

    package static let tolower = ScalarFunction("tolower", arity: 1...1, "tolower(s): s in lower case",
        type: { c throws(Diagnostic) in try c.need(0, [.string], "text"); return .string },
        kernel: unary { v in v.stringValue.map { .string($0.lowercased()) } ?? .null })

    package static let toupper = ScalarFunction("toupper", arity: 1...1, "toupper(s): s in upper case",
        type: { c throws(Diagnostic) in try c.need(0, [.string], "text"); return .string },
        kernel: unary { v in v.stringValue.map { .string($0.uppercased()) } ?? .null })

    package static let strlen = ScalarFunction("strlen", arity: 1...1, "strlen(s): number of characters",
        type: { c throws(Diagnostic) in try c.need(0, [.string], "text"); return .int },
        kernel: unary { v in v.stringValue.map { .int(Int64($0.count)) } ?? .null })

    package static let substring = ScalarFunction("substring", arity: 2...3,
        "substring(s, start, length): characters from start (0-based); length optional",
        type: { c throws(Diagnostic) in
            try c.need(0, [.string], "text")
            try c.need(1, [.int], "a whole-number start")
            if c.count == 3 { try c.need(2, [.int], "a whole-number length") }
            return .string
        },
        kernel: { args, _ in
            { row in
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
        })

    package static let replace = ScalarFunction("replace", arity: 3...3, "replace(s, old, new): every occurrence of old replaced by new (exact case)",
        type: { c throws(Diagnostic) in
            for i in 0..<3 { try c.need(i, [.string], "text") }
            return .string
        },
        kernel: { args, _ in
            { row in
                guard case .string(let s) = args[0](row), case .string(let old) = args[1](row), case .string(let new) = args[2](row) else { return .null }
                return .string(old.isEmpty ? s : s.replacingOccurrences(of: old, with: new))
            }
        })

    package static let trim = ScalarFunction("trim", arity: 1...1, "trim(s): s without leading and trailing white space",
        type: { c throws(Diagnostic) in try c.need(0, [.string], "text"); return .string },
        kernel: unary { v in v.stringValue.map { .string($0.trimmingCharacters(in: .whitespacesAndNewlines)) } ?? .null })

    package static let strcat = ScalarFunction("strcat", arity: 1...16, "strcat(a, b, ...): the arguments as text, joined; null arguments are skipped",
        type: { _ throws(Diagnostic) in .string },
        kernel: { args, _ in
            { row in .string(args.map { f in let v = f(row); return v.isNull ? "" : ValueFormat.plain(v) }.joined()) }
        })

    // MARK: conversions

    package static let tostring = ScalarFunction("tostring", arity: 1...1, "tostring(x): x as text",
        type: { _ throws(Diagnostic) in .string },
        kernel: unary { v in v.isNull ? .null : .string(ValueFormat.plain(v)) })

    package static let toint = ScalarFunction("toint", arity: 1...1, "toint(x): x as an integer (null when it is not one)",
        type: { _ throws(Diagnostic) in .int },
        kernel: unary { v in
            switch v {
            case .int: return v
            case .float(let d): return Int64(exactly: d.rounded(.towardZero)).map(Value.int) ?? .null
            case .string(let s): return Int64(s.trimmingCharacters(in: .whitespaces)).map(Value.int) ?? .null
            case .bool(let b): return .int(b ? 1 : 0)
            default: return .null
            }
        })

    package static let tofloat = ScalarFunction("tofloat", arity: 1...1, "tofloat(x): x as a floating-point number (null when it is not one)",
        type: { _ throws(Diagnostic) in .float },
        kernel: unary { v in
            switch v {
            case .int(let i): return .float(Double(i))
            case .float: return v
            case .string(let s): return Double(s.trimmingCharacters(in: .whitespaces)).map(ScalarFunctions.finite) ?? .null
            default: return .null
            }
        })

    // MARK: numbers

    package static let abs = ScalarFunction("abs", arity: 1...1, "abs(x): absolute value",
        type: { c throws(Diagnostic) in try c.need(0, [.int, .float, .duration], "a number"); return c.type(0) },
        kernel: unary { v in
            switch v {
            case .int(let i): return i == .min ? .null : .int(Swift.abs(i))
            case .float(let d): return ScalarFunctions.finite(Swift.abs(d))
            case .duration(let d): return .duration(Swift.abs(d))
            default: return .null
            }
        })

    package static let round = ScalarFunction("round", arity: 1...2, "round(x) or round(x, digits)",
        type: { c throws(Diagnostic) in
            try c.need(0, [.int, .float], "a number")
            if c.count == 2 { try c.need(1, [.int], "a whole number of digits") }
            return c.type(0) == .int ? .int : .float
        },
        kernel: { args, _ in
            let f = args[0]
            let digits = args.count > 1 ? args[1] : { _ in .int(0) }
            return { row in ScalarFunctions.round(f(row), digits(row)) }
        })

    package static let floor = ScalarFunction("floor", arity: 1...1, "floor(x): largest integer not above x",
        type: { c throws(Diagnostic) in try c.need(0, [.int, .float], "a number"); return c.type(0) == .int ? .int : .float },
        kernel: unary { ScalarFunctions.rounded($0, .down) })

    package static let ceil = ScalarFunction("ceil", arity: 1...1, "ceil(x): smallest integer not below x",
        type: { c throws(Diagnostic) in try c.need(0, [.int, .float], "a number"); return c.type(0) == .int ? .int : .float },
        kernel: unary { ScalarFunctions.rounded($0, .up) })

    package static let sqrt = ScalarFunction("sqrt", arity: 1...1, "sqrt(x): square root (null for negative x)",
        type: { c throws(Diagnostic) in try c.need(0, [.int, .float], "a number"); return .float },
        kernel: unary { v in v.asDouble.flatMap { $0 < 0 ? nil : Value.float($0.squareRoot()) } ?? .null })

    package static let pow = ScalarFunction("pow", arity: 2...2, "pow(x, y): x to the power y",
        type: { c throws(Diagnostic) in
            try c.need(0, [.int, .float], "a number")
            try c.need(1, [.int, .float], "a number")
            return .float
        },
        kernel: { args, _ in
            { row in
                guard let x = args[0](row).asDouble, let y = args[1](row).asDouble else { return .null }
                let r = Foundation.pow(x, y)
                return r.isFinite ? .float(r) : .null
            }
        })

    package static let log = ScalarFunction("log", arity: 1...1, "log(x): natural logarithm (null for x <= 0)",
        type: { c throws(Diagnostic) in try c.need(0, [.int, .float], "a number"); return .float },
        kernel: unary { v in v.asDouble.flatMap { $0 <= 0 ? nil : Value.float(Foundation.log($0)) } ?? .null })

    // MARK: geography

    package static let distance = ScalarFunction("distance", arity: 4...4, "distance(lat1, lon1, lat2, lon2): great-circle distance in kilometres",
        type: { c throws(Diagnostic) in
            for i in 0..<4 { try c.need(i, [.int, .float], "coordinates in decimal degrees") }
            return .float
        },
        kernel: { args, _ in
            { row in
                let vs = args.map { $0(row).asDouble }
                guard let la1 = vs[0], let lo1 = vs[1], let la2 = vs[2], let lo2 = vs[3] else { return .null }
                return ScalarFunctions.finite(ScalarFunctions.greatCircleKilometres(la1, lo1, la2, lo2))
            }
        })

    /// A special form: the checker rewrites it as a distance comparison (NearCall.swift).
    package static let near = ScalarFunction("near", arity: 2...3,
        "near(\"Place\", 50km) or near(lat, lon, 50km): true for rows within the radius (km, mi, nmi) of a place or point",
        type: { _ throws(Diagnostic) in .bool },
        kernel: { _, _ in preconditionFailure("near() reached the evaluator") })

    // MARK: kernel helpers

    /// A kernel of one argument, value to value.
    static func unary(_ body: @escaping @Sendable (Value) -> Value) -> Kernel {
        { args, _ in
            let f = args[0]
            return { row in body(f(row)) }
        }
    }

    private static func truncate(_ v: Value, _ body: (Int64) -> Int64) -> Value {
        guard case .time(let t) = v else { return .null }
        return .time(body(t))
    }
}

/// Arithmetic the kernels above share with typed paths elsewhere (grouping keys, float kernels).
enum ScalarFunctions {
    /// The row kernel of a checked call.
    static func compile(_ fn: ScalarFunction, _ args: [RowEval], _ typed: [TypedExpr]) -> RowEval {
        fn.kernel(args, typed)
    }

    /// A float result, or null when it is not a number or not finite: "undefined" is null.
    static func finite(_ d: Double) -> Value { d.isFinite ? .float(d) : .null }

    /// Haversine distance on a sphere of the mean Earth radius (6,371.0088 km); good to
    /// about 0.5% anywhere, which is far finer than event geocoding.
    static func greatCircleKilometres(_ lat1: Double, _ lon1: Double, _ lat2: Double, _ lon2: Double) -> Double {
        Earth.kilometres(lat1, lon1, lat2, lon2)
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

    /// round(x, digits): half away from zero; negative digits round whole numbers to tens,
    /// hundreds, ...
    static func round(_ v: Value, _ digits: Value) -> Value {
        guard case .int(let n) = digits else { return .null }
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
            let scale = Foundation.pow(10.0, Double(n)), scaled = d * scale
            guard scaled.isFinite else { return v }
            return finite(scaled.rounded(.toNearestOrAwayFromZero) / scale)
        default: return .null
        }
    }

    /// floor and ceil: whole numbers stay, floats round by `rule`.
    static func rounded(_ v: Value, _ rule: FloatingPointRoundingRule) -> Value {
        switch v {
        case .int: return v
        case .float(let d): return finite(d.rounded(rule))
        default: return .null
        }
    }
}
