// Column type inference over all non-empty cells, strict literal forms, and type overrides
// (a cell that does not convert is null and reported).
import Testing
@testable import EVQStore

@Suite struct TypeInferenceTests {
    /// One column `v` holding `cells`, one per row.
    func column(_ cells: [String], options: IngestOptions = .init()) throws -> (DataType?, [Value], IngestResult) {
        let r = try load("v\n" + cells.map { $0.isEmpty ? "\"\"" : $0 }.joined(separator: "\n") + "\n", options: options)
        return (r.table.type(of: "v"), r.table.values("v"), r)
    }

    @Test func bool() throws {
        let (type, values, _) = try column(["True", "false", "TRUE", ""])
        #expect(type == .bool)
        #expect(values == [.bool(true), .bool(false), .bool(true), .null])
    }

    @Test func int() throws {
        let (type, values, _) = try column(["-5", "+7", "0", "9223372036854775807", "-9223372036854775808"])
        #expect(type == .int)
        #expect(values == [.int(-5), .int(7), .int(0), .int(.max), .int(.min)])
    }

    @Test func intOutOfRangeStaysText() throws {
        let (type, values, _) = try column(["1", "9223372036854775808"])
        #expect(type == .string)
        #expect(values == [.string("1"), .string("9223372036854775808")])
    }

    @Test func mixedIntAndFloatIsFloat() throws {
        let (type, values, _) = try column(["1", "2.5", "", "1e3", ".5", "5.", "-2E-2"])
        #expect(type == .float)
        #expect(values == [.float(1), .float(2.5), .null, .float(1000), .float(0.5), .float(5), .float(-0.02)])
    }

    @Test func nonFiniteAndLooseNumbersAreStrings() throws {
        for text in ["nan", "inf", "1e999", "1,000", "0x10", "1.2.3", "e5", "-", "1e"] {
            let (type, _, _) = try column(["1", "\"\(text)\""])
            #expect(type == .string, "\(text)")
        }
    }

