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
        case .tolower: return .atom("lowerUTF8(\(a[0]))")
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
            default: break
            }
        case .tofloat:
            switch args[0].type {
            case .int, .float: return .atom("toFloat64(\(a[0]))")
            case .string: return finite("toFloat64OrNull(trimBoth(\(a[0])))")
            default: break
            }
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
            // evq's haversine on a sphere of 6,371.0088 km. ClickHouse's greatCircleDistance
            // (longitude first, metres) uses the same radius but an approximation that is off
            // by up to 0.15%, enough to move rows across a `distance(...) <= r` boundary.
            let (lat1, lon1, lat2, lon2) = (a[0], a[1], a[2], a[3])
            let h = "pow(sin(radians(\(lat2) - \(lat1)) / 2), 2) + cos(radians(\(lat1))) * cos(radians(\(lat2))) * pow(sin(radians(\(lon2) - \(lon1)) / 2), 2)"
            return .compound("2 * 6371.0088 * asin(least(1, sqrt(\(h))))")
        default: break
        }
        throw untranslatable("\(fn.rawValue)()" + Self.argumentNote(fn, args), at: e.span, hint: Self.reason(fn))
    }

    /// For the functions translated for some argument types only: which type was not.
    static func argumentNote(_ fn: ScalarFunction, _ args: [TypedExpr]) -> String {
        switch fn {
        case .tostring, .strcat, .toint, .tofloat, .bin: " of \(args.map(\.type.rawValue).joined(separator: ", "))"
        default: ""
        }
    }

    /// Why a function has no translation, for the error's hint.
    static func reason(_ fn: ScalarFunction) -> String? {
        switch fn {
        case .todatetime: "evq's time layouts have no ClickHouse parser that agrees with them on every input"
        case .make_datetime: "ClickHouse's makeDateTime does not give null for an invalid date"
        case .strlen, .substring: "evq counts characters (grapheme clusters), ClickHouse code points"
        case .trim: "evq trims Unicode white space, ClickHouse's trimBoth a list of characters"
        case .tostring, .strcat: "ClickHouse prints floats, times and booleans differently"
        case .latest: "latest() reads the local table"
        default: nil
        }
    }
}
