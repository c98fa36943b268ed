// Test support: a pseudo-terminal whose slave side is the editor's terminal and whose master side is a
// scripted keyboard (on its own thread, since readLine() blocks) plus a recorder of everything echoed.
import CLibEdit
import Foundation
import LineEditor
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// One action of the keyboard script.
enum Key: Sendable {
    /// Wait until libedit has put the tty in raw mode (ICANON off). Typing earlier races the kernel's line
    /// discipline: a ^D would be taken as a canonical EOF and el_gets would hang, and text is echoed twice.
    /// Seeing the prompt is not enough: libedit prints it first and switches to raw mode on the first read.
    case waitForRawMode
    /// Write bytes to the master, as keys typed all at once.
    case type(String)
    /// Wait until the echoed output contains `text` at least `times` times.
    case waitForOutput(String, times: Int = 1)
}

/// The master side: a keyboard and a screen recorder. Shared between the test and its keyboard thread.
final class Screen: Sendable {
    /// Generous: the tests must pass on a loaded 2-core machine; a timeout only ever means failure.
    static let timeout: Duration = .seconds(30)

    private struct State {
        var master: Int32
        var echoed: [UInt8] = []
    }
    private let state: Mutex<State>
    /// Kept only to ask its termios whether libedit is in raw mode.
    let slave: Int32

    init(master: Int32, slave: Int32) {
        state = Mutex(State(master: master))
        self.slave = slave
    }

    /// Everything read from the master so far.
    var text: String { state.withLock { String(decoding: $0.echoed, as: UTF8.self) } }

    func type(_ keys: String) -> Bool {
        state.withLock { state in
            guard state.master >= 0 else { return false }
            var bytes = Array(keys.utf8)[...]
            while !bytes.isEmpty {
                let n = bytes.withUnsafeBytes { Glibc.write(state.master, $0.baseAddress, $0.count) }
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { return false }
                bytes = bytes.dropFirst(n)
            }
            return true
        }
    }

    /// Reads the master until `text` was echoed `times` times or the timeout passed.
    func waitForOutput(_ text: String, times: Int = 1) -> Bool {
        let deadline = ContinuousClock.now + Screen.timeout
        while true {
            if occurrences(of: text) >= times { return true }
            if ContinuousClock.now > deadline || !readSome() { return occurrences(of: text) >= times }
        }
    }

    func waitForRawMode() -> Bool {
        let deadline = ContinuousClock.now + Screen.timeout
        while ContinuousClock.now < deadline {
            var mode = termios()
            if tcgetattr(slave, &mode) == 0 && mode.c_lflag & tcflag_t(ICANON) == 0 { return true }
            _ = readSome(waitingAtMost: 2)  // keep the output drained while waiting
        }
        return false
    }

    /// Closes the master, so the editor's next read fails (EIO) and readLine() returns instead of hanging.
    func hangUp() {
        state.withLock { state in
            if state.master >= 0 { close(state.master) }
            state.master = -1
        }
    }

    /// Appends what the master has within `milliseconds`. False once the master is closed.
    @discardableResult
    private func readSome(waitingAtMost milliseconds: Int32 = 50) -> Bool {
        state.withLock { state in
            guard state.master >= 0 else { return false }
            var fds = pollfd(fd: state.master, events: Int16(POLLIN), revents: 0)
            guard poll(&fds, 1, milliseconds) > 0 else { return true }
            var buffer = [UInt8](repeating: 0, count: 4096)
            let n = read(state.master, &buffer, buffer.count)
            if n > 0 { state.echoed += buffer[..<n] }
            return n > 0 || errno == EINTR || errno == EAGAIN
        }
    }

    private func occurrences(of needle: String) -> Int {
        text.components(separatedBy: needle).count - 1
    }
}

/// Serialises creating file descriptors with spawning the Ctrl-C test's child: openpty cannot set close-on-exec
/// atomically, and a child that inherited another test's pty would keep it open (and could be handed its name).
let descriptorLock = Mutex<Void>(())

/// A pty pair with the slave opened as the input and output of one LineEditor, `editor`.
/// The editor is owned here alone and destroyed before the slave is closed: el_end restores the terminal
/// settings on its descriptors, which by then could belong to another test's pty.
final class PseudoTerminal {
    let screen: Screen
    let input: UnsafeMutablePointer<FILE>
    let output: UnsafeMutablePointer<FILE>
    let slavePath: String
    private(set) var editor: LineEditor!

    /// Opens the pty; with `editing` false there is no editor (the Ctrl-C test runs it in a child process).
    init(
        historyFile: String? = nil, errorOutput: UnsafeMutablePointer<FILE>? = nil, editing: Bool = true
    ) throws {
        var master: Int32 = -1
        var slave: Int32 = -1
        var path = [CChar](repeating: 0, count: 256)
        // 80 columns, so that completion lists are laid out the same everywhere.
        var size = winsize(ws_row: 24, ws_col: 80, ws_xpixel: 0, ws_ypixel: 0)
        let error: Int32 = descriptorLock.withLock { _ in
            guard openpty(&master, &slave, nil, nil, &size) == 0 else { return errno }
            _ = fcntl(master, F_SETFD, FD_CLOEXEC)
            _ = fcntl(slave, F_SETFD, FD_CLOEXEC)
            return ttyname_r(slave, &path, path.count)  // ttyname's static buffer is shared with concurrent tests
        }
        guard error == 0 else { throw POSIXError(.init(rawValue: error)!) }
        screen = Screen(master: master, slave: slave)
        slavePath = String(decoding: path.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        input = fdopen(slave, "r")!
        output = fdopen(fcntl(slave, F_DUPFD_CLOEXEC, 0), "w")!
        if editing {
            editor = LineEditor(
                program: "evq-test", historyFile: historyFile, input: input, output: output,
                errorOutput: errorOutput, readsEditrc: false)
        }
    }

    deinit {
        editor = nil
        screen.hangUp()
        fclose(input)
        fclose(output)
    }

    /// Plays `keys` on a keyboard thread while `body` (which calls readLine) runs on this one.
    /// Returns body's result and the script steps that failed; on a failure the terminal is hung up so
    /// that body cannot block forever.
    func play<T>(_ keys: [Key], while body: () -> T) -> (T, failures: [String]) {
        let screen = self.screen
        let failures = Mutex<[String]>([])
        let done = DispatchSemaphore(value: 0)
        let keyboard = Thread {
            for (index, key) in keys.enumerated() {
                let ok: Bool
                switch key {
                case .waitForRawMode: ok = screen.waitForRawMode()
                case .type(let text): ok = screen.type(text)
                case .waitForOutput(let text, let times): ok = screen.waitForOutput(text, times: times)
                }
                if !ok {
                    failures.withLock { $0.append("step \(index) \(key) failed; echoed so far: \(screen.text.debugDescription)") }
                    screen.hangUp()
                    break
                }
            }
            done.signal()
        }
        keyboard.start()
        let result = body()
        done.wait()
        return (result, failures.withLock { $0 })
    }
}
