// How a load reports problems: the first issues in full, the rest counted by reason and
// column, rejected rows counted by reason and kept unchanged on request, `strict` stopping.
import Testing
@testable import EVQStore

@Suite struct IssueReportTests {
    /// 25 rows of two fields under a header of three, and 13 cells that are not ints.
    static let text: String = {
        var t = "id,n,s\n"
        for i in 0..<50 { t += i % 2 == 0 ? "a\(i),1\n" : "b\(i),\(i % 4 == 1 ? "x" : "2"),s\n" }
        return t
    }()

    @Test func onlyTheFirstIssuesAreKeptInFullTheRestAreCounted() throws {
        let r = try load(Self.text, options: IngestOptions(types: ["n": .int]))
        #expect(r.issues.count == IssueLog.fullIssueLimit)
        #expect(r.issueTexts.prefix(3) == [
            "t.csv:2:5: error: expected 3 fields, found 2",
            "t.csv:3:4: warning: cannot read 'x' as int in column 'n'; stored as null",
            "t.csv:4:5: error: expected 3 fields, found 2",
        ])
        #expect(r.rowsRead == 50)
        #expect(r.rowsRejected == 25)
        #expect(r.cellsNulled == 13)
        // Kept: rows 0, 2, 4, 6, 8, 10, 12 (errors) and 1, 5, 9 (warnings); the next is row 13.
        #expect(r.omitted == [
            IngestIssue.Count(severity: .warning, reason: .unconvertible, column: "n", count: 10),
            IngestIssue.Count(severity: .error, reason: .fieldCount, column: nil, count: 18),
        ])
        #expect(r.rejections == [IngestIssue.Count(severity: .error, reason: .fieldCount, column: nil, count: 25)])
        #expect(r.table.rowCount == 25)
    }

    @Test func rejectedRowsAreKeptAsWritten() throws {
        var options = IngestOptions()
        options.keepsRejectedRows = true
        let r = try load("a,b\n1,2\n3\r\n4,\"x\n5,6\n7,8,9", options: options)
        #expect(String(decoding: r.rejectedRows, as: UTF8.self) == "3\r\n4,\"x\n7,8,9\n")
        #expect(r.rejections.map(\.reason) == [.fieldCount, .unterminatedQuote])
        #expect(r.rejections.map(\.count) == [2, 1])
        #expect(try load("a,b\n3\n").rejectedRows.isEmpty)
    }

    @Test func strictStopsAtTheFirstError() throws {
        var options = IngestOptions()
        options.strict = true
        let issue = IngestIssue(file: "t.csv", line: 3, column: 2, message: "expected 2 fields, found 1", severity: .error,
                                reason: .fieldCount)
        #expect(throws: IngestError.strict(issue)) { try load("a,b\n1,2\n3\n4,5\n", options: options) }
        #expect(IngestError.strict(issue).description == "t.csv:3:2: expected 2 fields, found 1 (--strict stops at the first error)")
        // Warnings (a repaired header, a cell stored as null) do not stop it.
        options.types = ["b": .int]
        let r = try load("a,a\n1,x\n", options: IngestOptions(types: ["a_2": .int], strict: true))
        #expect(r.issueTexts == [
            "t.csv:1:3: warning: duplicate column name 'a'; using 'a_2'",
            "t.csv:2:3: warning: cannot read 'x' as int in column 'a_2'; stored as null",
        ])
    }
}
