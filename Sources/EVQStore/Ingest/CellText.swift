// Reads one cell's UTF-8 text as bool, int, float, time or duration, strictly: a cell either
// is exactly such a literal or it is not (no `nan`, no `1,000`); callers trim blanks first.
// Runs per distinct cell text during inference and conversion.

enum CellText {
    /// `true`/`false`, any letter case.
    static func bool(_ b: UnsafeBufferPointer<UInt8>) -> Bool? {
        if b.count == 4, b[0] | 0x20 == 0x74, b[1] | 0x20 == 0x72, b[2] | 0x20 == 0x75, b[3] | 0x20 == 0x65 {
            return true
        }
        if b.count == 5, b[0] | 0x20 == 0x66, b[1] | 0x20 == 0x61, b[2] | 0x20 == 0x6C, b[3] | 0x20 == 0x73,
            b[4] | 0x20 == 0x65
        {
            return false
        }
        return nil
    }

    /// Optional sign, then one or more ASCII digits, in Int64 range.
    static func int(_ b: UnsafeBufferPointer<UInt8>) -> Int64? {
        var i = 0
        var negative = false
        if i < b.count, b[i] == 0x2D || b[i] == 0x2B {
            negative = b[i] == 0x2D
            i += 1
        }
        guard i < b.count else { return nil }
        // Accumulate on the negative side so that Int64.min parses.
        var v: Int64 = 0
        while i < b.count {
            let d = b[i] &- 0x30
            guard d < 10 else { return nil }
            let (m, o1) = v.multipliedReportingOverflow(by: 10)
            let (s, o2) = m.subtractingReportingOverflow(Int64(d))
            if o1 || o2 { return nil }
            v = s
            i += 1
        }
        if negative { return v }
        return v == Int64.min ? nil : -v
    }

    /// `[+-]? (digits [. digits*] | . digits) ([eE] [+-]? digits)?`, finite. Integers qualify too
    /// (an int column with one `2.5` becomes float).
    static func float(_ b: UnsafeBufferPointer<UInt8>) -> Double? {
        guard isFloatSyntax(b) else { return nil }
        if let d = exactDecimal(b) { return d }
        guard let d = Double(String(decoding: b, as: UTF8.self)), d.isFinite else { return nil }
        return d
    }

    /// Powers of ten that a Double holds exactly.
    private static let exactPowersOfTen: [Double] = (0...22).map { k in (0..<k).reduce(1.0) { r, _ in r * 10 } }

    /// A plain decimal (`-12.345`, already checked by `isFloatSyntax`) of at most 15 digits and
    /// no exponent, without making a String: digits and the power of ten are both exact Doubles,
    /// so one division is correctly rounded, as parsing the text is (Clinger's fast path).
    /// Nil for anything else.
    @inline(__always)
    static func exactDecimal(_ b: UnsafeBufferPointer<UInt8>) -> Double? {
        var i = 0
        let n = b.count
        var negative = false
        if i < n, b[i] == 0x2D || b[i] == 0x2B {
            negative = b[i] == 0x2D
            i += 1
        }
        var mantissa: UInt64 = 0
        var digits = 0
        var fraction = -1
        while i < n {
            let c = b[i]
            if c == 0x2E {
                guard fraction < 0 else { return nil }
                fraction = 0
            } else {
                let d = c &- 0x30
                guard d < 10 else { return nil }
                mantissa = mantissa &* 10 &+ UInt64(d)
                digits += 1
                if fraction >= 0 { fraction += 1 }
            }
            i += 1
        }
        guard digits > 0, digits <= 15 else { return nil }
        let value = Double(mantissa) / exactPowersOfTen[max(0, fraction)]
        return negative ? -value : value
    }

    static func isFloatSyntax(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        var i = 0
        let n = b.count
        func digits() -> Int {
            let start = i
            while i < n, b[i] &- 0x30 < 10 { i += 1 }
            return i - start
        }
        if i < n, b[i] == 0x2D || b[i] == 0x2B { i += 1 }
        var mantissa = digits()
        if i < n, b[i] == 0x2E {
            i += 1
            mantissa += digits()
        }
        guard mantissa > 0 else { return false }
        if i < n, b[i] | 0x20 == 0x65 {
            i += 1
            if i < n, b[i] == 0x2D || b[i] == 0x2B { i += 1 }
            guard digits() > 0 else { return false }
        }
        return i == n
    }

