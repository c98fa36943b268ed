// The plain and literal text forms of values shared by every renderer.
import Testing
@testable import EVQStore

@Suite struct ValueFormatTests {
    @Test(arguments: [
        (Value.null, ""), (.bool(true), "true"), (.bool(false), "false"), (.int(-5), "-5"),
        (.float(12), "12.0"), (.float(0.1), "0.1"), (.float(-2.5), "-2.5"), (.float(1e20), "1e+20"),
        (.float(.nan), "nan"), (.float(-.infinity), "-inf"), (.string("a\"b"), "a\"b"),
        (.time(0), "1970-01-01"), (.time(90), "1970-01-01T00:01:30Z"), (.time(-1), "1969-12-31T23:59:59Z"),
        (.duration(7200), "2h"), (.duration(5400), "90m"), (.duration(90), "90s"), (.duration(0), "0s"), (.duration(-604_800), "-1w"),
        (.list([.int(1), .string("x"), .null]), "[1, \"x\", null]"),
    ])
    func plain(value: Value, text: String) {
        #expect(ValueFormat.plain(value) == text)
    }

    @Test func literalQuotesAndEscapesStrings() {
        #expect(ValueFormat.literal(.string("a\"b\\c")) == "\"a\\\"b\\\\c\"")
        #expect(ValueFormat.literal(.null) == "null")
        #expect(ValueFormat.literal(.int(3)) == "3")
    }
}
