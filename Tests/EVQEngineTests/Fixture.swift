// A small in-memory event table for engine tests: known rows, so every expected value
// below can be checked by hand.

import EVQ
import EVQStore
import Testing

enum Fixture {
    static func day(_ text: String) -> Value { .time(TimeFormat.parse(Substring(text))!) }

    /// Ten events, deliberately out of time order (the store must sort them).
    static func events() -> Table {
        let rows: [(String, String, String, String, String?, String?, Int64?, String)] = [
            ("e5", "2024-11-05", "Air/drone strike", "Islamic Resistance in Iraq", nil, "Israel", 0, "drone launched at Haifa"),
            ("e1", "2024-10-26", "Air/drone strike", "Military Forces of Israel", "Military Forces of Iran", "Iran", 4, "strikes on military sites"),
            ("e2", "2024-11-02", "Threaten", "Government of Iran", "Government of Israel", "Iran", 0, "warned of a crushing response"),
            ("e3", "2024-11-02", "Threaten", "Government of Iran", "Government of the United States", "Iran", 0, "warned the US"),
            ("e4", "2024-11-02", "Deploy", "Military Forces of the United States", nil, "United States", 0, "B-52 bombers sent"),
            ("e6", "2024-11-05", "Air/drone strike", "Military Forces of Israel", "Hezbollah", "Lebanon", 12, "strike near Tyre"),
            ("e7", "2024-11-05", "Shelling", "Military Forces of Israel", "Hezbollah", "Lebanon", 10, "shelling near Nabatieh"),
            ("e8", "2024-11-06", "Air/drone strike", "Military Forces of Israel", "Hezbollah", "Lebanon", 8, "strike in Baalbek"),
            ("e9", "2024-11-06", "Threaten", "Nujaba Movement", "Military Forces of the United States", "Iraq", nil, "threat against US bases"),
            ("e10", "2023-12-31", "Battle", "Hezbollah", "Military Forces of Israel", "Lebanon", 2, "border clash"),
        ]
        var b = TableBuilder(name: "events")
        b.addColumn("id", rows.map { .string($0.0) })
        b.addColumn("date", rows.map { day($0.1) })
        b.addColumn("type", rows.map { .string($0.2) })
        b.addColumn("actor1", rows.map { .string($0.3) })
        b.addColumn("actor2", rows.map { $0.4.map(Value.string) ?? .null })
        b.addColumn("country", rows.map { $0.5.map(Value.string) ?? .null })
        b.addColumn("fatalities", rows.map { $0.6.map(Value.int) ?? .null })
        b.addColumn("notes", rows.map { .string($0.7) })
        b.addColumn("Source Country", rows.map { _ in .string("X") })
        return b.build(timeColumn: "date")
    }

    static func actors() -> Table {
        var b = TableBuilder(name: "actors")
        let rows: [(String, String?)] = [
            ("Islamic Resistance in Iraq", "Iran"), ("Hezbollah", "Iran"), ("Nujaba Movement", "Iran"),
            ("Military Forces of Israel", nil), ("Government of Iran", nil),
        ]
        b.addColumn("name", rows.map { .string($0.0) })
        b.addColumn("backer", rows.map { $0.1.map(Value.string) ?? .null })
        return b.build()
    }

    static func session() -> Session { Session(tables: [events(), actors()]) }
}

/// Runs a query on the fixture and returns the result; records a test failure on error.
func run(_ query: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> QueryResult {
    do {
        return try Fixture.session().query(query)
    } catch {
        Issue.record("query failed: \(error.render())", sourceLocation: sourceLocation)
        throw error
    }
}

/// The error a query gives. `1️⃣` in the query marks where the error must point.
func failure(_ marked: String, in session: Session? = nil, sourceLocation: Testing.SourceLocation = #_sourceLocation) -> (message: String, hint: String?, column: Int?) {
    let marker = "1️⃣"
    let query = marked.replacingOccurrences(of: marker, with: "")
    let expectedColumn = marked.range(of: marker).map { marked[..<$0.lowerBound].count + 1 }
    do {
        _ = try (session ?? Fixture.session()).query(query)
        Issue.record("expected an error from: \(query)", sourceLocation: sourceLocation)
        return ("", nil, nil)
    } catch {
        guard let d = error.diagnostics.first else {
            Issue.record("expected a query error, got \(error.render())", sourceLocation: sourceLocation)
            return ("", nil, nil)
        }
        let column = String(decoding: Array(query.utf8)[..<d.span.start], as: UTF8.self).count + 1
        if let expectedColumn {
            #expect(column == expectedColumn, "error at column \(column), expected \(expectedColumn): \(d.message)", sourceLocation: sourceLocation)
        }
        return (d.message, d.hint, column)
    }
}
