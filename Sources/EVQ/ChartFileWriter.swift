// `chart ... to "FILE.svg"`: the query's chart drawn as SVG (ChartSVG.swift) and written to the file,
// for the prompt, `-c`, scripts and library users alike. A file that cannot be written is an error at
// the file's name in the query (exit 74); a result with nothing to draw writes nothing (exit 65).

import EVQEngine
import EVQStore
import EVQSyntax
import Foundation

enum ChartFileWriter {
    static func write(_ table: Table, kind: ChartKind, to target: ChartFile, in source: SourceFile) throws(EVQError) {
        let svg: String
        switch ChartSVG.render(table, kind: kind) {
        case .success(let drawn): svg = drawn
        case .failure(let problem):
            let reason = problem.message.trimmingCharacters(in: CharacterSet(charactersIn: "()"))
            throw EVQError(.query([Diagnostic("the chart was not written to \"\(target.path)\": \(reason)", at: target.span)], source))
        }
        let path = expandHome(target.path)
        if let failure = writeFile(svg, to: path) {
            var reason = String(cString: strerror(failure))
            let folder = (path as NSString).deletingLastPathComponent
            if failure == ENOENT, !folder.isEmpty, !FileManager.default.fileExists(atPath: folder) { reason = "the folder \(folder) does not exist" }
            let hint = failure == EISDIR ? "name a file in that folder: \"\(target.path)/chart.svg\"" : nil
            throw EVQError(.write([Diagnostic("cannot write the chart to \"\(target.path)\": \(reason)", at: target.span, hint: hint)], source))
        }
    }

    /// `~/x.svg` is in the home folder, as a shell would read it.
    static func expandHome(_ path: String) -> String {
        guard path == "~" || path.hasPrefix("~/") else { return path }
        return (ProcessInfo.processInfo.environment["HOME"] ?? NSHomeDirectory()) + path.dropFirst()
    }

    /// Writes `text` to `path` (created, or replaced) through stdio, whose buffered write of a
    /// few kilobytes is one system call; the errno of the first failure (open, write, flush), or nil.
    private static func writeFile(_ text: String, to path: String) -> Int32? {
        guard let file = fopen(path, "we") else { return errno }
        let bytes = Array(text.utf8)
        let written = fwrite(bytes, 1, bytes.count, file)
        let failure: Int32? = written < bytes.count || fflush(file) != 0 ? errno : nil
        if fclose(file) != 0, failure == nil { return errno }
        return failure
    }
}
