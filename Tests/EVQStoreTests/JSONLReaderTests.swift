// JSON Lines: key union in first-seen order, cell forms (numbers by how they are written,
// nested values as compact JSON), bad lines reported with position and counted.
import Testing
@testable import EVQStore

@Suite struct JSONLReaderTests {
    func jsonl(_ text: String, options: IngestOptions = .init()) throws -> IngestResult {
        try load(text, format: .jsonl, source: "t.jsonl", options: options)
    }

    @Test func valuesKeysAndBadLine() throws {
        let text = """
            {"id": 1, "name": "a", "score": 1.5, "ok": true, "tags": ["x", 1, {"k" : [ ]}], "meta": {"k": null}}

            {"id": 2, "name": "b\\u00e9\\"q\\n", "extra": null, "ok": false}
            {"id": 3, bad}
            {"id": 4, "score": 2, "when": "2024-10-01"}

            """
        let r = try jsonl(text)
        #expect(r.table.schema.map(\.name) == ["id", "name", "score", "ok", "tags", "meta", "extra", "when"])
        #expect(r.table.values("id") == [.int(1), .int(2), .int(4)])
        #expect(r.table.values("name") == [.string("a"), .string("bé\"q\n"), .null])
        #expect(r.table.values("score") == [.float(1.5), .null, .float(2)])
        #expect(r.table.values("ok") == [.bool(true), .bool(false), .null])
        #expect(r.table.values("tags") == [.string("[\"x\",1,{\"k\":[]}]"), .null, .null])
        #expect(r.table.values("meta") == [.string("{\"k\":null}"), .null, .null])
        #expect(r.table.type(of: "extra") == .string)
        #expect(r.table.values("extra") == [.null, .null, .null])
        #expect(r.table.type(of: "when") == .time)
        #expect(r.issueTexts == ["t.jsonl:4:11: error: expected a string key, found 'b'; line skipped"])
        #expect(r.rowsRead == 4)
        #expect(r.rowsRejected == 1)
    }

    @Test func integralNumberWithFractionOrExponentIsFloat() throws {
        let r = try jsonl("{\"n\": 1}\n{\"n\": 4.0}\n{\"e\": 1e2}\n{\"e\": -0}\n")
        #expect(r.table.type(of: "n") == .float)
        #expect(r.table.values("n") == [.float(1), .float(4), .null, .null])
        #expect(r.table.values("e") == [.null, .null, .float(100), .float(0)])
        let ints = try jsonl("{\"n\": -0}\n{\"n\": 12345678901}\n")
        #expect(ints.table.values("n") == [.int(0), .int(12_345_678_901)])
    }

    @Test(arguments: [
        ("[1, 2]", "t.jsonl:1:1: error: expected a JSON object, found '['; line skipped"),
        ("{\"a\": 1} x", "t.jsonl:1:10: error: unexpected 'x' after the object; line skipped"),
        ("{\"a\": \"open}", "t.jsonl:1:7: error: unterminated string; line skipped"),
        ("{\"a\" 1}", "t.jsonl:1:6: error: expected ':' after the key, found '1'; line skipped"),
        ("{\"a\": 01}", "t.jsonl:1:8: error: expected ',' or '}', found '1'; line skipped"),
        ("{\"a\": 1.}", "t.jsonl:1:7: error: invalid number; line skipped"),
        ("{\"a\": tru}", "t.jsonl:1:7: error: expected a value, found 't'; line skipped"),
        ("{\"a\": \"x\\q\"}", "t.jsonl:1:9: error: invalid escape '\\q'; line skipped"),
        ("{\"a\": [1,}", "t.jsonl:1:10: error: expected a value, found '}'; line skipped"),
        ("{\"a\": 1", "t.jsonl:1:8: error: expected ',' or '}', found end of line; line skipped"),
        ("  {\"é\": [1 2]}", "t.jsonl:1:12: error: expected ',' or ']', found '2'; line skipped"),
    ])
    func badLines(line: String, issue: String) throws {
        let r = try jsonl("{\"a\": 5}\n" + line + "\n{\"a\": 6}\n")
        #expect(r.issueTexts == [issue.replacingOccurrences(of: "t.jsonl:1:", with: "t.jsonl:2:")])
        #expect(r.rowsRejected == 1)
        #expect(r.table.values("a") == [.int(5), .int(6)])
    }

    @Test func duplicateKeyKeepsTheLastValue() throws {
        let r = try jsonl("{\"a\": 1, \"a\": 2}\n{\"a\": 3, \"a\": null}\n")
        #expect(r.table.values("a") == [.int(2), .null])
        #expect(r.issueTexts == [
            "t.jsonl:1:15: warning: duplicate key 'a'; the last value is kept",
            "t.jsonl:2:15: warning: duplicate key 'a'; the last value is kept",
        ])
    }

    @Test func surrogatePairsAndCRLF() throws {
        let r = try jsonl("{\"s\": \"\\ud83d\\ude00\"}\r\n{\"s\": \"\\ud83d\"}\r\n")
        #expect(r.table.values("s") == [.string("😀"), .string("\u{FFFD}")])
        #expect(r.issues.isEmpty)
    }

    @Test func overrideBadCellPointsAtTheValue() throws {
        let r = try jsonl("{\"n\": 1}\n{\"n\": \"x\"}\n", options: IngestOptions(types: ["n": .int]))
        #expect(r.table.values("n") == [.int(1), .null])
        #expect(r.issueTexts == ["t.jsonl:2:7: warning: cannot read 'x' as int in column 'n'; stored as null"])
    }
}
