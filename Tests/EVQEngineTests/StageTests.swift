// Each stage's result on the fixture table.

import EVQ
import EVQStore
import Testing

private func strings(_ r: QueryResult, _ column: String) -> [String] {
    (r.values(of: column) ?? []).map { ValueFormat.plain($0) }
}

@Suite struct StageTests {
    @Test func sourceAloneReturnsEveryRowInTimeOrder() throws {
        let r = try run("events")
        #expect(r.rowCount == 10)
        #expect(strings(r, "id") == ["e10", "e1", "e2", "e3", "e4", "e5", "e6", "e7", "e8", "e9"])
    }

    @Test func whereKeepsMatchingRows() throws {
        #expect(strings(try run("events | where country == \"Lebanon\""), "id") == ["e10", "e6", "e7", "e8"])
        #expect(strings(try run("events | where fatalities >= 8 and country != \"Iran\""), "id") == ["e6", "e7", "e8"])
        #expect(strings(try run("events | where country == \"Iran\" or fatalities > 10"), "id") == ["e1", "e2", "e3", "e6"])
        #expect(strings(try run("events | where not (country == \"Lebanon\")"), "id") == ["e1", "e2", "e3", "e4", "e5", "e9"])
    }

    @Test func consecutiveWheresCombine() throws {
        #expect(strings(try run("events | where country == \"Lebanon\" | where fatalities < 10"), "id") == ["e10", "e8"])
    }

    @Test func projectSelectsRenamesAndComputes() throws {
        let r = try run("events | where id == \"e6\" | project id, who = actor1, doubled = fatalities * 2")
        #expect(r.columnNames == ["id", "who", "doubled"])
        #expect(r.values(of: "who") == [.string("Military Forces of Israel")])
        #expect(r.values(of: "doubled") == [.int(24)])
    }

    @Test func extendAddsAndReplacesColumns() throws {
        let r = try run("events | where id == \"e7\" | extend big = fatalities > 5, fatalities = fatalities + 1")
        #expect(r.columnNames.suffix(2) == ["Source Country", "big"])
        #expect(r.values(of: "fatalities") == [.int(11)])
        #expect(r.values(of: "big") == [.bool(true)])
    }

    @Test func sortAscendingByDefaultWithNullsLast() throws {
        let r = try run("events | sort fatalities | project id, fatalities")
        #expect(strings(r, "id") == ["e2", "e3", "e4", "e5", "e10", "e1", "e8", "e7", "e6", "e9"])
        let d = try run("events | order by fatalities desc, id asc | project id")
        #expect(strings(d, "id") == ["e6", "e7", "e8", "e1", "e10", "e2", "e3", "e4", "e5", "e9"])
    }

    @Test func sortIsStableOnTies() throws {
        let r = try run("events | sort by country | project id, country")
        #expect(strings(r, "id") == ["e1", "e2", "e3", "e9", "e5", "e10", "e6", "e7", "e8", "e4"])
    }

    @Test func takeHeadAndLimitKeepTheFirstRows() throws {
        #expect(strings(try run("events | take 2"), "id") == ["e10", "e1"])
        #expect(strings(try run("events | head 1"), "id") == ["e10"])
        #expect(strings(try run("events | limit 0"), "id") == [])
        #expect(try run("events | take 100").rowCount == 10)
    }

    @Test func countGivesOneRow() throws {
        let r = try run("events | where type == \"Threaten\" | count")
        #expect(r.columnNames == ["count"])
        #expect(r.values(of: "count") == [.int(3)])
        #expect(try run("events | where country == \"Nowhere\" | count").values(of: "count") == [.int(0)])
    }

