// The optimizer's oracle: every saved query, every reference example and a few hundred seeded
// random pipelines must print exactly the same with every optimizer pass switched off as with
// all of them on (rows, values and row order). A pass that changes an answer fails here.

import EVQ
import EVQEngine
import EVQShell
import EVQTestSupport
import Foundation
import Testing

private func output(_ text: String, disabled: Set<OptimizerPass>) -> String {
    let session = Project.sampleSession()
    session.disabledPasses = disabled
    let out = StringSink()
    let runner = ScriptRunner(session: session, format: .csv, output: out, errors: out)
    _ = runner.run(text, name: "<differential>")
    return out.text
}

private func expectSameWithAndWithoutPasses(_ text: String) {
    let optimized = output(text, disabled: [])
    let plain = output(text, disabled: Set(OptimizerPass.allCases))
    #expect(optimized == plain, "passes change the answer of:\n\(text)")
}

/// Valid pipelines over the samples: stages that keep the event columns, then at most one
/// that reshapes them. Seeded, so a failure names a reproducible query.
enum RandomPipeline {
    static let keeping = [
        "where country == \"Syria\"", "where fatalities > 5", "where date in 2017", "where date >= 2018-06-01 and fatalities >= 1",
        "where actor1 in [\"IS\", \"Government of Syria\"]", "where notes has \"airstrike\"", "where actor2 != \"Civilians\"",
        "where notes contains \"raqqa\" or fatalities > 100", "where not (type == \"Air/drone strike\")", "where isnull(actor2)",
        "sort by fatalities desc", "sort by actor1, date desc", "sort by location", "take 500", "take 3", "tail 40",
        "extend k = fatalities * 2", "extend d = day(date), who = tolower(actor1)", "extend fatalities = fatalities + 1",
        "lookup actors on actor1 = name", "top 200 by fatalities", "where k > 4", "where who startswith \"gov\"",
    ]
    static let reshaping = [
        "count", "summarize n = count(), killed = sum(fatalities) by actor1", "summarize n = count() by week(date)",
        "distinct country, actor1", "project date, actor1, fatalities", "project who = actor1, f = fatalities + 1",
        "top 5 by fatalities", "top 7 by date desc, id", "summarize avg(fatalities), dcount(location)", "take 12",
    ]

    static func make(_ g: inout SplitMix) -> String {
        var stages: [String] = []
        var hasK = false, hasWho = false
        for _ in 0..<Int.random(in: 0...5, using: &g) {
            let s = keeping.randomElement(using: &g)!
            if s == "where k > 4", !hasK { continue }
            if s == "where who startswith \"gov\"", !hasWho { continue }
            if s.hasPrefix("lookup"), stages.contains(where: { $0.hasPrefix("lookup") }) { continue }
            hasK = hasK || s.contains("k = ")
            hasWho = hasWho || s.contains("who = ")
            stages.append(s)
        }
        if Bool.random(using: &g) { stages.append(reshaping.randomElement(using: &g)!) }
        return (["events"] + stages).joined(separator: " | ")
    }
}

@Suite struct DifferentialTests {
    @Test(arguments: GoldenCase.all(in: "Queries"))
    func savedQuery(_ c: GoldenCase) throws {
        let text = try String(contentsOfFile: Project.path(c.script), encoding: .utf8)
        guard !text.contains("explain") else { return }  // the plan itself differs, by design
        expectSameWithAndWithoutPasses(text)
    }

    @Test func referenceExamples() {
        for e in ReferenceExample.all() where !e.query.contains("explain") {
            expectSameWithAndWithoutPasses(e.query)
        }
    }

    @Test func randomPipelines() {
        var g = SplitMix(state: 2_026_12_01)
        var nonEmpty = 0
        for _ in 0..<80 {
            let q = RandomPipeline.make(&g)
            let optimized = output(q, disabled: [])
            #expect(!optimized.contains("error:"), "generated an invalid query: \(q)\n\(optimized)")
            #expect(optimized == output(q, disabled: Set(OptimizerPass.allCases)), "passes change the answer of: \(q)")
            if optimized.split(separator: "\n").count > 1 { nonEmpty += 1 }
        }
        #expect(nonEmpty > 40)  // the generator does produce answers worth comparing
    }

    @Test func eachPassAloneKeepsTheAnswer() {
        var g = SplitMix(state: 99)
        for _ in 0..<15 {
            let q = RandomPipeline.make(&g)
            let all = output(q, disabled: Set(OptimizerPass.allCases))
            for pass in OptimizerPass.allCases {
                #expect(output(q, disabled: Set(OptimizerPass.allCases).subtracting([pass])) == all, "\(pass) changes: \(q)")
            }
        }
    }
}
