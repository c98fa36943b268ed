// Expression operators: comparison, logic, membership, ranges, arithmetic, null rules.

import EVQ
import EVQEngine
import EVQStore
import Testing

private func ids(_ q: String) throws -> [String] {
    (try run("events | where \(q) | project id").values(of: "id") ?? []).map { ValueFormat.plain($0) }
}

private func value(_ expr: String) throws -> Value {
    try run(expr).values(of: "value")![0]
}

@Suite struct OperatorTests {
    @Test func comparisonsOnNumbers() throws {
        #expect(try ids("fatalities == 10") == ["e7"])
        #expect(try ids("fatalities != 0") == ["e10", "e1", "e6", "e7", "e8"])
        #expect(try ids("fatalities < 4") == ["e10", "e2", "e3", "e4", "e5"])
        #expect(try ids("fatalities <= 4") == ["e10", "e1", "e2", "e3", "e4", "e5"])
        #expect(try ids("fatalities > 10") == ["e6"])
        #expect(try ids("fatalities >= 10") == ["e6", "e7"])
        #expect(try ids("fatalities > 9.5") == ["e6", "e7"])
        #expect(try ids("10 <= fatalities") == ["e6", "e7"])
    }

    @Test func comparisonsOnStringsUseTheSortedDictionary() throws {
        #expect(try ids("country < \"Iraq\"") == ["e1", "e2", "e3"])
        #expect(try ids("country >= \"Lebanon\"") == ["e10", "e4", "e6", "e7", "e8"])
        #expect(try ids("country > \"Lebanon\"") == ["e4"])
        #expect(try ids("country <= \"Iraq\"") == ["e1", "e2", "e3", "e9"])
        #expect(try ids("country == \"Nowhere\"") == [])
    }

    @Test func caselessEquality() throws {
        #expect(try ids("country =~ \"lebanon\"") == ["e10", "e6", "e7", "e8"])
        #expect(try ids("country !~ \"LEBANON\"") == ["e1", "e2", "e3", "e4", "e5", "e9"])
    }

    @Test func nullComparesFalseEitherWay() throws {
        // e9 has no fatalities, e4 and e5 no actor2.
        #expect(!(try ids("fatalities != 5")).contains("e9"))
        #expect(!(try ids("fatalities == 5")).contains("e9"))
        #expect(try ids("actor2 == null") == [])
        #expect(try ids("isnull(actor2)") == ["e4", "e5"])
        #expect(try ids("isnotnull(fatalities) and fatalities > 10") == ["e6"])
        #expect(!(try ids("actor2 !in [\"Hezbollah\"]")).contains("e5"))
    }

    @Test func membershipInLists() throws {
        #expect(try ids("country in [\"Iraq\", \"Israel\"]") == ["e5", "e9"])
        #expect(try ids("country !in [\"Lebanon\", \"Iran\"]") == ["e4", "e5", "e9"])
        #expect(try ids("country in~ [\"IRAQ\"]") == ["e9"])
        #expect(try ids("fatalities in [0, 12]") == ["e2", "e3", "e4", "e5", "e6"])
    }

    @Test func membershipInTablesAndSubqueries() throws {
        #expect(try ids("actor1 in (actors | where backer == \"Iran\" | project name)") == ["e10", "e5", "e9"])
    }

    @Test func rangesAreInclusiveAndDaysCoverTheWholeDay() throws {
        #expect(try ids("fatalities in 4 .. 10") == ["e1", "e7", "e8"])
        #expect(try ids("date in 2024-11-02 .. 2024-11-05") == ["e2", "e3", "e4", "e5", "e6", "e7"])
        #expect(try ids("date !in 2024-01-01 .. 2024-12-31") == ["e10"])
    }

    @Test func periodsAfterIn() throws {
        #expect(try ids("date in 2023") == ["e10"])
        #expect(try ids("date in 2024-10") == ["e1"])
        #expect(try ids("date in 2024-W45") == ["e5", "e6", "e7", "e8", "e9"])
        #expect(try ids("date in 2024-11-06") == ["e8", "e9"])
    }

    @Test func dateComparisonsNameWholeDays() throws {
        #expect(try ids("date <= 2024-10-26") == ["e10", "e1"])
        #expect(try ids("date > 2024-11-05") == ["e8", "e9"])
        #expect(try ids("date == 2024-11-02") == ["e2", "e3", "e4"])
        #expect(try ids("date == \"2024-11-02\"") == ["e2", "e3", "e4"])
        #expect(try ids("date >= 2024-11-06T00:00:00Z") == ["e8", "e9"])
    }

