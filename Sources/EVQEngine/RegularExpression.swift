// `matches` patterns, compiled once by RE2 (through the CRegex shim): time linear in the text,
// so no pattern can hang a query, and a match is never abandoned half-way and reported as "no".

import CRegex

/// A compiled RE2 pattern, shared read-only between threads (RE2 is thread-safe for matching).
public final class CompiledRegex: @unchecked Sendable {
    private let handle: OpaquePointer
    /// RE2's budget for one compiled program; bigger patterns are refused, not run slowly.
    static let maxMemory: Int64 = 64 << 20

    /// Why a pattern was refused: a message naming the fragment and, when we know one, a hint.
    public struct Failure: Error, Sendable {
        public let message: String
        public let hint: String?
    }

    public init(_ pattern: String, ignoreCase: Bool = false) throws(Failure) {
        var error = evq_regex_error()
        // A terminating zero keeps the buffer non-empty; RE2 reads only `count - 1` bytes.
        let bytes = Array(pattern.utf8) + [0]
        let compiled = bytes.withUnsafeBufferPointer { buf in
            buf.withMemoryRebound(to: CChar.self) {
                evq_regex_compile($0.baseAddress, $0.count - 1, ignoreCase ? 1 : 0, Self.maxMemory, &error)
            }
        }
        guard let compiled else { throw Self.explain(error) }
        handle = compiled
    }

    deinit { evq_regex_free(handle) }

    /// Whether the pattern occurs anywhere in `text`.
    public func matches(_ text: String) -> Bool {
        if let hit = text.utf8.withContiguousStorageIfAvailable({ search($0) }) { return hit }
        var copy = text
        return copy.withUTF8 { search($0) }
    }

    func search(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        bytes.withMemoryRebound(to: CChar.self) { evq_regex_search(handle, $0.baseAddress, $0.count) != 0 }
    }

    /// RE2's error code and fragment, in evq's words; the hints name what RE2 leaves out on purpose.
    private static func explain(_ e: evq_regex_error) -> Failure {
        let fragment = cut(withUnsafeBytes(of: e.fragment) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) })
        let re2 = withUnsafeBytes(of: e.message) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        let linear = "evq's regular expressions (RE2 syntax) run in time linear in the text, which rules this out"
        switch e.code {
        case Int32(EVQ_REGEX_BAD_ESCAPE):
            if fragment.count == 2, fragment.hasPrefix("\\"), fragment.last!.isNumber {
                return Failure(message: "backreferences such as '\(fragment)' are not supported", hint: linear)
            }
            return Failure(message: "invalid escape '\(fragment)'", hint: "a literal backslash is written \"\\\\\\\\\"")
        case Int32(EVQ_REGEX_BAD_CHAR_CLASS): return Failure(message: "invalid character class '\(fragment)'", hint: nil)
        case Int32(EVQ_REGEX_BAD_CHAR_RANGE): return Failure(message: "invalid range '\(fragment)' in a character class", hint: nil)
        case Int32(EVQ_REGEX_MISSING_BRACKET): return Failure(message: "missing ']'", hint: "a literal [ is written \"\\\\[\"")
        case Int32(EVQ_REGEX_MISSING_PAREN): return Failure(message: "missing ')'", hint: "a literal ( is written \"\\\\(\"")
        case Int32(EVQ_REGEX_UNEXPECTED_PAREN): return Failure(message: "unexpected ')'", hint: "a literal ) is written \"\\\\)\"")
        case Int32(EVQ_REGEX_TRAILING_BACKSLASH):
            return Failure(message: "trailing backslash", hint: "a literal backslash is written \"\\\\\\\\\"")
        case Int32(EVQ_REGEX_REPEAT_ARGUMENT): return Failure(message: "nothing to repeat before '\(fragment)'", hint: nil)
        case Int32(EVQ_REGEX_REPEAT_SIZE):
            return Failure(message: "bad repetition count '\(fragment)'", hint: "counts go up to 1000, nested counts multiplied")
        case Int32(EVQ_REGEX_REPEAT_OP):
            return Failure(message: "unsupported repetition '\(fragment)'", hint: "possessive repetition (*+, ++) is not supported; " + linear)
        case Int32(EVQ_REGEX_BAD_PERL_OP):
            return Failure(message: "unsupported group '\(fragment)'", hint: "lookahead and lookbehind are not supported; " + linear)
        case Int32(EVQ_REGEX_BAD_UTF8): return Failure(message: "invalid UTF-8 in the pattern", hint: nil)
        case Int32(EVQ_REGEX_BAD_NAMED_CAPTURE): return Failure(message: "bad named group '\(fragment)'", hint: "write (?P<name>...)")
        case Int32(EVQ_REGEX_TOO_LARGE):
            return Failure(message: "pattern too large", hint: "repetition counts multiply a pattern's size; simplify it")
        default: return Failure(message: re2, hint: nil)
        }
    }

    /// Fragments are echoed in messages: a long one is cut to its start.
    static func cut(_ s: String, to limit: Int = 40) -> String {
        s.count <= limit ? s : String(s.prefix(limit)) + "…"
    }
}
