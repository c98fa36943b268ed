// Shared support of the SQL tests: paths, the samples, and a ClickHouse HTTP stand-in on
// 127.0.0.1 that runs the SQL in chdb (chdb_server.py), started once per test that needs it.

import EVQ
import EVQSQL
import EVQShell
import EVQTestSupport
import Foundation
import Testing

enum SQLProject {
    static var root: URL { Project.root }
    static func path(_ relative: String) -> String { Project.path(relative) }
    static var sampleTables: [Table] { Project.sampleTables }
    static func sampleSession() -> Session { Project.sampleSession() }
    static var evqBinary: String { Project.evqBinary }

    /// Runs the evq binary in the project root; returns (status, stdout, stderr).
    static func evq(_ arguments: [String]) throws -> (status: Int32, out: String, err: String) {
        let r = try runEVQ(arguments)
        return (r.status, r.stdout, r.stderr)
    }
}

/// chdb_server.py as a child process; stopped (by its own pid) when released.
final class ChdbServer {
    let process = Process()
    let port: Int
    var url: String { "http://127.0.0.1:\(port)" }

    /// nil when chdb cannot be imported here (the reason is in `unavailableReason`).
    nonisolated(unsafe) static var unavailableReason: String?

    init?(user: String? = nil, password: String? = nil, lifetime: Int = 600) throws {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        var arguments = ["python3", SQLProject.path("Tests/EVQSQLTests/chdb_server.py"), "--lifetime", String(lifetime)]
        if let user { arguments += ["--user", user, "--password", password ?? ""] }
        process.arguments = arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        var line = Data()
        while true {
            let byte = out.fileHandleForReading.readData(ofLength: 1)
            if byte.isEmpty || byte == Data("\n".utf8) { break }
            line.append(byte)
        }
        let text = String(decoding: line, as: UTF8.self)
        guard text.hasPrefix("port "), let port = Int(text.dropFirst(5)) else {
            process.waitUntilExit()
            Self.unavailableReason = text.isEmpty ? "chdb_server.py exited with \(process.terminationStatus)" : text
            return nil
        }
        self.port = port
    }

    deinit {
        if process.isRunning { process.terminate() }
    }

    /// The server, or nil after recording why: a failure in CI (CI=true), a printed skip elsewhere.
    static func startOrExplain(user: String? = nil, password: String? = nil) throws -> ChdbServer? {
        if let server = try ChdbServer(user: user, password: password) { return server }
        let reason = "chdb is not available (\(unavailableReason ?? "?")): install it with `python3 -m pip install chdb` (bash .ci/setup does)"
        if ProcessInfo.processInfo.environment["CI"] == "true" {
            Issue.record(Comment(rawValue: reason))
        } else {
            print("skipped: \(reason)")
        }
        return nil
    }
}