    @Test func summarizeAggregatesByKeys() throws {
        let r = try run("events | summarize n = count(), killed = sum(fatalities), worst = max(fatalities), first = min(date) by country")
        #expect(r.columnNames == ["country", "n", "killed", "worst", "first"])
        // Groups in order of first appearance in time order.
        #expect(strings(r, "country") == ["Lebanon", "Iran", "United States", "Israel", "Iraq"])
        #expect(r.values(of: "n") == [.int(4), .int(3), .int(1), .int(1), .int(1)])
        #expect(r.values(of: "killed") == [.int(32), .int(4), .int(0), .int(0), .null])
        #expect(r.values(of: "worst") == [.int(12), .int(4), .int(0), .int(0), .null])
        #expect(strings(r, "first") == ["2023-12-31", "2024-10-26", "2024-11-02", "2024-11-05", "2024-11-06"])
    }

    @Test func summarizeWithoutKeysGivesOneRowEvenWhenEmpty() throws {
        let r = try run("events | summarize n = count(), s = sum(fatalities), a = avg(fatalities), d = dcount(actor1)")
        #expect(r.values(of: "n") == [.int(10)])
        #expect(r.values(of: "s") == [.int(36)])
        #expect(r.values(of: "a") == [.float(4.0)])
        #expect(r.values(of: "d") == [.int(6)])
        let empty = try run("events | where country == \"Nowhere\" | summarize n = count(), s = sum(fatalities)")
        #expect(empty.values(of: "n") == [.int(0)])
        #expect(empty.values(of: "s") == [.null])
    }

    @Test func summarizeNamesColumnsLikeKQL() throws {
        let r = try run("events | summarize count(), sum(fatalities), countif(fatalities > 5) by week(date)")
        #expect(r.columnNames == ["date", "count", "sum_fatalities", "countif"])
        #expect(strings(r, "date") == ["2023-12-25", "2024-10-21", "2024-10-28", "2024-11-04"])
        #expect(r.values(of: "count") == [.int(1), .int(1), .int(3), .int(5)])
        #expect(r.values(of: "countif") == [.int(0), .int(0), .int(0), .int(3)])
    }

    @Test func summarizeByExpressionsAndSeveralKeys() throws {
        let r = try run("events | where country == \"Lebanon\" | summarize n = count() by actor1, big = fatalities >= 10")
        #expect(strings(r, "actor1") == ["Hezbollah", "Military Forces of Israel", "Military Forces of Israel"])
        #expect(r.values(of: "big") == [.bool(false), .bool(true), .bool(false)])
        #expect(r.values(of: "n") == [.int(1), .int(2), .int(1)])
    }

    @Test func aggregateExpressionsCombine() throws {
        let r = try run("events | summarize per = sum(fatalities) / count() by country | where country == \"Lebanon\"")
        #expect(r.values(of: "per") == [.float(8.0)])
    }

    @Test func countCountsRowsAndCountOfFieldSkipsNulls() throws {
        let r = try run("events | summarize rows = count(), withTarget = count(actor2)")
        #expect(r.values(of: "rows") == [.int(10)])
        #expect(r.values(of: "withTarget") == [.int(8)])
    }

    @Test func topTakesLargestFirst() throws {
        #expect(strings(try run("events | top 2 by fatalities"), "id") == ["e6", "e7"])
        #expect(strings(try run("events | top 2 by fatalities asc"), "id") == ["e2", "e3"])
    }

    @Test func distinctKeepsFirstOccurrences() throws {
        let r = try run("events | distinct country")
        #expect(strings(r, "country") == ["Lebanon", "Iran", "United States", "Israel", "Iraq"])
    }

    @Test func letBindsScalarsAndTables() throws {
        let s = Fixture.session()
        let r = try s.query("""
            let proxies = actors | where backer == "Iran" | project name
            let minimum = 5

            events | where actor1 in proxies or fatalities > minimum | project id
            """)
        #expect(strings(r, "id") == ["e10", "e5", "e6", "e7", "e8", "e9"])
        #expect(s.tableNames.contains("proxies"))
    }

