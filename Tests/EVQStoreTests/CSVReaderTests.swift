// CSV/TSV reading: quoting, line ends, BOM, delimiters, headers, and malformed rows with the
// exact issue text and position.
import Foundation
import Testing
@testable import EVQStore

@Suite struct CSVReaderTests {
    @Test func quotedFieldsWithCommasAndDoubledQuotes() throws {
        let r = try load("id,name,notes\n1,\"Smith, John\",\"said \"\"hi\"\"\"\n2,plain,\"a,b\"\n")
        #expect(r.table.values("name") == [.string("Smith, John"), .string("plain")])
        #expect(r.table.values("notes") == [.string("said \"hi\""), .string("a,b")])
        #expect(r.issues.isEmpty)
    }

    @Test func embeddedNewlineKeepsLaterLineNumbersRight() throws {
        let text = "id,notes,n\n1,\"line one\nline two\",5\n2,x,6\n3,y\n4,z,8\n5,a,b,c\n"
        let r = try load(text)
        #expect(r.table.values("notes") == [.string("line one\nline two"), .string("x"), .string("z")])
        #expect(r.table.values("id") == [.int(1), .int(2), .int(4)])
        #expect(r.issueTexts == [
            "t.csv:5:4: error: expected 3 fields, found 2",
            "t.csv:7:7: error: expected 3 fields, found 4",
        ])
        #expect(r.rowsRead == 5)
        #expect(r.rowsRejected == 2)
        #expect(r.table.rowCount == 3)
    }

    @Test func errorOnALaterLineOfAMultilineRowSaysWhereTheRowStarts() throws {
        let r = try load("h1,h2\n1,2\n\"a\nb\",c,d\n")
        #expect(r.issueTexts == ["t.csv:4:6: error: expected 2 fields, found 3 (row starts at line 3)"])
        #expect(r.table.rowCount == 1)
    }

    @Test func characterColumnsCountScalarsNotBytes() throws {
        let r = try load("a,b\nétoile,ü\n")
        let bad = try load("a,b\nétoile\n")
        #expect(r.issues.isEmpty)
        #expect(bad.issueTexts == ["t.csv:2:7: error: expected 2 fields, found 1"])
    }

    @Test func crlfLineEndsAndCRLFInsideQuotes() throws {
        let r = try load("a,b\r\n1,x\r\n2,\"p\r\nq\"\r\n")
        #expect(r.table.values("a") == [.int(1), .int(2)])
        #expect(r.table.values("b") == [.string("x"), .string("p\r\nq")])
        #expect(r.issues.isEmpty)
    }

    @Test func loneCarriageReturnIsDataButEndsTheInputAsALineEnd() throws {
        let r = try load("a,b\n1,x\ry\n2,\"z\"\r")
        #expect(r.table.values("b") == [.string("x\ry"), .string("z")])
        #expect(r.issues.isEmpty)
    }

    @Test func byteOrderMarkIsSkipped() throws {
        let r = try load("\u{FEFF}id,v\n1,2\n")
        #expect(r.table.schema.map(\.name) == ["id", "v"])
        #expect(r.table.values("id") == [.int(1)])
    }

    @Test func tsvAndCustomDelimiter() throws {
        let tsv = try load("a\tb\n1\thello, world\n", format: .tsv, source: "t.tsv")
        #expect(tsv.table.values("b") == [.string("hello, world")])
        #expect(tsv.table.values("a") == [.int(1)])
        var options = IngestOptions()
        options.delimiter = UInt8(ascii: ";")
        let semi = try load("a;b\n1,5;x\n", options: options)
        #expect(semi.table.values("a") == [.string("1,5")])
    }

    @Test func noHeaderNamesColumnsByPosition() throws {
        var options = IngestOptions()
        options.hasHeader = false
        let r = try load("1,x\"\n2,y\n3\n", options: options)
        #expect(r.table.schema.map(\.name) == ["column_1", "column_2"])
        #expect(r.table.values("column_1") == [.int(1), .int(2)])
        #expect(r.issueTexts == [
            "t.csv:1:4: warning: quote inside an unquoted field; kept as a character",
            "t.csv:3:2: error: expected 2 fields, found 1",
        ])
    }

    @Test func headerDuplicatesAndEmptyNamesAreRenamed() throws {
        let r = try load("a,a,,b,a,a_2\n1,2,3,4,5,6\n")
        #expect(r.table.schema.map(\.name) == ["a", "a_3", "column_3", "b", "a_4", "a_2"])
        #expect(r.table.values("a_2") == [.int(6)])
        #expect(r.issueTexts == [
            "t.csv:1:3: warning: duplicate column name 'a'; using 'a_3'",
            "t.csv:1:5: warning: empty column name; using 'column_3'",
            "t.csv:1:8: warning: duplicate column name 'a'; using 'a_4'",
        ])
        #expect(r.rowsRejected == 0)
    }

    @Test func blankLinesAreSkippedAndTrailingNewlineOptional() throws {
        let r = try load("a\n\n1\r\n\n2")
        #expect(r.table.values("a") == [.int(1), .int(2)])
        #expect(r.rowsRead == 2)
    }

    @Test func blanksAreKeptQuotedOrNotAndNumbersStillRead() throws {
        let r = try load("a,b,c\n 1 , x y ,  \" q \"  \n")
        #expect(r.table.values("a") == [.int(1)])
        #expect(r.table.values("b") == [.string(" x y ")])
        #expect(r.table.values("c") == [.string(" q ")])
        #expect(r.issues.isEmpty)
    }

    @Test func trimDropsBlanksAroundEveryField() throws {
        var options = IngestOptions()
        options.trim = true
        let r = try load("a,b,c\n 1 , x y ,  \" q \"  \n", options: options)
        #expect(r.table.values("a") == [.int(1)])
        #expect(r.table.values("b") == [.string("x y")])
        #expect(r.table.values("c") == [.string("q")])
    }

    @Test func emptyFieldsQuotedOrNotAreNull() throws {
        let r = try load("a,b\n1,\"\"\n2,\n3,z\n")
        #expect(r.table.values("b") == [.null, .null, .string("z")])
    }

    @Test func unterminatedQuoteRejectsTheRowAndReadingResumes() throws {
        let r = try load("a,b\n1,x\n2,\"oops\n3,y\n4,z\n")
        #expect(r.issueTexts == ["t.csv:3:3: error: unterminated quoted field; row skipped, reading resumes at line 4"])
        #expect(r.table.values("a") == [.int(1), .int(3), .int(4)])
        #expect(r.rowsRead == 4)
        #expect(r.rowsRejected == 1)
    }

    @Test func unterminatedQuoteInHeaderSkipsTheFile() throws {
        let r = try load("a,\"b\n1,2\n")
        #expect(r.issueTexts == ["t.csv:1:3: error: unterminated quoted field in the header; file skipped"])
        #expect(r.table.columns.isEmpty)
    }

    @Test func strayQuotesAreKeptAndWarned() throws {
        let r = try load("a,b\n1,12\" pipe\n2,\"say \"hi\" now\"\n")
        #expect(r.table.values("b") == [.string("12\" pipe"), .string("say \"hi\" now")])
        #expect(r.issueTexts == [
            "t.csv:2:5: warning: quote inside an unquoted field; kept as a character",
            "t.csv:3:8: warning: unescaped quote inside a quoted field; kept as a character (write \"\" for a quote)",
            "t.csv:3:11: warning: unescaped quote inside a quoted field; kept as a character (write \"\" for a quote)",
        ])
        #expect(r.rowsRejected == 0)
    }

    @Test func emptyInputGivesAnEmptyTableAndAWarning() throws {
        let r = try load("")
        #expect(r.table.rowCount == 0)
        #expect(r.table.columns.isEmpty)
        #expect(r.issueTexts == ["t.csv:1:1: warning: empty file"])
        let headerOnly = try load("a,b\n")
        #expect(headerOnly.table.schema.map(\.name) == ["a", "b"])
        #expect(headerOnly.issues.isEmpty)
    }

    @Test func invalidUTF8IsRepairedAndWarnedOncePerDistinctText() throws {
        // A String is always valid UTF-8, so the bad bytes go through a file.
        let dir = try temporaryFiles([:])
        let path = dir.appendingPathComponent("bad.csv").path
        let raw = Array("a,b\n1,x".utf8) + [0xFF] + Array("\n2,x".utf8) + [0xFF] + Array("\n".utf8)
        #expect(FileManager.default.createFile(atPath: path, contents: Data(raw)))
        let r = try Ingest.load(paths: [path], tableName: "t")
        #expect(r.table.values("b") == [.string("x\u{FFFD}"), .string("x\u{FFFD}")])
        #expect(r.issueTexts == ["\(path):2:3: warning: invalid UTF-8 in column 'b'; replaced with U+FFFD"])
    }
}

