// Every check error: exact message, hint and position (1️⃣ marks where the caret must point).

import EVQ
import Testing

@Suite struct ErrorTests {
    @Test func unknownFieldSuggestsTheClosestName() {
        let e = failure("events | where 1️⃣actr == \"Hezbollah\"")
        #expect(e.message == "unknown field 'actr'")
        #expect(e.hint == "did you mean 'actor1'?")
        let f = failure("events | project 1️⃣fatalitys")
        #expect(f.hint == "did you mean 'fatalities'?")
    }

    @Test func unknownFieldWithoutCloseNameListsFields() {
        let e = failure("events | where 1️⃣zzzzzz > 1")
        #expect(e.message == "unknown field 'zzzzzz'")
        #expect(e.hint == "fields: id, date, type, actor1, actor2, country, fatalities, notes, ...")
    }

    @Test func fieldsRenamedByProjectAreGoneAfterIt() {
        let e = failure("events | project who = actor1 | where 1️⃣actor1 == \"x\"")
        #expect(e.message == "unknown field 'actor1'")
        #expect(e.hint == "fields: who")
    }

    @Test func unknownTable() {
        let e = failure("1️⃣evnts | count")
        #expect(e.message == "unknown table 'evnts'")
        #expect(e.hint == "did you mean 'events'?")
    }

    @Test func unknownStage() {
        let e = failure("events | 1️⃣wher country == \"Iraq\"")
        #expect(e.message == "unknown stage 'wher'")
        #expect(e.hint == "did you mean 'where'?")
    }

    @Test func missingStageAfterPipe() {
        let e = failure("events |1️⃣ ")
        #expect(e.message == "expected a stage name after '|' (where, project, extend, sort, order, take, ...), found the end of the input")
    }

    @Test func unknownFunction() {
        let e = failure("events | summarize 1️⃣sums(fatalities)")
        #expect(e.message == "unknown function 'sums'")
        #expect(e.hint == "did you mean 'sum'?")
    }

    @Test func wrongArgumentCount() {
        let e = failure("events | extend w = 1️⃣bin(date)")
        #expect(e.message == "'bin' takes 2 arguments, found 1")
        #expect(e.hint?.hasPrefix("usage: bin(t, 3d)") == true)
    }

    @Test func wrongArgumentType() {
        let e = failure("events | extend w = week(1️⃣country)")
        #expect(e.message == "'week' needs a time, found string")
        let s = failure("events | summarize sum(1️⃣actor1)")
        #expect(s.message == "'sum' needs numbers, found string")
    }

    @Test func aggregateOutsideSummarize() {
        let e = failure("events | where 1️⃣count() > 3")
        #expect(e.message == "aggregate 'count' is only allowed in 'summarize'")
        #expect(e.hint == "for example: | summarize count() by country")
    }

    @Test func summarizeNeedsAnAggregate() {
        let e = failure("events | summarize 1️⃣fatalities by country")
        #expect(e.message == "'summarize' needs an aggregate here, such as count() or sum(fatalities)")
        #expect(e.hint == "group by it instead: summarize ... by fatalities")
    }

    @Test func nestedAggregates() {
        let e = failure("events | summarize sum(1️⃣count())")
        #expect(e.message == "aggregates cannot be nested")
    }

    @Test func whereNeedsACondition() {
        let e = failure("events | where 1️⃣fatalities")
        #expect(e.message == "'where' needs a condition, found a value of type int")
        #expect(e.hint == "compare it, for example: fatalities > 0")
    }

    @Test func comparingMismatchedTypes() {
        let e = failure("events | where 1️⃣fatalities == \"3\"")
        #expect(e.message == "cannot compare int with string")
        #expect(e.hint == "write numbers without quotes, or compare with tostring(...)")
        let d = failure("events | where 1️⃣date > \"yesterday\"")
        #expect(d.message == "cannot compare time with string")
        #expect(d.hint == "write dates without quotes: 2024-10-01")
    }

    @Test func arithmeticOnText() {
        let e = failure("events | extend x = actor1 1️⃣+ 1")
        #expect(e.message == "cannot apply '+' to string and int")
        #expect(e.hint == "text cannot be used in arithmetic")
    }

    @Test func takeNeedsAWholeNumber() {
        #expect(failure("events | take 1️⃣\"ten\"").message == "'take' needs a whole number of rows")
        #expect(failure("events | take 1️⃣-1").message == "'take' needs a number of rows that is not negative")
        #expect(failure("events | take 1️⃣fatalities").message == "'take' needs a whole number of rows")
    }

