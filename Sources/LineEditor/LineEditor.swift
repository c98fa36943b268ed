// The interactive line reader: one libedit EditLine + History pair, its prompt, and readLine().
// History files live in LineEditor+History.swift, Tab completion in LineEditor+Completion.swift.
import CLibEdit

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What one `readLine()` produced.
public enum ReadResult: Equatable, Sendable {
    /// A line as typed, without its trailing newline. A line recalled from history may contain newlines.
    case line(String)
    /// Ctrl-D on an empty line, or the terminal went away.
    case eof
    /// Ctrl-C at the prompt (needs `Interrupt.install()`): the half-typed line was dropped.
    /// `Interrupt.requested` is left set; call `Interrupt.reset()` before running the next query.
    case interrupted
}

/// An emacs-style line editor over libedit. Not thread-safe: create and use it on one thread (the main one).
///
///     Interrupt.install()
///     let editor = LineEditor(program: "evq", historyFile: home + "/.evq_history")
///     editor.prompt = "evq> "
///     while case .line(let text) = editor.readLine() { editor.addHistory(text); ... }
public final class LineEditor {
    let el: OpaquePointer
    let hist: OpaquePointer
    let output: UnsafeMutablePointer<FILE>
    let errorOutput: UnsafeMutablePointer<FILE>
    let program: String

    /// Where history is saved; nil when there is no history file or it was refused (see `historyProblem`).
    let historyPath: String?
    /// Why the history file will not be written, printed once on the first save.
    var historyProblem: String?
    var historyProblemReported = false
    var historyChanged = false
    /// The text before the cursor when Tab last listed candidates (a second Tab there does not list them again).
    var lastListing: String?

    // What libedit's prompt callback returns; owned here, replaced whenever `prompt` changes.
    private var promptC: UnsafeMutablePointer<CChar>

    /// The prompt shown by the next `readLine()`. It may contain ANSI escape sequences (colour):
    /// they are marked for libedit internally, so they take no columns.
    public var prompt: String {
        didSet { setPromptC() }
    }

    /// Called on Tab with the text before the cursor. Nil: Tab beeps.
    public var completer: ((_ lineBeforeCursor: String) -> Completion)?

    /// - Parameters:
    ///   - program: the name libedit uses for `~/.editrc` sections (`evq:bind ...`).
    ///   - historyFile: libedit history file, loaded now and written by `saveHistory()`; nil for none.
    ///   - input, output, errorOutput: default stdin, stdout, stderr. Tests pass a pseudo-terminal.
    ///   - historySize: entries kept; older ones drop off.
    ///   - readsEditrc: source `$EDITRC` or `~/.editrc` (our Tab and Ctrl-R bindings are applied after it).
    public init(
        program: String,
        historyFile: String?,
        input: UnsafeMutablePointer<FILE>? = nil,
        output: UnsafeMutablePointer<FILE>? = nil,
        errorOutput: UnsafeMutablePointer<FILE>? = nil,
        historySize: Int = 1000,
        readsEditrc: Bool = true
    ) {
        LineEditor.prepareLocale()
        let output = output ?? cle_stdout()!
        let errorOutput = errorOutput ?? cle_stderr()!
        guard let el = el_init(program, input ?? cle_stdin(), output, errorOutput), let hist = history_init() else {
            fatalError("libedit: out of memory")
        }
        self.el = el
        self.hist = hist
        self.output = output
        self.errorOutput = errorOutput
        self.program = program
        self.prompt = ""
        self.promptC = strdup("")!

        cle_hist_setsize(hist, Int32(clamping: max(historySize, 1)))
        // libedit's "unique" only skips an entry equal to the newest one (no consecutive duplicates).
        cle_hist_setunique(hist, 1)
        self.historyPath = historyFile.map(LineEditor.resolvedHistoryPath)
        if let historyPath { historyProblem = loadHistory(from: historyPath) }

        cle_set_editor(el, "emacs")
        // Signals: restore the tty on Ctrl-C/Ctrl-Z/kill, redraw on SIGCONT, track SIGWINCH resizes.
        cle_set_signal(el, 1)
        cle_set_hist(el, hist)
        // C callbacks cannot capture; they find `self` again through EL_CLIENTDATA. Unretained: self owns el.
        cle_set_clientdata(el, Unmanaged.passUnretained(self).toOpaque())
        cle_set_prompt_esc(el, { el in LineEditor.from(el)?.promptC }, CChar(PromptEscapes.marker.value))
        if readsEditrc { el_source(el, nil) }
        cle_add_fn(el, "evq-complete", "Complete the word before the cursor", { el, _ in
            LineEditor.from(el)?.complete() ?? UInt8(CC_REFRESH_BEEP)
        })
        // Tab completes; libedit's emacs map binds ^R to ed-redisplay: make it reverse incremental search as in bash.
        for case let (key, function)? in Self.keyBindings.map(\.binding) { cle_bind(el, key, function) }
    }

    deinit {
        saveHistory()
        el_end(el)  // before history_end: the editor still points at the history
        history_end(hist)
        free(promptC)
    }

    /// Shows the prompt and edits one line. Blocks until Enter, Ctrl-D on an empty line, or Ctrl-C.
    public func readLine() -> ReadResult {
        var count: Int32 = 0
        // Dispatch's worker threads block SIGINT; a prompt run on one (async code) could never be interrupted.
        var sigint = sigset_t()
        var savedMask = sigset_t()
        sigemptyset(&sigint)
        sigaddset(&sigint, SIGINT)
        pthread_sigmask(SIG_UNBLOCK, &sigint, &savedMask)
        Interrupt.readerBegins()
        errno = 0
        let text = el_gets(el, &count)
        let error = errno
        Interrupt.readerEnds()
        pthread_sigmask(SIG_SETMASK, &savedMask, nil)
        guard let text else {
            // Ctrl-C: libedit's handler restores the tty and re-raises SIGINT to ours; read() fails with EINTR.
            // Interrupt.requested is then true as well (possibly a moment later): callers reset it per query.
            if count == -1 && error == EINTR {
                el_reset(el)
                write("\n")
                return .interrupted
            }
            // libedit echoed "^D" (or the tty is gone); end that line so the caller's output starts clean.
            if count == 0 { write("\n") }
            return .eof
        }
        var line = String(cString: text)  // copy now: the buffer is reused by the next el_gets
        if line.hasSuffix("\n") { line.removeLast() }
        return .line(line)
    }

    /// Writes to the editor's own output, in order with what libedit itself has written there.
    func write(_ text: String) {
        fputs(text, output)
        fflush(output)
    }

    private func setPromptC() {
        free(promptC)
        promptC = strdup(PromptEscapes.wrap(prompt))!
    }

    static func from(_ el: OpaquePointer?) -> LineEditor? {
        guard let el, let data = cle_get_clientdata(el) else { return nil }
        return Unmanaged<LineEditor>.fromOpaque(data).takeUnretainedValue()
    }

    /// Must run before el_init: in the C locale libedit silently drops every non-ASCII byte.
    /// As Python does (PEP 538), a plain "C"/"POSIX" locale is taken to mean UTF-8.
    private static let localeOnce: Void = {
        setlocale(LC_CTYPE, "")
        if let codeset = nl_langinfo(Int32(CODESET)), String(cString: codeset) != "UTF-8",
            let name = setlocale(LC_CTYPE, nil), ["C", "POSIX"].contains(String(cString: name))
        {
            setlocale(LC_CTYPE, "C.UTF-8")
        }
    }()

    private static func prepareLocale() { _ = localeOnce }
}
