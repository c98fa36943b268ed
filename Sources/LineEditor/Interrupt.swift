// Ctrl-C as a flag: a SIGINT handler that only sets an atomic, for the prompt and for running queries.
// It does not cancel anything by itself; the evaluator polls `Interrupt.requested`.
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// A global `let` of an Atomic is lock-free and may be touched from a signal handler, provided its lazy
// initialisation already happened (that goes through swift_once, which is not async-signal-safe).
private let interruptFlag = Atomic<Bool>(false)
/// The thread blocked in LineEditor.readLine(), or 0. See `forwardToReader`.
private let readerThread = Atomic<UInt>(0)

/// The process-wide Ctrl-C flag.
///
///     Interrupt.install()
///     Interrupt.reset()
///     for row in rows { if Interrupt.requested { throw .interrupted } ... }
public enum Interrupt {
    /// Installs the SIGINT handler. Flags 0 (no `SA_RESTART`), so a blocking `read` returns `EINTR`;
    /// libedit relies on that to abandon the line at the prompt.
    public static func install() {
        _ = interruptFlag.load(ordering: .relaxed)
        _ = readerThread.load(ordering: .relaxed)
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { _ in
            interruptFlag.store(true, ordering: .relaxed)
            forwardToReader()
        }
        sigemptyset(&action.sa_mask)
        action.sa_flags = 0
        sigaction(SIGINT, &action, nil)
    }

    /// True once SIGINT arrived after the last `reset()`.
    public static var requested: Bool { interruptFlag.load(ordering: .relaxed) }

    /// Clears the flag; call it before starting each query.
    public static func reset() { interruptFlag.store(false, ordering: .relaxed) }

    /// Brackets el_gets, so that a SIGINT handled on another thread still interrupts the editor's read.
    static func readerBegins() { readerThread.store(currentThread(), ordering: .relaxed) }
    static func readerEnds() { readerThread.store(0, ordering: .relaxed) }
}

/// A process-wide SIGINT (the terminal's, or libedit's own `kill(0, SIGINT)` re-raise) runs on whichever
/// thread the kernel picks. Linux prefers the main thread, but with async main (dispatch_main parks the main
/// thread with signals blocked) or a prompt off the main thread it may be any thread, and then the editor's
/// read() would not see EINTR. So the handler passes the signal on to the reading thread; there it only
/// sets the flag again. pthread_kill is async-signal-safe.
private func forwardToReader() {
    let reader = readerThread.load(ordering: .relaxed)
    if reader != 0 && reader != currentThread() { signalThread(reader) }
}

#if canImport(Glibc)
private func currentThread() -> UInt { UInt(pthread_self()) }
private func signalThread(_ thread: UInt) { pthread_kill(pthread_t(thread), SIGINT) }
#else
private func currentThread() -> UInt { UInt(bitPattern: pthread_self()) }
private func signalThread(_ thread: UInt) { pthread_kill(pthread_t(bitPattern: thread)!, SIGINT) }
#endif
