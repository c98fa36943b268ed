// The hostile-input suite: each case is a shell line running evq on bad input, with the exact
// message and exit code it must give. Classes: write errors, limits, regular expressions,
// misleading causes, terminal injection. A crash, a hang or a silent wrong answer fails it.

import Foundation
import Testing

struct HostileCase: CustomTestStringConvertible, Sendable {
    let name: String
    /// Run by bash in a folder holding `tiny.csv` (see `HostileInputTests.folder`); `evq` runs the binary over it.
    let shell: String
    let stdout: String?
    let stderr: String
    let status: Int32
    var testDescription: String { name }

    init(_ name: String, _ shell: String, stdout: String? = nil, stderr: String = "", status: Int32) {
        self.name = name
        self.shell = shell
        self.stdout = stdout
        self.stderr = stderr
        self.status = status
    }
}

@Suite struct HostileInputTests {
    /// Three rows are enough for every case, and load in no time.
    static let folder: String = {
        let dir = NSTemporaryDirectory() + "evq-hostile-\(getpid())"
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let csv = "id,date,n,notes\n1,2024-01-01,3,drone strike\n2,2024-01-02,,aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!\n3,2024-01-03,5,\"line\nbreak\"\n"
        FileManager.default.createFile(atPath: dir + "/tiny.csv", contents: Data(csv.utf8))
        return dir
    }()

    static let cases: [HostileCase] = [
        // Write errors: a message with the destination and strerror, exit 74; a closed pipe is quiet.
        HostileCase("stdout on a full disk", "evq -c 'events | count' > /dev/full",
                    stderr: "evq: cannot write to standard output: No space left on device\n", status: 74),
        HostileCase("closed stdout", "evq -c 'events | count' >&-",
                    stderr: "evq: cannot write to standard output: Bad file descriptor\n", status: 74),
        HostileCase(".output to a full disk", "printf '.output /dev/full\\nevents | count\\n' | evq",
                    stderr: "evq: cannot write to /dev/full: No space left on device\n", status: 74),
        HostileCase("reader closes the pipe", "printf 'events\\n%.0s' {1..3000} | evq | head -c 1 >/dev/null; exit ${PIPESTATUS[1]}", status: 141),
        // Limits, checked before anything recurses.
        HostileCase("1,001 stages", "evq -c \"events$(printf ' | take 5%.0s' {1..1001})\" 2>&1 | head -1",
                    stdout: "<command>:1:9008: error: too many stages in one query (more than 1000)\n", status: 0),
        HostileCase("257 terms joined by or", "evq -c \"events | where $(printf 'true or %.0s' {1..256}) true\" 2>&1 | head -1",
                    stdout: "<command>:1:2061: error: 257 terms joined by 'or' nest too deeply (more than 256 levels)\n", status: 0),
        // Hangs: a long script splits in linear time (100,000 lines took minutes when quadratic).
        HostileCase("100,000-statement script", "for i in {1..100000}; do echo \"let x$i = $i\"; done | evq; echo ok",
                    stdout: "ok\n", status: 0),
        // Regular expressions: exact answers in linear time, refusals that say why.
        HostileCase("catastrophic backtracking pattern", "evq -c 'events | where notes matches \"^(?:(a+)+b|a*!X)\" | count' --format csv",
                    stdout: "count\n0\n", status: 0),
        HostileCase("backreference", "evq -c 'events | where notes matches \"(a)\\\\1\"'",
                    stderr: """
                        <command>:1:30: error: bad regular expression "(a)\\\\1": backreferences such as '\\1' are not supported
                         1 | events | where notes matches "(a)\\\\1"
                           |                              ^^^^^^^^ evq's regular expressions (RE2 syntax) run in time linear in the text, which rules this out

                        """, status: 65),
    ]

    @Test(arguments: cases) func hostileInput(_ c: HostileCase) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/bash")
        p.arguments = ["-c", "evq() { \"$EVQ_BINARY\" --data tiny.csv \"$@\"; }\n" + c.shell]
        p.currentDirectoryURL = URL(fileURLWithPath: Self.folder)
        var env = ProcessInfo.processInfo.environment
        env["EVQ_BINARY"] = Project.evqBinary
        env["NO_COLOR"] = "1"
        p.environment = env
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = FileHandle.nullDevice
        try p.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        if let expected = c.stdout { #expect(String(decoding: stdout, as: UTF8.self) == expected) }
        #expect(String(decoding: stderr, as: UTF8.self) == c.stderr)
        #expect(p.terminationStatus == c.status)
    }
}
