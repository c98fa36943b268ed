// Test support for PromptPTYTests: the real `evq` binary on a pseudo-terminal, driven as a person would
// (keys written to the master) and watched as a person would (what a terminal shows, rebuilt from the
// echoed bytes by a tiny VT100 model, so that libedit's redraws like `\r\e[26Gities ` read as whole lines).
//
// How evq is started, and why not Foundation's Process with `setsid -c` (tried first, and checked):
// - Process on Linux spawns with POSIX_SPAWN_SETPGROUP, so its child is a process-group leader; setsid(2)
//   refuses a group leader, so setsid(1) forks (seen: the pid Process knew was a zombie `setsid`). That pid
//   is a wrapper that exits at once (or, with -w, waits and passes the status on), not evq: a test that
//   timed out would kill the wrapper and leave evq running.
// - Process does not reset the signal mask, and test functions run on Dispatch worker threads, which block
//   SIGINT (measured: blocked), so evq would start with SIGINT blocked. evq copes (main.swift's
//   unblockInterrupt), but a test should start it as a shell does, not lean on that.
// So evq is spawned here with posix_spawn directly, as a shell would start it in a terminal of its own:
// POSIX_SPAWN_SETSID (a new session, so also its own process group: libedit's kill(0, SIGINT) re-raise
// and the kernel's SIGINT for ^C reach evq only, never the test runner), an empty signal mask, default
// dispositions, every inherited descriptor closed, and the slave opened BY PATH (without O_NOCTTY) as
// fd 0 after setsid: the first terminal a session leader opens becomes its controlling terminal.
// `theChildOwnsItsTerminal` in PromptPTYTests checks all of this through /proc.
#if os(Linux)  // /proc, glibc's posix_spawn extensions, Linux pty semantics
import CLibEdit
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A failed wait: what was awaited, and what the terminal showed by then.
struct PTYFailure: Error, CustomStringConvertible {
    let description: String
}

/// What a terminal shows after the echoed bytes: lines of text (scrollback included, no wrapping), with the
/// cursor movements, erasures and insertions libedit uses applied. Enough of VT100/xterm for libedit's
/// terminfo strings: CR, LF, BS, TAB, BEL, ESC[n G/C/D/A/B/H/K/J/@/P, ESC[4h/4l (insert mode); the rest of
/// ESC[ and ESC] (OSC) sequences are ignored.
struct RenderedScreen: Equatable {
    private(set) var lines: [String] = [""]

    init(_ bytes: [UInt8]) {
        var grid: [[Character]] = [[]]
        var row = 0, col = 0
        var insertMode = false
        let scalars = Array(String(decoding: bytes, as: UTF8.self).unicodeScalars)
        func ensureRow() { while grid.count <= row { grid.append([]) } }
        func put(_ ch: Character) {
            ensureRow()
            if grid[row].count < col { grid[row] += Array(repeating: " ", count: col - grid[row].count) }
            if insertMode || col == grid[row].count {
                grid[row].insert(ch, at: col)
            } else {
                grid[row][col] = ch
            }
            col += 1
        }
        var i = 0
        while i < scalars.count {
            let s = scalars[i]
            i += 1
            switch s {
            case "\r": col = 0
            case "\n": row += 1; ensureRow()
            case "\u{08}": col = max(0, col - 1)
            case "\t": col = (col / 8 + 1) * 8
            case "\u{07}": break
            case "\u{1b}":
                guard i < scalars.count else { break }
                let kind = scalars[i]
                i += 1
                if kind == "[" {
                    var params = ""
                    while i < scalars.count, !(0x40...0x7e).contains(scalars[i].value) {
                        params.unicodeScalars.append(scalars[i])
                        i += 1
                    }
                    guard i < scalars.count else { break }
                    let final = scalars[i]
                    i += 1
                    let numbers = params.split(separator: ";", omittingEmptySubsequences: false).map { Int($0) }
                    let n = max(1, (numbers.first ?? nil) ?? 1)
                    ensureRow()
                    switch final {
                    case "G": col = n - 1
                    case "C": col += n
                    case "D": col = max(0, col - n)
                    case "A": row = max(0, row - n)
                    case "B": row += n; ensureRow()
                    case "H":
                        row = max(0, ((numbers.first ?? nil) ?? 1) - 1)
                        col = max(0, ((numbers.count > 1 ? numbers[1] : nil) ?? 1) - 1)
                        ensureRow()
                    case "K":
                        switch (numbers.first ?? nil) ?? 0 {
                        case 0: if col < grid[row].count { grid[row].removeSubrange(col...) }
                        case 1: for k in 0..<min(col + 1, grid[row].count) { grid[row][k] = " " }
                        default: grid[row] = []
                        }
                    case "J":
                        if col < grid[row].count { grid[row].removeSubrange(col...) }
                        if grid.count > row + 1 { grid.removeSubrange((row + 1)...) }
                    case "@":
                        if col <= grid[row].count { grid[row].insert(contentsOf: Array(repeating: " ", count: n), at: col) }
                    case "P":
                        if col < grid[row].count { grid[row].removeSubrange(col..<min(grid[row].count, col + n)) }
                    case "h" where params == "4": insertMode = true
                    case "l" where params == "4": insertMode = false
                    default: break  // colours, modes: nothing to show
                    }
                } else if kind == "]" {
                    // OSC: up to BEL or ESC \.
                    while i < scalars.count, scalars[i] != "\u{07}", scalars[i] != "\u{1b}" { i += 1 }
                    i += scalars.count > i && scalars[i] == "\u{1b}" ? 2 : 1
                }
            default:
                if s.value >= 0x20 { put(Character(s)) }
            }
        }
        lines = grid.map { String($0) }
    }

