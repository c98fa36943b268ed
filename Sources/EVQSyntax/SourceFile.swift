// Source text with a line map. Spans are UTF-8 byte ranges; lines and columns are computed
// only when a diagnostic is printed (as jq and swift-syntax do).

/// A half-open UTF-8 byte range in a `SourceFile`.
public struct Span: Hashable, Sendable, CustomStringConvertible {
    public var start: Int
    public var end: Int

    public init(_ start: Int, _ end: Int) {
        self.start = start
        self.end = max(start, end)
    }

    public static let none = Span(0, 0)

    /// The smallest span covering both.
    public func to(_ other: Span) -> Span { Span(min(start, other.start), max(end, other.end)) }

    public var description: String { "\(start)..<\(end)" }
}

public struct SourceLocation: Hashable, Sendable {
    /// 1-based line.
    public let line: Int
    /// 1-based column, in characters.
    public let column: Int
}

public final class SourceFile: Sendable {
    /// Shown in diagnostics (`Queries/x.evq`, `<query>`, `<stdin>`).
    public let name: String
    public let text: String
    public let bytes: [UInt8]
    /// Byte offset where each line starts; `lineStarts[0] == 0`.
    public let lineStarts: [Int]
    /// Added to every printed line number, for statements cut out of a larger file or session.
    public let firstLine: Int

    public init(name: String, text: String, firstLine: Int = 1) {
        self.name = name
        self.text = text
        self.firstLine = firstLine
        let bytes = Array(text.utf8)
        self.bytes = bytes
        var starts = [0]
        for (i, b) in bytes.enumerated() where b == 10 { starts.append(i + 1) }
        self.lineStarts = starts
    }

    /// Index into `lineStarts` of the line holding `offset`.
    public func lineIndex(of offset: Int) -> Int {
        var lo = 0, hi = lineStarts.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if lineStarts[mid] <= offset { lo = mid } else { hi = mid - 1 }
        }
        return lo
    }

    public func location(of offset: Int) -> SourceLocation {
        let li = lineIndex(of: offset)
        let prefix = bytes[lineStarts[li]..<min(offset, bytes.count)]
        let column = String(decoding: prefix, as: UTF8.self).count + 1
        return SourceLocation(line: li + firstLine, column: column)
    }

    /// The text of the line at `lineIndex`, without its newline.
    public func lineText(_ lineIndex: Int) -> String {
        let start = lineStarts[lineIndex]
        var end = lineIndex + 1 < lineStarts.count ? lineStarts[lineIndex + 1] - 1 : bytes.count
        if end > start, bytes[end - 1] == 13 { end -= 1 }
        return String(decoding: bytes[start..<max(start, end)], as: UTF8.self)
    }

    public func text(of span: Span) -> String {
        String(decoding: bytes[min(span.start, bytes.count)..<min(span.end, bytes.count)], as: UTF8.self)
    }
}
