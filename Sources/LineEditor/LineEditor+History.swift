// History: entries in memory, and the history file in libedit's own format (`_HiStOrY_V2_`, strvis-escaped).
// A file in any other format (readline's, a typo'd path to a real file) is never loaded nor overwritten.
import CLibEdit
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension LineEditor {
    /// The first line of every file libedit's H_SAVE writes.
    static let historyCookie = "_HiStOrY_V2_\n"

    /// Adds one history entry, normally one whole statement. A statement typed over several lines may be
    /// added as one entry joined by "\n": it round-trips through the file (as `\012`), and Up then recalls the
    /// whole statement, which Enter returns as a single `.line` containing newlines.
    /// Empty and all-blank entries, and an entry equal to the newest one, are not added.
    public func addHistory(_ entry: String) {
        var entry = entry
        if entry.hasSuffix("\n") { entry.removeLast() }
        guard entry.contains(where: { !$0.isWhitespace }) else { return }
        if cle_hist_enter(hist, entry) != -1 { historyChanged = true }
    }

    /// All entries, oldest first.
    public var historyEntries: [String] {
        var entries: [String] = []
        var step = cle_hist_step(hist, H_LAST)  // libedit: H_LAST is the oldest entry, H_PREV moves toward newer ones
        while let entry = step {
            entries.append(String(cString: entry))
            step = cle_hist_step(hist, H_PREV)
        }
        return entries
    }

    /// Writes the history file (mode 0600) if entries were added since the last save. The file is replaced
    /// atomically, so a crash mid-save cannot truncate it. Also runs on deinit. A folder that does not exist is
    /// not created (a typo'd path would silently grow one): the history is then not saved, and that is said once.
    public func saveHistory() {
        guard let historyPath, historyChanged else { return }
        historyChanged = false
        if historyProblem != nil {
            reportHistoryProblem()
            return
        }
        if let error = writeHistory(to: historyPath) {
            fputs("\(program): cannot save history to \(historyPath): \(error)\n", errorOutput)
        }
    }

    /// Says, once, why the history will not be saved (nothing when it will be). The prompt calls it at startup.
    public func reportHistoryProblem() {
        guard let problem = historyProblem, !historyProblemReported else { return }
        fputs("\(program): not saving history: \(problem)\n", errorOutput)
        historyProblemReported = true
    }

    /// Loads `path` if it is a libedit history file. Returns why the file must not be written, or nil if it may.
    func loadHistory(from path: String) -> String? {
        guard let file = fopen(path, "r") else {
            guard errno == ENOENT else { return "\(path): \(String(cString: strerror(errno)))" }
            let directory = (path as NSString).deletingLastPathComponent
            var isDirectory: ObjCBool = false
            if !directory.isEmpty, !FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) || !isDirectory.boolValue {
                return "the folder \(directory) does not exist (create it, or set EVQ_HISTORY to another file)"
            }
            return nil
        }
        var head = [UInt8](repeating: 0, count: Self.historyCookie.utf8.count)
        let n = fread(&head, 1, head.count, file)
        fclose(file)
        if n == 0 { return nil }  // an empty file holds nothing to lose
        guard head[..<n].elementsEqual(Self.historyCookie.utf8) else {
            return "\(path) is not a libedit history file (it does not start with _HiStOrY_V2_)"
        }
        return cle_hist_load(hist, path) == -1 ? "\(path): libedit could not read it" : nil
    }

    /// Writes the history to a temporary file beside `path` and renames it over `path`. Returns an error text.
    private func writeHistory(to path: String) -> String? {
        var template = Array((path + ".XXXXXX").utf8CString)
        let fd = mkstemp(&template)  // mode 0600
        guard fd >= 0 else { return String(cString: strerror(errno)) }
        let temporary = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
        guard let file = fdopen(fd, "w") else {
            close(fd)
            unlink(temporary)
            return String(cString: strerror(errno))
        }
        let saved = cle_hist_save_fp(hist, file)
        let closed = fclose(file)
        guard saved != -1, closed == 0, rename(temporary, path) == 0 else {
            let message = String(cString: strerror(errno))
            unlink(temporary)
            return message
        }
        return nil
    }

    /// Follows symlinks, so that saving (rename over the path) replaces the target and keeps the link.
    static func resolvedHistoryPath(_ path: String) -> String {
        URL(fileURLWithPath: path).resolvingSymlinksInPath().path
    }
}
