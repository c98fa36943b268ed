// The README's embedding example runs, says what it shows, and is the text of ReadmeExample.swift.

import EVQ
import Foundation
import Testing

@Suite struct ReadmeExampleTests {
    @Test func theExampleGivesWhatItsCommentsSay() throws {
        let outcome = try runReadmeExample()
        #expect(outcome.killed == [3])
        #expect(outcome.boxed == [.int(3)])
        #expect(outcome.actors == [.string("IS"), .string("Hezbollah")])
        do {
            _ = try outcome.session.query("events | where actr == \"IS\"")
            Issue.record("expected an error")
        } catch {
            #expect(error.message == "unknown field 'actr'")
            #expect(error.location?.line == 1)
            #expect(error.location?.column == 16)
        }
    }

    @Test func theReadmeShowsExactlyTheCompiledExample() throws {
        let here = URL(fileURLWithPath: #filePath)
        let root = here.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let readme = try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
        let source = try String(contentsOf: here.deletingLastPathComponent().appendingPathComponent("ReadmeExample.swift"), encoding: .utf8)

        let lines = source.components(separatedBy: "\n")
        let begin = try #require(lines.firstIndex { $0.hasSuffix("// README begin") })
        let end = try #require(lines.firstIndex { $0.hasSuffix("// README end") })
        let body = lines[(begin + 1)..<end].map { $0.hasPrefix("    ") ? String($0.dropFirst(4)) : $0 }
        let expected = "```swift\nimport EVQ\n\n" + body.joined(separator: "\n") + "\n```"
        #expect(readme.contains(expected), "README.md's embedding example differs from Tests/EVQEmbeddingTests/ReadmeExample.swift")
    }
}
