// The oracle for segmented execution: the events split into several segments (interleaved in
// time, as late data makes them, or in consecutive slices) must answer every saved query,
// every reference example and seeded random pipelines exactly as the same segments merged
// into one table do (rows, values and row order), with the optimizer's passes on and off.

import EVQ
import EVQEngine
import EVQShell
import EVQStore
import EVQTestSupport
import Foundation
import Testing

enum SegmentSplit: String, CaseIterable, Sendable {
    /// Each row to a random one of three segments: their time ranges overlap.
    case interleaved
    /// Four consecutive runs of rows: segments one after the other in time, plus an empty one.
    case slices

    func segments(of table: Table) -> [Table] {
        var parts: [[UInt32]]
        switch self {
        case .interleaved:
            var g = SplitMix(state: 7)
            parts = [[], [], []]
            for r in 0..<table.rowCount { parts[Int.random(in: 0..<3, using: &g)].append(UInt32(r)) }
        case .slices:
            let n = table.rowCount
            let cuts = [0, n / 5, n / 2, n / 2, 4 * n / 5, n]
            parts = zip(cuts, cuts.dropFirst()).map { lo, hi in (lo..<hi).map(UInt32.init) }
        }
        return parts.map { table.gather($0, keepsTimeOrder: true) }
    }
}

private func sessions(_ split: SegmentSplit) -> (segmented: Session, merged: Session) {
    let segmented = Session(), merged = Session()
    for table in Project.sampleTables {
        guard table.name == "events" else {
            segmented.addTable(table)
            merged.addTable(table)
            continue
        }
        let segments = split.segments(of: table)
        segmented.addTable(SegmentedTable(name: "events", segments: segments))
        merged.addTable(Table.merging(segments, name: "events"))
    }
    return (segmented, merged)
}

private func output(_ text: String, _ session: Session, disabled: Set<OptimizerPass> = []) -> String {
    session.disabledPasses = disabled
    let out = StringSink()
    _ = ScriptRunner(session: session, format: .csv, output: out, errors: out).run(text, name: "<segments>")
    return out.text
}

@Suite struct SegmentDifferentialTests {
    @Test(arguments: SegmentSplit.allCases)
    func savedQueriesAndReferenceExamples(_ split: SegmentSplit) throws {
        let (segmented, merged) = sessions(split)
        var texts: [String] = []
        for c in GoldenCase.all(in: "Queries") { texts.append(try String(contentsOfFile: Project.path(c.script), encoding: .utf8)) }
        texts += ReferenceExample.all().map(\.query)
        for text in texts where !text.contains("explain") {
            let expected = output(text, merged)
            #expect(output(text, segmented) == expected, "segments (\(split)) change the answer of:\n\(text)")
            #expect(output(text, segmented, disabled: Set(OptimizerPass.allCases)) == expected, "segments, no passes (\(split)):\n\(text)")
        }
    }

    @Test(arguments: SegmentSplit.allCases)
    func randomPipelines(_ split: SegmentSplit) {
        let (segmented, merged) = sessions(split)
        var g = SplitMix(state: 2_026_12_02)
        for _ in 0..<120 {
            let q = RandomPipeline.make(&g)
            let expected = output(q, merged)
            #expect(!expected.contains("error:"), "generated an invalid query: \(q)\n\(expected)")
            #expect(output(q, segmented) == expected, "segments (\(split)) change the answer of: \(q)")
        }
    }

    /// The shapes run segment by segment without merging whole segments: their answers, and
    /// that a segment no row of which can match is not read.
    @Test func countsLimitsAndTopsOverSegments() throws {
        let (segmented, merged) = sessions(.slices)
        for q in ["events | count", "events | where country == \"Syria\" | count", "events | take 7", "events | where fatalities > 3 | take 5",
                  "events | top 6 by fatalities", "events | where date in 2017 | top 4 by fatalities desc, id", "events | take 0",
                  "events | where country == \"Atlantis\" | take 3", "events | where date in 1990 | count"] {
            #expect(output(q, segmented) == output(q, merged), "\(q)")
        }
        let plan = output("explain events | where date in 2017 | count", segmented)
        // 2017 lies in the second and fourth slices (the third is empty): the others are not read.
        #expect(plan.contains("segments: 2 of 5 read (3 skipped: their indexes hold no matching row)"), "\(plan)")
        #expect(plan.contains("segment 2 (4975 rows): time index: date in 2017 (rows 2853..<4975)"), "\(plan)")
        #expect(plan.contains("segment 4 (4976 rows): time index: date in 2017 (rows 0..<3465)"), "\(plan)")
    }

    @Test func latestUsesTheNewestSegment() throws {
        let (segmented, merged) = sessions(.interleaved)
        let q = "events | where date in latest() - 30d .. latest() | summarize n = count() by country"
        #expect(output(q, segmented) == output(q, merged))
        #expect(!output(q, segmented).contains("error"))
    }
}
