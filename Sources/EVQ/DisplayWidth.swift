// Terminal columns a text takes, as a terminal shows it: East Asian wide characters and emoji take
// two, combining marks and zero-width joiners none. Pure Swift, so it does not depend on the locale
// (the C library's wcwidth answers -1 for everything non-ASCII in the "C" locale).

extension StringProtocol {
    /// Columns on a terminal: `"Syria"` 5, `"東京"` 4, `"🇸🇾"` 2, `"é"` (e + combining accent) 1.
    public var displayWidth: Int {
        // Printable ASCII, nearly every cell: one column per byte, without walking grapheme clusters
        // (which made formatting a million rows several times slower).
        if utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { return utf8.count }
        return reduce(0) { $0 + $1.displayWidth }
    }
}

extension String {
    /// The longest prefix that fits `columns`, never splitting a character.
    public func prefix(columns: Int) -> String {
        var used = 0
        var out = ""
        for ch in self {
            let w = ch.displayWidth
            if used + w > columns { break }
            used += w
            out.append(ch)
        }
        return out
    }

    /// Cut to `columns` with a final `…` when it does not fit.
    public func truncated(columns: Int) -> String {
        displayWidth <= columns ? self : prefix(columns: max(0, columns - 1)) + "…"
    }

    /// Spaces after (or before, `right`) the text up to `columns`; nothing when it is already wider.
    public func padded(to columns: Int, right: Bool = false) -> String {
        let fill = String(repeating: " ", count: max(0, columns - displayWidth))
        return right ? fill + self : self + fill
    }
}

extension Character {
    /// 2 for a wide or emoji character, 0 for a control or lone combining mark, else 1.
    public var displayWidth: Int {
        let scalars = unicodeScalars
        guard let first = scalars.first else { return 0 }
        if first.value < 0x20 || (0x7F..<0xA0).contains(first.value) { return 0 }
        // An emoji shown as a picture: presentation by default, or asked for with VS16 (U+FE0F);
        // flags are two regional indicators.
        if first.properties.isEmojiPresentation || (scalars.contains("\u{FE0F}") && first.properties.isEmoji)
            || (0x1F1E6...0x1F1FF).contains(first.value)
        {
            return 2
        }
        if Self.isWide(first.value) { return 2 }
        switch first.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format: return 0
        default: return 1
        }
    }

    /// East Asian Wide and Fullwidth ranges (Unicode 15, EastAsianWidth.txt W and F, folded into blocks).
    static func isWide(_ v: UInt32) -> Bool {
        switch v {
        case 0x1100...0x115F, 0x231A...0x231B, 0x2329...0x232A, 0x2E80...0x303E, 0x3041...0x33FF,
             0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF, 0xA960...0xA97F, 0xAC00...0xD7A3,
             0xF900...0xFAFF, 0xFE10...0xFE19, 0xFE30...0xFE6F, 0xFF00...0xFF60, 0xFFE0...0xFFE6,
             0x1F300...0x1F64F, 0x1F900...0x1F9FF, 0x20000...0x2FFFD, 0x30000...0x3FFFD:
            return true
        default:
            return false
        }
    }
}
