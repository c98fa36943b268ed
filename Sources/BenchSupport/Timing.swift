// Timing helpers: a monotonic clock, a cold run then warm runs within a time budget, medians,
// and a sink that keeps the optimiser from dropping the work being timed.

import EVQ
import Foundation

package func nowNanos() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

package func elapsedMs(since start: UInt64) -> Double { Double(nowNanos() - start) / 1e6 }

/// One query's runs: the first (cold) run apart, then the warm runs whose median is reported.
package struct Timing {
    package var firstMs: Double = .nan
    package var warmMs: [Double] = []
    package var error: String? = nil
    package var medianMs: Double { error == nil ? median(warmMs) : .nan }
    package init(firstMs: Double = .nan, warmMs: [Double] = [], error: String? = nil) {
        (self.firstMs, self.warmMs, self.error) = (firstMs, warmMs, error)
    }
}

/// Runs `body` once cold, then warm up to `repeats` times; stops early once the warm runs have
/// taken `budgetMs` (after at least one), so the slow queries at 10 M rows do not take an hour.
package func timeRuns<R>(repeats: Int, budgetMs: Double, _ body: () throws -> R) -> (Timing, R?) {
    var t = Timing()
    var last: R? = nil
    var spent = 0.0
    for k in 0...repeats {
        let start = nowNanos()
        do {
            last = try body()
        } catch {
            t.error = "\(error)"
            return (t, nil)
        }
        let e = elapsedMs(since: start)
        if k == 0 { t.firstMs = e; continue }
        t.warmMs.append(e)
        spent += e
        if spent >= budgetMs { break }
    }
    return (t, last)
}

package func median(_ xs: [Double]) -> Double {
    let s = xs.sorted()
    guard !s.isEmpty else { return .nan }
    return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
}

/// Results are folded in here so the optimiser cannot drop the work that made them.
package nonisolated(unsafe) var blackHoleSink: UInt64 = 0

@inline(never)
package func blackHole(_ r: QueryResult) {
    var h = UInt64(truncatingIfNeeded: r.rowCount) &* 31 &+ UInt64(truncatingIfNeeded: r.table.columns.count)
    if r.rowCount > 0, let c = r.table.columns.first {
        h &+= UInt64(truncatingIfNeeded: c.value(at: 0).hashValue)
    }
    blackHoleSink = blackHoleSink &* 0x100_0000_01B3 &+ h
}

/// Reads `path` once from start to end, so that the engine timed next finds it in the page
/// cache like the other: the machine's memory manager evicts pages left idle for minutes,
/// and whichever engine read a freshly written or long idle CSV first paid the disk for both.
package func warmPageCache(_ path: String) {
    guard let handle = FileHandle(forReadingAtPath: path) else { return }
    defer { try? handle.close() }
    while let chunk = try? handle.read(upToCount: 8 << 20), !chunk.isEmpty {}
}