    @Test func timeForms() throws {
        let (type, values, _) = try column([
            "2024-10-01", "2024-10-01T14:30:00Z", "2024-10-01T14:30+02:00", "2024-10-01 14:30:05", "2024-10-01T14:30:00.250-0130",
        ])
        #expect(type == .time)
        #expect(values == [
            .time(1_727_740_800), .time(1_727_793_000), .time(1_727_785_800), .time(1_727_793_005),
            .time(1_727_793_000 + 5400),
        ])
    }

    @Test(arguments: ["2024-13-01", "2024-02-30", "2023-02-29", "2024-10", "2024-10-01T25:00", "2024-10-01Z", "24-10-01"])
    func timeRejects(text: String) throws {
        #expect(TimeFormat.parse(Substring(text)) == nil)
        let (type, values, _) = try column(["2024-10-01", text])
        #expect(type == .string)
        #expect(values == [.string("2024-10-01"), .string(text)])
    }

    @Test func leapDayIsATime() throws {
        let (type, values, _) = try column(["2024-02-29", "2000-02-29"])
        #expect(type == .time)
        #expect(values == [.time(1_709_164_800), .time(951_782_400)])
    }

    @Test func allEmptyColumnIsStringOfNulls() throws {
        let r = try load("a,b\n1,\n2,\n")
        #expect(r.table.type(of: "b") == .string)
        #expect(r.table.values("b") == [.null, .null])
    }

    @Test func anyOtherTextMakesTheColumnString() throws {
        let (type, values, _) = try column(["1", "true", "2024-01-01"])
        #expect(type == .string)
        #expect(values == [.string("1"), .string("true"), .string("2024-01-01")])
    }

    @Test func overrideKeepsTextAsString() throws {
        var options = IngestOptions()
        options.types = ["v": .string]
        let (type, values, r) = try column(["007", "12"], options: options)
        #expect(type == .string)
        #expect(values == [.string("007"), .string("12")])
        #expect(r.issues.isEmpty)
    }

    @Test func badCellUnderOverrideIsNullAndReportedEachTime() throws {
        var options = IngestOptions()
        options.types = ["n": .int]
        let r = try load("id,n\na,1\nb,x\nc,3\nd,x\ne,2.5\n", options: options)
        #expect(r.table.type(of: "n") == .int)
        #expect(r.table.values("n") == [.int(1), .null, .int(3), .null, .null])
        #expect(r.issueTexts == [
            "t.csv:3:3: warning: cannot read 'x' as int in column 'n'; stored as null",
            "t.csv:5:3: warning: cannot read 'x' as int in column 'n'; stored as null",
            "t.csv:6:3: warning: cannot read '2.5' as int in column 'n'; stored as null",
        ])
        #expect(r.cellsNulled == 3)
        #expect(r.rowsRejected == 0)
        #expect(r.table.rowCount == 5)
    }

    @Test func overridesForFloatBoolDuration() throws {
        var options = IngestOptions()
        options.types = ["f": .float, "b": .bool, "d": .duration]
        let r = try load("f,b,d\n1,true,3d\n2,FALSE,90\n", options: options)
        #expect(r.table.values("f") == [.float(1), .float(2)])
        #expect(r.table.values("b") == [.bool(true), .bool(false)])
        #expect(r.table.values("d") == [.duration(259_200), .duration(90)])
    }

    @Test func explicitTimeColumnIsForcedAndSorted() throws {
        var options = IngestOptions()
        options.timeColumn = "when"
        let r = try load("id,when\na,2024-01-02\nb,soon\nc,2024-01-01\n", options: options)
        #expect(r.table.type(of: "when") == .time)
        #expect(r.table.values("id") == [.string("c"), .string("a"), .string("b")])
        #expect(r.table.values("when") == [.time(1_704_067_200), .time(1_704_153_600), .null])
        #expect(r.issueTexts == ["t.csv:3:3: warning: cannot read 'soon' as time in column 'when'; stored as null"])
        #expect(r.table.timeColumnIndex == 1)
    }

    @Test func defaultTimeColumnIsTheFirstCandidateThatIsTime() throws {
        let r = try load("time,event_date,date\nnoon,2024-01-02,x\nlater,2024-01-01,y\n")
        #expect(r.table.timeColumnIndex == 1)
        #expect(r.table.values("time") == [.string("later"), .string("noon")])
        let none = try load("id,when\n1,2024-01-02\n")
        #expect(none.table.timeColumnIndex == nil)
    }

    @Test func badOptionsThrow() throws {
        #expect(throws: IngestError.unsupportedType(column: "v", .list)) {
            try load("v\n1\n", options: IngestOptions(types: ["v": .list]))
        }
        #expect(throws: IngestError.unknownColumn("zz")) {
            try load("v\n1\n", options: IngestOptions(types: ["zz": .int]))
        }
        #expect(throws: IngestError.unknownColumn("when")) {
            try load("v\n1\n", options: IngestOptions(timeColumn: "when"))
        }
        #expect(throws: IngestError.timeColumnNotTime(column: "v", .int)) {
            try load("v\n1\n", options: IngestOptions(types: ["v": .int], timeColumn: "v"))
        }
    }

    @Test func cellTextReaders() {
        func with<R>(_ s: String, _ f: (UnsafeBufferPointer<UInt8>) -> R) -> R {
            var s = s
            return s.withUTF8(f)
        }
        #expect(with("-0", CellText.int) == 0)
        #expect(with("+", CellText.int) == nil)
        #expect(with("", CellText.int) == nil)
        #expect(with("1 ", CellText.int) == nil)
        #expect(with("tRuE", CellText.bool) == true)
        #expect(with("yes", CellText.bool) == nil)
        #expect(with("-2h", CellText.duration) == -7200)
        #expect(with("1w", CellText.duration) == 604_800)
        #expect(with("3x", CellText.duration) == nil)
    }
}
