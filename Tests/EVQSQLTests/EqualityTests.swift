// The equality suite: every saved query (Queries/*.evq) and every example of the language
// reference runs in evq and, translated, on ClickHouse (chdb) over the same rows, and the
// answers must agree. The constructs that cannot be translated must be the ones the reference
// lists as such. Without chdb it fails in CI and is skipped (with the reason) elsewhere.

import EVQ
import EVQShell
import Foundation
import Testing

@testable import EVQSQL

@Suite(.serialized) struct EqualityTests {
    static let referencePath = SQLProject.path("Sources/EVQ/EVQ.docc/Language.md")

    static func goldenScripts() -> [(String, String)] {
        let dir = SQLProject.path("Queries")
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).filter { $0.hasSuffix(".evq") }.sorted()
        return files.map { ($0, (try? String(contentsOfFile: dir + "/" + $0, encoding: .utf8)) ?? "") }
    }

    static func referenceExamples() -> [(String, String)] {
        guard let text = try? String(contentsOfFile: referencePath, encoding: .utf8) else { return [] }
        return text.matches(of: /```evq\n(?<query>[\s\S]*?)```\n\n```text\n/).enumerated().map { i, m in
            ("example \(i + 1): \(m.output.query.split(separator: "\n").first ?? "")", String(m.output.query))
        }
    }

    /// The reference's list of what does not translate (its section on ClickHouse).
    static func documentedUntranslatable() -> String {
        let text = (try? String(contentsOfFile: referencePath, encoding: .utf8)) ?? ""
        guard let start = text.range(of: "## On ClickHouse") else { return "" }
        let rest = text[start.upperBound...]
        return String(rest[..<(rest.range(of: "\n## ")?.lowerBound ?? rest.endIndex)])
    }

    @Test func everyGoldenQueryAndReferenceExampleAgrees() throws {
        guard let server = try ChdbServer.startOrExplain() else { return }
        let engine = ComparingEngine(client: try ClickHouseClient(url: server.url))
        // Scripts `.load` paths relative to the package root, where `swift test` runs.
        #expect(FileManager.default.currentDirectoryPath == SQLProject.root.path)
        let scripts = Self.goldenScripts() + Self.referenceExamples()
        #expect(scripts.count > 40)
        for (label, text) in scripts {
            engine.label = label
            let session = SQLProject.sampleSession()
            session.remoteEngine = engine
            let out = StringSink()
            _ = ScriptRunner(session: session, format: .csv, output: out, errors: out).run(text, name: label)
        }
        for m in engine.mismatches { Issue.record(Comment(rawValue: "answers differ: \(m)")) }
        for e in engine.serverErrors { Issue.record(Comment(rawValue: "server error: \(e)")) }
        #expect(engine.compared > 50, "compared \(engine.compared) answers")
        let documented = Self.documentedUntranslatable()
        for u in engine.untranslatable where !documented.contains(u.construct) {
            Issue.record(Comment(rawValue: "\(u.label): '\(u.construct)' cannot be translated but the reference's \"On ClickHouse\" section does not list it (\(u.message))"))
        }
        print("equality: \(engine.compared) answers compared, \(engine.untranslatable.count) plans not translated: "
              + Set(engine.untranslatable.map(\.construct)).sorted().joined(separator: "; "))
    }
}
