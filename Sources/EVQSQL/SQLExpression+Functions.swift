// evq's scalar functions in ClickHouse SQL, each with evq's rule for the edge cases (nulls,
// undefined results, rounding); the ones whose rules ClickHouse has no match for are errors.

import EVQEngine
import EVQStore
import EVQSyntax

extension SQLExpressionPrinter {
    func call(_ fn: ScalarFunction, _ args: [TypedExpr], _ e: TypedExpr) throws(Diagnostic) -> SQLText {
        var a: [String] = []
        for arg in args { a.append(try value(arg)) }
        /// A float result that is null when not finite (evq's "undefined is null").
        func finite(_ x: String) -> SQLText { .atom("if(isFinite(\(x)), \(x), NULL)") }
        switch fn {
        case .day: return .atom("toStartOfDay(\(a[0]))")
        case .week: return .atom("toMonday(\(a[0]))")
        case .month: return .atom("toStartOfMonth(\(a[0]))")
        case .year: return .atom("toYear(\(a[0]))")
        case .dayofweek: return .atom("toDayOfWeek(\(a[0]))")
        case .bin:
            if args[0].type == .time, case .constant(.duration(let d)) = args[1].kind, d > 0 {
                // Multiples of the duration from 1970-01-01, rounded down also before 1970.
                return .atom("fromUnixTimestamp64Second(toInt64(floor(toUnixTimestamp64Second(toDateTime64(\(a[0]), 0, 'UTC')) / \(d))) * \(d), 'UTC')")
            }
            if args[0].type == .int, args[1].type == .int {
                return .atom("toInt64(floor(\(a[0]) / nullIf(\(a[1]), 0))) * \(a[1])")
            }
            if args[0].type.isNumeric, args[1].type.isNumeric {
                return .compound("floor(\(a[0]) / nullIf(\(a[1]), 0)) * \(a[1])")
            }
        case .now: return .atom("now64(0, 'UTC')")
        case .isnull: return .atom("isNull(\(a[0]))")
        case .isnotnull: return .atom("isNotNull(\(a[0]))")
        case .coalesce: return .atom("coalesce(\(a.joined(separator: ", ")))")
        case .tolower: return .atom(Self.lower(a[0]))
        case .toupper: return .atom("upperUTF8(\(a[0]))")
        case .replace:
            // An empty `old` leaves the text as it is, in both.
            return .atom("replaceAll(\(a[0]), \(a[1]), \(a[2]))")
        case .strcat where args.allSatisfy({ $0.type == .string || $0.type == .int }):
            return .atom("concat(\(a.map { "ifNull(toString(\($0)), '')" }.joined(separator: ", ")))")
        case .tostring where args[0].type == .string || args[0].type == .int:
            return .atom("toString(\(a[0]))")
        case .toint:
            switch args[0].type {
            case .int: return .atom(a[0])
            case .float: return .atom("toInt64OrNull(toString(trunc(\(a[0]))))")
            case .bool: return .atom("toInt64(\(a[0]))")
            case .string: return .atom("toInt64OrNull(trimBoth(\(a[0])))")
            default: return .atom("CAST(NULL AS Nullable(Int64))")  // evq: no int of a time or duration
            }
        case .tofloat:
            switch args[0].type {
            case .int, .float: return .atom("toFloat64(\(a[0]))")
            case .string: return finite("toFloat64OrNull(trimBoth(\(a[0])))")
            default: return .atom("CAST(NULL AS Nullable(Float64))")
            }
        case .strlen: return .atom("lengthUTF8(\(Self.singleCodePointCharacters(a[0], "strlen")))")
        case .substring:
            // evq: characters from `start` (0-based, clamped to the text), at most `length` of them.
            let text = Self.singleCodePointCharacters(a[0], "substring")
            let from = "least(greatest(toInt64(\(a[1])), 0), toInt64(lengthUTF8(\(text)))) + 1"
            return .atom(a.count > 2 ? "substringUTF8(\(text), \(from), greatest(toInt64(\(a[2])), 0))" : "substringUTF8(\(text), \(from))")
        case .trim:
            // Foundation's whitespacesAndNewlines: Unicode's separators, U+0009-U+000D and U+0085.
            return .atom("replaceRegexpAll(\(a[0]), '^[\\\\x{9}-\\\\x{D}\\\\x{85}\\\\p{Z}]+|[\\\\x{9}-\\\\x{D}\\\\x{85}\\\\p{Z}]+$', '')")
        case .make_datetime where args.allSatisfy({ $0.type == .int }):
            return .atom(Self.makeDateTime(a))
        case .abs: return .atom("abs(\(a[0]))")
        case .round:
            let digits = a.count > 1 ? a[1] : "0"
            if args[0].type == .int { return .atom("round(\(a[0]), \(digits))") }
            // evq rounds half away from zero; ClickHouse's round of a float rounds half to even.
            return .compound("sign(\(a[0])) * floor(abs(\(a[0])) * pow(10, \(digits)) + 0.5) / pow(10, \(digits))")
        case .floor: return .atom(args[0].type == .int ? a[0] : "floor(\(a[0]))")
        case .ceil: return .atom(args[0].type == .int ? a[0] : "ceil(\(a[0]))")
        case .sqrt: return .atom("if(\(a[0]) < 0, NULL, sqrt(\(a[0])))")
        case .log: return .atom("if(\(a[0]) <= 0, NULL, log(\(a[0])))")
        case .pow: return finite("pow(\(a[0]), \(a[1]))")
        case .distance:
            // evq's haversine (Earth.kilometres), the same operations in the same order, on a
            // sphere of 6,371.0088 km. greatCircleDistance uses the same radius but an
            // approximation off by up to 0.15%, and geoDistance an ellipsoid: either moves
            // rows across a `distance(...) <= r` boundary.
            let (lat1, lon1, lat2, lon2) = (a[0], a[1], a[2], a[3])
            let dp = "(\(lat2) - \(lat1)) * pi() / 180", dl = "(\(lon2) - \(lon1)) * pi() / 180"
            let h = "sin(\(dp) / 2) * sin(\(dp) / 2) + cos(\(lat1) * pi() / 180) * cos(\(lat2) * pi() / 180) * sin(\(dl) / 2) * sin(\(dl) / 2)"
            return .compound("2 * 6371.0088 * asin(least(1, sqrt(\(h))))")
        default: break
        }
        throw untranslatable("\(fn.rawValue)()" + Self.argumentNote(fn, args), at: e.span, hint: Self.reason(fn))
    }

