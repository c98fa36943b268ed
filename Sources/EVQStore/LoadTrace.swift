// With EVQ_LOAD_TRACE set, a load or an ingest says on stderr how long each of its phases took
// (wall time, since the previous mark), to tell where a slow load spends its time.

import Foundation

package enum LoadTrace {
    package static let enabled = ProcessInfo.processInfo.environment["EVQ_LOAD_TRACE"] != nil
    nonisolated(unsafe) private static var last = DispatchTime.now().uptimeNanoseconds

    /// Prints the time since the previous mark, labelled `phase`.
    package static func mark(_ phase: @autoclosure () -> String) {
        guard enabled else { return }
        let before = last
        let now = DispatchTime.now().uptimeNanoseconds
        last = now
        report(phase(), since: before, now: now)
    }

    /// `body`'s result; with tracing on, also prints how long it took, labelled `label`
    /// (indented under the phase it belongs to). Safe on several cores at once.
    package static func timed<T, E: Error>(_ label: @autoclosure () -> String, _ body: () throws(E) -> T) throws(E) -> T {
        guard enabled else { return try body() }
        let start = DispatchTime.now().uptimeNanoseconds
        let result = try body()
        report("  " + label(), since: start, now: DispatchTime.now().uptimeNanoseconds)
        return result
    }

    private static func report(_ label: String, since start: UInt64, now: UInt64) {
        let ms = Double(now &- start) / 1e6
        FileHandle.standardError.write(Data("evq load: \(label) \(String(format: "%.1f", ms)) ms\n".utf8))
    }
}
