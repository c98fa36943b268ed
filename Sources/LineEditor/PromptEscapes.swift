// Marks the ANSI escape sequences of a prompt for libedit's EL_PROMPT_ESC, so that colour codes
// take no columns when libedit computes where the cursor is. Knows nothing else about prompts.

enum PromptEscapes {
    /// The literal-toggle character given to EL_PROMPT_ESC: text between two of them is printed but not measured.
    static let marker: Unicode.Scalar = "\u{1}"

    /// Wraps each escape sequence (CSI `ESC [ … final`, OSC `ESC ] … BEL|ESC \`, or two-byte `ESC x`) in markers.
    /// Markers already present are dropped: they would toggle the literal state out of step.
    static func wrap(_ prompt: String) -> String {
        let scalars = Array(prompt.unicodeScalars)
        var out = String.UnicodeScalarView()
        var i = 0
        while i < scalars.count {
            let s = scalars[i]
            if s == marker { i += 1; continue }
            guard s == "\u{1b}" else { out.append(s); i += 1; continue }
            let end = sequenceEnd(scalars, escapeAt: i)
            out.append(marker)
            out.append(contentsOf: scalars[i..<end].filter { $0 != marker })
            out.append(marker)
            i = end
        }
        return String(out)
    }

    /// The index just past the escape sequence starting at `start` (clamped to the end of the prompt).
    private static func sequenceEnd(_ s: [Unicode.Scalar], escapeAt start: Int) -> Int {
        var i = start + 1
        guard i < s.count else { return i }
        switch s[i] {
        case "[":
            i += 1
            while i < s.count, !(0x40...0x7E).contains(s[i].value) { i += 1 }
            return min(i + 1, s.count)
        case "]":
            i += 1
            while i < s.count {
                if s[i] == "\u{7}" { return i + 1 }
                if s[i] == "\u{1b}", i + 1 < s.count, s[i + 1] == "\\" { return i + 2 }
                i += 1
            }
            return i
        default:
            return i + 1
        }
    }
}
