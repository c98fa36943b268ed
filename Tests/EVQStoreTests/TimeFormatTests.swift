// Civil-calendar conversions: parse/format round trips, dates before 1970, leap days.
import Testing
@testable import EVQStore

@Suite struct TimeFormatTests {
    @Test(arguments: [
        ("1970-01-01", 0), ("1969-12-31T23:59:59Z", -1), ("1969-07-20T20:17:40Z", -14_182_940),
        ("1900-03-01", -25_508 * 86_400), ("2000-02-29", 951_782_400), ("2024-02-29T12:00:00Z", 1_709_208_000),
        ("0001-01-01", -62_135_596_800), ("9999-12-31T23:59:59Z", 253_402_300_799),
    ] as [(String, Int64)])
    func roundTrip(text: String, seconds: Int64) {
        #expect(TimeFormat.parse(Substring(text)) == seconds)
        #expect(TimeFormat.format(seconds) == text)
    }

    @Test func daysAndCivilAreInverse() {
        for day in stride(from: Int64(-800_000), through: 800_000, by: 997) {
            let (y, m, d) = TimeFormat.civil(days: day)
            #expect(TimeFormat.days(year: y, month: m, day: d) == day)
            #expect(d >= 1 && d <= TimeFormat.daysInMonth(year: y, month: m))
        }
    }

    @Test func leapYears() {
        #expect(TimeFormat.isLeap(2024) && TimeFormat.isLeap(2000) && TimeFormat.isLeap(1600))
        #expect(!TimeFormat.isLeap(1900) && !TimeFormat.isLeap(2023))
        #expect(TimeFormat.parse("1900-02-29") == nil)
        #expect(TimeFormat.parse("1600-02-29") == TimeFormat.days(year: 1600, month: 2, day: 29) * 86_400)
        #expect(TimeFormat.civil(days: TimeFormat.days(year: 1600, month: 3, day: 1) - 1) == (1600, 2, 29))
    }

    @Test func offsetsAndSeparators() {
        let midnight: Int64 = 1_727_740_800
        #expect(TimeFormat.parse("2024-10-01T00:00:00+05:30") == midnight - 19_800)
        #expect(TimeFormat.parse("2024-10-01 00:00-0100") == midnight + 3_600)
        #expect(TimeFormat.parse("2024-10-01T00:00+05") == midnight - 18_000)
        #expect(TimeFormat.parse("2024-10-01T00:00:00.") == nil)
        #expect(TimeFormat.parse("2024-10-01T00:00:00Zx") == nil)
    }

    @Test func floorDivAndDateOnlyFormat() {
        #expect(TimeFormat.floorDiv(-1, 86_400) == -1)
        #expect(TimeFormat.floorDiv(-86_400, 86_400) == -1)
        #expect(TimeFormat.floorDiv(86_399, 86_400) == 0)
        #expect(TimeFormat.formatDate(-1) == "1969-12-31")
        #expect(TimeFormat.format(-86_400) == "1969-12-31")
    }
}
