// The project as the test targets see it: its root, the bundled samples loaded once, and the
// built evq binary.

import EVQ
import Foundation

public enum Project {
    /// The package root, from this file's path (Tests/EVQTestSupport/Project.swift).
    public static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    public static func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }

    /// The bundled sample tables, loaded once for every test (tables are immutable).
    public static let sampleTables: [Table] = {
        let session = Session()
        let sources = [
            DataSource(table: "events", path: path("Samples/seed-events.csv")),
            DataSource(table: "events", path: path("Samples/ucdp-syria.csv")),
            DataSource(table: "actors", path: path("Samples/actors.csv")),
        ]
        let reports = try! DataLoader.load(sources, into: session)
        precondition(reports.allSatisfy { $0.rowsRejected == 0 }, "the bundled samples must load cleanly")
        return session.tableNames.map { session.catalog.tables[$0]! }
    }()

    /// A new session over the samples (its own bindings, shared tables).
    public static func sampleSession() -> Session { Session(tables: sampleTables) }

    /// The built `evq` binary, next to the test bundle.
    public static var evqBinary: String {
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("evq").path
        if FileManager.default.isExecutableFile(atPath: beside) { return beside }
        return path(".build/debug/evq")
    }
}

