// Tab completion: asks `completer` for candidates and edits the line (unique → replace, shared prefix →
// extend, otherwise list in columns). What the candidates are, and their quoting, is the completer's business.
import CLibEdit

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A completer's answer for the text before the cursor.
///
///     // before cursor: `where actor == "Islamic Res`
///     Completion(replaceLength: 12, candidates: ["\"Islamic Resistance in Iraq\""])
public struct Completion: Sendable, Equatable {
    /// How many trailing characters (Swift `Character`s) of the text before the cursor form the word being
    /// completed; they are replaced by the chosen text.
    public var replaceLength: Int
    /// Full replacements for that word, already quoted where needed, in the order to list them.
    public var candidates: [String]
    /// Whether a unique candidate is followed by a space, ready for the next word. Set it to false for a
    /// candidate that is only a prefix of more to type (`table.`, a directory).
    public var appendsSpace: Bool
    /// A line shown under the list (`(1,204 more values not listed: type more letters)`).
    public var note: String?

    public init(replaceLength: Int, candidates: [String], appendsSpace: Bool = true, note: String? = nil) {
        self.replaceLength = replaceLength
        self.candidates = candidates
        self.appendsSpace = appendsSpace
        self.note = note
    }
}

extension LineEditor {
    /// The Tab key. Returns a libedit CC_* code.
    func complete() -> UInt8 {
        guard let completer, let info = el_line(el)?.pointee else { return UInt8(CC_REFRESH_BEEP) }
        // `buffer` is not NUL-terminated; el_line has already converted it to the locale's (UTF-8) bytes.
        let before = String(
            decoding: UnsafeRawBufferPointer(start: info.buffer, count: info.cursor - info.buffer), as: UTF8.self)
        let completion = completer(before)
        let word = String(before.suffix(max(0, completion.replaceLength)))
        let candidates = completion.candidates

        switch candidates.count {
        case 0:
            return UInt8(CC_REFRESH_BEEP)  // not CC_ERROR: that would also flush type-ahead
        case 1:
            let only = candidates[0]
            let space = completion.appendsSpace && !(only.last?.isWhitespace ?? false) ? " " : ""
            replace(word, with: only + space)
            return UInt8(CC_REFRESH)
        default:
            let prefix = Self.commonPrefix(candidates)
            if prefix.count > word.count {
                replace(word, with: prefix)
                return UInt8(CC_REFRESH)
            }
            // A second Tab on the same text would print the same list again: beep instead.
            if lastListing == before { return UInt8(CC_REFRESH_BEEP) }
            lastListing = before
            write("\n" + Self.columns(candidates, width: Int(cle_columns(el))) + (completion.note.map { "\n" + $0 } ?? "") + "\n")
            return UInt8(CC_REDISPLAY)  // redraws prompt and line below the list
        }
    }

    /// Replaces `word`, which ends at the cursor, by `text`; only inserts when `text` merely extends it.
    private func replace(_ word: String, with text: String) {
        var insert = text
        if text.hasPrefix(word) {
            insert = String(text.dropFirst(word.count))
        } else if !word.isEmpty {
            // libedit counts wchar_t, one per Unicode scalar on Linux.
            el_deletestr(el, Int32(word.unicodeScalars.count))
        }
        if !insert.isEmpty { el_insertstr(el, insert) }
    }

    /// The longest common prefix, in whole characters.
    static func commonPrefix(_ strings: [String]) -> String {
        guard let first = strings.first else { return "" }
        var length = first.count
        for s in strings.dropFirst() {
            length = min(length, zip(first, s).prefix(while: { $0 == $1 }).count)
        }
        return String(first.prefix(length))
    }

    /// Lays the candidates out in columns down then across, as `ls` does, two spaces apart, no trailing blanks.
    static func columns(_ items: [String], width: Int) -> String {
        let width = width > 0 ? width : 80
        let widths = items.map(displayWidth)
        let cell = (widths.max() ?? 0) + 2
        let columnCount = max(1, (width + 2) / cell)
        let rowCount = (items.count + columnCount - 1) / columnCount
        var lines: [String] = []
        for row in 0..<rowCount {
            var line = ""
            for column in 0..<columnCount {
                let i = column * rowCount + row
                guard i < items.count else { break }
                if !line.isEmpty { line += String(repeating: " ", count: cell - widths[i - rowCount]) }
                line += items[i]
            }
            lines.append(line)
        }
        return lines.joined(separator: "\n")
    }

    /// Terminal columns taken by `s` (wide CJK characters take two, combining marks none).
    static func displayWidth(_ s: String) -> Int {
        s.unicodeScalars.reduce(0) { $0 + max(0, Int(cle_wcwidth($1.value))) }
    }
}