@Suite struct RowNameTests {
    @Test func aHeaderOneNameShortLoadsRowNames() throws {
        // As R's write.table writes a data frame: a header of N names, rows of N + 1 fields.
        let r = try load("\"city\",\"n\"\n\"1\",\"Aleppo\",2\n\"2\",\"Homs\",4\n\"3\",\"bad\"\n\"4\",\"x\",1,2\n")
        #expect(r.table.schema.map(\.name) == ["row_name", "city", "n"])
        #expect(r.table.values("row_name") == [.int(1), .int(2)])
        #expect(r.table.values("city") == [.string("Aleppo"), .string("Homs")])
        #expect(r.issueTexts == [
            "t.csv:1:1: warning: the header has 2 names for rows of 3 fields (R's row names); the first field is loaded as column 'row_name'",
            "t.csv:4:10: error: expected 3 fields, found 2",
            "t.csv:5:11: error: expected 3 fields, found 4",
        ])
        #expect(r.rowsRejected == 2)
    }

    @Test func writeCSVsEmptyFirstNameIsTheRowNameColumn() throws {
        // R's write.csv heads the row names with "".
        let r = try load("\"\",\"city\",\"n\"\n\"1\",\"Aleppo\",2\n")
        #expect(r.table.schema.map(\.name) == ["row_name", "city", "n"])
        #expect(r.issueTexts == ["t.csv:1:1: warning: empty first column name (R's row names); using 'row_name'"])
    }

    @Test func aHeaderThatAlreadyHasRowNameGetsAnotherName() throws {
        let r = try load("row_name\n1,a\n")
        #expect(r.table.schema.map(\.name) == ["row_name_2", "row_name"])
    }
}