    @Test func arithmetic() throws {
        #expect(try value("1 + 2") == .int(3))
        #expect(try value("10 - 4 * 2") == .int(2))
        #expect(try value("(10 - 4) * 2") == .int(12))
        #expect(try value("7 % 3") == .int(1))
        #expect(try value("1 / 0") == .null)
        #expect(try value("1.5 * 2") == .float(3.0))
        #expect(try value("-3 + 1") == .int(-2))
        #expect(try value("9223372036854775807 + 1") == .null)
    }

    @Test func timeArithmetic() throws {
        #expect(try value("2024-11-05 - 2024-11-02") == .duration(3 * 86_400))
        #expect(try value("2024-11-05 - 2w") == Fixture.day("2024-10-22"))
        #expect(try value("3d * 2") == .duration(6 * 86_400))
        #expect(try value("36h + 90m") == .duration(36 * 3600 + 5400))
    }

    @Test func timeFunctions() throws {
        #expect(try value("week(2024-11-06)") == Fixture.day("2024-11-04"))
        #expect(try value("week(2024-11-04)") == Fixture.day("2024-11-04"))
        #expect(try value("week(2024-11-03)") == Fixture.day("2024-10-28"))
        #expect(try value("month(2024-11-06T13:00Z)") == Fixture.day("2024-11-01"))
        #expect(try value("day(2024-11-06T13:00Z)") == Fixture.day("2024-11-06"))
        #expect(try value("year(2024-11-06)") == .int(2024))
        #expect(try value("bin(2024-11-06T13:00Z, 1d)") == Fixture.day("2024-11-06"))
        #expect(try value("latest()") == Fixture.day("2024-11-06"))
    }

    @Test func scalarFunctions() throws {
        #expect(try value("coalesce(null, 3)") == .int(3))
        #expect(try value("tolower(\"ABC\")") == .string("abc"))
        #expect(try value("strlen(\"héllo\")") == .int(5))
        #expect(try value("round(2.345, 2)") == .float(2.35))
        #expect(try value("abs(-4)") == .int(4))
        #expect(try value("toint(\"42\")") == .int(42))
        #expect(try value("toint(\"x\")") == .null)
    }

    @Test func logicPrecedenceNotBindsTighterThanAndThanOr() throws {
        #expect(try value("true or false and false") == .bool(true))
        #expect(try value("not false and false") == .bool(false))
    }
}

@Suite struct TextOperatorTests {
    @Test func substringOperatorsIgnoreCase() throws {
        #expect(try ids("notes contains \"STRIKE\"") == ["e1", "e6", "e8"])
        #expect(try ids("notes !contains \"strike\"") == ["e10", "e2", "e3", "e4", "e5", "e7", "e9"])
        #expect(try ids("actor1 startswith \"military\"") == ["e1", "e4", "e6", "e7", "e8"])
        #expect(try ids("actor1 endswith \"IRAQ\"") == ["e5"])
        #expect(try ids("actor1 !startswith \"m\"") == ["e10", "e2", "e3", "e5", "e9"])
    }

    @Test func likeIsACaselessGlobOverTheWholeValue() throws {
        #expect(try ids("actor1 like \"*of iran\"") == ["e2", "e3"])
        #expect(try ids("country like \"I?a?\"") == ["e1", "e2", "e3", "e9"])
        #expect(try ids("country like \"Ira\"") == [])
        #expect(try ids("country !like \"L*\"") == ["e1", "e2", "e3", "e4", "e5", "e9"])
    }

    @Test func matchesIsARegularExpressionThatKeepsCase() throws {
        #expect(try ids("notes matches \"^strike (near|in) \"") == ["e6", "e8"])
        #expect(try ids("notes matches \"^Strike\"") == [])
        #expect(try ids("notes matches \"(?i)^Strike\"") == ["e1", "e6", "e8"])
    }

    @Test func hasFindsWholeWordsFromTheWordIndex() throws {
        #expect(try ids("notes has \"strike\"") == ["e6", "e8"])  // not "strikes"
        #expect(try ids("notes has \"US\"") == ["e3", "e9"])
        #expect(try ids("notes has \"crushing response\"") == ["e2"])
        #expect(try ids("notes has \"response crushing\"") == [])
        #expect(try ids("notes !has \"strike\"").count == 8)
        #expect(try ids("notes has_any [\"Haifa\", \"Tyre\"]") == ["e5", "e6"])
        #expect(try ids("notes has_all [\"warned\", \"US\"]") == ["e3"])
    }

