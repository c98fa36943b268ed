// The checker reads schemas only; subqueries and `latest()` are settled by the binder just
// before planning. These pin both halves: checking with no data at all, and the answers and
// errors once the data is there.

import EVQ
import EVQEngine
import EVQSyntax
import EVQStore
import Testing

/// The fixture's tables known by schema only, as a remote engine's would be.
private func schemaOnlyCatalog() -> Catalog {
    var catalog = Catalog()
    for t in [Fixture.events(), Fixture.actors()] {
        catalog.schemas[t.name] = TableRef(name: t.name, fields: t.schema.map { Field($0.name, $0.type) }, timeColumnIndex: t.timeColumnIndex)
    }
    return catalog
}

private func parse(_ text: String) -> Query {
    let (program, diagnostics) = Parser.parse(SourceFile(name: "", text: text))
    precondition(diagnostics.isEmpty)
    guard case .query(let q) = program.statements[0].kind else { preconditionFailure("not a query") }
    return q
}

private func ids(_ condition: String) throws -> [String] {
    (try run("events | where \(condition) | project id").values(of: "id") ?? []).map { ValueFormat.plain($0) }
}

@Suite struct BindingTests {
    @Test func checkingReadsNoData() throws {
        let q = parse("events | where actor1 in (actors | where backer == \"Iran\" | project name) and date >= latest() - 7d | summarize n = count() by country")
        let checked = try QueryEngine(catalog: schemaOnlyCatalog()).check(q)
        #expect(checked.output.map(\.name) == ["country", "n"])
        guard case .filter(let p) = checked.stages[0].kind, case .and(let left, let right) = p.kind,
              case .inQuery(_, let sub, false, false) = left.kind, case .compare(.ge, _, let bound) = right.kind,
              case .arithmetic(.sub, let call, _) = bound.kind, case .call(.latest, let args) = call.kind, args.isEmpty
        else {
            Issue.record("expected a subquery and latest() left unbound: \(checked.stages[0].kind)")
            return
        }
        #expect(sub.source.name == "actors")
        #expect(sub.output.map(\.name) == ["name"])
        // Planning needs the data: the subquery runs first and finds none here.
        #expect(throws: EngineError.self) { try QueryEngine(catalog: schemaOnlyCatalog()).plan(q, source: SourceFile(name: "", text: "")) }
    }

    @Test func checkErrorsNeedNoData() {
        let engine = QueryEngine(catalog: schemaOnlyCatalog())
        #expect(throws: Diagnostic("'in' needs a table with one column, 'events' has 9", at: Span(26, 32),
                                   hint: "pick one: events | project id")) {
            try engine.check(parse("events | where country in events"))
        }
        #expect(throws: Diagnostic("cannot look for int values in a list of string", at: Span(29, 52))) {
            try engine.check(parse("events | where fatalities in (actors | project name)"))
        }
    }

    @Test func latestBoundsARangeAndUsesTheTimeIndex() throws {
        // latest() is 2024-11-06; a day before it to it, both ends included.
        #expect(try ids("date in latest() - 1d .. latest()") == ["e5", "e6", "e7", "e8", "e9"])
        #expect(try ids("date !in latest() - 1d .. latest()") == ["e10", "e1", "e2", "e3", "e4"])
        var text = ""
        try Fixture.session().run("explain events | where date in latest() - 1d .. latest()") { outcome in
            if case .text(let t) = outcome { text = t }
        }
        #expect(text.contains("time index: date in latest() - 1d .. latest() (rows 5..<10)"), "\(text)")
    }

    @Test func scalarsBoundToLatest() throws {
        let session = Fixture.session()
        let n = try session.query("let since = latest() - 1d\nevents | where date >= since | count")
        #expect(n.values(of: "count") == [.int(5)])
    }

    @Test func aSubqueryOfTextAgainstTimesIsCheckedValueByValue() {
        let e = failure("events | where date in 1️⃣(actors | project name)")
        #expect(e.message == "cannot look for time values in a list of string")
    }

    @Test func rowsOnAServerAreNeverReadFromTheirStandIn() {
        // On a remote engine a table here is a stand-in without rows: answering from it would
        // be a silent empty set, so the binder refuses.
        let session = Fixture.session()
        session.catalog.remoteTables = ["actors"]
        do {
            _ = try session.query("events | where actor1 in (actors | project name) | count")
            Issue.record("expected an error")
        } catch {
            #expect(error.diagnostics.first?.message == "'in' needs the rows of 'actors', which are on the server: not supported on a remote engine yet")
        }
        session.catalog.remoteTables = ["events"]
        do {
            _ = try session.query("events | where date > latest() - 7d | count")
            Issue.record("expected an error")
        } catch {
            #expect(error.diagnostics.first?.message == "'latest()' needs the newest time of 'events', which is on the server: not supported on a remote engine yet")
        }
    }

    @Test func latestWithoutATimeColumn() {
        let session = Session(tables: [Fixture.actors()])
        #expect(throws: EVQError.self) { try session.query("actors | where name == \"x\" | extend t = latest()") }
        do {
            _ = try session.query("actors | extend t = latest()")
        } catch {
            #expect(error.diagnostics.first?.message == "'latest()' needs a 'events' table with a time column")
        }
    }
}
