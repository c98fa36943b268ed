// Shared test support: the project root, the bundled samples loaded once, the evq binary.

import EVQ
import EVQShell
import EVQTestSupport
import Foundation
import Testing

struct ProcessResult {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// Runs the evq binary with `arguments`, feeding `input` on stdin, in `directory`.
func runEVQ(_ arguments: [String], input: String? = nil, directory: String = Project.root.path,
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
