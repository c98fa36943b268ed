// The function catalogue, defined once: the checker, completion and `.help` read it.

import EVQStore

public enum AggregateFunction: String, CaseIterable, Sendable {
    case count, countif, sum, avg, min, max, dcount, percentile, first, last, values

    public var signature: String {
        switch self {
        case .count: "count() or count(x): rows, or rows where x is not null"
        case .countif: "countif(condition): rows where the condition holds"
        case .sum: "sum(x): total of a number or duration, nulls ignored"
        case .avg: "avg(x): mean of a number, nulls ignored"
        case .min: "min(x): smallest value"
        case .max: "max(x): largest value"
        case .dcount: "dcount(x): number of distinct non-null values"
        case .percentile: "percentile(x, 50): the value at that percentile (nearest rank), nulls ignored"
        case .first: "first(x): x in the group's first row (input order: time order for events)"
        case .last: "last(x): x in the group's last row"
        case .values: "values(x): the distinct non-null values, in order of first appearance"
        }
    }

    /// Allowed argument counts.
    var arity: ClosedRange<Int> {
        switch self {
        case .count: 0...1
        case .percentile: 2...2
        default: 1...1
        }
    }
}

public enum ScalarFunction: String, CaseIterable, Sendable {
    case day, week, month, year, dayofweek, bin, latest, now, todatetime, make_datetime
    case isnull, isnotnull, coalesce
    case tolower, toupper, strlen, substring, replace, trim, strcat, tostring, toint, tofloat
    case abs, round, floor, ceil, sqrt, pow, log, distance, near

    public var signature: String {
        switch self {
        case .day: "day(t): the start of t's day"
        case .week: "week(t): the Monday starting t's ISO week"
        case .month: "month(t): the first day of t's month"
        case .year: "year(t): t's year as a number"
        case .dayofweek: "dayofweek(t): 1 for Monday to 7 for Sunday (ISO)"
        case .bin: "bin(t, 3d): t rounded down to a multiple of the duration (from 1970-01-01); bin(x, 10) for numbers"
        case .latest: "latest(): the newest time in the events table"
        case .now: "now(): the current time"
        case .todatetime:
            "todatetime(s) or todatetime(s, layout): text as a time (null when it is not one); layouts: iso, yyyymmdd, yyyymmddhhmmss, unix, dd/mm/yyyy, mm/dd/yyyy, d month yyyy"
        case .make_datetime: "make_datetime(year, month, day [, hour, minute, second]): a UTC time (null when invalid)"
        case .isnull: "isnull(x): true when x is null"
        case .isnotnull: "isnotnull(x): true when x is not null"
        case .coalesce: "coalesce(a, b, ...): the first argument that is not null"
        case .tolower: "tolower(s): s in lower case"
        case .toupper: "toupper(s): s in upper case"
        case .strlen: "strlen(s): number of characters"
        case .substring: "substring(s, start, length): characters from start (0-based); length optional"
        case .replace: "replace(s, old, new): every occurrence of old replaced by new (exact case)"
        case .trim: "trim(s): s without leading and trailing white space"
        case .strcat: "strcat(a, b, ...): the arguments as text, joined; null arguments are skipped"
        case .tostring: "tostring(x): x as text"
        case .toint: "toint(x): x as an integer (null when it is not one)"
        case .tofloat: "tofloat(x): x as a floating-point number (null when it is not one)"
        case .abs: "abs(x): absolute value"
        case .round: "round(x) or round(x, digits)"
        case .floor: "floor(x): largest integer not above x"
        case .ceil: "ceil(x): smallest integer not below x"
        case .sqrt: "sqrt(x): square root (null for negative x)"
        case .pow: "pow(x, y): x to the power y"
        case .log: "log(x): natural logarithm (null for x <= 0)"
        case .distance: "distance(lat1, lon1, lat2, lon2): great-circle distance in kilometres"
        case .near: "near(\"Place\", 50km) or near(lat, lon, 50km): true for rows within the radius (km, mi, nmi) of a place or point"
        }
    }

    var arity: ClosedRange<Int> {
        switch self {
        case .latest, .now: 0...0
        case .bin, .pow: 2...2
        case .round, .todatetime: 1...2
        case .make_datetime: 3...6
        case .substring: 2...3
        case .replace: 3...3
        case .strcat: 1...16
        case .distance: 4...4
        case .near: 2...3
        case .coalesce: 1...16
        default: 1...1
        }
    }
}
