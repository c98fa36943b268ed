// The prompt's loop: read a line, run a dot-command at the start of a statement, otherwise
// gather lines until the statement is complete (the parser says whether the input ended
// too soon, as Lua's REPL does, or the line ends with `\`), run it, show the result. An
// empty line submits whatever is pending, so an unfinished statement can be abandoned.

import EVQ
import LineEditor

/// Where the loop's lines come from: libedit on a terminal, a list of lines in tests.
public protocol LineSource: AnyObject {
    func readLine(prompt: String) -> ReadResult
    func addHistory(_ entry: String)
}

public final class InputLoop {
    public let state: ShellState
    let source: LineSource
    public var prompt = "evq> "
    public var continuationPrompt = "...> "
    /// Called before each statement and dot-command runs (the prompt clears the Ctrl-C flag here).
    public var beforeStatement: () -> Void = {}
    /// Lines of the statement being typed, before the current one (completion reads them).
    public private(set) var pending: [String] = []

    public init(state: ShellState, source: LineSource) {
        self.state = state
        self.source = source
    }

    /// Runs until `.quit` or end of input; returns the exit code (0).
    public func run() -> Int32 {
        pending = []
        while !state.quitRequested {
            switch source.readLine(prompt: pending.isEmpty ? prompt : continuationPrompt) {
            case .eof:
                guard !pending.isEmpty else { return 0 }
                // Ctrl-D at `...>`: the statement was not finished, so it is not run; Up brings it back.
                source.addHistory(Continuation.historyEntry(pending))
                state.errors.write("(Ctrl-D: the unfinished statement was not run; Up recalls it, Ctrl-D again leaves)\n")
                pending = []
            case .interrupted:
                pending = []  // Ctrl-C at the prompt drops what was typed
            case .line(var line):
                // A trailing backslash asks for another line explicitly (the statement may be
                // complete already, as `events \` is).
                var explicitContinuation = false
                if line.hasSuffix("\\"), !DotCommands.isDotCommand(line) || !pending.isEmpty {
                    line.removeLast()
                    explicitContinuation = true
                }
                let blank = !line.contains(where: { !$0.isWhitespace })
                if pending.isEmpty {
                    if blank { continue }
                    if DotCommands.isDotCommand(line) {
                        source.addHistory(line)
                        beforeStatement()
                        _ = DotCommands.run(line, state)
                        continue
                    }
                }
                if !blank || explicitContinuation { pending.append(line) }
                let text = pending.joined(separator: "\n")
                if explicitContinuation || (!blank && Continuation.needsMoreInput(text)) { continue }
                submit(pending)
                pending = []
            }
        }
        return 0
    }

    private func submit(_ lines: [String]) {
        let text = lines.joined(separator: "\n")
        guard text.contains(where: { !$0.isWhitespace }) else { return }
        source.addHistory(Continuation.historyEntry(lines))
        beforeStatement()
        state.execute(text, name: "<prompt>")
    }
}

/// libedit as a line source.
public final class EditorLineSource: LineSource {
    public let editor: LineEditor

    public init(editor: LineEditor) { self.editor = editor }

    public func readLine(prompt: String) -> ReadResult {
        editor.prompt = prompt
        return editor.readLine()
    }

    /// Each entry is written to the history file at once, so that a crash or `kill -9` loses none.
    public func addHistory(_ entry: String) {
        editor.addHistory(entry)
        editor.saveHistory()
    }
}

/// Lines given up front, for tests: each `readLine` takes the next; then end of input.
public final class ScriptedLineSource: LineSource {
    private var lines: [ReadResult]
    public private(set) var prompts: [String] = []
    public private(set) var history: [String] = []

    public init(_ lines: [ReadResult]) { self.lines = lines }
    public convenience init(lines: [String]) { self.init(lines.map { .line($0) }) }

    public func readLine(prompt: String) -> ReadResult {
        prompts.append(prompt)
        return lines.isEmpty ? .eof : lines.removeFirst()
    }

    public func addHistory(_ entry: String) { history.append(entry) }
}
