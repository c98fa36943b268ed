// "Did you mean": edit distance, the closest candidate, the prefix fallback, and silence.

import Testing

@testable import EVQSyntax

@Suite struct SuggestTests {
    let stages = StageName.allCases.map(\.rawValue)
    let fields = ["id", "date", "type", "actor1", "actor2", "country", "fatalities", "notes"]

    @Test(arguments: [
        ("kitten", "sitting", 3), ("", "abc", 3), ("abc", "", 3), ("", "", 0), ("where", "where", 0),
        ("wher", "where", 1), ("flaw", "lawn", 2), ("ab", "ba", 2), ("Ağrı", "Agri", 2), ("é", "e", 1),
    ])
    func distance(_ a: String, _ b: String, _ d: Int) {
        #expect(Suggest.distance(a, b) == d)
        #expect(Suggest.distance(b, a) == d)
    }

    @Test func closestIgnoresCaseAndKeepsTheCandidateSpelling() {
        #expect(Suggest.closest(to: "wher", in: stages) == "where")
        #expect(Suggest.closest(to: "SUMARIZE", in: stages) == "summarize")
        #expect(Suggest.closest(to: "Fatalitys", in: fields) == "fatalities")
        #expect(Suggest.closest(to: "cuontry", in: fields) == "country")
        #expect(Suggest.closest(to: "dtae", in: ["Date", "type"]) == "Date")
    }

    @Test func tiesGoToTheFirstCandidate() {
        #expect(Suggest.closest(to: "actr", in: fields) == "actor1")
        #expect(Suggest.closest(to: "actorX", in: ["actor2", "actor1"]) == "actor2")
    }

    @Test func theLimitGrowsWithLength() {
        // Two edits are always allowed; longer words allow a third of their length.
        #expect(Suggest.closest(to: "summarizzzz", in: ["summarize"]) == "summarize")  // 3 edits, 9 / 3 = 3
        #expect(Suggest.closest(to: "summ4rizzzz", in: ["summarize"]) == nil)  // 4 edits
        #expect(Suggest.closest(to: "tpye", in: ["type"]) == "type")  // a swap is 2 edits
        #expect(Suggest.closest(to: "xy", in: ["id"]) == "id")  // short words: any 2 edits
        #expect(Suggest.closest(to: "xyz", in: ["id"]) == nil)
    }

    @Test func prefixFallback() {
        #expect(Suggest.closest(to: "act", in: ["country", "actor1", "actor2"]) == "actor1")
        #expect(Suggest.closest(to: "FATAL", in: fields) == "fatalities")
        // Two characters are too few for a prefix guess.
        #expect(Suggest.closest(to: "fa", in: ["fatalities"]) == nil)
        // A close match wins over a prefix match.
        #expect(Suggest.closest(to: "dat", in: ["datestamp", "data"]) == "data")
    }

    @Test func noSuggestionWhenNothingIsClose() {
        #expect(Suggest.closest(to: "zzzzzz", in: stages) == nil)
        #expect(Suggest.closest(to: "where", in: [String]()) == nil)
        #expect(Suggest.hint(for: "zzzzzz", in: stages) == nil)
    }

    @Test func hintText() {
        #expect(Suggest.hint(for: "wher", in: stages) == "did you mean 'where'?")
        #expect(Suggest.hint(for: "foo", in: stages) == "did you mean 'top'?")
    }
}
