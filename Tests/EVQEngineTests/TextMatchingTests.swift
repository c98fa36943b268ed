// Text matching with bounded cost: RE2 for `matches`, a backtracking-free glob for `like`, and
// caseless byte search for `contains`/`startswith`/`endswith`, each checked against a slow,
// obviously correct reference on random text.

import EVQ
import EVQTestSupport
import EVQStore
import Testing

@Suite struct TextMatchingTests {
    private func session(_ notes: [String?]) -> Session {
        var b = TableBuilder(name: "events")
        b.addColumn("id", notes.indices.map { .int(Int64($0)) })
        b.addColumn("notes", notes.map { $0.map(Value.string) ?? .null })
        return Session(tables: [b.build()])
    }

    private func hits(_ s: Session, _ condition: String) throws -> [Int] {
        try s.query("events | where \(condition) | project id").values(of: "id")!.map { if case .int(let i) = $0 { Int(i) } else { -1 } }
    }

    private func error(_ s: Session, _ query: String) -> String {
        do { _ = try s.query(query); return "no error" } catch { return error.diagnostics.first?.message ?? error.render() }
    }

    /// Patterns that make a backtracking engine take exponential time get the exact answer here.
    @Test func catastrophicPatternsAnswerExactly() throws {
        let a30 = String(repeating: "a", count: 30)
        let s = session([a30, a30 + "b", a30 + "!X", "X", "b", a30 + "!", nil, ""])
        #expect(try hits(s, "notes matches \"^(?:(a+)+b|a*!X)\"") == [1, 2])
        #expect(try hits(s, "notes matches \"(a+)+b|X\"") == [1, 2, 3])
        #expect(try hits(s, "notes matches \"(x+x+)+y\"") == [])
    }

    @Test func emptyPatternsMeanWhatTheySay() throws {
        let s = session(["a", "", nil])
        #expect(try hits(s, "notes matches \"\"") == [0, 1])  // the empty regex occurs in every text
        #expect(try hits(s, "notes like \"\"") == [1])  // a glob covers the whole value
        #expect(try hits(s, "notes contains \"\"") == [0, 1])
        #expect(try hits(s, "notes !matches \"\"") == [])  // null stays out of both
    }

    @Test func regexErrorsNameTheCause() {
        let s = session(["x"])
        let cases: [(String, String)] = [
            ("(a)\\\\1", "bad regular expression \"(a)\\\\1\": backreferences such as '\\1' are not supported"),
            ("(?=a)", "bad regular expression \"(?=a)\": unsupported group '(?='"),
            ("(?<!a)b", "bad regular expression \"(?<!a)b\": unsupported group '(?<'"),
            ("a*+", "bad regular expression \"a*+\": unsupported repetition '*+'"),
            ("[a", "bad regular expression \"[a\": missing ']'"),
            ("a)", "bad regular expression \"a)\": unexpected ')'"),
            ("a\\\\", "bad regular expression \"a\\\\\": trailing backslash"),
            ("*a", "bad regular expression \"*a\": nothing to repeat before '*'"),
            ("a{1001}", "bad regular expression \"a{1001}\": bad repetition count '{1001}'"),
            ("[z-a]", "bad regular expression \"[z-a]\": invalid range 'z-a' in a character class"),
            ("\\\\q", "bad regular expression \"\\\\q\": invalid escape '\\q'"),
        ]
        for (pattern, message) in cases {
            #expect(error(s, "events | where notes matches \"\(pattern)\"") == message, "pattern \(pattern)")
        }
        let long = String(repeating: "(", count: 100)
        #expect(error(s, "events | where notes matches \"\(long)\"")
            == "bad regular expression \"\(String(repeating: "(", count: 40))…\": missing ')'")
    }

    @Test func regexSyntaxIsRE2() throws {
        let s = session(["Drone strike", "drone", "the drones", "Baalbek"])
        #expect(try hits(s, "notes matches \"(?i)^drone\"") == [0, 1])
        #expect(try hits(s, "notes matches \"\\\\bdrone\\\\b\"") == [1])
        #expect(try hits(s, "notes matches \"^Baalbe[ck]$\"") == [3])
        #expect(try hits(s, "notes matches \"\\\\pL+ \\\\pL+\"") == [0, 2])
    }

    /// The issue's counter-example: a long value with the needle near its end.
    @Test func globFindsWhatContainsFinds() throws {
        let note = String(repeating: "ab", count: 500) + "aax"
        let s = session([note, "xaa", "aXa"])
        #expect(try hits(s, "notes like \"*a*a*x*\"") == [0])
        #expect(try hits(s, "notes contains \"aax\"") == [0])
        #expect(try hits(s, "notes like \"?aa\"") == [1])
        #expect(try hits(s, "notes like \"A?A\"") == [2])
    }

    /// Reference glob: the textbook dynamic program over code points.
    private func referenceGlob(_ pattern: [Unicode.Scalar], _ value: [Unicode.Scalar]) -> Bool {
        var row = [Bool](repeating: false, count: value.count + 1)
        row[0] = true
        for p in pattern {
            var next = [Bool](repeating: false, count: value.count + 1)
            for j in 0...value.count {
                if p == "*" { next[j] = row[j] || (j > 0 && next[j - 1]) }
                else if j > 0 { next[j] = row[j - 1] && (p == "?" || p == value[j - 1]) }
            }
            row = next
        }
        return row[value.count]
    }

    @Test func caselessOperatorsAgreeWithAReference() throws {
        var g = SplitMix(state: 11)
        let alphabet: [String] = ["a", "A", "b", "B", "x", " ", "é", "É", "ß", "İ", "Σ", "🙂", "K"]  // K: Kelvin sign
        func text(_ n: Int) -> String { (0..<n).map { _ in alphabet[g.below(alphabet.count)] }.joined() }
        let notes = (0..<300).map { _ in text(g.below(12)) }
        let s = session(notes)
        let lowered = notes.map { Array($0.lowercased().unicodeScalars) }
        for _ in 0..<60 {
            let needle = text(g.below(3))
            let n = Array(needle.lowercased().unicodeScalars)
            func occurs(_ v: [Unicode.Scalar], _ at: Int) -> Bool { at >= 0 && at + n.count <= v.count && Array(v[at..<(at + n.count)]) == n }
            let contains = lowered.indices.filter { i in (0...max(0, lowered[i].count)).contains { occurs(lowered[i], $0) } }
            #expect(try hits(s, "notes contains \"\(needle)\"") == contains, "contains \(needle)")
            #expect(try hits(s, "notes startswith \"\(needle)\"") == lowered.indices.filter { occurs(lowered[$0], 0) })
            #expect(try hits(s, "notes endswith \"\(needle)\"") == lowered.indices.filter { occurs(lowered[$0], lowered[$0].count - n.count) })
            let glob = (0..<g.below(5)).map { _ in ["*", "?", "a", "B", "é", "ß"][g.below(6)] }.joined()
            let p = Array(glob.lowercased().unicodeScalars)
            #expect(try hits(s, "notes like \"\(glob)\"") == lowered.indices.filter { referenceGlob(p, lowered[$0]) }, "like \(glob)")
        }
    }
}
