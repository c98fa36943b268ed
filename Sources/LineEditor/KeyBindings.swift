// The keys of the prompt, as one table: the ones evq binds itself (applied by LineEditor.init)
// and libedit's emacs keys worth knowing. `.help keys` prints it; nothing else lists keys.

/// One key and what it does.
public struct KeyBinding: Sendable {
    /// As a user writes it: `Ctrl-R`, `Tab`, `Up`.
    public let keys: String
    public let action: String
    /// libedit's key notation and function name, for the bindings evq sets (nil: libedit's own default).
    let binding: (key: String, function: String)?
}

extension LineEditor {
    public static let keyBindings: [KeyBinding] = [
        KeyBinding(keys: "Tab", action: "complete what fits here (a second Tab on the same text beeps)", binding: ("^I", "evq-complete")),
        KeyBinding(keys: "Ctrl-R", action: "search history backwards as you type (Enter runs the match)", binding: ("^R", "em-inc-search-prev")),
        KeyBinding(keys: "Up, Down", action: "previous, next statement from history (a multi-line statement is one entry)", binding: nil),
        KeyBinding(keys: "Left, Right", action: "move by a character", binding: nil),
        KeyBinding(keys: "Ctrl-A, Ctrl-E", action: "start, end of the line", binding: nil),
        KeyBinding(keys: "Ctrl-U", action: "delete the whole line", binding: nil),
        KeyBinding(keys: "Ctrl-W", action: "delete the word before the cursor", binding: nil),
        KeyBinding(keys: "Ctrl-K", action: "delete to the end of the line", binding: nil),
        KeyBinding(keys: "Ctrl-C", action: "drop the line; while something runs, stop it (the session keeps its data)", binding: nil),
        KeyBinding(keys: "Ctrl-D", action: "on an empty line leave evq; at ...> drop the unfinished statement", binding: nil),
        KeyBinding(keys: "Enter", action: "run the statement, or ask for more (...>) when the line visibly goes on", binding: nil),
    ]
}
