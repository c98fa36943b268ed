// The interactive prompt: libedit with history and completion, the startup file, Ctrl-C
// that cancels the running query and keeps the session. Only used on a terminal; scripts
// and pipes go through ScriptRunner.

import EVQ
import Foundation
import LineEditor

public enum Prompt {
    /// Where history is kept: `$EVQ_HISTORY`, else `$XDG_STATE_HOME/evq/history` when that folder
    /// exists, else `~/.evq_history`. A file of its own, so no other program's history is touched.
    /// No folder is ever created for it: one that is missing is reported instead.
    public static func historyPath(_ env: [String: String] = ProcessInfo.processInfo.environment,
                                   folderExists: (String) -> Bool = { FileManager.default.fileExists(atPath: $0) }) -> String?
    {
        if let p = env["EVQ_HISTORY"] { return p.isEmpty ? nil : p }
        let state = env["XDG_STATE_HOME"].flatMap { $0.isEmpty ? nil : $0 + "/evq" }
        if let state, folderExists(state) { return state + "/history" }
        guard let home = env["HOME"], !home.isEmpty else { return state.map { $0 + "/history" } }
        return home + "/.evq_history"
    }

    /// Why there is no history file at all: no HOME to put it in (an empty EVQ_HISTORY turns it off on purpose).
    static func historyPathProblem(_ env: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        guard historyPath(env) == nil, env["EVQ_HISTORY"] == nil else { return nil }
        return "HOME is not set (set EVQ_HISTORY to a file, or to nothing to keep no history)"
    }

    /// The startup file: `$XDG_CONFIG_HOME/evq/evqrc` (or `~/.config/evq/evqrc`) if it exists,
    /// else `~/.evqrc` if it exists.
    public static func startupFile(_ env: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        let fm = FileManager.default
        let home = env["HOME"] ?? ""
        let config = env["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? (home.isEmpty ? "" : home + "/.config")
        let candidates = [config.isEmpty ? nil : config + "/evq/evqrc", home.isEmpty ? nil : home + "/.evqrc"].compactMap { $0 }
        return candidates.first { fm.fileExists(atPath: $0) }
    }

    /// Runs the prompt until `.quit` or Ctrl-D on an empty line.
    public static func run(session: Session, loadInit: Bool, chartStyle: ChartStyle) -> Int32 {
        Interrupt.install()
        session.isCancelled = { Interrupt.requested }
        let color = Terminal.colorAllowed(fd: 1)
        let state = ShellState(session: session, output: FileSink.standardOutput, errors: FileSink.standardError,
                               color: color, chartStyle: chartStyle, maxRows: ShellState.rowsShown(terminalRows: Terminal.height()))
        state.maxLineWidth = Terminal.width()
        // Asked again for each result: the kernel keeps the size current (SIGWINCH), so a resized window is followed.
        state.terminalSize = { (Terminal.width(), Terminal.height()) }
        state.isInterrupted = { Interrupt.requested }
        let historyFile = historyPath()
        let editor = LineEditor(program: "evq", historyFile: historyFile)
        state.historyEntries = { editor.historyEntries }
        let completer = Completer(state: state)
        let source = EditorLineSource(editor: editor)
        let loop = InputLoop(state: state, source: source)
        editor.completer = { [unowned loop] before in completer.complete(before, pending: loop.pending.joined(separator: "\n")) }
        if color {
            loop.prompt = "\u{1b}[1;32mevq\u{1b}[0m> "
            loop.continuationPrompt = "\u{1b}[2m...\u{1b}[0m> "
        }
        loop.beforeStatement = { Interrupt.reset() }

        FileSink.standardOutput.write(banner(session))
        if let problem = historyPathProblem() { FileSink.standardError.write("evq: not saving history: \(problem)\n") }
        editor.reportHistoryProblem()
        if loadInit, let rc = startupFile() {
            Interrupt.reset()
            _ = ScriptRunner(state: state).run((try? String(contentsOfFile: rc, encoding: .utf8)) ?? "", name: rc)
        }
        let status = loop.run()
        editor.saveHistory()
        return status
    }

    static func banner(_ session: Session) -> String {
        let tables = session.tableNames.map { name in "\(name) (\(ShellState.grouped(session.catalog.tableRef(named: name)?.statistics?.rowCount ?? 0)) rows)" }
        return "evq: \(tables.joined(separator: ", ")). Type .help for help, Ctrl-D to leave.\n"
    }
}