    /// The line the cursor is on at the end (a prompt, when evq waits for input).
    var lastLine: String { lines.last ?? "" }
    var text: String { lines.joined(separator: "\n") }
}

/// One `evq` process on a pseudo-terminal of its own, with a fresh home directory.
/// Used from one test thread; every wait polls the master and gives up after `timeout`.
final class EVQTerminal {
    /// Generous: the tests must pass on a loaded 2-core machine; a timeout only ever means failure.
    static let timeout: Duration = .seconds(30)
    static let prompt = "evq> "
    static let continuationPrompt = "...> "

    /// The temporary home: HOME and the XDG folders point inside it. Removed by `stop()` when made here.
    let home: String
    /// Where the prompt's history is kept (EVQ_HISTORY).
    let historyFile: String
    let pid: pid_t
    private let master: Int32
    /// Kept open by the test to read the terminal's mode (libedit's raw mode) with tcgetattr.
    private let slave: Int32
    let slaveDevice: dev_t
    private(set) var transcript: [UInt8] = []
    private var exitStatus: Int32?
    private let ownsHome: Bool
    private var closed = false

    /// The package root, from this file's path (Tests/EVQShellTests/PromptPTYSupport.swift).
    static let projectRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    /// The built `evq` binary: beside the test bundle, else .build/debug/evq (as Tests/EVQTests/Support.swift).
    static var binary: String {
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("evq").path
        if FileManager.default.isExecutableFile(atPath: beside) { return beside }
        return projectRoot + "/.build/debug/evq"
    }

    /// A fresh temporary folder to use as HOME.
    static func makeHome() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("evq-pty-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// Starts `evq arguments` in the project root on a new 120x40 pty. `home`: reuse a home (and its history
    /// file) made by `makeHome()`; the caller then removes it. `environment` is added to the defaults.
    init(arguments: [String] = ["--no-init"], environment: [String: String] = [:], home: String? = nil) throws {
        self.ownsHome = home == nil
        let home = try home ?? EVQTerminal.makeHome()
        self.home = home
        self.historyFile = home + "/history"
        var master: Int32 = -1, slave: Int32 = -1
        var size = winsize(ws_row: 40, ws_col: 120, ws_xpixel: 0, ws_ypixel: 0)
        var name = [CChar](repeating: 0, count: 256)
        let error: Int32 = ptyLock.withLock { _ in
            guard openpty(&master, &slave, nil, nil, &size) == 0 else { return errno }
            _ = fcntl(master, F_SETFD, FD_CLOEXEC)
            _ = fcntl(slave, F_SETFD, FD_CLOEXEC)
            return ttyname_r(slave, &name, name.count)
        }
        guard error == 0 else { throw POSIXError(.init(rawValue: error) ?? .EIO) }
        self.master = master
        self.slave = slave
        var info = stat()
        fstat(slave, &info)
        slaveDevice = info.st_rdev
        let tty = String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)

        var env = [
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
            "HOME": home,
            "XDG_CONFIG_HOME": home + "/config",
            "XDG_STATE_HOME": home + "/state",
            "XDG_DATA_HOME": home + "/data",
            "XDG_CACHE_HOME": home + "/cache",
            "EVQ_HISTORY": home + "/history",
            "TERM": "xterm",
            "LANG": "C.UTF-8",
            "NO_COLOR": "1",
            "COLUMNS": "120",
            "LINES": "40",
        ]
        env.merge(environment) { $1 }
        do {
            pid = try spawnInNewSession(
                EVQTerminal.binary, arguments: arguments, environment: env, directory: EVQTerminal.projectRoot, tty: tty)
        } catch {
            close(master)
            close(slave)
            throw error
        }
    }

    deinit { stop() }

