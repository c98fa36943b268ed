// The embedding API as a program that imports EVQ only uses it: tables built in code, typed
// result columns, a cursor over many rows, and errors with their positions.

import EVQ
import Foundation
import Testing

private func time(_ text: String) -> Value { .time(TimeFormat.parse(Substring(text))!) }

/// Four events of every column type, one of them with nulls.
private func events() -> Table {
    var b = TableBuilder(name: "events")
    b.addColumn("date", [time("2024-11-01"), time("2024-11-02"), time("2024-11-03"), time("2024-11-04")])
    b.addColumn("actor1", [.string("Hezbollah"), .string("IDF"), .null, .string("IDF")])
    b.addColumn("fatalities", [.int(3), .null, .int(0), .int(12)])
    b.addColumn("lat", [.float(33.27), .float(31.5), .null, .float(33.36)])
    b.addColumn("confirmed", [.bool(true), .bool(false), .null, .bool(true)])
    return b.build(timeColumn: "date")
}

@Suite struct EmbeddingAPITests {
    @Test func resultColumnsHaveNamesTypesAndTypedValues() throws {
        let session = Session(tables: [events()])
        let r = try session.query("events | extend span = date - 2024-11-01 | project date, actor1, fatalities, lat, confirmed, span")
        #expect(r.columnNames == ["date", "actor1", "fatalities", "lat", "confirmed", "span"])
        #expect(r.columns.map(\.type) == [.time, .string, .int, .float, .bool, .duration])
        #expect(r.rowCount == 4)
        #expect(r.column("actor1")?.strings == ["Hezbollah", "IDF", nil, "IDF"])
        #expect(r.column("fatalities")?.ints == [3, nil, 0, 12])
        #expect(r.column("lat")?.doubles == [33.27, 31.5, nil, 33.36])
        #expect(r.column("confirmed")?.bools == [true, false, nil, true])
        #expect(r.column("date")?.times?.first == Date(timeIntervalSince1970: 1_730_419_200))
        #expect(r.column("span")?.durations == [.seconds(0), .seconds(86_400), .seconds(172_800), .seconds(259_200)])
        #expect(r.column("fatalities")?[1] == .null)
        #expect(r.column("fatalities")?.values == [.int(3), .null, .int(0), .int(12)])
        #expect(r.column("nope") == nil)
    }

    @Test func aTypedViewOfAnotherTypeIsNil() throws {
        let r = try Session(tables: [events()]).query("events | project actor1, fatalities")
        #expect(r.column("actor1")?.ints == nil)
        #expect(r.column("fatalities")?.strings == nil)
        #expect(r.column("fatalities")?.doubles == nil)
        #expect(r.column("fatalities")?.times == nil)
    }

    @Test func aggregatesAndLetBindingsComeBackTyped() throws {
        let session = Session(tables: [events()])
        let r = try session.query("""
            let heavy = 5
            events | where fatalities >= heavy or isnull(fatalities) | summarize n = count(), killed = sum(fatalities) by actor1
            """)
        #expect(r.column("actor1")?.strings == ["IDF"])
        #expect(r.column("n")?.ints == [2])
        #expect(r.column("killed")?.ints == [12])
        #expect(r.stats.rowsInSource == 4)
    }

    @Test func theCursorGivesEveryRowInOrderByPositionAndName() throws {
        let r = try Session(tables: [events()]).query("events | project actor1, fatalities")
        var cursor = r.rows
        #expect(cursor.count == 4)
        let next = cursor.next()
        let first = try #require(next)
        #expect(first.index == 0)
        #expect(first[0] == .string("Hezbollah"))
        #expect(first["fatalities"] == .int(3))
        #expect(first["missing"] == nil)
        #expect(first.values == [.string("Hezbollah"), .int(3)])
        #expect(Array(cursor).map { $0["actor1"]! } == [.string("IDF"), .null, .string("IDF")])
        let second = cursor.next()
        #expect(second?.index == 1)  // a copy of the cursor went on; this one did not
    }

    @Test func aCursorOverALargeResultReadsEveryRowOnce() throws {
        let n = 300_000
        var b = TableBuilder(name: "events")
        b.addColumn("date", (0..<n).map { Value.time(1_700_000_000 + Int64($0)) })
        b.addColumn("actor1", (0..<n).map { Value.string("actor \($0 % 97)") })
        b.addColumn("fatalities", (0..<n).map { Value.int(Int64($0 % 13)) })
        let session = Session(tables: [b.build(timeColumn: "date")])
        let result = try session.query("events | where fatalities > 0 | project actor1, fatalities")
        let expectedRows = (0..<n).filter { $0 % 13 > 0 }.count
        #expect(result.rowCount == expectedRows)

        var rows = 0, total: Int64 = 0, lastIndex = -1, ordered = true
        for row in result.rows {
            guard case .int(let f) = row["fatalities"] else { Issue.record("row \(row.index) has no int"); break }
            total += f
            ordered = ordered && row.index == lastIndex + 1
            lastIndex = row.index
            rows += 1
        }
        #expect(rows == expectedRows)
        #expect(ordered)
        let sum = try session.query("events | summarize s = sum(fatalities)").column("s")?.ints
        #expect(sum == [total])

        // Stopping early reads only what was reached.
        var seen = 0
        for row in result.rows {
            seen += 1
            if row.index == 9 { break }
        }
        #expect(seen == 10)
    }

    @Test func queryErrorsCarryMessagePositionAndHint() {
        let session = Session(tables: [events()])
        do {
            _ = try session.query("events\n| where actr == \"IDF\"", name: "strikes.evq")
            Issue.record("expected an error")
        } catch {
            #expect(error.exitCode == 65)
            #expect(error.message == "unknown field 'actr'")
            #expect(error.location?.line == 2)
            #expect(error.location?.column == 9)
            #expect(error.diagnostics.first?.hint == "did you mean 'actor1'?")
            #expect(error.diagnostics.first?.span == Span(15, 19))
            #expect(error.file?.name == "strikes.evq")
            #expect(error.render().hasPrefix("strikes.evq:2:9: error: unknown field 'actr'\n"))
        }
    }

    @Test func syntaxAndTypeErrorsArePositionedToo() {
        let session = Session(tables: [events()])
        func failure(_ text: String) -> EVQError? {
            do { _ = try session.query(text); return nil } catch { return error }
        }
        let syntax = failure("events | where (fatalities > 3")
        #expect(syntax?.exitCode == 65)
        #expect(syntax?.location?.line == 1)
        let typeError = failure("events | summarize s = sum(actor1)")
        #expect(typeError?.message == "'sum' needs numbers, found string")
        #expect(typeError?.location?.column == 28)
        let unknown = failure("evnts | count")
        #expect(unknown?.message == "unknown table 'evnts'")
    }

    @Test func otherErrorsHaveAMessageAndNoPosition() {
        do {
            _ = try Session(store: URL(fileURLWithPath: "/nonexistent/evq-store-\(UInt32.random(in: 0...UInt32.max))"))
            Issue.record("expected an error")
        } catch {
            #expect(error.exitCode == 66)
            #expect(error.location == nil)
            #expect(error.message.hasPrefix("no such file: /nonexistent/"))
        }
    }
}