    @Test func wordSearchUsesTheWordIndexInThePlan() throws {
        let s = Fixture.session()
        var plan = ""
        try s.run("events | where notes has \"strike\" and fatalities > 10") { outcome in
            if case .rows(_, let p?) = outcome { plan = p.explain() }
        }
        #expect(plan == """
            Filter fatalities > 10  (~1 row)
              Scan events: 2 of 10 rows, in date order  (~2 rows)
                word index: notes has "strike" (2 rows)
            """)
    }

    @Test func textOperatorErrors() {
        let e = failure("events | where 1️⃣fatalities contains \"1\"")
        #expect(e.message == "'contains' searches text, found a value of type int")
        #expect(e.hint == "convert it first: tostring(fatalities)")
        let r = failure("events | where notes matches 1️⃣\"(unclosed\"")
        #expect(r.message == "bad regular expression \"(unclosed\": missing ')'")
        let h = failure("events | where notes has_any 1️⃣\"threat\"")
        #expect(h.message == "'has_any' needs a list of words")
        let w = failure("events | where notes has 1️⃣\"--\"")
        #expect(w.message == "'has' needs at least one word (letters or digits)")
    }
}

@Suite struct WordRuleTests {
    private func session(_ notes: [String]) -> Session {
        var b = TableBuilder(name: "events")
        b.addColumn("id", notes.indices.map { .int(Int64($0)) })
        b.addColumn("notes", notes.map(Value.string))
        return Session(tables: [b.build()])
    }

    private func hits(_ s: Session, _ condition: String) throws -> [Int64] {
        try s.query("events | where \(condition) | project id").values(of: "id")!.map { if case .int(let i) = $0 { i } else { -1 } }
    }

    @Test func wordsAreRunsOfLettersAndDigitsInAnyScript() throws {
        let s = session(["Shelling near Ḥalab (Aleppo)", "U.S.-led coalition strikes", "قصف على حلب", "ÉTAT islamique", "route M4 closed"])
        #expect(try hits(s, "notes has \"ḥalab\"") == [0])
        #expect(try hits(s, "notes has \"HALAB\"") == [])  // no accent folding: Ḥ is not H
        #expect(try hits(s, "notes has \"led\"") == [1])
        #expect(try hits(s, "notes has \"u s\"") == [1])
        #expect(try hits(s, "notes has \"حلب\"") == [2])
        #expect(try hits(s, "notes has \"état\"") == [3])
        #expect(try hits(s, "notes has \"m4\"") == [4])
        #expect(try hits(s, "notes has \"m\"") == [])
        #expect(WordIndex.words(in: "U.S.-led Ḥalab, M4") == ["u", "s", "led", "ḥalab", "m4"])
    }

    @Test func caseRuleAcrossOperators() throws {
        let s = session(["Drone attack", "drone ATTACK"])
        #expect(try hits(s, "notes == \"Drone attack\"") == [0])
        #expect(try hits(s, "notes =~ \"DRONE attack\"") == [0, 1])
        #expect(try hits(s, "notes contains \"DRONE\"") == [0, 1])
        #expect(try hits(s, "notes like \"drone*\"") == [0, 1])
        #expect(try hits(s, "notes matches \"^Drone\"") == [0])
        #expect(try hits(s, "notes has \"ATTACK\"") == [0, 1])
        #expect(try hits(s, "notes in~ [\"DRONE ATTACK\"]") == [0, 1])
    }
}

@Suite struct MoreFunctionTests {
    private func value(_ expr: String) throws -> Value { try run(expr).values(of: "value")![0] }

    @Test func stringFunctions() throws {
        #expect(try value("substring(\"Hezbollah\", 3)") == .string("bollah"))
        #expect(try value("substring(\"Ḥalab city\", 0, 5)") == .string("Ḥalab"))
        #expect(try value("substring(\"abc\", 5, 2)") == .string(""))
        #expect(try value("replace(\"a-b-c\", \"-\", \"/\")") == .string("a/b/c"))
        #expect(try value("trim(\"  x y \")") == .string("x y"))
        #expect(try value("strcat(\"a\", 1, null, 2.5)") == .string("a12.5"))
    }

    @Test func mathFunctions() throws {
        #expect(try value("sqrt(2.25)") == .float(1.5))
        #expect(try value("sqrt(-1)") == .null)
        #expect(try value("pow(2, 10)") == .float(1024))
        #expect(try value("log(0)") == .null)
        #expect(try value("round(log(100), 4)") == .float(4.6052))
        #expect(try value("floor(2.7)") == .float(2))
        #expect(try value("ceil(2.1)") == .float(3))
    }

    @Test func dayOfWeekIsISO() throws {
        #expect(try value("dayofweek(2024-11-04)") == .int(1))
        #expect(try value("dayofweek(2024-11-10)") == .int(7))
        #expect(try value("dayofweek(1969-12-31)") == .int(3))
    }

    @Test func distanceIsGreatCircleKilometres() throws {
        // Haifa to Baghdad, and one degree of longitude at the equator (111.195 km).
        #expect(try value("round(distance(32.794, 34.9896, 33.3152, 44.3661), 0)") == .float(875))
        #expect(try value("round(distance(0, 0, 0, 1), 3)") == .float(111.195))
        #expect(try value("distance(10, 20, 10, 20)") == .float(0))
        #expect(try value("distance(null, 0, 0, 0)") == .null)
    }

    @Test func functionErrors() {
        #expect(failure("events | extend d = 1️⃣distance(1, 2, 3)").message == "'distance' takes 4 arguments, found 3")
        #expect(failure("events | extend d = distance(1️⃣country, 2, 3, 4)").message == "'distance' needs coordinates in decimal degrees, found string")
        #expect(failure("events | extend s = substring(actor1, 1️⃣\"1\")").message == "'substring' needs a whole-number start, found string")
    }
}

@Suite struct OverflowAndEdgeTests {
    private func value(_ expr: String) throws -> Value { try run(expr).values(of: "value")![0] }

    @Test func integerOverflowGivesNullNeverATrap() throws {
        #expect(try value("(-9223372036854775807 - 1) % -1") == .int(0))
        #expect(try value("-(-9223372036854775807 - 1)") == .null)
        #expect(try value("(0s - 9223372036854775807s - 1s) / -1") == .null)
        #expect(try value("1d * 9223372036854775807") == .null)
        #expect(try value("9223372036854775807 * 1d") == .null)
        #expect(try value("2024-01-01 + 9223372036854775807s") == .null)
        #expect(try value("bin(-9223372036854775807, 3)") == .null)
        #expect(try value("substring(\"abc\", 1, 9223372036854775807)") == .string("bc"))
    }

    @Test func roundingWholeNumbersToTensAndHundreds() throws {
        #expect(try value("round(1234, -2)") == .int(1200))
        #expect(try value("round(1250, -2)") == .int(1300))
        #expect(try value("round(-1250, -2)") == .int(-1300))
        #expect(try value("round(1234, -30)") == .int(0))
        #expect(try value("round(1234, 2)") == .int(1234))
    }

    @Test func wordListsNeedAWord() {
        #expect(failure("events | where notes has_all 1️⃣[]").message == "'has_all' needs at least one word (letters or digits)")
        #expect(failure("events | where notes has_any 1️⃣[\"!!\"]").message == "'has_any' needs at least one word (letters or digits)")
    }

    @Test func negatedWordListOperators() throws {
        let ids = try run("events | where notes !has_any [\"strike\", \"US\"] | project id").values(of: "id")!.count
        #expect(ids == 6)
        let all = try run("events | where notes !has_all [\"warned\", \"US\"] | count").values(of: "count")
        #expect(all == [.int(9)])
    }

    @Test func aSecondLookupOfTheSameTableGetsUniqueNames() throws {
        let r = try run("events | where id == \"e6\" | project id, actor1, actor2 | lookup actors on actor1 = name | lookup actors on actor2 = name")
        #expect(r.columnNames == ["id", "actor1", "actor2", "backer", "backer1"])
        let s = try Fixture.session().query("events | where id == \"e6\" | project id, backer = 1 | lookup actors on id = name | lookup actors on id = name")
        #expect(s.columnNames == ["id", "backer", "backer1", "backer2"])
    }

    @Test func deepExpressionsAreRefusedNotCrashed() {
        let many = (0..<300).map { "id == \"x\($0)\"" }.joined(separator: " or ")
        let e = failure("events | where " + many)
        #expect(e.message == "256 terms joined by 'or' nest too deeply (more than 256 levels)")
        #expect(e.hint == "for many alternatives use 'in [...]'")
        #expect(failure(String(repeating: "(", count: 400) + "1" + String(repeating: ")", count: 400)).message
            == "expression nested too deeply (more than 256 levels)")
        #expect(failure(String(repeating: "not ", count: 400) + "true").message == "expression nested too deeply (more than 256 levels)")
    }
}

@Suite struct WholeDayTests {
    /// Times of day on 2024-10-31 (UTC), one null, one later.
    private func session() -> Session {
        var b = TableBuilder(name: "events")
        let times = ["2024-10-31T10:00:00Z", "2024-10-31", "2024-11-01T00:30:00+02:00", nil, "2024-11-05T12:00Z"]
        b.addColumn("id", times.indices.map { .int(Int64($0 + 1)) })
        b.addColumn("date", times.map { $0.flatMap { TimeFormat.parse(Substring($0)) }.map(Value.time) ?? .null })
        return Session(tables: [b.build(timeColumn: "date")])
    }

    private func ids(_ s: Session, _ q: String) throws -> [Int64] {
        try s.query(q).values(of: "id")!.map { if case .int(let i) = $0 { i } else { -1 } }.sorted()
    }

    @Test func aDateNamesItsWholeDayHoweverItIsWritten() throws {
        let s = session()
        for condition in ["date <= 2024-10-31", "date <= \"2024-10-31\"", "date == \"2024-10-31\"", "date in [2024-10-31]",
                          "date in 2024-10-01 .. \"2024-10-31\"", "\"2024-10-31\" >= date"] {
            #expect(try ids(s, "events | where \(condition) | project id") == [1, 2, 3], "\(condition)")
        }
        #expect(try ids(s, "events | where date in [2024-10-31, 2024-11-05T12:00Z] | project id") == [1, 2, 3, 5])
        #expect(try ids(s, "events | where date !in [2024-10-31] | project id") == [5])
        #expect(try ids(s, "events | where date == 2024-10-31T10:00Z | project id") == [1])
    }

    @Test func letAndParamBoundToADateNameTheWholeDay() throws {
        let s = session()
        #expect(try ids(s, "let d = 2024-10-31\nevents | where date <= d | project id") == [1, 2, 3])
        #expect(try ids(s, "let d = 2024-10-31\nevents | where date in 2024-10-01 .. d | project id") == [1, 2, 3])
        #expect(try ids(s, "param until = 2024-10-31\nevents | where date <= until | project id") == [1, 2, 3])
        s.parameterOverrides = ["until": "2024-11-05"]
        #expect(try ids(s, "param until = 2024-10-31\nevents | where date <= until | project id") == [1, 2, 3, 5])
        s.parameterOverrides = ["until": "2024-11-05T11:00Z"]
        #expect(try ids(s, "param until = 2024-10-31\nevents | where date <= until | project id") == [1, 2, 3])
        // A column with the same name is the column, not the binding.
        s.parameterOverrides = [:]
        #expect(try ids(s, "let date = 2024-10-31\nevents | where date <= date | project id") == [1, 2, 3, 5])
    }
}

@Suite struct NearUniqueTextTests {
    /// Near-unique notes (a value per row, as free text is) get no posting lists: a word
    /// search reads the word index for the values, then scans the column's ids once. The
    /// answer is the one without index selection, and no posting list is built on the way.
    @Test func wordSearchOnNearUniqueTextScansIdsAndBuildsNoPostings() throws {
        let table = ParallelTests.table
        guard case .string(let notes) = table.columns[table.columnIndex(named: "notes")!].data else {
            Issue.record("notes is not text")
            return
        }
        #expect(!notes.postingsPayOff)
        let q = "events | where notes has \"convoy\" and date >= 2018-01-01 | project date, notes"
        let indexed = Session(tables: [table])
        var plan = ""
        try indexed.run(q) { outcome in if case .rows(_, let p?) = outcome { plan = p.explain() } }
        #expect(plan.contains("word index: notes has \"convoy\" ("), "\(plan)")
        #expect(plan.contains(" rows in the time range, by a scan of ids)"), "\(plan)")
        let plain = Session(tables: [table])
        plain.disabledPasses = Set(OptimizerPass.allCases)
        let a = try indexed.query(q), b = try plain.query(q)
        #expect(a.rowCount > 0)
        #expect(a.values(of: "notes") == b.values(of: "notes"))
        #expect(a.values(of: "date") == b.values(of: "date"))
        #expect(notes.builtPostings == nil)
    }
}