    /// Kills evq if it still runs (by its pid: it is our child), reaps it, closes the pty, removes the home.
    func stop() {
        if exitStatus == nil {
            kill(pid, SIGKILL)
            var status: Int32 = 0
            while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
            exitStatus = -1
        }
        if !closed {
            closed = true
            close(master)
            close(slave)
            if ownsHome { try? FileManager.default.removeItem(atPath: home) }
        }
    }

    /// Resizes the terminal, as a window manager would: the kernel then sends SIGWINCH to evq.
    func resize(columns: Int, rows: Int) {
        var size = winsize(ws_row: UInt16(rows), ws_col: UInt16(columns), ws_xpixel: 0, ws_ypixel: 0)
        _ = ioctl(master, UInt(TIOCSWINSZ), &size)
    }

    // MARK: what the terminal shows

    var screen: RenderedScreen { RenderedScreen(transcript) }
    var rawText: String { String(decoding: transcript, as: UTF8.self) }

    /// The failure for a wait on `what`, with the screen and the raw bytes.
    func failure(_ what: String) -> PTYFailure {
        PTYFailure(description: "timed out (\(EVQTerminal.timeout)) waiting for \(what)\n--- screen ---\n\(screen.text)\n--- raw ---\n\(rawText.debugDescription)")
    }

    /// Appends what the master has within `milliseconds`.
    private func readSome(waitingAtMost milliseconds: Int32) {
        guard !closed else { return }
        var fds = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
        guard poll(&fds, 1, milliseconds) > 0 else { return }
        var buffer = [UInt8](repeating: 0, count: 8192)
        let n = read(master, &buffer, buffer.count)
        if n > 0 { transcript += buffer[..<n] }
    }

    /// Reads the terminal until `predicate` holds for what it shows; throws after the timeout.
    @discardableResult
    func waitUntil(_ what: String, timeout: Duration = EVQTerminal.timeout, _ predicate: (RenderedScreen) -> Bool) throws -> RenderedScreen {
        let deadline = ContinuousClock.now + timeout
        while true {
            let shown = screen
            if predicate(shown) { return shown }
            if ContinuousClock.now > deadline { throw failure(what) }
            readSome(waitingAtMost: 20)
        }
    }

    /// Keeps reading (so evq never blocks on output) for `duration` by the clock.
    func drain(for duration: Duration) {
        let end = ContinuousClock.now + duration
        while ContinuousClock.now < end { readSome(waitingAtMost: 10) }
    }

    /// Whether libedit has the terminal in raw mode (ICANON off): it is inside el_gets, reading keys.
    var isRaw: Bool {
        var mode = termios()
        return tcgetattr(slave, &mode) == 0 && mode.c_lflag & tcflag_t(ICANON) == 0
    }

    /// Waits until libedit reads keys. Typing earlier races the kernel's line discipline (a ^D would be a
    /// canonical EOF, text would be echoed twice); seeing the prompt is not enough, libedit prints it first.
    func waitForRawMode() throws {
        let deadline = ContinuousClock.now + EVQTerminal.timeout
        while !isRaw {
            if ContinuousClock.now > deadline { throw failure("raw mode") }
            readSome(waitingAtMost: 5)
        }
    }

    /// Waits for an empty prompt (`evq> ` or `...> `) on the cursor line, below line `after`, with
    /// libedit reading keys. Returns the screen.
    @discardableResult
    func waitForPrompt(after line: Int = -1, _ prompt: String? = nil) throws -> RenderedScreen {
        let prompts = prompt.map { [$0] } ?? [EVQTerminal.prompt, EVQTerminal.continuationPrompt]
        try waitUntil("an empty prompt \(prompts) below line \(line)") { prompts.contains($0.lastLine) && $0.lines.count - 1 > line }
        try waitForRawMode()
        return screen
    }

    // MARK: typing

