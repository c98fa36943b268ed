// Helpers shared by the ingest tests: load inline text, read a column back as values.
import Foundation
import Testing
@testable import EVQStore

func load(
    _ text: String, format: FileFormat = .csv, source: String = "t.csv", options: IngestOptions = .init()
) throws -> IngestResult {
    try Ingest.load(text: text, source: source, format: format, tableName: "t", options: options)
}

extension Table {
    /// Every value of the named column, in row order; fails the test when the column is missing.
    func values(_ name: String) -> [Value] {
        guard let column = column(named: name) else {
            Issue.record("no column \(name) in \(schema.map(\.name))")
            return []
        }
        return (0..<rowCount).map { column.value(at: $0) }
    }

    func type(of name: String) -> DataType? { column(named: name)?.type }
}

extension IngestResult {
    var issueTexts: [String] { issues.map(\.description) }
}

/// A fresh directory under the system temp directory holding the given files.
func temporaryFiles(_ files: [String: String]) throws -> URL {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("evq-ingest-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    for (name, text) in files { try text.write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8) }
    return dir
}
