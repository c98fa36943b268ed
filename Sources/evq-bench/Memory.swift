// Resident memory of this process from /proc/self/status (Linux): now (VmRSS) and the peak
// (VmHWM), which can be reset so a phase's own peak is measured.

import Foundation

enum ProcessMemory {
    /// (resident, peak resident) in bytes; nil where /proc is not there.
    static func current() -> (rss: Int, peak: Int)? {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        var rss: Int?, peak: Int?
        for line in text.split(separator: "\n") {
            let parts = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard parts.count >= 2, let kb = Int(parts[1]) else { continue }
            if parts[0] == "VmRSS:" { rss = kb * 1024 }
            if parts[0] == "VmHWM:" { peak = kb * 1024 }
        }
        guard let rss, let peak else { return nil }
        return (rss, peak)
    }

    /// Resets the peak to the current resident size ("5" to clear_refs; Linux 4.0+).
    static func resetPeak() {
        guard let f = fopen("/proc/self/clear_refs", "w") else { return }
        fputs("5", f)
        fclose(f)
    }
}

func megabytes(_ bytes: Int?) -> String {
    guard let bytes else { return "-" }
    return String(format: "%.0f MB", Double(bytes) / 1_048_576)
}
