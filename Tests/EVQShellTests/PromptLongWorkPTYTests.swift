// Long work at the real prompt, on a pseudo-terminal (PromptPTYSupport.swift): the progress line of a slow
// query (drawn after a second, gone before the result), with -c too; and Ctrl-C while a large result is
// being printed, or `.last` prints one, bringing the prompt back at once with the session's data kept.
#if os(Linux)
import EVQ
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite(.serialized, .enabled(if: FileManager.default.fileExists(atPath: "/dev/ptmx")))
struct PromptLongWorkPTYTests {
    /// 400 ms per batch of 2,048 rows: a scan of the 16,585 events takes about 3.6 s.
    static let slow = ["EVQ_TEST_BATCH_DELAY_MS": "400"]
    static let slowQuery = "events | where fatalities > 0 | count"

    static func isProgressLine(_ line: String) -> Bool {
        line.wholeMatch(of: /running the query: [0-9,]+ rows processed, [0-9]+\.[0-9] s \(Ctrl-C stops it\)/) != nil
    }

    @Test func aSlowQueryShowsItsProgressThenOnlyItsResult() throws {
        let evq = try EVQTerminal(environment: Self.slow)
        defer { evq.stop() }
        try evq.waitForPrompt()
        try evq.waitForRawMode()
        let start = evq.screen.lines.count - 1
        evq.type(Self.slowQuery + "\r")
        let drawn = try evq.waitUntil("the progress line") { Self.isProgressLine($0.lastLine) }
        #expect(drawn.lines[start] == "evq> " + Self.slowQuery)
        // Redrawn in place: the rows grow on the same line.
        let first = drawn.lastLine
        let later = try evq.waitUntil("a redrawn progress line") { $0.lastLine != first && Self.isProgressLine($0.lastLine) }
        #expect(later.lines.count == drawn.lines.count)
        let done = try evq.waitForPrompt(after: start)
        let output = Array(done.lines[(start + 1)..<(done.lines.count - 1)])
        #expect(output.count == 4 && output.first == " count" && output.last == "(1 row)", "\(output)")
        #expect(!done.text.contains("running the query"))
        // A quick query draws nothing at all.
        let before = evq.rawText.utf8.count
        let quick = try evq.enter("events | count")
        #expect(quick.output == [" count", "-------", " 16585", "(1 row)"])
        #expect(!String(evq.rawText.utf8.dropFirst(before))!.contains("running"))
    }

    @Test func dashCOnATerminalShowsItToo() throws {
        let evq = try EVQTerminal(arguments: ["-c", Self.slowQuery], environment: Self.slow)
        defer { evq.stop() }
        try evq.waitUntil("the progress line") { Self.isProgressLine($0.lastLine) }
        #expect(try evq.waitForExit() == 0)
        let lines = evq.screen.lines.filter { !$0.isEmpty }
        #expect(lines.count == 4 && lines.first == " count" && lines.last == "(1 row)", "\(lines)")
    }

    /// Starts `command`, whose output is far larger than the terminal's buffer, and presses Ctrl-C once it
    /// prints; returns the time from Ctrl-C to the next prompt and the lines shown after the echo.
    private func interruptPrinting(_ evq: EVQTerminal, _ command: String) throws -> (Duration, [String]) {
        try evq.waitForRawMode()
        let start = evq.screen.lines.count - 1
        evq.type(command + "\r")
        try evq.waitUntil("the first rows") { $0.lines.count > start + 20 }
        // Not reading now: evq fills the terminal's buffer and waits in write, in the middle of the result.
        usleep(200_000)
        let pressed = ContinuousClock.now
        evq.type("\u{03}")
        let shown = try evq.waitUntil("Interrupted and a new prompt") { $0.lastLine == "evq> " && $0.text.contains("Interrupted") }
        let took = ContinuousClock.now - pressed
        return (took, Array(shown.lines[(start + 1)...]))
    }

    @Test func ctrlCStopsPrintingALargeResult() throws {
        let evq = try EVQTerminal()
        defer { evq.stop() }
        try evq.waitForPrompt()
        try evq.enter(".maxrows 0")
        let (took, shown) = try interruptPrinting(evq, "events | project id, date, type, actor1, country")
        print("PromptLongWorkPTYTests: Ctrl-C while printing -> new prompt in \(took)")
        #expect(took < .seconds(2), "Ctrl-C took \(took)")
        #expect(shown.contains { $0.hasSuffix("Interrupted") })
        #expect(!shown.contains("(16585 rows)"), "the whole result was printed")
        #expect(shown.count < 16_585)
        let next = try evq.enter("events | count")
        #expect(next.output == [" count", "-------", " 16585", "(1 row)"])
    }

    @Test func ctrlCStopsDotLastOfALargeResult() throws {
        let evq = try EVQTerminal()
        defer { evq.stop() }
        try evq.waitForPrompt()
        let cut = try evq.enter("events | project id, date, type, actor1, country")
        #expect(cut.output.last == "(16585 rows; 16551 not shown: raise .maxrows or use .last to see them all)")
        let (took, shown) = try interruptPrinting(evq, ".last")
        print("PromptLongWorkPTYTests: Ctrl-C in .last -> new prompt in \(took)")
        #expect(took < .seconds(2), "Ctrl-C took \(took)")
        #expect(shown.contains { $0.hasSuffix("Interrupted") })
        #expect(!shown.contains("(16585 rows)"), "the whole result was printed")
        let next = try evq.enter("events | count")
        #expect(next.output == [" count", "-------", " 16585", "(1 row)"])
    }
}
#endif
