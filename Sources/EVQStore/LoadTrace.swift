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
        let ms = Double(now &- before) / 1e6
        last = now
        FileHandle.standardError.write(Data("evq load: \(phase()) \(String(format: "%.1f", ms)) ms\n".utf8))
    }

    /// `body`'s result; with tracing on, also prints how long it took, labelled `label`
    /// (indented under the phase it belongs to). Safe on several cores at once.
    package static func timed<T, E: Error>(_ label: @autoclosure () -> String, _ body: () throws(E) -> T) throws(E) -> T {
        guard enabled else { return try body() }
        let start = DispatchTime.now().uptimeNanoseconds
        let result = try body()
        let ms = Double(DispatchTime.now().uptimeNanoseconds &- start) / 1e6
        FileHandle.standardError.write(Data("evq load:   \(label()) \(String(format: "%.1f", ms)) ms\n".utf8))
        return result
    }
}