    @Test func duplicateColumnNames() {
        let e = failure("events | project id, 1️⃣id")
        #expect(e.message == "duplicate column name 'id'")
    }

    @Test func tableUsedAsValue() {
        let e = failure("events | where 1️⃣actors == 1")
        #expect(e.message == "'actors' is a table, not a value")
    }

    @Test func inNeedsAListRangePeriodOrTable() {
        let e = failure("events | where country in 1️⃣\"Iraq\"")
        #expect(e.message == "'in' needs a list, a range, a period or a table, found a value of type string")
        #expect(e.hint == "use '==' to compare with one value")
        let t = failure("events | where country in 1️⃣events")
        #expect(t.message == "'in' needs a table with one column, 'events' has 9")
    }

    @Test func rangeOutsideIn() {
        #expect(failure("events | where 1️⃣1 .. 3").message == "a range 'a .. b' can only follow 'in'")
    }

    @Test func badDateAndDuration() {
        let d = failure("events | where date > 1️⃣2024-02-30")
        #expect(d.message == "bad date '2024-02-30'")
        #expect(d.hint == "no such day in the calendar")
        let m = failure("events | where date in 1️⃣2024-13")
        #expect(m.message == "bad month '2024-13'")
        let u = failure("events | where date > 2024-01-01 - 1️⃣3y")
        #expect(u.message == "unknown unit 'y' after a number")
        #expect(u.hint == "durations use s, m, h, d or w (for example 3d); distances km, mi or nmi (for example 50km)")
        let w = failure("events | where date in 1️⃣2024-W54")
        #expect(w.message == "bad ISO week '2024-W54'")
        #expect(w.hint == "2024 has weeks 01 to 52")
    }

    @Test func unclosedBracketPointsAtTheEndAndNotesTheOpener() throws {
        do {
            _ = try Fixture.session().query("events | where country in [\"Iraq\", \"Syria\"")
            Issue.record("expected an error")
        } catch {
            let d = try #require(error.diagnostics.first)
            #expect(d.message == "expected ']', found the end of the input")
            #expect(d.isAtEndOfInput)
            #expect(d.notes.first?.message == "to match this '['")
            #expect(d.notes.first?.span?.start == 26)
        }
    }

    @Test func renderedErrorShowsFileLineColumnCaretAndHint() {
        let text = "events\n| where actr == \"Hezbollah\""
        do {
            _ = try Fixture.session().run(text, name: "Queries/strikes.evq") { _ in }
            Issue.record("expected an error")
        } catch {
            #expect(error.render() == """
                Queries/strikes.evq:2:9: error: unknown field 'actr'
                 2 | | where actr == "Hezbollah"
                   |         ^^^^ did you mean 'actor1'?

                """)
            #expect(error.exitCode == 65)
        }
    }

    @Test func everySyntaxErrorOfAScriptIsReported() {
        do {
            _ = try Fixture.session().run("events | wher x\n\nevents | take (\n\nevents | count", name: "s.evq") { _ in }
            Issue.record("expected errors")
        } catch {
            #expect(error.diagnostics.map(\.message) == ["unknown stage 'wher'", "expected an expression, found the end of the statement"])
        }
    }

    @Test func unknownParamIsAUsageError() {
        let s = Fixture.session()
        s.parameterOverrides = ["contry": "Iraq"]
        do {
            try s.run("param country = \"Lebanon\"\nevents | where country == country | count") { _ in }
            Issue.record("expected an error")
        } catch {
            #expect(error.render() == "error: unknown param 'contry'; did you mean 'country'?\n")
            #expect(error.exitCode == 64)
        }
    }

    @Test func paramOverrideOfTheWrongType() {
        let s = Fixture.session()
        s.parameterOverrides = ["minimum": "many"]
        do {
            try s.run("param minimum = 5\nevents | where fatalities > minimum | count", name: "p.evq") { _ in }
            Issue.record("expected an error")
        } catch {
            #expect(error.diagnostics.first?.message == "--param minimum=many: expected a whole number")
            #expect(error.render().hasPrefix("p.evq:1:17: error:"))
        }
    }

    @Test func paramOverrideIsUsed() throws {
        let s = Fixture.session()
        s.parameterOverrides = ["minimum": "9", "place": "Lebanon"]
        let r = try s.query("param minimum = 5\nparam place = \"Iran\"\nevents | where fatalities > minimum and country == place | count")
        #expect(r.values(of: "count") == [.int(2)])
        let d = try Fixture.session().query("param minimum = 5\nevents | where fatalities > minimum | count")
        #expect(d.values(of: "count") == [.int(3)])
    }
}
