// Hostile input: thousands of random token soups and mutated valid queries must each end in
// a result or a positioned error, never a crash. Seeded, so a failure reproduces.

import EVQ
import EVQTestSupport
import Testing

@Suite struct RandomInputTests {
    static let vocabulary = [
        "events", "actors", "|", "where", "project", "extend", "sort", "by", "take", "tail", "count", "summarize", "top",
        "distinct", "lookup", "on", "chart", "bars", "timeline", "explain", "let", "param", "x", "=", "==", "!=", "<", ">=",
        "and", "or", "not", "in", "!in", "in~", "..", "(", ")", "[", "]", ",", ";", "\n", "\n\n", "+", "-", "*", "/", "%",
        "fatalities", "country", "actor1", "actor2", "date", "notes", "id", "`Source Country`", "\"Lebanon\"", "\"\"", "'x",
        "0", "-1", "9223372036854775807", "1e308", "2.5", "2024-11-05", "2024-W45", "2024-02", "2024-13", "3d", "90m", "0s",
        "null", "true", "count()", "sum(", "avg(fatalities)", "percentile(fatalities, 50)", "values(actor1)", "dcount(id)",
        "week(date)", "bin(date, 0d)", "bin(fatalities, 0)", "bin(date, -1d)", "latest()", "substring(notes, -5, -1)",
        "round(1.5, 400)", "pow(10, 400)", "distance(91, 0, -91, 720)", "has", "has_any", "has_all", "contains", "like",
        "matches", "\"(\"", "\"*\"", "\"[a-\"", "#", "//", "\\", "`", "asc", "desc", "desc,", "1 / 0", "7 % 0",
    ]

    @Test func randomTokenSoupsNeverCrash() {
        var g = SplitMix(state: 20_241_105)
        let session = Fixture.session()
        var results = 0, errors = 0
        for _ in 0..<4000 {
            let n = Int.random(in: 1...14, using: &g)
            let text = (0..<n).map { _ in Self.vocabulary.randomElement(using: &g)! }.joined(separator: " ")
            do {
                try session.run(text) { _ in }
                results += 1
            } catch {
                errors += 1
                // Every error renders with a position inside the text.
                #expect(!error.render().isEmpty)
            }
        }
        #expect(results + errors == 4000)
        #expect(results > 50)  // the vocabulary does produce valid queries
    }

    @Test func mutatedValidQueriesNeverCrash() {
        var g = SplitMix(state: 7)
        let base = [
            "events | where date in 2024-W45 and country == \"Lebanon\" | summarize killed = sum(fatalities) by week(date) | top 3 by killed",
            "events | lookup actors on actor1 = name | where backer == \"Iran\" | project id, actor1 | sort by id desc",
            "let p = actors | project name\nevents | where actor1 in p and notes has_any [\"drone\", \"US\"] | count",
            "events | extend d = distance(0, 0, fatalities, fatalities) | summarize percentile(d, 90), values(country) by type | chart bars",
        ]
        let session = Fixture.session()
        for _ in 0..<3000 {
            var chars = Array(base.randomElement(using: &g)!)
            for _ in 0..<Int.random(in: 1...4, using: &g) {
                let i = Int.random(in: 0..<chars.count, using: &g)
                switch Int.random(in: 0..<3, using: &g) {
                case 0: chars.remove(at: i)
                case 1: chars.insert(Array("|()[]\"'`,.;=<>!~-+*/%#\\ \n0123456789abcdeé🙂").randomElement(using: &g)!, at: i)
                default: chars[i] = chars[Int.random(in: 0..<chars.count, using: &g)]
                }
                if chars.isEmpty { chars = ["x"] }
            }
            do { try session.run(String(chars)) { _ in } } catch { #expect(!error.render().isEmpty) }
        }
    }
}
