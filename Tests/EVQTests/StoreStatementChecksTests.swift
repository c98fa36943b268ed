// Which store tables a statement checks before it runs: those it names and the default table
// (read unnamed by latest() and place names); a bare `TABLE | count` reads only the row count,
// so it answers without touching the data, and damage is still found before any data is read.
@testable import EVQ
import EVQStore
import EVQSyntax
import Foundation
import Testing

@Suite struct StoreStatementChecksTests {
    /// A store of `events` and `actors`, with one byte of `damaged`'s first text column flipped.
    static func damagedStore(_ damaged: String) throws -> (dir: String, file: String, section: String) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("evq-checks-\(UUID().uuidString)").path
        let w = try StoreWriter(path: dir)
        var events = TableBuilder(name: "events")
        events.addColumn("date", (0..<30).map { .time(1_704_067_200 + Int64($0) * 86_400) }, type: .time)
        events.addColumn("actor1", (0..<30).map { .string($0 % 2 == 0 ? "A" : "B") })
        try w.append(events.build(timeColumn: "date"), as: "events")
        var actors = TableBuilder(name: "actors")
        actors.addColumn("name", [.string("A"), .string("B")])
        try w.append(actors.build(), as: "actors")
        let entry = try #require(try Store.open(dir, verify: .metadata).manifest.tables.first { $0.name == damaged })
        let file = entry.segments[0].file
        let section = damaged == "events" ? "c1.dict.bytes" : "c0.dict.bytes"
        try damage(dir + "/" + file, section)
        return (dir, file, section)
    }

    /// Flips a byte of `section` in the segment file at `path`, found through its directory.
    static func damage(_ path: String, _ section: String) throws {
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        func field(_ at: Int) -> Int { (0..<8).reduce(0) { $0 | Int(bytes[at + $1]) << (8 * $1) } }
        let json = Data(bytes[field(16)..<field(16) + field(24)])
        let parsed = try #require(try JSONSerialization.jsonObject(with: json) as? [String: Any])
        let sections = try #require(parsed["sections"] as? [[String: Any]])
        let offset = try #require(sections.first { $0["name"] as? String == section }?["offset"] as? Int)
        bytes[offset] ^= 0x20
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    @Test func aBareCountAnswersAndTheFirstReadOfTheDamageFails() throws {
        let (dir, file, section) = try Self.damagedStore("events")
        let session = try Session(store: URL(fileURLWithPath: dir))
        #expect(try session.query("events | count").table.value(row: 0, column: 0) == .int(30))
        Self.expectDamage(in: session, ["events | where actor1 == \"A\" | count", "events | take 1", "actors | where name == \"A\" | count"],
                          "\(file): \(section): checksum mismatch; the store is damaged (see 'evq check')")
    }

    /// Each of `queries` fails on `session`, its error saying `expected`.
    static func expectDamage(in session: Session, _ queries: [String], _ expected: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        for q in queries {
            do {
                _ = try session.query(q)
                Issue.record("\(q) read the damaged section unchecked", sourceLocation: sourceLocation)
            } catch {
                #expect(error.description.contains(expected), "\(q): \(error)", sourceLocation: sourceLocation)
            }
        }
    }

    @Test func aStatementChecksTheTablesItNamesOnly() throws {
        let (dir, file, section) = try Self.damagedStore("actors")
        let session = try Session(store: URL(fileURLWithPath: dir))
        #expect(try session.query("events | where actor1 == \"A\" | count").table.value(row: 0, column: 0) == .int(15))
        do {
            _ = try session.query("events | where actor1 in (actors | project name) | count")
            Issue.record("the damaged actors table was read unchecked")
        } catch {
            #expect(error.description.contains("\(file): \(section): checksum mismatch"), "\(error)")
        }
    }

    /// The source table's columns a statement names are all it checks and decodes, unless it
    /// can return whole rows: damage to actor1 does not stop a count by date, and stops every
    /// statement that reads actor1 or may return it.
    @Test func aStatementChecksOnlyTheColumnsItNamesUnlessItReturnsWholeRows() throws {
        let (dir, file, section) = try Self.damagedStore("events")
        let session = try Session(store: URL(fileURLWithPath: dir))
        #expect(try session.query("events | where date >= 2024-01-10 | count").table.value(row: 0, column: 0) == .int(21))
        #expect(try session.query("events | summarize n = count() by week(date) | count").table.value(row: 0, column: 0) == .int(5))
        Self.expectDamage(in: session, ["events | where actor1 == \"A\" | count", "events | where date >= 2024-01-10", "events | take 1 | extend d = date",
                                        "events | summarize n = count() by actor1", "events | distinct actor1", "events | project a = actor1",
                                        "events | lookup actors on actor1 == name"], "\(file): \(section): checksum mismatch")
    }

    @Test func columnsReadAreThoseNamedUnlessWholeRowsMayBeReturned() throws {
        func read(_ text: String) throws -> Set<String>? {
            let (program, diagnostics) = Parser.parse(SourceFile(name: "q", text: text))
            #expect(diagnostics.isEmpty, "\(text)")
            let statement = try #require(program.statements.first)
            let names = Set(try Lexer.tokenize(SourceFile(name: "q", text: text)).compactMap { t -> String? in
                if case .identifier(let s) = t.kind { return s }
                return nil
            })
            return Session.columnsRead(by: statement, naming: names)?.names
        }
        #expect(try read("events | where country == \"Syria\" | count")?.isSuperset(of: ["country"]) == true)
        #expect(try read("events | summarize n = count() by actor1")?.contains("notes") == false)
        #expect(try read("events | where country == \"Syria\"") == nil)
        #expect(try read("events | sort by date | take 3") == nil)
        #expect(try read("events | where near(1.0, 2.0, 5km) | count") == nil)
        #expect(try read("let x = events | project a = actor1") == nil)
        #expect(try read("events | join kind=inner (actors) on actor1 == name | count") == nil)
    }
}
