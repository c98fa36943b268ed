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

    /// Text in any automatic layout (`TimeLayout.automatic`), blanks around it ignored.
    public static func parseAutomatic(_ text: String) -> Int64? {
        var text = text.trimmingBlanks()
        return text.withUTF8 { TimeLayout.parseAutomatic($0) }
    }

    /// `[year, month, day, hour?, minute?, second?]` as UTC seconds; nil when a part is out
    /// of range (month 13, February 30, hour 24).
    public static func make(_ parts: [Int64]) -> Int64? {
        guard parts.count >= 3, parts.count <= 6, (-9999...9999).contains(parts[0]), (1...12).contains(parts[1]) else { return nil }
        let time = parts.dropFirst(3) + Array(repeating: 0, count: 6 - parts.count)
        let (h, mi, s) = (time[time.startIndex], time[time.startIndex + 1], time[time.startIndex + 2])
        guard parts[2] >= 1, parts[2] <= daysInMonth(year: parts[0], month: parts[1]),
            (0..<24).contains(h), (0..<60).contains(mi), (0..<61).contains(s)
        else { return nil }
        return days(year: parts[0], month: parts[1], day: parts[2]) * secondsPerDay + h * 3600 + mi * 60 + s
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

extension String {
    fileprivate func trimmingBlanks() -> String {
        var s = Substring(self)
        while let c = s.first, c == " " || c == "\t" { s.removeFirst() }
        while let c = s.last, c == " " || c == "\t" { s.removeLast() }
        return String(s)
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

/// The written forms a time column or `todatetime` can read. ISO and the compact digit forms
/// are read without being named (`auto`); Unix seconds and day/month orders only when stated,
/// because `20150218` could be seconds and `03/04/2024` is March or April.
public enum TimeLayout: String, CaseIterable, Sendable {
    /// ISO 8601, what `TimeFormat.parse` reads: `2024-10-01`, `2024-10-01T14:30:00Z`, `2024-10-01 14:30+02:00`.
    case iso
    /// `20240218` (GDELT's SQLDATE).
    case yyyymmdd
    /// `20150218230000` (GDELT 2.0's DATEADDED), UTC.
    case yyyymmddhhmmss
    /// Seconds since 1970-01-01T00:00:00Z, optionally negative or with a fraction (dropped).
    case unix
    /// `18/02/2015`, `18-02-2015`, `18.02.2015`; day and month may have one digit; an optional
    /// ` HH:MM[:SS]` follows.
    case dayFirst = "dd/mm/yyyy"
    /// `02/18/2015` and the same variants, month first.
    case monthFirst = "mm/dd/yyyy"
    /// `26 October 2024`, `3 Jan 2024`, `26-October-2024` (English month names or their first
    /// three letters, any case), as ACLED's older exports write `event_date`.
    case dayMonthName = "d month yyyy"

    /// The layouts read when none is stated, in the order tried.
    public static let automatic: [TimeLayout] = [.iso, .yyyymmdd, .yyyymmddhhmmss, .dayMonthName]

    /// A layout by name, any letter case.
    public init?(name: String) { self.init(rawValue: name.lowercased()) }

    public func parse(_ text: String) -> Int64? {
        var text = text
        return text.withUTF8 { parse($0) }
    }

    /// UTC seconds, or nil when the text is not exactly in this layout.
    public func parse(_ b: UnsafeBufferPointer<UInt8>) -> Int64? {
        switch self {
        case .iso:
            guard b.count >= 10, b[4] == 0x2D, b[7] == 0x2D else { return nil }
            return TimeFormat.parse(Substring(String(decoding: b, as: UTF8.self)))
        case .yyyymmdd:
            guard b.count == 8 else { return nil }
            return Self.compact(b)
        case .yyyymmddhhmmss:
            guard b.count == 14 else { return nil }
            return Self.compact(b)
        case .unix:
            return Self.unixSeconds(b)
        case .dayFirst, .monthFirst:
            return Self.slashed(b, dayFirst: self == .dayFirst)
        case .dayMonthName:
            return Self.monthNamed(b)
        }
    }

    private static let monthNames = [
        "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
        "november", "december",
    ]

    /// `D[D] Month YYYY`, separated by one space or one `-`.
    private static func monthNamed(_ b: UnsafeBufferPointer<UInt8>) -> Int64? {
        guard b.count >= 10, b.count <= 20 else { return nil }
        var i = 0
        while i < b.count, b[i] &- 0x30 < 10 { i += 1 }
        guard i == 1 || i == 2, let d = number(b, 0..<i), b[i] == 0x20 || b[i] == 0x2D else { return nil }
        let separator = b[i]
        let nameStart = i + 1
        i = nameStart
        while i < b.count, b[i] | 0x20 >= 0x61, b[i] | 0x20 <= 0x7A { i += 1 }
        guard i < b.count, b[i] == separator, b.count - i == 5, let y = number(b, (i + 1)..<b.count) else { return nil }
        let name = String(decoding: b[nameStart..<i].map { $0 | 0x20 }, as: UTF8.self)
        guard let m = monthNames.firstIndex(where: { $0 == name || (name.count == 3 && $0.hasPrefix(name)) }) else { return nil }
        return seconds(y, Int64(m + 1), d, 0, 0, 0)
    }

    /// The first automatic layout that reads the text.
    public static func parseAutomatic(_ b: UnsafeBufferPointer<UInt8>) -> Int64? {
        for layout in automatic { if let t = layout.parse(b) { return t } }
        return nil
    }

    private static func number(_ b: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Int64? {
        var v: Int64 = 0
        for i in range {
            let d = b[i] &- 0x30
            guard d < 10 else { return nil }
            v = v * 10 + Int64(d)
        }
        return v
    }

    private static func seconds(_ y: Int64, _ mo: Int64, _ d: Int64, _ h: Int64, _ mi: Int64, _ s: Int64) -> Int64? {
        guard (1...12).contains(mo), d >= 1, d <= TimeFormat.daysInMonth(year: y, month: mo), h < 24, mi < 60, s < 61
        else { return nil }
        return TimeFormat.days(year: y, month: mo, day: d) * TimeFormat.secondsPerDay + h * 3600 + mi * 60 + s
    }

    /// `YYYYMMDD` or `YYYYMMDDHHMMSS`.
    private static func compact(_ b: UnsafeBufferPointer<UInt8>) -> Int64? {
        guard let y = number(b, 0..<4), let mo = number(b, 4..<6), let d = number(b, 6..<8) else { return nil }
        guard b.count == 14 else { return seconds(y, mo, d, 0, 0, 0) }
        guard let h = number(b, 8..<10), let mi = number(b, 10..<12), let s = number(b, 12..<14) else { return nil }
        return seconds(y, mo, d, h, mi, s)
    }

    private static func unixSeconds(_ b: UnsafeBufferPointer<UInt8>) -> Int64? {
        var end = b.count
        if let dot = b.firstIndex(of: 0x2E) {
            guard dot + 1 < b.count, number(b, (dot + 1)..<b.count) != nil else { return nil }
            end = dot
        }
        let negative = end > 0 && b[0] == 0x2D
        let start = negative || (end > 0 && b[0] == 0x2B) ? 1 : 0
        guard end > start, end - start <= 15, let v = number(b, start..<end) else { return nil }
        return negative ? -v : v
    }

    private static func slashed(_ b: UnsafeBufferPointer<UInt8>, dayFirst: Bool) -> Int64? {
        var parts: [Int64] = []
        var i = 0
        var separator: UInt8 = 0
        while parts.count < 3 {
            let start = i
            while i < b.count, b[i] &- 0x30 < 10 { i += 1 }
            guard i > start, i - start <= (parts.count == 2 ? 4 : 2), let v = number(b, start..<i) else { return nil }
            if parts.count == 2 && i - start != 4 { return nil }
            parts.append(v)
            if parts.count < 3 {
                guard i < b.count, [0x2F, 0x2D, 0x2E].contains(b[i]), separator == 0 || b[i] == separator else { return nil }
                separator = b[i]
                i += 1
            }
        }
        let (d, mo) = dayFirst ? (parts[0], parts[1]) : (parts[1], parts[0])
        var h: Int64 = 0, mi: Int64 = 0, s: Int64 = 0
        if i < b.count {
            guard b[i] == 0x20 || b[i] == 0x54, b.count - i == 6 || b.count - i == 9, b[i + 3] == 0x3A,
                let hh = number(b, (i + 1)..<(i + 3)), let mm = number(b, (i + 4)..<(i + 6))
            else { return nil }
            h = hh
            mi = mm
            if b.count - i == 9 {
                guard b[i + 6] == 0x3A, let ss = number(b, (i + 7)..<(i + 9)) else { return nil }
                s = ss
            }
        }
        return seconds(parts[2], mo, d, h, mi, s)
    }
}
