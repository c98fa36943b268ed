// Turns `--data` arguments into files: a glob (`gdelt/*.CSV`) expands in sorted order, a
// directory gives the files in it that a format reads, anything else is taken as it is.
import Foundation

enum InputPaths {
    /// Files for `paths`, in argument order; a glob that matches nothing is an error naming it.
    static func expand(_ paths: [String]) throws(IngestError) -> [String] {
        var files: [String] = []
        for path in paths {
            if path.contains(where: { "*?[".contains($0) }) && !FileManager.default.fileExists(atPath: path) {
                let matches = glob(path)
                guard !matches.isEmpty else { throw .fileNotFound(path) }
                files += matches
                continue
            }
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
                let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
                let readable = names.sorted().filter { !$0.hasPrefix(".") && FileFormat(path: $0) != nil }
                guard !readable.isEmpty else { throw .unreadable(path, "is a directory with no .csv, .tsv or .jsonl files") }
                files += readable.map { (path as NSString).appendingPathComponent($0) }
                continue
            }
            files.append(path)
        }
        return files
    }

    /// glob(3), sorted, regular files only.
    private static func glob(_ pattern: String) -> [String] {
        var result = glob_t()
        defer { globfree(&result) }
        guard Glibc.glob(pattern, 0, nil, &result) == 0 else { return [] }
        var matches: [String] = []
        for i in 0..<Int(result.gl_pathc) {
            guard let p = result.gl_pathv[i], let s = String(validatingCString: p) else { continue }
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: s, isDirectory: &isDirectory), !isDirectory.boolValue { matches.append(s) }
        }
        return matches.sorted()
    }
}
