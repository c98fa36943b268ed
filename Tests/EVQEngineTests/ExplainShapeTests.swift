// `explain` stays true and small: passed-through columns are named as themselves (not as the
// stage that passed them), and a long chain prints in size linear in its stages.

import EVQ
import Testing

@Suite struct ExplainShapeTests {
    private func explain(_ query: String) throws -> String {
        var plan = ""
        try Fixture.session().run(query) { outcome in
            if case .rows(_, let p?) = outcome { plan = p.explain() }
        }
        return plan
    }

    @Test func extendNamesOnlyTheColumnItAdds() throws {
        let text = try explain("events | project id, fatalities | extend twice = fatalities * 2")
        #expect(text.components(separatedBy: "\n").first == "Extend twice = fatalities * 2  (~10 rows)")
    }

    @Test func aLongChainPrintsInLinearSize() throws {
        func size(_ stages: Int) throws -> Int {
            try explain("events" + String(repeating: " | where fatalities >= 0", count: stages)).utf8.count
        }
        let small = try size(100), large = try size(1000)
        // Ten times the stages, about ten times the text (growing indentation made it 100 times).
        #expect(large < small * 11, "100 stages: \(small) bytes, 1000 stages: \(large) bytes")
    }
}
