// The rules that keep values as written: codes with leading zeros stay text, integers no
// number type holds exactly stay text, null tokens, blanks, and blank lines before the header.
import Testing
@testable import EVQStore

@Suite struct CellRulesTests {
    @Test func leadingZerosKeepAColumnAsText() throws {
        // CAMEO codes: "010" and "10" are different codes and must not both become 10.
        let r = try load("code,label\n\"010\",Make statement\n10,x\n007,y\n0,z\n")
        #expect(r.table.type(of: "code") == .string)
        #expect(r.table.values("code") == [.string("010"), .string("10"), .string("007"), .string("0")])
        let floats = try load("v\n0.5\n-0.25\n0\n")
        #expect(floats.table.type(of: "v") == .float)
        let padded = try load("v\n-01.5\n2\n")
        #expect(padded.table.type(of: "v") == .string)
    }

    @Test func integersNoDoubleHoldsExactlyAreNotSilentlyFloats() throws {
        // 2^53 + 1 is an Int64: the column stays int and exact.
        let ids = try load("id\n9007199254740993\n1\n")
        #expect(ids.table.type(of: "id") == .int)
        #expect(ids.table.values("id") == [.int(9_007_199_254_740_993), .int(1)])
        // With a fraction in the column, a double would round it: the column stays text.
        let mixed = try load("id\n9007199254740993\n1.5\n")
        #expect(mixed.table.type(of: "id") == .string)
        #expect(mixed.table.values("id") == [.string("9007199254740993"), .string("1.5")])
        // Up to 2^53 a double is exact, so int and float mix into float as before.
        let small = try load("v\n9007199254740992\n1.5\n")
        #expect(small.table.type(of: "v") == .float)
    }

    @Test func nullTokensAreNullByDefault() throws {
        let r = try load("city,lat\nNA,NA\nN/A,1.5\nNULL,null\nNaN,NaN\nBeirut,2\n\"NA\",\n")
        #expect(r.table.values("city") == [.null, .null, .null, .null, .string("Beirut"), .null])
        #expect(r.table.type(of: "lat") == .float)
        #expect(r.table.values("lat") == [.null, .float(1.5), .null, .null, .float(2), .null])
        #expect(r.issues.isEmpty)
        // Only exact matches: other spellings are text.
        let near = try load("v\nna\nNone\n NA\n")
        #expect(near.table.values("v") == [.string("na"), .string("None"), .string(" NA")])
    }

    @Test func nullTokensCanBeAddedOrTurnedOff() throws {
        var options = IngestOptions()
        options.nullTokens += ["-"]
        let added = try load("v\n-\n3\nNA\n", options: options)
        #expect(added.table.values("v") == [.null, .int(3), .null])
        options.nullTokens = []
        let off = try load("v\nNA\n\n3\n", options: options)
        #expect(off.table.values("v") == [.string("NA"), .string("3")])
    }

    @Test func blankCellsDoNotStopATypeAndStayTextInATextColumn() throws {
        let r = try load("n,s\n1, \n  ,x\n3,y\n")
        #expect(r.table.type(of: "n") == .int)
        #expect(r.table.values("n") == [.int(1), .null, .int(3)])
        #expect(r.table.values("s") == [.string(" "), .string("x"), .string("y")])
    }

    @Test func blankLinesBeforeTheHeaderAreSkipped() throws {
        let r = try load(" \n,,\nid,n\n1,2\n")
        #expect(r.table.schema.map(\.name) == ["id", "n"])
        #expect(r.table.values("n") == [.int(2)])
        #expect(r.issueTexts == [
            "t.csv:1:1: warning: blank line before the header; skipped",
            "t.csv:2:1: warning: blank line before the header; skipped",
        ])
    }
}
