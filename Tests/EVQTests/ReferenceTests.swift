// The language reference is an executable document: every ```evq block in
// Sources/EVQ/EVQ.docc/Language.md is run over the samples and must print the ```text block
// that follows it. `EVQ_RECORD=1 swift test` rewrites those blocks (and fails).

import EVQ
import EVQTestSupport
import EVQShell
import Foundation
import Testing

struct ReferenceExample: CustomTestStringConvertible, Sendable {
    let index: Int
    let query: String
    let expected: String
    var testDescription: String { "example \(index + 1): \(query.split(separator: "\n").first ?? "")" }

    static let path = Project.path("Sources/EVQ/EVQ.docc/Language.md")
    static var pattern: Regex<(Substring, query: Substring, output: Substring)> {
        /```evq\n(?<query>[\s\S]*?)```\n\n```text\n(?<output>[\s\S]*?)```/
    }

    static func all() -> [ReferenceExample] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [] }
        return text.matches(of: pattern).enumerated().map { i, m in
            ReferenceExample(index: i, query: String(m.output.query), expected: String(m.output.output))
        }
    }
}

func runExample(_ query: String) -> String {
    let out = StringSink()
    let runner = ScriptRunner(session: Project.sampleSession(), format: .table, output: out, errors: out,
                              chartStyle: ChartStyle(width: 80, unicode: true))
    _ = runner.run(query, name: "<example>")
    return out.text
}

@Suite(.serialized) struct ReferenceTests {
    @Test(arguments: ReferenceExample.all())
    func example(_ e: ReferenceExample) throws {
        let actual = runExample(e.query)
        #expect(!actual.contains("error:"), "example failed: \(actual)")
        if ProcessInfo.processInfo.environment["EVQ_RECORD"] == "1" {
            if actual != e.expected {
                try record(e.index, actual)
                Issue.record("recorded new output for example \(e.index + 1): review it with git diff")
            }
            return
        }
        #expect(actual == e.expected)
    }

    @Test func theReferenceHasExamples() {
        #expect(ReferenceExample.all().count >= 30)
    }

    /// Rewrites the output block of example `index` (examples are rewritten one at a time, in
    /// any order, so the file is re-read each time).
    private func record(_ index: Int, _ output: String) throws {
        let text = try String(contentsOfFile: ReferenceExample.path, encoding: .utf8)
        let matches = text.matches(of: ReferenceExample.pattern)
        guard index < matches.count else { return }
        let m = matches[index]
        let updated = text.replacingCharacters(in: m.output.output.startIndex..<m.output.output.endIndex, with: output)
        try updated.write(toFile: ReferenceExample.path, atomically: true, encoding: .utf8)
    }
}