    /// evq counts characters (grapheme clusters), ClickHouse code points: the two agree on
    /// text where no code point can join the one before it (combining marks, joiners, emoji
    /// modifiers, regional indicators, Hangul jamo, prepended signs, CR LF). Other text is a
    /// server error naming the function, never a different count.
    static func singleCodePointCharacters(_ text: String, _ function: String) -> String {
        let joining = #"[\\p{M}\\x{200C}\\x{200D}\\x{FF9E}\\x{FF9F}\\x{1F3FB}-\\x{1F3FF}\\x{E0020}-\\x{E007F}\\x{1F1E6}-\\x{1F1FF}"#
            + #"\\x{1100}-\\x{11FF}\\x{A960}-\\x{A97F}\\x{D7B0}-\\x{D7FF}\\x{600}-\\x{605}\\x{6DD}\\x{70F}\\x{890}\\x{891}\\x{8E2}\\x{D4E}"#
            + #"\\x{E33}\\x{EB3}\\x{110BD}\\x{110CD}\\x{111C2}\\x{111C3}\\x{1193F}\\x{11941}\\x{11A3A}\\x{11A84}-\\x{11A89}\\x{11D46}\\x{11F02}\\r]"#
        return "if(match(\(text), '\(joining)'), throwIf(1, '\(function)() of text with characters of several code points (combining marks, emoji sequences): evq counts them as one, ClickHouse cannot'), \(text))"
    }

    /// A UTC time from integer parts, null where they name no real time, as TimeFormat.make:
    /// month 1-12, the month's days, hours 0-23, minutes 0-59, seconds 0-60 (60 runs on).
    static func makeDateTime(_ parts: [String]) -> String {
        let all = parts + Array(repeating: "0", count: 6 - parts.count)
        let (y, m, d, h, mi, s) = (all[0], all[1], all[2], all[3], all[4], all[5])
        let valid = "\(m) BETWEEN 1 AND 12 AND \(d) >= 1 AND \(d) <= toDayOfMonth(toLastDayOfMonth(makeDate32(\(y), \(m), 1))) "
            + "AND \(h) BETWEEN 0 AND 23 AND \(mi) BETWEEN 0 AND 59 AND \(s) BETWEEN 0 AND 60 AND \(y) BETWEEN 1900 AND 2299"
        return "if(\(valid), addSeconds(makeDateTime64(\(y), \(m), \(d), \(h), \(mi), 0, 0, 0, 'UTC'), \(s)), NULL)"
    }

    /// For the functions translated for some argument types only: which type was not.
    static func argumentNote(_ fn: ScalarFunction, _ args: [TypedExpr]) -> String {
        switch fn {
        // The first argument whose type has no translation.
        case .strcat: " of " + (args.first { $0.type != .string && $0.type != .int }?.type.rawValue ?? "")
        case .tostring, .toint, .tofloat, .bin, .make_datetime: " of \(args.map(\.type.rawValue).joined(separator: ", "))"
        default: ""
        }
    }

    /// Why a function has no translation, for the error's hint.
    static func reason(_ fn: ScalarFunction) -> String? {
        switch fn {
        case .todatetime: "evq's time layouts have no ClickHouse parser that agrees with them on every input"
        case .make_datetime: "its parts must be integers"
        case .tostring, .strcat: "ClickHouse prints floats, times and booleans differently"
        case .latest: "latest() reads the local table"
        default: nil
        }
    }
}
