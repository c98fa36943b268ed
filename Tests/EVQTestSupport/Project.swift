// The project as the test targets see it: its root, the bundled samples loaded once, the
// built evq binary and a way to run it.

import EVQ
import Foundation

public enum Project {
    /// The package root, from this file's path (Tests/EVQTestSupport/Project.swift).
    public static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    public static func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }

    /// The bundled sample tables, loaded once for every test (tables are immutable).
    public static let sampleTables: [Table] = {
        let session = Session()
        let sources = [
            DataSource(table: "events", path: path("Samples/seed-events.csv")),
            DataSource(table: "events", path: path("Samples/ucdp-syria.csv")),
            DataSource(table: "actors", path: path("Samples/actors.csv")),
        ]
        let reports = try! DataLoader.load(sources, into: session)
        precondition(reports.allSatisfy { $0.rowsRejected == 0 }, "the bundled samples must load cleanly")
        return session.tableNames.map { session.catalog.tables[$0]! }
    }()

    /// A new session over the samples (its own bindings, shared tables).
    public static func sampleSession() -> Session { Session(tables: sampleTables) }

    /// The built `evq` binary, next to the test bundle.
    public static var evqBinary: String {
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("evq").path
        if FileManager.default.isExecutableFile(atPath: beside) { return beside }
        return path(".build/debug/evq")
    }
}

public struct ProcessResult: Sendable {
    public var status: Int32
    public var stdout: String
    public var stderr: String
}

/// Runs the evq binary with `arguments`, feeding `input` on stdin, in `directory`.
public func runEVQ(_ arguments: [String], input: String? = nil, directory: String = Project.root.path,
            environment: [String: String] = [:]) throws -> ProcessResult
{
    let p = Process()
    p.executableURL = URL(fileURLWithPath: Project.evqBinary)
    p.arguments = arguments
    p.currentDirectoryURL = URL(fileURLWithPath: directory)
    var env = ProcessInfo.processInfo.environment
    env["NO_COLOR"] = "1"
    for (k, v) in environment { env[k] = v }
    p.environment = env
    let out = Pipe(), err = Pipe(), inp = Pipe()
    p.standardOutput = out
    p.standardError = err
    p.standardInput = inp
    try p.run()
    if let input { inp.fileHandleForWriting.write(Data(input.utf8)) }
    try inp.fileHandleForWriting.close()
    // Read both pipes to the end before waiting, so a large output cannot block the child.
    let stderrBox = DataBox()
    let group = DispatchGroup()
    group.enter()
    DispatchQueue.global().async {
        stderrBox.set(err.fileHandleForReading.readDataToEndOfFile())
        group.leave()
    }
    let stdoutData = out.fileHandleForReading.readDataToEndOfFile()
    group.wait()
    let stderrData = stderrBox.get()
    p.waitUntilExit()
    return ProcessResult(status: p.terminationStatus, stdout: String(decoding: stdoutData, as: UTF8.self),
                         stderr: String(decoding: stderrData, as: UTF8.self))
}

/// Hands data from the reader thread back to the caller.
private final class DataBox: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()
    func set(_ d: Data) { lock.withLock { data = d } }
    func get() -> Data { lock.withLock { data } }
}
