// One diagnostic type for every phase (lex, parse, check, run), rendered separately:
// `file:line:col: error: message`, the source line, a caret underline and a suggestion.

public struct Diagnostic: Error, Hashable, Sendable {
    public enum Severity: String, Sendable { case error, warning, note }

    public var severity: Severity
    public var message: String
    public var span: Span
    /// Shown after the caret (`did you mean 'actor1'?`).
    public var hint: String?
    /// Extra places worth showing (the opening bracket of an unclosed list).
    public var notes: [Note]
    /// True when the error is that the input ended too soon: the prompt then asks for another line.
    public var isAtEndOfInput: Bool

    public struct Note: Hashable, Sendable {
        public var message: String
        public var span: Span?
        public init(_ message: String, span: Span? = nil) {
            self.message = message
            self.span = span
        }
    }

    public init(_ message: String, at span: Span, hint: String? = nil, notes: [Note] = [],
                severity: Severity = .error, atEndOfInput: Bool = false) {
        self.severity = severity
        self.message = message
        self.span = span
        self.hint = hint
        self.notes = notes
        self.isAtEndOfInput = atEndOfInput
    }
}

public struct DiagnosticRenderer: Sendable {
    public var useColor: Bool
    /// Longest source line shown whole; longer ones are cut around the caret.
    static let maxLineShown = 100

    public init(useColor: Bool = false) { self.useColor = useColor }

    /// `name:line:col: error: message`, the line, the caret and hint, then notes.
    public func render(_ d: Diagnostic, in file: SourceFile) -> String {
        var out = header(d.severity, d.message, d.span, file)
        out += snippet(d.span, hint: d.hint, file: file)
        for note in d.notes {
            if let span = note.span {
                out += header(.note, note.message, span, file)
                out += snippet(span, hint: nil, file: file)
            } else {
                out += paint("note: ", "1;36") + note.message + "\n"
            }
        }
        return out
    }

    /// One line, no snippet: `name:line:col: error: message`.
    public func renderShort(_ d: Diagnostic, in file: SourceFile) -> String {
        let loc = file.location(of: d.span.start)
        return "\(file.name):\(loc.line):\(loc.column): \(d.severity.rawValue): \(d.message)"
    }

    private func header(_ severity: Diagnostic.Severity, _ message: String, _ span: Span, _ file: SourceFile) -> String {
        let loc = file.location(of: span.start)
        let color = severity == .error ? "1;31" : (severity == .warning ? "1;35" : "1;36")
        return paint("\(file.name):\(loc.line):\(loc.column): ", "1") + paint("\(severity.rawValue):", color)
            + paint(" " + message, "1") + "\n"
    }

    private func snippet(_ span: Span, hint: String?, file: SourceFile) -> String {
        let li = file.lineIndex(of: span.start)
        let line = file.lineText(li)
        let number = String(li + file.firstLine)
        let gutter = String(repeating: " ", count: number.count)
        let loc = file.location(of: span.start)
        // Underline to the span's end, or to the end of the line when the span runs past it.
        let lineEnd = li + 1 < file.lineStarts.count ? file.lineStarts[li + 1] - 1 : file.bytes.count
        let endInLine = min(span.end, lineEnd)
        var width = max(1, file.text(of: Span(span.start, endInLine)).count)
        // A very long line (a generated query) is shown as a window around the caret.
        // A tab is shown as one space, so that the caret below lines up with it.
        var shown = Array(line.map { $0 == "\t" ? " " : $0 })
        var caretColumn = loc.column - 1
        if shown.count > Self.maxLineShown {
            let from = max(0, min(caretColumn - Self.maxLineShown / 3, shown.count - Self.maxLineShown))
            let to = min(shown.count, from + Self.maxLineShown)
            var window = Array(shown[from..<to])
            if from > 0 { window = ["…"] + window.dropFirst() }
            if to < shown.count { window = window.dropLast() + ["…"] }
            shown = window
            caretColumn -= from
            width = max(1, min(width, Self.maxLineShown - caretColumn - 1))
        }
        var out = " \(number) | \(String(shown))\n"
        let caret = String(repeating: " ", count: caretColumn) + paint(String(repeating: "^", count: width), "1;32")
        out += " \(gutter) | " + caret + (hint.map { " " + $0 } ?? "") + "\n"
        return out
    }

    private func paint(_ s: String, _ code: String) -> String {
        useColor ? "\u{1b}[\(code)m\(s)\u{1b}[0m" : s
    }
}

/// "Did you mean" by edit distance, as swift-argument-parser does.
public enum Suggest {
    public static func closest(to word: String, in candidates: some Sequence<String>) -> String? {
        let lowered = word.lowercased()
        var best: (String, Int)? = nil
        for c in candidates {
            let d = distance(lowered, c.lowercased())
            let limit = max(2, min(word.count, c.count) / 3)
            guard d <= limit else { continue }
            if best == nil || d < best!.1 { best = (c, d) }
        }
        if best == nil {
            // A prefix is a good guess too: `act` -> `actor1`.
            return candidates.first { $0.lowercased().hasPrefix(lowered) && lowered.count >= 3 }
        }
        return best?.0
    }

    /// Damerau-free Levenshtein distance over characters.
    public static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var prev = Array(0...b.count)
        var cur = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            cur[0] = i
            for j in 1...b.count {
                cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&prev, &cur)
        }
        return prev[b.count]
    }

    /// `did you mean 'x'?` or nil.
    public static func hint(for word: String, in candidates: some Sequence<String>) -> String? {
        closest(to: word, in: candidates).map { "did you mean '\($0)'?" }
    }
}
