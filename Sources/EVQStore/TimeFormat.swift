// Civil-calendar conversions for `Value.time` (UTC seconds): parsing the date and timestamp
// forms found in event exports, and printing them back. No Foundation: this runs per cell.

public enum TimeFormat {
    public static let secondsPerDay: Int64 = 86_400

    /// Days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's algorithm).
    public static func days(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The civil date of a day number.
    public static func civil(days z0: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    public static func isLeap(_ y: Int64) -> Bool { (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 }

    public static func daysInMonth(year: Int64, month: Int64) -> Int64 {
        switch month {
        case 2: isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Floor division that rounds toward negative infinity (times before 1970).
    @inline(__always)
    public static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }

    /// Parses `YYYY-MM-DD`, optionally followed by `T` or a space and `HH:MM[:SS[.fff]]`,
    /// optionally followed by `Z` or `±HH[:MM]`. Returns UTC seconds, or nil when the text
    /// is not exactly such a value (so inference never mistakes `2024-10` or `12-3` for a date).
    public static func parse(_ text: Substring) -> Int64? {
        let b = Array(text.utf8)
        var i = 0
        func digits(_ n: Int) -> Int64? {
            guard i + n <= b.count else { return nil }
            var v: Int64 = 0
            for k in 0..<n {
                let c = b[i + k]
                guard c >= 48 && c <= 57 else { return nil }
                v = v * 10 + Int64(c - 48)
            }
            i += n
            return v
        }
        func expect(_ c: UInt8) -> Bool {
            guard i < b.count, b[i] == c else { return false }
            i += 1
            return true
        }
        guard let y = digits(4), expect(45), let mo = digits(2), expect(45), let d = digits(2) else { return nil }
        guard (1...12).contains(mo), d >= 1, d <= daysInMonth(year: y, month: mo) else { return nil }
        var seconds = days(year: y, month: mo, day: d) * secondsPerDay
        if i == b.count { return seconds }
        guard b[i] == 84 || b[i] == 32 else { return nil }  // 'T' or ' '
        i += 1
        guard let h = digits(2), expect(58), let mi = digits(2), h < 24, mi < 60 else { return nil }
        var s: Int64 = 0
        if expect(58) {
            guard let sec = digits(2), sec < 61 else { return nil }
            s = sec
            if expect(46) {  // fractional seconds are dropped: the store keeps whole seconds
                let start = i
                while i < b.count, b[i] >= 48, b[i] <= 57 { i += 1 }
                guard i > start else { return nil }
            }
        }
        seconds += h * 3600 + mi * 60 + s
        if i == b.count { return seconds }
        if expect(90) { return i == b.count ? seconds : nil }  // 'Z'
        guard i < b.count, b[i] == 43 || b[i] == 45 else { return nil }
        let sign: Int64 = b[i] == 43 ? 1 : -1
        i += 1
        guard let oh = digits(2) else { return nil }
        var om: Int64 = 0
        if expect(58) {
            guard let m = digits(2) else { return nil }
            om = m
        } else if let m = digits(2) {
            om = m
        }
        guard i == b.count, oh < 24, om < 60 else { return nil }
        return seconds - sign * (oh * 3600 + om * 60)
    }

    /// `2024-10-01` for a midnight, `2024-10-01T14:30:00Z` otherwise.
    public static func format(_ seconds: Int64) -> String {
        let day = floorDiv(seconds, secondsPerDay)
        let rest = seconds - day * secondsPerDay
        let (y, m, d) = civil(days: day)
        var out = pad(y, 4) + "-" + pad(m, 2) + "-" + pad(d, 2)
        if rest != 0 {
            out += "T" + pad(rest / 3600, 2) + ":" + pad(rest % 3600 / 60, 2) + ":" + pad(rest % 60, 2) + "Z"
        }
        return out
    }

    /// Only the date part, whatever the time of day.
    public static func formatDate(_ seconds: Int64) -> String {
        let (y, m, d) = civil(days: floorDiv(seconds, secondsPerDay))
        return pad(y, 4) + "-" + pad(m, 2) + "-" + pad(d, 2)
    }

    static func pad(_ v: Int64, _ width: Int) -> String {
        let s = String(v < 0 ? -v : v)
        let padded = s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
        return v < 0 ? "-" + padded : padded
    }
}

/// Durations print in the largest whole unit: `3d`, `36h`, `90m`, `45s`.
public enum DurationFormat {
    public static let units: [(suffix: String, seconds: Int64)] = [
        ("w", 604_800), ("d", 86_400), ("h", 3_600), ("m", 60), ("s", 1),
    ]

    public static func format(_ seconds: Int64) -> String {
        if seconds == 0 { return "0s" }
        for (suffix, size) in units where seconds % size == 0 {
            return "\(seconds / size)\(suffix)"
        }
        return "\(seconds)s"
    }
}