    /// `TimeFormat.parse`, after a cheap shape check (`dddd-dd-dd…`) so that most non-dates
    /// never build the String it needs.
    static func time(_ b: UnsafeBufferPointer<UInt8>) -> Int64? {
        guard b.count >= 10, b[4] == 0x2D, b[7] == 0x2D, b[0] &- 0x30 < 10, b[3] &- 0x30 < 10 else { return nil }
        return TimeFormat.parse(Substring(String(decoding: b, as: UTF8.self)))
    }

    /// A time column's cell: in `layout`, or in any automatic layout when none is stated.
    static func time(_ b: UnsafeBufferPointer<UInt8>, layout: TimeLayout?) -> Int64? {
        layout?.parse(b) ?? (layout == nil ? TimeLayout.parseAutomatic(b) : nil)
    }

    /// Plain seconds (`90`) or a count and a unit as `DurationFormat` prints them (`3d`, `-2h`).
    /// Only reached through a type override: inference never guesses durations.
    static func duration(_ b: UnsafeBufferPointer<UInt8>) -> Int64? {
        if let seconds = int(b) { return seconds }
        guard b.count >= 2, let unit = DurationFormat.units.first(where: { $0.suffix.utf8.first == b[b.count - 1] })
        else { return nil }
        guard let count = int(UnsafeBufferPointer(rebasing: b[0..<(b.count - 1)])) else { return nil }
        let (v, overflow) = count.multipliedReportingOverflow(by: unit.seconds)
        return overflow ? nil : v
    }

    /// The types a text could be read as, one bit per `DataType` in `inferenceOrder`. Blanks
    /// around the text are ignored, and a blank text fits every type (it is null there).
    /// Two kinds of numbers are left as text, because reading them as numbers would change them:
    /// a leading zero (`007`, `010`: codes, where `010` ≠ `10`), and an integer that no Int64 or
    /// exact double holds (beyond Int64, or beyond 2^53 in a column that also has fractions).
    static func candidates(_ raw: UnsafeBufferPointer<UInt8>) -> UInt8 {
        let b = trim(raw)
        if b.isEmpty { return 0b1111 }
        if bool(b) != nil { return 1 }
        if hasLeadingZero(b) { return 0 }
        if let v = int(b) { return candidates(ofInt: v) }
        if isIntegerSyntax(b) { return 0 }
        // Only an exponent or 300+ digits can overflow to infinity; skip the parse otherwise.
        if isFloatSyntax(b), b.count < 300 && !b.contains(where: { $0 | 0x20 == 0x65 }) || float(b) != nil {
            return 4
        }
        if time(b) != nil { return 8 }
        return 0
    }

    /// Every integer up to this magnitude (2^53) is a Double; beyond it, not every one is.
    static let exactIntegerLimit: UInt64 = 1 << 53

    /// The candidates of an integer text: int, and float too when a Double holds it exactly.
    static func candidates(ofInt v: Int64) -> UInt8 { v.magnitude > exactIntegerLimit ? 2 : 2 | 4 }

    /// `0` followed by another digit at the start of the number (after a sign): `007`, `-01.5`.
    static func hasLeadingZero(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        var i = 0
        if i < b.count, b[i] == 0x2D || b[i] == 0x2B { i += 1 }
        return i + 1 < b.count && b[i] == 0x30 && b[i + 1] &- 0x30 < 10
    }

    /// Optional sign, then digits only.
    static func isIntegerSyntax(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        var i = 0
        if i < b.count, b[i] == 0x2D || b[i] == 0x2B { i += 1 }
        guard i < b.count else { return false }
        return b[i...].allSatisfy { $0 &- 0x30 < 10 }
    }

    /// The text without the spaces and tabs around it: a number or date reads the same either
    /// way, while a text column keeps the cell as written.
    static func trim(_ b: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        var start = 0, end = b.count
        while start < end, b[start] == 0x20 || b[start] == 0x09 { start += 1 }
        while end > start, b[end - 1] == 0x20 || b[end - 1] == 0x09 { end -= 1 }
        return start == 0 && end == b.count ? b : UnsafeBufferPointer(rebasing: b[start..<end])
    }

    /// Narrowest first: a column is the first type every one of its texts can be read as.
    static let inferenceOrder: [DataType] = [.bool, .int, .float, .time]

    static func inferredType(candidates mask: UInt8) -> DataType {
        for (bit, type) in inferenceOrder.enumerated() where mask & (1 << bit) != 0 { return type }
        return .string
    }
}