    @Test func statementsSeparatedBySemicolonsRunInOrder() throws {
        var outcomes: [String] = []
        try Fixture.session().run("let n = 2; events | take n; events | count; explain events | take 1") { outcome in
            switch outcome {
            case .bound(let name): outcomes.append("bound \(name)")
            case .rows(let r, _): outcomes.append("rows \(r.rowCount)")
            case .text(let t): outcomes.append(t)
            }
        }
        #expect(outcomes == ["bound n", "rows 2", "rows 1", "Limit 1  (~1 row)\n  Scan events: 10 of 10 rows, in date order  (~10 rows)\n    every row (no index applies)\noptimizer: no pass changed the plan\n"])
    }

    @Test func pipeAtLineStartContinuesAcrossBlankLines() throws {
        let r = try run("events\n\n| where country == \"Iran\"\n# a comment\n| count")
        #expect(r.values(of: "count") == [.int(3)])
    }

    @Test func bareExpressionGivesAValue() throws {
        #expect(try run("1 + 2 * 3").values(of: "value") == [.int(7)])
        #expect(try run("2024-10-01 + 3d").values(of: "value") == [Fixture.day("2024-10-04")])
        #expect(try run("7 / 2").values(of: "value") == [.float(3.5)])
    }

    @Test func backtickNamesReachColumnsWithSpaces() throws {
        let r = try run("events | where `Source Country` == \"X\" | count")
        #expect(r.values(of: "count") == [.int(10)])
        #expect(try run("events | project `the id` = id | take 1").columnNames == ["the id"])
    }
}

@Suite struct MoreStageTests {
    @Test func tailKeepsTheLastRows() throws {
        #expect(strings(try run("events | tail 2"), "id") == ["e8", "e9"])
        #expect(try run("events | tail 0").rowCount == 0)
    }

    @Test func lookupAddsColumnsByKey() throws {
        let r = try run("events | lookup actors on actor1 = name | where backer == \"Iran\" | project id, actor1, backer")
        #expect(strings(r, "id") == ["e10", "e5", "e9"])
        #expect(r.columnNames == ["id", "actor1", "backer"])
        let all = try run("events | lookup actors on actor1 == name")
        #expect(all.rowCount == 10)
        #expect(all.values(of: "backer")?.filter(\.isNull).count == 7)
    }

    @Test func lookupRenamesClashingColumns() throws {
        let s = Fixture.session()
        var b = TableBuilder(name: "places")
        b.addColumn("country", [.string("Lebanon")])
        b.addColumn("id", [.string("LB")])
        s.addTable(b.build())
        let r = try s.query("events | lookup places on country | where isnotnull(id1) | project id, id1")
        #expect(strings(r, "id") == ["e10", "e6", "e7", "e8"])
        #expect(strings(r, "id1") == ["LB", "LB", "LB", "LB"])
    }

    @Test func lookupErrors() {
        #expect(failure("events | lookup 1️⃣actrs on actor1 = name").message == "unknown table 'actrs'")
        let c = failure("events | lookup actors on actor1 = 1️⃣nam")
        #expect(c.message == "'actors' has no column 'nam'")
        #expect(c.hint == "did you mean 'name'?")
        #expect(failure("events | lookup actors on 1️⃣fatalities = name").message == "cannot match int 'fatalities' with string 'name'")
    }

    @Test func moreAggregates() throws {
        let r = try run("""
            events | where country == "Lebanon"
            | summarize p50 = percentile(fatalities, 50), p90 = percentile(fatalities, 90), firstID = first(id), lastID = last(id), who = values(actor1)
            """)
        #expect(r.values(of: "p50") == [.int(8)])
        #expect(r.values(of: "p90") == [.int(12)])
        #expect(r.values(of: "firstID") == [.string("e10")])
        #expect(r.values(of: "lastID") == [.string("e8")])
        #expect(r.values(of: "who") == [.list([.string("Hezbollah"), .string("Military Forces of Israel")])])
        #expect(ValueFormat.plain(r.values(of: "who")![0]) == "[\"Hezbollah\", \"Military Forces of Israel\"]")
    }

    @Test func percentileErrors() {
        let e = failure("events | summarize percentile(fatalities, 1️⃣150)")
        #expect(e.message == "'percentile' needs a constant percentage from 0 to 100")
    }
}
