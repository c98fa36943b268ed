// The hostile-input suite: each case is a shell line running evq on bad input, with the exact
// message and exit code it must give. Classes: write errors, limits, regular expressions,
// misleading causes, terminal injection. A crash, a hang or a silent wrong answer fails it.

import Foundation
import EVQTestSupport
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
        HostileCase("15,000 chained stages", "{ printf events; printf ' | where true%.0s' {1..15000}; echo; } | evq 2>&1 | head -1",
                    stdout: "<stdin>:1:13008: error: too many stages in one query (more than 1000)\n", status: 0),
        HostileCase("explain of 1,000 stages", "evq -c \"explain events$(printf ' | where true%.0s' {1..1000})\" | wc -c | awk '{ print ($1 < 100000 ? \"linear\" : $1) }'",
                    stdout: "linear\n", status: 0),
        // Hangs: 20,000 chained lets took 41 s and 2.5 GB; each is one step now.
        HostileCase("20,000 chained lets", "{ echo 'let x0 = 0'; for i in {1..20000}; do echo \"let x$i = x$((i - 1)) + 1\"; done; echo x20000; } | evq --format csv",
                    stdout: "value\n20000\n", status: 0),
        HostileCase("20,000 chained table lets", "{ echo 'let t0 = events'; for i in {1..20000}; do echo \"let t$i = t$((i - 1)) | where n > 0\"; done; echo 't20000 | count'; } | evq --format csv",
                    stdout: "count\n2\n", status: 0),
        // Hangs: a long script splits in linear time (100,000 lines took minutes when quadratic).
        HostileCase("100,000-statement script", "for i in {1..100000}; do echo \"let x$i = $i\"; done | evq; echo ok",
                    stdout: "ok\n", status: 0),
        // Limits: a time budget and a memory ceiling per query, and bad values for them.
        HostileCase("query past --timeout", "EVQ_TEST_BATCH_DELAY_MS=200 evq --timeout 50ms -c 'events | where n > 0' 2>&1 | head -1",
                    stdout: "<command>:1:1: error: query stopped: it ran longer than its time limit of 50 ms\n", status: 0),
        HostileCase("query past --max-memory", "evq --max-memory 100 -c 'events | summarize c = count() by id' 2>&1 | head -1",
                    stdout: "<command>:1:10: error: query stopped: summarize c = count() by id needed more than its memory limit of 100 bytes (hash table of 3 groups)\n",
                    status: 0),
        HostileCase("bad --timeout", "evq --timeout soon -c 'events'",
                    stderr: "error: --timeout needs a time such as 30s or 2m, found 'soon'\n", status: 64),
        HostileCase(".timeout in a script", "printf '.timeout 2m\\n.timeout\\n.max_memory 1.5G\\n.max_memory\\n.timeout later\\n' | evq",
                    stdout: "timeout: 120.0 s\nmax_memory: 1.5 GB\n",
                    stderr: "error: usage: .timeout TIME (30s, 2m, 500ms; 0 or off for none)\n", status: 64),
        // Regular expressions: exact answers in linear time, refusals that say why.
        HostileCase("catastrophic backtracking pattern", "evq -c 'events | where notes matches \"^(?:(a+)+b|a*!X)\" | count' --format csv",
                    stdout: "count\n0\n", status: 0),
        HostileCase("backreference", "evq -c 'events | where notes matches \"(a)\\\\1\"'",
                    stderr: """
                        <command>:1:30: error: bad regular expression "(a)\\\\1": backreferences such as '\\1' are not supported
                         1 | events | where notes matches "(a)\\\\1"
                           |                              ^^^^^^^^ evq's regular expressions (RE2 syntax) run in time linear in the text, which rules this out

                        """, status: 65),
        HostileCase("empty pattern matches every text", "evq -c 'events | where notes matches \"\" | count' --format csv",
                    stdout: "count\n3\n", status: 0),
        HostileCase("glob with many stars", "evq -c 'events | where notes like \"*a*a*a*a*a*a*a*a*a*a*a*a*a*a*!\" | count' --format csv",
                    stdout: "count\n1\n", status: 0),
        // Messages that name the real cause.
        HostileCase("data from a FIFO", "mkfifo fifo.csv 2>/dev/null; evq --data fifo.csv -c 'events | count'",
                    stderr: "error: fifo.csv: cannot read: not a regular file (a FIFO)\n", status: 65),
        HostileCase("data from a link to /dev/zero", "ln -sf /dev/zero zero.csv; evq --data zero.csv -c 'events | count'",
                    stderr: "error: zero.csv: cannot read: not a regular file (a device)\n", status: 65),
        HostileCase("data from a folder", "mkdir -p folder.csv; evq --data folder.csv -c 'events | count'",
                    stderr: "error: folder.csv: cannot read: is a directory with no .csv, .tsv or .jsonl files\n", status: 65),
        HostileCase(".read of a folder", "mkdir -p folder; echo '.read folder' | evq",
                    stderr: "error: folder: is a directory\n", status: 66),
        HostileCase("run a FIFO", "mkfifo script.evq 2>/dev/null; evq run script.evq",
                    stderr: "error: script.evq: not a regular file (a FIFO)\n", status: 66),
        HostileCase("year past 9999", "evq -c 'events | where date > 99999-01-01'",
                    stderr: """
                        <command>:1:23: error: date out of range '99999-01-01'
                         1 | events | where date > 99999-01-01
                           |                       ^^^^^^^^^^^ years run from 0000 to 9999

                        """, status: 65),
        HostileCase("smallest Int64 literal", "evq -c ' -9223372036854775808' --format csv",
                    stdout: "value\n-9223372036854775808\n", status: 0),
        HostileCase("its negation overflows to null", "evq -c ' - -9223372036854775808' --format csv", stdout: "value\n\n", status: 0),
        HostileCase("2^63 without a minus", "evq -c '9223372036854775808' 2>&1 | head -1",
                    stdout: "<command>:1:1: error: number is too large\n", status: 0),
        HostileCase("a 1 MB name", "{ printf 'events | where '; head -c 1000000 /dev/zero | tr '\\0' x; echo ' == 1'; } | evq 2>&1 | head -1",
                    stdout: "<stdin>:1:16: error: name too long (1000000 bytes; at most 1000): 'xxxxxxxxxxxxxxxxxxxx…'\n", status: 0),
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
