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

    /// Conditions on a distinct's plain items that the segments' indexes left to each
    /// segment's own filter run once above the distinct; the answer is that of the merged
    /// table, with the pass on and off.
    @Test func segmentFiltersOnADistinctsValuesRunAboveIt() throws {
        for split in SegmentSplit.allCases {
            let (segmented, merged) = sessions(split)
            let q = "events | where country == \"Syria\" and isnotnull(actor2) and fatalities > 0 | distinct actor2, country"
            let plan = output("explain " + q, segmented)
            let lines = plan.split(separator: "\n").map(String.init)
            #expect(lines.first?.hasPrefix("Filter isnotnull(actor2)") == true, "\(plan)")
            #expect(lines.dropFirst().first?.contains("Distinct actor2, country") == true, "\(plan)")
            let segmentLines = lines.filter { $0.contains("segment ") && $0.contains("posting lists") }
            #expect(!segmentLines.isEmpty && segmentLines.allSatisfy { $0.hasSuffix("then fatalities > 0") }, "\(plan)")
            #expect(plan.contains("filterAboveDistinct"), "\(plan)")
            let expected = output(q, merged)
            #expect(expected.split(separator: "\n").count > 2, "\(expected)")
            #expect(output(q, segmented) == expected, "\(split)")
            #expect(output(q, segmented, disabled: [.filterAboveDistinct]) == expected, "\(split)")
        }
    }

    /// `summarize` and `distinct` group each segment on its own and merge one row per group:
    /// group order, ties and exact integer sums must be those of the merged table.
    @Test func groupsSegmentBySegment() throws {
        // Three segments that overlap in time; "a" first appears in segment 2, then 0.
        func segment(_ rows: [(day: Int, g: String, x: Value, name: Value)]) -> Table {
            var b = TableBuilder(name: "events")
            b.addColumn("date", rows.map { .time(Int64($0.day) * 86_400) }, type: .time)
            b.addColumn("g", rows.map { .string($0.g) })
            b.addColumn("x", rows.map(\.x), type: .int)
            b.addColumn("name", rows.map(\.name), type: .string)
            return b.build(timeColumn: "date")
        }
        let segments = [
            segment([(2, "a", .int(.max), .string("kilo")), (3, "b", .int(5), .null), (9, "c", .null, .string("alpha"))]),
            segment([(1, "b", .int(1), .string("zulu")), (2, "a", .int(1), .string("alpha")), (4, "c", .int(-3), .string("alpha"))]),
            segment([(0, "a", .int(-1), .string("mike")), (2, "b", .int(.min), .string("zulu")), (5, "a", .null, .null)]),
        ]
        let segmented = Session(), merged = Session()
        segmented.addTable(SegmentedTable(name: "events", segments: segments))
        merged.addTable(Table.merging(segments, name: "events"))
        let queries = [
            "events | summarize n = count(), xs = count(x), total = sum(x), lo = min(x), hi = max(x), first_name = min(name), last_name = max(name), big = countif(x > 0) by g",
            "events | summarize n = count(), total = sum(x), lo = min(name)",
            "events | where x > 0 | summarize total = sum(x), n = count() by g",
            "events | summarize n = count() by g, name",
            "events | distinct g", "events | distinct name, g", "events | distinct upper = toupper(g)",
            "events | where g == \"a\" | summarize total = sum(x)",
            "events | where g == \"zz\" | summarize n = count(), total = sum(x)",
            "events | summarize n = count() by g | count",
            // Percentiles with no keys read the segments as they lie, part after part.
            "events | summarize p0 = percentile(x, 0), p50 = percentile(x, 50), p100 = percentile(x, 100), d = percentile(date, 40)",
            "events | where g == \"a\" | summarize p = percentile(x, 90), half = percentile(x, 50) / 2",
            "events | where g == \"zz\" | summarize p = percentile(x, 50)",
            "events | summarize p = percentile(x, 50), n = count()",
            "events | summarize p = percentile(x, 50) by g",
        ]
        for q in queries { #expect(output(q, segmented) == output(q, merged), "\(q)") }
        #expect(output(queries[10], segmented) == "p0,p50,p100,d\n-9223372036854775808,1,9223372036854775807,1970-01-03\n")
        // By hand: a = max + 1 - 1 (rows days 0, 2, 2, 5), first seen on day 0 in segment 2.
        #expect(output(queries[0], segmented) == """
            g,n,xs,total,lo,hi,first_name,last_name,big
            a,4,3,9223372036854775807,-1,9223372036854775807,alpha,mike,2
            b,3,3,-9223372036854775802,-9223372036854775808,5,zulu,zulu,2
            c,2,1,-3,-3,-3,alpha,alpha,0

            """)
        #expect(output("events | distinct g", segmented) == "g\na\nb\nc\n")
        #expect(output(queries[5], segmented) == output(queries[5], merged))
        #expect(output("events | where g == \"a\" | where x > 0 | summarize total = sum(x)", segmented) == "total\n\n")  // max + 1: null
    }

    /// Keys coded the same in every segment (text by shared ids, bool, integer and time
    /// buckets): groups numbered straight from their codes, or by numbering each segment's
    /// groups, must come out as the merged table's, in order of first appearance, with many
    /// rows sharing a time across segments, rows without a time, nulls in every key, a text
    /// only some segments hold, and one text spelled two canonically equivalent ways.
    @Test func groupsByCodesSharedAcrossSegments() throws {
        var g = SplitMix(state: 2_026_12_06)
        let segments = [randomSegment(700, &g), randomSegment(20, only: "solo", &g), randomSegment(900, &g), randomSegment(0, &g),
                        randomSegment(650, &g)]
        let segmented = Session(), merged = Session()
        segmented.addTable(SegmentedTable(name: "events", segments: segments))
        merged.addTable(Table.merging(segments, name: "events"))
        let queries = [
            "events | distinct a", "events | distinct flag", "events | distinct a, flag", "events | distinct flag, a, b",
            "events | distinct k", "events | distinct a, k", "events | distinct day(date), a", "events | distinct a, b, c",
            "events | summarize n = count(), s = sum(k), lo = min(k), hi = max(b), f = countif(flag) by a",
            "events | summarize n = count(), s = sum(k) by a, flag",
            "events | summarize n = count(), lo = min(a) by k", "events | summarize n = count() by w = week(date), a",
            "events | summarize n = count(), lo = min(k) by a, b, c", "events | summarize n = count() by b | top 5 by n",
            "events | where isnotnull(a) | summarize n = count() by a, b | top 7 by n",
            "events | where flag == true | distinct a, b", "events | where k > 3 | summarize n = count() by b, flag",
        ]
        for q in queries {
            let expected = output(q, merged)
            #expect(expected.split(separator: "\n").count > 2 && !expected.contains("error"), "\(q)\n\(expected)")
            #expect(output(q, segmented) == expected, "\(q)")
        }
        // The two spellings are one text, first seen in a segment of its own.
        #expect(output("events | where isnotnull(a) | distinct a | count", segmented) == "count\n7\n")
    }

    /// `summarize` by text columns whose aggregates fold on slots (count, countif, integer
    /// sum), and `distinct` of text columns, run over every segment at once on partitions
    /// (b × c: 90 K codes over 30 K rows), codes through the shared ids; with few codes
    /// (by a) they number rows by code. With and without a `top`, the groups and their order
    /// are those of the merged table.
    @Test func foldsTextKeysOverSegmentsAtOnce() throws {
        var g = SplitMix(state: 2_026_12_07)
        let segments = [randomSegment(12_000, &g), randomSegment(300, only: "solo", &g), randomSegment(11_000, &g), randomSegment(9_000, &g)]
        let segmented = Session(), merged = Session()
        segmented.addTable(SegmentedTable(name: "events", segments: segments))
        merged.addTable(Table.merging(segments, name: "events"))
        let queries = [
            "events | summarize n = count(), s = sum(k), f = countif(flag), ks = count(k) by a",
            "events | summarize n = count(), s = sum(k) by b, c", "events | summarize n = count() by b, c | top 9 by n",
            "events | where isnotnull(b) | summarize n = count(), f = countif(flag) by c, b | top 12 by f desc, n",
            "events | where k > 0 | summarize s = sum(k) by a, b", "events | where flag == true | summarize n = count() by a, c | top 5 by n",
            "events | where date in 1970-01-03 .. 1970-01-06 | summarize n = count() by c, b",
            "events | distinct b, c", "events | where flag == false | distinct c, b", "events | where k < 5 | distinct b, a, c",
        ]
        for q in queries {
            let expected = output(q, merged)
            #expect(expected.split(separator: "\n").count > 4 && !expected.contains("error"), "\(q)\n\(expected)")
            #expect(output(q, segmented) == expected, "\(q)")
        }
    }

    @Test func latestUsesTheNewestSegment() throws {
        let (segmented, merged) = sessions(.interleaved)
        let q = "events | where date in latest() - 30d .. latest() | summarize n = count() by country"
        #expect(output(q, segmented) == output(q, merged))
        #expect(!output(q, segmented).contains("error"))
    }
}

/// A segment of `rows` random events (or rows at all times of a few days, many tied, a tenth
/// without a time): a text `a` from a few words (nulls; one text spelled two canonically
/// equivalent ways; `only` instead, for a text no other segment holds), texts `b` and `c` of
/// hundreds of values each, a bool `flag` and an integer `k`, each with nulls.
private func randomSegment(_ rows: Int, only: String? = nil, _ g: inout SplitMix) -> Table {
    let words = ["kilo", "Alpha", "zulu", "e\u{301}cole", "\u{E9}cole", "mike", "Ωmega"]
    var days: [Value] = [], a: [Value] = [], b: [Value] = [], c: [Value] = [], flag: [Value] = [], k: [Value] = []
    for _ in 0..<rows {
        days.append(g.below(10) == 0 ? .null : .time(Int64(g.below(12)) * 86_400 + Int64(g.below(2)) * 3_600))
        a.append(g.below(12) == 0 ? .null : .string(only ?? words[g.below(words.count)]))
        b.append(g.below(15) == 0 ? .null : .string("b\(g.below(300))"))
        c.append(.string("c\(g.below(300))"))
        flag.append(g.below(7) == 0 ? .null : .bool(g.below(2) == 0))
        k.append(g.below(9) == 0 ? .null : .int(Int64(g.below(40)) - 20))
    }
    var t = TableBuilder(name: "events")
    t.addColumn("date", days, type: .time)
    t.addColumn("a", a, type: .string)
    t.addColumn("b", b, type: .string)
    t.addColumn("c", c, type: .string)
    t.addColumn("flag", flag, type: .bool)
    t.addColumn("k", k, type: .int)
    return t.build(timeColumn: "date")
}
