// Per-query limits: a time budget and a ceiling on evq's resident memory. Both are checked
// where the executor already checks for Ctrl-C (once per batch of rows, and every few
// hundred values in text matching), so a runaway query stops with a clear error.

import Foundation

public struct QueryLimits: Sendable, Equatable {
    /// Seconds one query may run; nil = no limit.
    public var seconds: Double?
    /// Bytes of resident memory (data included) at which a query is stopped; nil = no limit.
    public var memoryBytes: Int?

    public init(seconds: Double? = nil, memoryBytes: Int? = nil) {
        self.seconds = seconds
        self.memoryBytes = memoryBytes
    }

    /// `30`, `30s`, `500ms`, `2m`, `1h`; `0` or `off` is no limit.
    public static func parseSeconds(_ text: String) -> Double?? {
        let t = text.lowercased()
        if t == "off" || t == "0" { return .some(nil) }
        for (suffix, scale) in [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)] where t.hasSuffix(suffix) {
            guard let v = Double(t.dropLast(suffix.count)), v > 0, v.isFinite else { return nil }
            return v * scale
        }
        guard let v = Double(t), v > 0, v.isFinite else { return nil }
        return v
    }

    /// `2G`, `512M`, `64K`, or bytes; `0` or `off` is no limit.
    public static func parseBytes(_ text: String) -> Int?? {
        let t = text.uppercased().replacingOccurrences(of: "B", with: "")
        if t == "OFF" || t == "0" { return .some(nil) }
        var scale = 1.0
        var number = Substring(t)
        if let unit = t.last, let s = ["K": 1024.0, "M": 1024.0 * 1024, "G": 1024.0 * 1024 * 1024, "T": 1024.0 * 1024 * 1024 * 1024][unit] {
            scale = s
            number = number.dropLast()
        }
        guard let v = Double(number), v > 0, (v * scale) < Double(Int.max) else { return nil }
        return Int(v * scale)
    }

    /// `1.5 GB`, `512 MB`: for messages.
    public static func describe(bytes: Int) -> String {
        let units = ["bytes", "KB", "MB", "GB", "TB"]
        var v = Double(bytes), i = 0
        while v >= 1024, i < units.count - 1 { v /= 1024; i += 1 }
        return i == 0 ? "\(bytes) bytes" : String(format: v < 10 ? "%.1f %@" : "%.0f %@", v, units[i])
    }

    static func describe(seconds: Double) -> String {
        seconds < 1 ? "\(Int((seconds * 1000).rounded())) ms" : (seconds == seconds.rounded() ? "\(Int(seconds)) s" : String(format: "%.1f s", seconds))
    }
}

/// One query's watch over its limits; `exceeded()` is what the executor's cancel check calls.
final class LimitWatch: @unchecked Sendable {
    private let limits: QueryLimits
    private let deadline: UInt64?
    private let lock = NSLock()
    private var calls = 0
    /// Why the query was stopped, once it was.
    private(set) var reason: String?

    init(_ limits: QueryLimits) {
        self.limits = limits
        deadline = limits.seconds.map { DispatchTime.now().uptimeNanoseconds + UInt64($0 * 1e9) }
    }

    var isActive: Bool { limits.seconds != nil || limits.memoryBytes != nil }

    func exceeded() -> Bool {
        lock.lock()
        defer { lock.unlock() }
        if reason != nil { return true }
        if let deadline, DispatchTime.now().uptimeNanoseconds > deadline {
            reason = "query stopped: it ran longer than its time limit of \(QueryLimits.describe(seconds: limits.seconds!))"
            return true
        }
        calls += 1
        if let limit = limits.memoryBytes, calls % 8 == 1, let resident = Self.residentBytes(), resident > limit {
            reason = "query stopped: evq's memory reached \(QueryLimits.describe(bytes: resident)), over its limit of \(QueryLimits.describe(bytes: limit))"
            return true
        }
        return false
    }

    /// Resident set size from /proc/self/statm (Linux); nil where that file does not exist.
    static func residentBytes() -> Int? {
        let fd = open("/proc/self/statm", O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 128)
        let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, 127) }
        guard n > 0 else { return nil }
        let fields = buffer[..<n].split(separator: 32)
        guard fields.count > 1, let pages = Int(String(decoding: fields[1], as: UTF8.self)) else { return nil }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }
}
