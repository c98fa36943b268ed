// A small session for shell tests, and a state that records what it prints.

import EVQ
import EVQShell
import Foundation

enum ShellFixture {
    static func session() -> Session {
        var e = TableBuilder(name: "events")
        let days = ["2024-11-02", "2024-11-05", "2024-11-05", "2024-11-06"]
        e.addColumn("date", days.map { .time(TimeFormat.parse(Substring($0))!) })
        e.addColumn("actor1", ["Government of Iran", "Islamic Resistance in Iraq", "Military Forces of Israel", "Nujaba Movement"].map(Value.string))
        e.addColumn("country", ["Iran", "Israel", "Lebanon", "Iraq"].map(Value.string))
        e.addColumn("fatalities", [.int(0), .int(0), .int(12), .null])
        var a = TableBuilder(name: "actors")
        a.addColumn("name", ["Islamic Resistance in Iraq", "Nujaba Movement"].map(Value.string))
        a.addColumn("backer", [.string("Iran"), .string("Iran")])
        return Session(tables: [e.build(timeColumn: "date"), a.build()])
    }

    /// A state whose output and errors are strings.
    static func state(format: OutputFormat = .table, maxRows: Int? = nil) -> (ShellState, StringSink, StringSink) {
        let out = StringSink(), err = StringSink()
        let state = ShellState(session: session(), format: format, output: out, errors: err, maxRows: maxRows)
        return (state, out, err)
    }

    static func temporaryDirectory() throws -> String {
        let dir = NSTemporaryDirectory() + "evq-shell-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    /// A CSV of `rows` generated events at `path`, big enough that loading it takes seconds in a debug build.
    static func writeBigCSV(rows: Int, to path: String) throws {
        var csv = "id,date,country,fatalities\n"
        for i in 0..<rows { csv += "e\(i),2016-01-\(1 + i % 28),C\(i % 50),\(i % 17)\n" }
        try csv.write(toFile: path, atomically: true, encoding: .utf8)
    }
}
