// A float sum for `sum` and `avg` that a careful user cannot catch out: compensated (Neumaier),
// so 1e16 + 1 - 1e16 is 1, and rescaled on overflow, so the mean of 1e308 and 1e308 is 1e308.

/// A running sum of doubles. Reads like a Double where the aggregates use it (`s + v`,
/// `sums[g] += v`, `s / n`), so the folds stay as they were written.
struct FloatSum: Sendable, Hashable, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral {
    /// Sum and its running error, both in units of `scale` (1, or 2^600 after an overflow).
    private var sum = 0.0, compensation = 0.0
    private var scaled = false
    private static let factor = 0x1p600, inverse = 0x1p-600

    init(integerLiteral value: Int) { self.init(Double(value)) }
    init(floatLiteral value: Double) { self.init(value) }
    init(_ value: Double) { sum = value }

    static func + (s: FloatSum, x: Double) -> FloatSum {
        var r = s
        r += x
        return r
    }

    static func += (s: inout FloatSum, x: Double) {
        let v = s.scaled ? x * inverse : x
        let t = s.sum + v
        if !t.isFinite, t.isNaN == false, v.isFinite, s.sum.isFinite, !s.scaled {
            // The sum left the double range: continue in units of 2^600 (exact: a power of two).
            s.scaled = true
            s.sum *= inverse
            s.compensation *= inverse
            s += x
            return
        }
        // Neumaier: keep the low-order bits that the addition dropped.
        s.compensation += abs(s.sum) >= abs(v) ? (s.sum - t) + v : (v - t) + s.sum
        s.sum = t
    }

    /// The sum; infinite when it does not fit a double (the aggregate then gives null).
    var total: Double {
        let t = sum + compensation
        return scaled ? t * Self.factor : t
    }

    /// The mean of `n` values: divided before it is scaled back, so it fits when each value did.
    static func / (s: FloatSum, n: Double) -> Double {
        let m = (s.sum + s.compensation) / n
        return s.scaled ? m * factor : m
    }
}
