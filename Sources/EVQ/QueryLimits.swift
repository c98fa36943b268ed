// Per-query limits: a time budget and a memory budget. The operators that grow charge the
// memory budget (EVQEngine's MemoryBudget) and the error names the stage; the growth of evq's
// resident memory is a backstop for what they do not charge. Both are checked where the
// executor checks for Ctrl-C (once per batch of rows), so a runaway query stops clearly.

import EVQEngine
import EVQSyntax
import Foundation

public struct QueryLimits: Sendable, Equatable {
    /// Seconds one query may run; nil = no limit.
    public var seconds: Double?
    /// Bytes the query's operators may build (hash tables, sort buffers, joins, sequences,
    /// computed values), loaded data not included; nil = no limit.
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
    /// Resident bytes when the query started: the backstop counts growth past them.
    private let baseline: Int
    private let lock = NSLock()
    private var calls = 0
    /// Why the query was stopped, once it was.
    private(set) var reason: String?

    init(_ limits: QueryLimits) {
        self.limits = limits
        deadline = limits.seconds.map { DispatchTime.now().uptimeNanoseconds + UInt64($0 * 1e9) }
        baseline = limits.memoryBytes == nil ? 0 : Self.residentBytes() ?? 0
    }

    /// Growth of resident memory that stops a query whatever its operators charged: twice the
    /// limit, and at least 64 MB more than it (allocator slack, buffers nobody charges).
    static func backstop(_ limit: Int) -> Int { max(limit.multipliedReportingOverflow(by: 2).partialValue, limit + 64 << 20) }

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
        if let limit = limits.memoryBytes, calls % 8 == 1, let resident = Self.residentBytes(), resident - baseline > Self.backstop(limit) {
            reason = "query stopped: evq's memory grew by \(QueryLimits.describe(bytes: resident - baseline)) during the query, "
                + "far over its limit of \(QueryLimits.describe(bytes: limit))"
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

extension MemoryBudget.Overrun {
    /// The error: the stage as the user wrote it (cut when long), the limit and what grew,
    /// placed at that stage; at `fallback` when the query has no such stage.
    func diagnostic(_ query: Query?, _ file: SourceFile?, at fallback: Span) -> Diagnostic {
        let found = query.flatMap { Self.find(stage, in: $0.stages) }
        let span = found?.span ?? fallback
        var text = found.flatMap { s in file.map { $0.text(of: s.span) } } ?? stage.keyword
        text = text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        if text.count > 60 { text = String(text.prefix(59)) + "…" }
        return Diagnostic("query stopped: \(text) needed more than its memory limit of \(QueryLimits.describe(bytes: limit)) (\(grew))",
                          at: span, hint: "raise it with --max-memory, or .max_memory at the prompt")
    }

    /// The innermost stage whose text holds the anchor; else the first of the keyword (a
    /// lookup: of the table), nested pipelines (join, sequence steps) included.
    static func find(_ stage: MemoryStage, in stages: [Stage]) -> Stage? {
        if let anchor = stage.anchor, let s = stages.first(where: { $0.span.start <= anchor.start && anchor.end <= $0.span.end }) {
            return find(stage, in: nested(s)) ?? s
        }
        for s in stages {
            if s.keyword.name == stage.keyword {
                if case .lookup(let table, _, _) = s.kind, let name = stage.table, table.name != name { continue }
                return s
            }
            if let inner = find(stage, in: nested(s)) { return inner }
        }
        return nil
    }

    private static func nested(_ s: Stage) -> [Stage] {
        switch s.kind {
        case .join(let j): j.right.stages
        case .sequence(let q): (q.steps + (q.until.map { [$0] } ?? [])).flatMap { ($0.query?.stages ?? []) + $0.stages }
        default: []
        }
    }
}
