// `like` globs, matched without backtracking: `*` splits the pattern into segments, the first
// and last are pinned to the ends and the others are found leftmost, in order. Cost is at most
// value length × pattern length, whatever the pattern (a regex engine can take exponential time).

/// A glob over the whole value, ignoring case (see CaselessText): `*` any run, `?` one code point.
public struct Glob: Sendable {
    /// Lower-cased code points; `any` stands for `?`.
    private static let any = UInt32.max
    /// The pattern cut at each `*`: with no `*` there is one segment, matched against everything.
    private let segments: [[UInt32]]

    init(_ pattern: String) {
        var segments: [[UInt32]] = [[]]
        for scalar in pattern.lowercased().unicodeScalars {
            switch scalar {
            case "*": segments.append([])
            case "?": segments[segments.count - 1].append(Self.any)
            default: segments[segments.count - 1].append(scalar.value)
            }
        }
        self.segments = segments
    }

    func matches(_ value: String) -> Bool {
        CaselessText.withLowered(value) { bytes, ascii in
            if ascii { return match(bytes.lazy.map { UInt32(CaselessText.lower($0)) }) }
            return match(Array(String(decoding: bytes, as: UTF8.self).unicodeScalars.lazy.map(\.value)))
        }
    }

    private func match<C: RandomAccessCollection>(_ v: C) -> Bool where C.Element == UInt32, C.Index == Int {
        let n = v.count
        guard segments.count > 1 else { return n == segments[0].count && occurs(segments[0], in: v, at: 0) }
        let head = segments[0], tail = segments[segments.count - 1]
        guard head.count + tail.count <= n, occurs(head, in: v, at: 0), occurs(tail, in: v, at: n - tail.count) else { return false }
        var from = head.count
        let end = n - tail.count
        for segment in segments[1..<(segments.count - 1)] where !segment.isEmpty {
            guard let at = find(segment, in: v, from: from, end: end) else { return false }
            from = at + segment.count
        }
        return true
    }

    private func occurs<C: RandomAccessCollection>(_ segment: [UInt32], in v: C, at: Int) -> Bool where C.Element == UInt32, C.Index == Int {
        for (j, p) in segment.enumerated() where p != Self.any && v[v.startIndex + at + j] != p { return false }
        return true
    }

    private func find<C: RandomAccessCollection>(_ segment: [UInt32], in v: C, from: Int, end: Int) -> Int? where C.Element == UInt32, C.Index == Int {
        var i = from
        while i + segment.count <= end {
            if occurs(segment, in: v, at: i) { return i }
            i += 1
        }
        return nil
    }
}
