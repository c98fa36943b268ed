// Which column orders the rows in time (the documented names, any letter case, or the one
// named), and the layouts a time can be written in.
import Testing
@testable import EVQStore

@Suite struct TimeColumnTests {
    @Test(arguments: ["date_start", "SQLDATE", "Event Date", "EVENT_DATE", "Date", "datetime"])
    func documentedNamesOrderTheRows(name: String) throws {
        let r = try load("id,\(name)\na,2024-01-02\nb,2024-01-01\n")
        #expect(r.table.timeColumnIndex == 1)
        #expect(r.table.values("id") == [.string("b"), .string("a")])
    }

    @Test func compactDigitDatesOrderTheRowsOnlyUnderATimeName() throws {
        // GDELT: SQLDATE YYYYMMDD; an int column of the same digits under another name stays int.
        let r = try load("GLOBALEVENTID,SQLDATE,n\n410412347,20150218,20150217\n410412348,20140219,1\n")
        #expect(r.table.type(of: "SQLDATE") == .time)
        #expect(r.table.type(of: "n") == .int)
        #expect(r.table.columns[r.table.timeColumnIndex ?? 0].name == "SQLDATE")
        #expect(r.table.values("SQLDATE") == [.time(1_392_768_000), .time(1_424_217_600)])
        #expect(r.table.values("GLOBALEVENTID") == [.int(410_412_348), .int(410_412_347)])
        let stamps = try load("timestamp,x\n20150218230000,1\n,2\n")
        #expect(stamps.table.values("timestamp") == [.time(1_424_300_400), .null])
        // One text that is no date keeps the column as it was.
        let mixed = try load("date\n20150218\n20151340\n")
        #expect(mixed.table.type(of: "date") == .int)
        #expect(mixed.table.timeColumnIndex == nil)
    }

    @Test func acledsWrittenOutDatesOrderTheRows() throws {
        let r = try load("event_date,fatalities\n26 October 2024,4\n2 November 2024,0\n5 March 2024,1\n")
        #expect(r.table.type(of: "event_date") == .time)
        #expect(r.table.values("fatalities") == [.int(1), .int(4), .int(0)])
    }

    @Test func theFirstDocumentedNameThatReadsAsTimeWins() throws {
        let r = try load("date_start,date,x\n2024-01-02,soon,1\n2024-01-01,later,2\n")
        #expect(r.table.columns[r.table.timeColumnIndex ?? 0].name == "date_start")
    }

    @Test func aNamedTimeColumnWithALayout() throws {
        var options = IngestOptions(timeColumn: "when")
        options.timeLayouts = ["when": .dayFirst]
        let r = try load("id,when\na,03/04/2024\nb,1/4/2024 09:30\nc,2024-04-01\n", options: options)
        #expect(r.table.values("when") == [.time(1_711_963_800), .time(1_712_102_400), .null])
        #expect(r.table.values("id") == [.string("b"), .string("a"), .string("c")])
        #expect(r.issueTexts == ["t.csv:4:3: warning: cannot read '2024-04-01' as time in column 'when'; stored as null"])
        // A forced time type without a layout reads every automatic layout.
        let forced = try load("d\n20150218\n2015-02-19\n", options: IngestOptions(types: ["d": .time]))
        #expect(forced.table.values("d") == [.time(1_424_217_600), .time(1_424_304_000)])
    }

    @Test func droppedFractionsOfASecondAreSaidNotSilent() throws {
        let r = try load("id,ts,note\n1,2024-10-01T14:30:05.250Z,12:00:01.5\n2,2024-10-01T14:30:06Z,x\n")
        #expect(r.table.values("ts") == [.time(1_727_793_005), .time(1_727_793_006)])
        #expect(r.issueTexts == ["t.csv:1:1: warning: column 'ts': fractions of a second are dropped (times are kept to the second)"])
        #expect(try load("ts\n2024-10-01T14:30:05Z\n").issues.isEmpty)
    }

    @Test func layouts() {
        #expect(TimeLayout.yyyymmdd.parse("20240229") == 1_709_164_800)
        #expect(TimeLayout.yyyymmdd.parse("20230229") == nil)
        #expect(TimeLayout.yyyymmdd.parse("2024022") == nil)
        #expect(TimeLayout.yyyymmddhhmmss.parse("20150218230000") == 1_424_300_400)
        #expect(TimeLayout.yyyymmddhhmmss.parse("20150218240000") == nil)
        #expect(TimeLayout.unix.parse("1424300400") == 1_424_300_400)
        #expect(TimeLayout.unix.parse("-86400.5") == -86_400)
        #expect(TimeLayout.unix.parse("12a") == nil)
        #expect(TimeLayout.dayFirst.parse("18.02.2015") == 1_424_217_600)
        #expect(TimeLayout.monthFirst.parse("02/18/2015") == 1_424_217_600)
        #expect(TimeLayout.monthFirst.parse("18/02/2015") == nil)
        #expect(TimeLayout.dayFirst.parse("18/02-2015") == nil)
        #expect(TimeLayout.dayFirst.parse("18/02/15") == nil)
        #expect(TimeLayout.dayFirst.parse("18/02/2015 23:00:05") == 1_424_300_405)
        #expect(TimeLayout.iso.parse("2015-02-18T23:00:00Z") == 1_424_300_400)
        #expect(TimeLayout(name: "DD/MM/YYYY") == .dayFirst)
        #expect(TimeLayout.dayMonthName.parse("26 October 2024") == 1_729_900_800)
        #expect(TimeLayout.dayMonthName.parse("3 jan 2024") == 1_704_240_000)
        #expect(TimeLayout.dayMonthName.parse("26-OCT-2024") == 1_729_900_800)
        #expect(TimeLayout.dayMonthName.parse("26 Octo 2024") == nil)
        #expect(TimeLayout.dayMonthName.parse("31 June 2024") == nil)
        #expect(TimeLayout.dayMonthName.parse("26 October-2024") == nil)
        #expect(TimeFormat.make([2024, 2, 29]) == 1_709_164_800)
        #expect(TimeFormat.make([2024, 2, 29, 24]) == nil)
    }
}
