// Where the prompt keeps its history and finds its startup file.

@testable import EVQShell
import Foundation
import Testing

@Suite struct PromptSettingsTests {
    @Test func historyFileLocation() {
        #expect(Prompt.historyPath(["EVQ_HISTORY": "/tmp/h", "XDG_STATE_HOME": "/s", "HOME": "/home/a"]) == "/tmp/h")
        #expect(Prompt.historyPath(["EVQ_HISTORY": ""]) == nil)
        #expect(Prompt.historyPath(["XDG_STATE_HOME": "/s", "HOME": "/home/a"], folderExists: { $0 == "/s/evq" }) == "/s/evq/history")
        // A state folder evq has none in yet: the file in HOME, rather than a folder made unasked.
        #expect(Prompt.historyPath(["XDG_STATE_HOME": "/s", "HOME": "/home/a"], folderExists: { _ in false }) == "/home/a/.evq_history")
        #expect(Prompt.historyPath(["XDG_STATE_HOME": "/s"], folderExists: { _ in false }) == "/s/evq/history")
        #expect(Prompt.historyPath(["HOME": "/home/a"]) == "/home/a/.evq_history")
        #expect(Prompt.historyPath([:]) == nil)
        #expect(Prompt.historyPathProblem([:]) == "HOME is not set (set EVQ_HISTORY to a file, or to nothing to keep no history)")
        #expect(Prompt.historyPathProblem(["EVQ_HISTORY": ""]) == nil)
        #expect(Prompt.historyPathProblem(["HOME": "/home/a"]) == nil)
    }

    @Test func startupFilePrefersTheXDGConfigFile() throws {
        let home = try ShellFixture.temporaryDirectory()
        #expect(Prompt.startupFile(["HOME": home]) == nil)
        try ".mode csv\n".write(toFile: home + "/.evqrc", atomically: true, encoding: .utf8)
        #expect(Prompt.startupFile(["HOME": home]) == home + "/.evqrc")
        try FileManager.default.createDirectory(atPath: home + "/.config/evq", withIntermediateDirectories: true)
        try ".mode csv\n".write(toFile: home + "/.config/evq/evqrc", atomically: true, encoding: .utf8)
        #expect(Prompt.startupFile(["HOME": home]) == home + "/.config/evq/evqrc")
        #expect(Prompt.startupFile(["HOME": home, "XDG_CONFIG_HOME": home + "/nowhere"]) == home + "/.evqrc")
    }
}
