// Ctrl-C at the prompt, delivered the way a terminal does it: the kernel turns the ^C byte into SIGINT for
// the terminal's foreground process group. That needs the pty to be a controlling terminal, and libedit then
// re-raises the signal with kill(0, SIGINT) to the whole process group, so the editor runs in a child
// process (this test binary again, filtered to the child-side test) in a session of its own.
import CLibEdit
import Foundation
import LineEditor
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Set in the child's environment to the pty slave it must use; the child-side test runs only then.
private let childTTYVariable = "EVQ_LINEEDITOR_CHILD_TTY"

@Suite(.serialized, .enabled(if: FileManager.default.fileExists(atPath: "/dev/ptmx")))
struct CtrlCTests {
    @Test func ctrlCAtThePromptDropsTheLineAndTheSessionGoesOn() throws {
        let tty = try PseudoTerminal(editing: false)
        let log = try TemporaryDirectory()
        let child = try spawnSelf(
            filter: "childSideOfCtrlC", environment: [childTTYVariable: tty.slavePath], log: log.path + "/child.log")
        let keys: [Key] = [
            .waitForRawMode, .type("abc"), .waitForOutput("evq> abc"),
            .type("\u{03}"), .waitForOutput("evq> ", times: 2), .waitForRawMode,
            .type("ok\r"), .waitForOutput("child saw: interrupted, true, line(\"ok\")\r\n"),
        ]
        let (status, failures) = tty.play(keys) { waitForExit(child, timeout: .seconds(60)) }
        let childLog = (try? String(contentsOfFile: log.path + "/child.log", encoding: .utf8)) ?? ""
        #expect(failures == [], "child log:\n\(childLog)")
        #expect(status == 0, "child log:\n\(childLog)")
        #expect(tty.screen.text.hasPrefix("evq> abc\r\nevq> ok\r\n"), "\(tty.screen.text.debugDescription)")
    }

    /// Runs only inside the child spawned above: takes the pty as controlling terminal and reads two lines.
    /// It runs on a pool thread, not the main one, so it also covers Interrupt's forwarding of SIGINT
    /// to the reading thread (the kernel may deliver it to any thread of the child).
    @Test(.enabled(if: ProcessInfo.processInfo.environment[childTTYVariable] != nil))
    func childSideOfCtrlC() throws {
        let path = ProcessInfo.processInfo.environment[childTTYVariable]!
        try #require(setsid() != -1, "setsid: \(errno)")
        let fd = open(path, O_RDWR)
        try #require(fd >= 0)
        try #require(ioctl(fd, UInt(TIOCSCTTY), 0) == 0, "TIOCSCTTY: \(errno)")
        Interrupt.install()
        let input = fdopen(fd, "r")!
        let output = fdopen(dup(fd), "w")!
        defer { fclose(input); fclose(output) }
        do {
            let editor = LineEditor(program: "evq-test", historyFile: nil, input: input, output: output, readsEditrc: false)
            editor.prompt = "evq> "
            let first = editor.readLine()
            let flagged = Interrupt.requested  // proves our handler ran, not just libedit's
            Interrupt.reset()
            let second = editor.readLine()
            fputs("child saw: \(first), \(flagged), \(second)\n", output)
            fflush(output)
            #expect(first == .interrupted)
            #expect(flagged)
            #expect(second == .line("ok"))
        }
    }
}

/// Starts this test binary again, running only the tests matching `filter`, with output to `log`.
private func spawnSelf(filter: String, environment: [String: String], log: String) throws -> pid_t {
    let executable = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
    let arguments = [executable, "--testing-library", "swift-testing", "--filter", filter]
    var environ = ProcessInfo.processInfo.environment
    environ.merge(environment) { $1 }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    posix_spawn_file_actions_adddup2(&actions, 1, 2)
    let argv = arguments.map { strdup($0) } + [nil]
    let envp = environ.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer { (argv + envp).forEach { free($0) } }
    var pid: pid_t = 0
    let error = descriptorLock.withLock { _ in posix_spawn(&pid, executable, &actions, nil, argv, envp) }
    guard error == 0 else { throw POSIXError(.init(rawValue: error)!) }
    return pid
}

/// The child's exit status, or -1 if it had to be killed after `timeout` (or died of a signal).
private func waitForExit(_ pid: pid_t, timeout: Duration) -> Int32 {
    let deadline = ContinuousClock.now + timeout
    var status: Int32 = 0
    while waitpid(pid, &status, WNOHANG) == 0 {
        if ContinuousClock.now > deadline {
            kill(pid, SIGKILL)
            waitpid(pid, &status, 0)
            return -1
        }
        usleep(10_000)
    }
    return status & 0x7f == 0 ? (status >> 8) & 0xff : -1
}
