// What a typed path means, as a shell would read it: `~` and `~/...` are the home folder, a
// leading `$NAME` or `${NAME}` is that variable. A trailing `/` is kept (completion lists the
// folder's contents then, not the folder's siblings).

import Foundation

enum PathExpansion {
    static func expand(_ path: String, environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        let home = environment["HOME"] ?? NSHomeDirectory()
        if path == "~" { return home }
        if path.hasPrefix("~/") { return home + path.dropFirst() }
        guard path.hasPrefix("$") else { return path }
        let rest = path.dropFirst()
        let name: Substring, after: Substring
        if rest.hasPrefix("{"), let close = rest.firstIndex(of: "}") {
            name = rest[rest.index(after: rest.startIndex)..<close]
            after = rest[rest.index(after: close)...]
        } else {
            name = rest.prefix { $0.isLetter || $0.isNumber || $0 == "_" }
            after = rest.dropFirst(name.count)
        }
        guard let value = environment[String(name)], !name.isEmpty else { return path }
        return value + after
    }
}
