// Distance literals: `km`, `mi` and `nmi` after a number are kilometres (a float), while `m`
// stays minutes; metres have no unit, and spelling them out gets a hint.

import Testing

@testable import EVQSyntax

@Suite struct DistanceLiteralTests {
    @Test func distancesAreFloatKilometres() throws {
        #expect(single("50km")?.kind == .float(50))
        #expect(single("2.5km")?.kind == .float(2.5))
        #expect(single("30mi")?.kind == .float(30 * 1.609344))
        #expect(single("10nmi")?.kind == .float(18.52))
        #expect(single("50km")?.span == Span(0, 4))
        #expect(try kinds("-3km") == [.symbol(.minus), .float(3)])
    }

    @Test func mStaysMinutes() throws {
        #expect(single("90m")?.kind == .duration(5_400))
        #expect(single("500m")?.kind == .duration(30_000))
    }

    @Test func metresSpelledOutPointToKilometres() {
        let m = Marked("x < 1️⃣500meters2️⃣")
        let e = lexError(m.text)
        #expect(e?.message == "unknown unit 'meters' after a number")
        #expect(e?.hint == "'m' means minutes; write metres in kilometres: 0.5km")
        #expect(e?.span == m.span(1, 2))
        #expect(lexError("1200metres")?.hint == "'m' means minutes; write metres in kilometres: 1.2km")
    }

    @Test func unknownUnitsListBothKinds() {
        let e = lexError("5KM")
        #expect(e?.message == "unknown unit 'KM' after a number")
        #expect(e?.hint == "durations use s, m, h, d or w (for example 3d); distances km, mi or nmi (for example 50km)")
        #expect(e?.span == Span(0, 3))
    }

    @Test func fractionalDurationsStillNeedWholeNumbers() {
        #expect(lexError("1.5d")?.message == "a duration needs a whole number")
    }
}
