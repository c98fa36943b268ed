// Golden files: every `Queries/NAME.evq` runs over the bundled samples and must print exactly
// `Queries/NAME.out`; every `Tests/EVQTests/Errors/NAME.evq` must fail with exactly
// `NAME.err` (exit code, then stderr). `EVQ_RECORD=1 swift test` rewrites them and fails,
// so a new baseline is always reviewed in git.

import EVQ
import EVQTestSupport
import EVQShell
import Foundation
import Testing

struct GoldenCase: CustomTestStringConvertible, Sendable {
    let script: String  // path relative to the project root
    var testDescription: String { script }

    static func all(in folder: String) -> [GoldenCase] {
        let dir = Project.path(folder)
        let files = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
        return files.filter { $0.hasSuffix(".evq") }.sorted().map { GoldenCase(script: folder + "/" + $0) }
    }
}

/// Runs a script the way `evq run SCRIPT` does (table format), over the samples.
private func runScript(_ relative: String) throws -> (stdout: String, stderr: String, status: Int32) {
    let text = try String(contentsOfFile: Project.path(relative), encoding: .utf8)
    let out = StringSink(), err = StringSink()
    let runner = ScriptRunner(session: Project.sampleSession(), format: .table, output: out, errors: err)
    let status = runner.run(text, name: relative)
    return (out.text, err.text, status)
}

private func compare(_ actual: String, golden path: String) throws {
    let recording = ProcessInfo.processInfo.environment["EVQ_RECORD"] == "1"
    let expected = try? String(contentsOfFile: Project.path(path), encoding: .utf8)
    if recording {
        if expected != actual {
            try actual.write(toFile: Project.path(path), atomically: true, encoding: .utf8)
            Issue.record("recorded new baseline \(path): review it with git diff")
        }
        return
    }
    guard let expected else {
        Issue.record("missing golden file \(path); run EVQ_RECORD=1 swift test to create it")
        return
    }
    #expect(actual == expected, "\(path) differs")
}

@Suite struct GoldenTests {
    @Test(arguments: GoldenCase.all(in: "Queries"))
    func savedQuery(_ c: GoldenCase) throws {
        let result = try runScript(c.script)
        #expect(result.stderr == "", "\(c.script) wrote errors")
        #expect(result.status == 0)
        try compare(result.stdout, golden: String(c.script.dropLast(4)) + ".out")
    }

    @Test(arguments: GoldenCase.all(in: "Tests/EVQTests/Errors"))
    func failingScript(_ c: GoldenCase) throws {
        let result = try runScript(c.script)
        #expect(result.status != 0, "\(c.script) should fail")
        try compare("exit \(result.status)\n" + result.stderr, golden: String(c.script.dropLast(4)) + ".err")
    }

    @Test func thereAreSavedQueries() {
        #expect(GoldenCase.all(in: "Queries").count >= 4)
        #expect(GoldenCase.all(in: "Tests/EVQTests/Errors").count >= 3)
    }
}