    /// Writes `keys` to the master, as keys typed at once.
    func type(_ keys: String) {
        var bytes = Array(keys.utf8)[...]
        while !bytes.isEmpty {
            let n = bytes.withUnsafeBytes { write(master, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { return }
            bytes = bytes.dropFirst(n)
        }
    }

    /// One line entered at the prompt: its echo and the output lines between it and the next prompt.
    struct Entered {
        /// The line as the terminal shows it, prompt included (`evq> events | count`).
        var echo: String
        var output: [String]
        /// The prompt that followed (`evq> ` or `...> `).
        var nextPrompt: String
    }

    /// Types `text` and Enter at the prompt (waiting for raw mode first), then waits for the next prompt.
    @discardableResult
    func enter(_ text: String) throws -> Entered {
        try waitForRawMode()
        let start = screen.lines.count - 1
        type(text + "\r")
        let shown = try waitForPrompt(after: start)
        let last = shown.lines.count - 1
        return Entered(echo: shown.lines[start], output: Array(shown.lines[(start + 1)..<last]), nextPrompt: shown.lastLine)
    }

    /// evq's exit status once it exited (reading the terminal meanwhile); throws after the timeout.
    func waitForExit() throws -> Int32 {
        let deadline = ContinuousClock.now + EVQTerminal.timeout
        while exitStatus == nil {
            var status: Int32 = 0
            let r = waitpid(pid, &status, WNOHANG)
            if r == pid {
                exitStatus = status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + status & 0x7f
                break
            }
            if ContinuousClock.now > deadline { throw failure("evq to exit") }
            readSome(waitingAtMost: 10)
        }
        readSome(waitingAtMost: 0)
        return exitStatus!
    }
}

/// Serialises opening ptys in this module: openpty cannot set close-on-exec atomically.
private let ptyLock = Mutex<Void>(())

/// glibc's POSIX_SPAWN_SETSID (<spawn.h>, since 2.26): only declared under _GNU_SOURCE, which Swift's Glibc
/// module does not define, so it is not imported.
private let posixSpawnSetSID: Int32 = 0x80

/// posix_spawn_file_actions_addchdir_np (glibc 2.29), looked up at run time for the same reason.
private typealias AddChdir = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32
private let addChdir: AddChdir? = {
    guard let handle = dlopen(nil, RTLD_NOW), let symbol = dlsym(handle, "posix_spawn_file_actions_addchdir_np") else { return nil }
    return unsafeBitCast(symbol, to: AddChdir.self)
}()

/// Starts `executable` as the leader of a new session whose controlling terminal is `tty` (stdin, stdout
/// and stderr), in `directory`, with a clean signal state. See the comment at the top of this file.
private func spawnInNewSession(
    _ executable: String, arguments: [String], environment: [String: String], directory: String, tty: String
) throws -> pid_t {
    guard let addChdir else { throw PTYFailure(description: "this libc has no posix_spawn_file_actions_addchdir_np") }
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    var none = sigset_t()
    sigemptyset(&none)
    posix_spawnattr_setsigmask(&attributes, &none)
    var defaults = sigset_t()
    sigemptyset(&defaults)
    for signal in [SIGINT, SIGQUIT, SIGTSTP, SIGTTIN, SIGTTOU, SIGHUP, SIGTERM, SIGPIPE, SIGCHLD, SIGWINCH, SIGCONT] {
        sigaddset(&defaults, signal)
    }
    posix_spawnattr_setsigdefault(&attributes, &defaults)
    posix_spawnattr_setflags(&attributes, Int16(Int32(POSIX_SPAWN_SETSIGMASK) | Int32(POSIX_SPAWN_SETSIGDEF) | posixSpawnSetSID))

    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    // Nothing of the test runner's is inherited (other tests' pipes and ptys): close every descriptor above 2.
    // Closing one that is gone by then is not an error for glibc.
    let open = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd"))?.compactMap { Int32($0) } ?? []
    for fd in open where fd > 2 { posix_spawn_file_actions_addclose(&actions, fd) }
    // After setsid (glibc applies file actions after it): opening the slave without O_NOCTTY makes it the
    // session's controlling terminal, and evq's process group the terminal's foreground group.
    posix_spawn_file_actions_addopen(&actions, 0, tty, O_RDWR, 0)
    posix_spawn_file_actions_adddup2(&actions, 0, 1)
    posix_spawn_file_actions_adddup2(&actions, 0, 2)
    _ = addChdir(&actions, directory)

    let argv = ([executable] + arguments).map { strdup($0) } + [nil]
    let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer { (argv + envp).forEach { free($0) } }
    var pid: pid_t = 0
    let error = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
    guard error == 0 else { throw POSIXError(.init(rawValue: error) ?? .EIO) }
    return pid
}

/// What /proc says about a process: `pgrp`, `session`, `tty_nr` (the controlling terminal's device),
/// `tpgid` (the terminal's foreground process group). Fields 5–8 of /proc/PID/stat.
struct ProcStat {
    var processGroup: Int32
    var session: Int32
    var terminal: UInt64
    var foregroundGroup: Int32

    init?(pid: pid_t) {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = text.lastIndex(of: ")")
        else { return nil }
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count > 5, let pgrp = Int32(fields[2]), let sid = Int32(fields[3]), let tty = Int64(fields[4]),
            let tpgid = Int32(fields[5])
        else { return nil }
        processGroup = pgrp
        session = sid
        terminal = UInt64(bitPattern: tty)
        foregroundGroup = tpgid
    }
}

/// Bits of the signal masks in /proc/PID/status (`SigBlk`, `SigIgn`), per thread (task).
func signalMask(_ field: String, pid: pid_t) -> UInt64? {
    guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
    for line in text.split(separator: "\n") where line.hasPrefix(field + ":") {
        return UInt64(line.dropFirst(field.count + 1).trimmingCharacters(in: .whitespaces), radix: 16)
    }
    return nil
}

#endif
