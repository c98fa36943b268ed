// `explain` and `explain analyze`: the plan each optimizer pass leaves, estimated and actual
// rows, and that plain `explain` does not run the query.

import EVQ
import EVQEngine
import Testing

private func explain(_ text: String, disabled: Set<OptimizerPass> = [], cancelled: Bool = false) throws -> String {
    let s = Fixture.session()
    s.disabledPasses = disabled
    if cancelled { s.isCancelled = { true } }
    var out = ""
    try s.run(text) { outcome in if case .text(let t) = outcome { out = t } }
    return out
}

/// `explain analyze` output with its times (which vary) replaced by `T`.
private func analyzed(_ text: String) throws -> String {
    try explain("explain analyze " + text).replacing(/in \d+(\.\d\d)? ms/, with: "in T")
}

@Suite struct ExplainTests {
    @Test func explainShowsThePlanWithoutRunningIt() throws {
        // A session whose every query is cancelled at once: only a plan that does not run succeeds.
        let text = try explain("explain events | where country == \"Lebanon\" | count", cancelled: true)
        #expect(text == """
            Count  (~1 row)
              Scan events: 4 of 10 rows, in date order  (~4 rows)
                posting lists: country == "Lebanon" (4 rows)
            optimizer: rewritten by indexSelection

            """)
    }

    @Test func explainAnalyzeAddsRowsAndTimes() throws {
        #expect(try analyzed("events | where country == \"Lebanon\" and fatalities > 5 | count") == """
            Count  (~1 row) -> 1 row in T
              Filter fatalities > 5  (~1 row) -> 3 rows in T
                Scan events: 4 of 10 rows, in date order  (~4 rows) -> 4 rows in T
                  posting lists: country == "Lebanon" (4 rows)
            optimizer: rewritten by indexSelection in T

            """)
    }

    @Test func analyzeIsANameWhenNoQueryFollows() throws {
        let s = Session(tables: [Fixture.events().renamedForTest("analyze")])
        var out = ""
        try s.run("explain analyze") { outcome in if case .text(let t) = outcome { out = t } }
        #expect(out.hasPrefix("Scan analyze: 10 of 10 rows, in date order"))
    }

    @Test func explainNeedsATableQuery() {
        #expect(failure("explain 1️⃣1 + 2").message == "'explain' needs a query that reads a table")
        #expect(failure("explain analyze 1️⃣1 + 2").message == "'explain analyze' needs a query that reads a table")
    }

    @Test func filterPushdownMovesConditionsToTheIndex() throws {
        let q = "explain events | extend k = fatalities | sort by date | where country == \"Lebanon\" and k > 5"
        #expect(try explain(q) == """
            Sort date asc  (~1 row)
              Extend k = fatalities  (~1 row)
                Filter k > 5  (~1 row)
                  Scan events: 4 of 10 rows, in date order  (~4 rows)
                    posting lists: country == "Lebanon" (4 rows)
            optimizer: rewritten by filterPushdown, indexSelection

            """)
        #expect(try explain(q, disabled: [.filterPushdown]) == """
            Filter country == "Lebanon" and k > 5  (~3 rows)
              Sort date asc  (~10 rows)
                Extend k = fatalities  (~10 rows)
                  Scan events: 10 of 10 rows, in date order  (~10 rows)
                    every row (no index applies)
            optimizer: no pass changed the plan

            """)
    }

    @Test func conditionsOnADistinctsValuesRunAboveIt() throws {
        // The index takes the country; of the rest, what reads only the plain items moves up;
        // a condition on another column, or on a computed item's source, stays below.
        let q = "explain events | where country == \"Lebanon\" and isnotnull(actor2) and fatalities > 0 and actor1 != \"x\" | distinct actor2, a = tolower(actor1)"
        #expect(try explain(q) == """
            Filter isnotnull(actor2)  (~1 row)
              Distinct actor2, a = tolower(actor1)  (~1 row)
                Filter fatalities > 0 and actor1 != "x"  (~1 row)
                  Scan events: 4 of 10 rows, in date order  (~4 rows)
                    posting lists: country == "Lebanon" (4 rows)
            optimizer: rewritten by indexSelection, filterAboveDistinct

            """)
        #expect(try explain(q, disabled: [.filterAboveDistinct]) == """
            Distinct actor2, a = tolower(actor1)  (~1 row)
              Filter isnotnull(actor2) and fatalities > 0 and actor1 != "x"  (~1 row)
                Scan events: 4 of 10 rows, in date order  (~4 rows)
                  posting lists: country == "Lebanon" (4 rows)
            optimizer: rewritten by indexSelection

            """)
        // The same rows in the same order either way, here and where every group passes or fails.
        let s = Fixture.session()
        for query in ["events | where isnotnull(actor2) and country != \"Iran\" | distinct actor2, country",
                      "events | where actor2 == \"Hezbollah\" or country == \"Iran\" | distinct country, actor2, again = actor2",
                      "events | where isnull(actor2) | distinct actor2"] {
            s.disabledPasses = []
            let on = try s.query(query)
            s.disabledPasses = [.filterAboveDistinct]
            let off = try s.query(query)
            #expect(on.rowCount > 0, "\(query)")
            for column in on.columnNames { #expect(on.values(of: column) == off.values(of: column), "\(query): \(column)") }
        }
    }

    @Test func filtersOnComputedColumnsStayAbove() throws {
        #expect(try explain("explain events | extend k = fatalities * 2 | where k > 5") == """
            Filter k > 5  (~3 rows)
              Extend k = fatalities * 2  (~10 rows)
                Scan events: 10 of 10 rows, in date order  (~10 rows)
                  every row (no index applies)
            optimizer: no pass changed the plan

            """)
    }

    @Test func filterMovesBelowALookupWhenItReadsTheLeftSide() throws {
        #expect(try explain("explain events | lookup actors on actor1 = name | where country == \"Iran\" and backer == \"Iran\"") == """
            Filter backer == "Iran"  (~1 row)
              Lookup actors on name: adds backer  (~3 rows)
                Scan events: 3 of 10 rows, in date order  (~3 rows)
                  posting lists: country == "Iran" (3 rows)
            optimizer: rewritten by filterPushdown, indexSelection

            """)
    }

    @Test func sortThenTakeBecomesTop() throws {
        #expect(try explain("explain events | sort by fatalities desc | take 2") == """
            Top 2 by fatalities desc  (~2 rows)
              Scan events: 10 of 10 rows, in date order  (~10 rows)
                every row (no index applies)
            optimizer: rewritten by topN

            """)
        #expect(try explain("explain events | sort by fatalities desc | take 2", disabled: [.topN]).hasPrefix("Limit 2  (~2 rows)\n  Sort fatalities desc"))
    }

    @Test func takeRunsBeforeAProjection() throws {
        #expect(try explain("explain events | project id, f = fatalities + 1 | take 3 | take 5") == """
            Project id, f = fatalities + 1  (~3 rows)
              Limit 3  (~3 rows)
                Scan events: 10 of 10 rows, in date order  (~10 rows)
                  every row (no index applies)
            optimizer: rewritten by limitPushdown

            """)
    }

    @Test func wordSearchesOnOneColumnIntersectBeforeReadingRows() throws {
        #expect(try explain("explain events | where notes has \"strike\" and fatalities > 0 and notes has \"near\"") == """
            Filter fatalities > 0  (~1 row)
              Scan events: 1 of 10 rows, in date order  (~1 row)
                word index: notes has "strike" and notes has "near" (1 rows)
            optimizer: rewritten by indexSelection

            """)
        let s = Fixture.session()
        let both = try s.query("events | where notes has \"strike\" and notes has \"near\" | project id")
        #expect(both.values(of: "id") == [.string("e6")])
        #expect(try s.query("events | where notes has_any [\"tyre\", \"us\"] and notes has \"near\" | project id").values(of: "id") == [.string("e6")])
    }

    @Test func explainAfterExtendNamesOnlyTheNewColumns() throws {
        let text = try explain("explain events | extend fatalities = fatalities + 1, k = 2")
        #expect(text.hasPrefix("Extend fatalities = fatalities + 1, k = 2  (~10 rows)\n"))
    }
}

extension Table {
    fileprivate func renamedForTest(_ name: String) -> Table {
        Table(name: name, columns: columns, rowCount: rowCount, timeColumnIndex: timeColumnIndex)
    }
}

@Suite struct KeyIndexTests {
    static let table: Table = {
        var b = TableBuilder(name: "events")
        let ids: [Int64?] = [40, 7, nil, 7, -3, 12, 40, 9_007_199_254_740_993, 5]
        b.addColumn("id", ids.map { $0.map(Value.int) ?? .null }, type: .int)
        b.addColumn("n", ids.indices.map { .int(Int64($0)) }, type: .int)
        return b.build()
    }()

    private func ns(_ condition: String) throws -> [Value] {
        try Session(tables: [Self.table]).query("events | where \(condition) | project n").values(of: "n") ?? []
    }

    @Test func equalityAndListsOnIntColumnsUseTheKeyIndex() throws {
        #expect(try ns("id == 7") == [.int(1), .int(3)])
        #expect(try ns("id in [40, 5, 99, null]") == [.int(0), .int(6), .int(8)])
        #expect(try ns("id == 9007199254740993") == [.int(7)])
        #expect(try ns("id == -3 and n > 3") == [.int(4)])
        #expect(try ns("id == 1") == [])
        // A float constant equal to an int matches by value, through the scan.
        #expect(try ns("id == 7.0") == [.int(1), .int(3)])
        var plan = ""
        try Session(tables: [Self.table]).run("explain events | where id in [40, 5] and n > 0") { outcome in
            if case .text(let t) = outcome { plan = t }
        }
        #expect(plan.contains("key index: id in [40, 5] (3 rows)"))
    }

    @Test func theKeyIndexMatchesAScan() throws {
        for k in [40, 7, -3, 12, 5, 0] {
            #expect(try ns("id == \(k)") == ns("id + 0 == \(k)"), "id == \(k)")
        }
    }
}
