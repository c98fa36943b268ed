// Helpers for the store tests: a fresh store directory, tables of every column type, and
// row-by-row comparison of tables.
import Foundation
import Testing
@testable import EVQStore

func temporaryStore() -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("evq-store-\(UUID().uuidString)").path
    return dir
}

/// A table with a column of every storable type, nulls in each, Unicode and decomposed text,
/// sorted by `date`. `days` gives each row's day (0 = 2024-01-01).
func sampleTable(days: [Int], name: String = "events", tag: String = "a") -> Table {
    var b = TableBuilder(name: name)
    let n = days.count
    b.addColumn("id", (0..<n).map { .int(Int64($0) + (tag == "a" ? 0 : 1_000)) })
    b.addColumn("date", days.map { $0 < 0 ? .null : .time(1_704_067_200 + Int64($0) * 86_400) }, type: .time)
    let texts = ["Ḥalab", "e\u{301}té", "drone strike on Aleppo", "🚀 rocket", "", "U.S.-led coalition"]
    b.addColumn("notes", (0..<n).map { $0 % 7 == 3 ? .null : .string(texts[$0 % texts.count] + " \(tag)\($0 % 4)") })
    b.addColumn("fatalities", (0..<n).map { $0 % 5 == 0 ? .null : .int(Int64($0 * 3)) })
    b.addColumn("lat", (0..<n).map { $0 % 6 == 1 ? .null : .float(Double($0) * 0.25 - 3) })
    b.addColumn("verified", (0..<n).map { $0 % 4 == 2 ? .null : .bool($0 % 2 == 0) })
    b.addColumn("span", (0..<n).map { $0 % 3 == 0 ? .null : .duration(Int64($0) * 3600) }, type: .duration)
    return b.build(timeColumn: "date")
}

/// Every cell of every row, for comparing tables.
func rows(_ t: Table) -> [[Value]] { (0..<t.rowCount).map { t.row($0) } }

/// The position of a section in a segment file, from its directory.
func sectionRange(_ file: String, _ name: String) throws -> Range<Int> {
    let d = try SegmentReader.directory(file)
    let s = try #require(d.sections.first { $0.name == name })
    return Int(s.offset)..<Int(s.offset + s.length)
}

func segmentFiles(_ store: String) throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: store).filter { $0.hasSuffix(".evqseg") }.sorted()
}

func modifyFile(_ path: String, _ change: (inout [UInt8]) -> Void) throws {
    var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    change(&bytes)
    try Data(bytes).write(to: URL(fileURLWithPath: path))
}
