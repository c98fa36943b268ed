// libFuzzer target: a query from the fuzz input (a pipeline built from its bytes, or its text
// as written) runs over a small fixed slice of the samples twice, with every optimizer pass
// on and with none (so index lookups against full scans); any difference in rows, values,
// order or error is a crash. Built and run by Tests/Fuzz/run.sh, not by `swift build`.

import EVQ
import EVQEngine
import Foundation

private let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

/// The 19 seed events, every 40th UCDP event and the actors: small enough for thousands of
/// runs a second, with the values the saved queries and reference examples look for.
private let tables: [Table] = {
    let session = Session()
    let sources = [DataSource(table: "events", path: root + "/Samples/seed-events.csv"),
                   DataSource(table: "events", path: root + "/Samples/ucdp-syria.csv"),
                   DataSource(table: "actors", path: root + "/Samples/actors.csv")]
    _ = try! DataLoader.load(sources, into: session)
    let events = session.catalog.tables["events"]!
    let kept = (0..<events.rowCount).filter { $0 < 19 || $0 % 40 == 0 }
    // Columns made anew from the kept values, so that each dictionary holds only their text
    // (text predicates run once per dictionary value).
    let columns = events.columns.map { c in TableBuilder.makeColumn(name: c.name, values: kept.map { c.value(at: $0) }, type: c.type) }
    let small = Table(name: "events", columns: columns, rowCount: kept.count, timeColumnIndex: events.timeColumnIndex)
    return [small, session.catalog.tables["actors"]!]
}()

/// Stages a pipeline is made of; several read an index (time range, posting lists, the word
/// index, the id key, grid cells) that the plan without passes replaces by a scan.
private let filters = [
    "where country == \"Syria\"", "where country != \"Syria\"", "where fatalities > 5", "where fatalities in 1 .. 3",
    "where date in 2017", "where date >= 2018-06-01", "where date < 2016-03-01 or date > 2019-10-01", "where date in 2024-10-01 .. 2024-11-30",
    "where actor1 in [\"IS\", \"Government of Syria\", \"Hezbollah\"]", "where actor1 !in [\"IS\"]", "where notes has \"airstrike\"",
    "where notes has_any [\"drone\", \"shelling\"]", "where notes has_all [\"air\", \"strikes\"]", "where notes contains \"raqqa\"",
    "where notes like \"*strike*\"", "where notes matches \"[0-9]+ (civilians|people)\"", "where actor1 =~ \"is\"", "where actor1 startswith \"Gov\"",
    "where id == \"seed-003\"", "where id in [\"seed-001\", \"ucdp-214797\"]", "where isnull(actor2)", "where not (type == \"State-based conflict\")",
    "where lat > 35.5 and lon < 37", "where near(36.2, 37.15, 50km)", "where location == \"Aleppo city\" and date in 2016",
    "where subtype == \"Air/drone strike\" and date >= 2024-10-01", "where fatalities == null", "where actor2 in (actors | where kind == \"state\" | project name)",
]
private let keeping = [
    "sort by fatalities desc", "sort by actor1, date desc", "sort by location", "take 30", "take 3", "tail 7", "top 9 by fatalities",
    "top 4 by date desc, id", "extend k = fatalities * 2", "extend d = day(date), who = tolower(actor1)", "lookup actors on actor1 = name",
    "extend w = week(date)", "sort by lat", "extend fatalities = fatalities + 1",
]
private let reshaping = [
    "count", "summarize n = count(), killed = sum(fatalities) by actor1", "summarize n = count() by week(date)", "distinct country, actor1",
    "project date, actor1, fatalities", "top 5 by fatalities", "summarize avg(fatalities), dcount(location), percentile(fatalities, 90)",
    "summarize n = count() by actor1, actor2 | top 3 by n", "summarize first(notes), last(id) by country", "distinct actor2",
    "summarize values(country) by bin(date, 30d)", "project id, location | take 4",
]

/// The pipeline the bytes choose: each byte picks a stage from one of the lists.
private func pipeline(_ bytes: ArraySlice<UInt8>) -> String {
    var stages = ["events"]
    for b in bytes.prefix(6) {
        let i = Int(b)
        switch i % 3 {
        case 0: stages.append(filters[(i / 3) % filters.count])
        case 1: stages.append(keeping[(i / 3) % keeping.count])
        default: stages.append(reshaping[(i / 3) % reshaping.count]); return stages.joined(separator: " | ")
        }
    }
    return stages.joined(separator: " | ")
}

/// The two sessions, made once (indexes built once); each run starts from their first catalog,
/// so a `let` of one run is not seen by the next.
private let sessions: (optimized: Session, plain: Session, catalog: Catalog) = {
    let optimized = Session(tables: tables), plain = Session(tables: tables)
    for s in [optimized, plain] { s.limits = QueryLimits(seconds: 5) }
    plain.disabledPasses = Set(OptimizerPass.allCases)
    return (optimized, plain, optimized.catalog)
}()

/// Everything the statements print, each result as CSV and each error as rendered.
private func answer(_ text: String, passesOff: Bool) -> String {
    let session = passesOff ? sessions.plain : sessions.optimized
    session.catalog = sessions.catalog
    var out = ""
    do {
        try session.run(text, name: "fuzz") { outcome in
            switch outcome {
            case .rows(let r, _): out += Renderer.render(r.table, as: .csv)
            case .bound(let name): out += "bound \(name)\n"
            case .text: out += "(explain)\n"  // plans differ on purpose
            }
        }
    } catch {
        out += "error: " + error.render()
    }
    return out
}

@_cdecl("LLVMFuzzerTestOneInput")
public func differentialFuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    // An even first byte builds a pipeline from the rest; an odd one runs the rest as text.
    let text = bytes[0] % 2 == 0 ? pipeline(bytes.dropFirst()) : String(decoding: bytes.dropFirst(), as: UTF8.self)
    let optimized = answer(text, passesOff: false)
    let plain = answer(text, passesOff: true)
    // A time limit hit on one side only is the machine's doing, not a wrong answer.
    if optimized != plain, !optimized.contains("query stopped"), !plain.contains("query stopped") {
        FileHandle.standardError.write(Data("passes change the answer of:\n\(text)\n--- all passes:\n\(optimized)\n--- no passes:\n\(plain)\n".utf8))
        abort()
    }
    return 0
}

/// Loads the tables before libFuzzer starts timing runs.
@_cdecl("LLVMFuzzerInitialize")
public func differentialFuzzInitialize(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>) -> CInt {
    _ = sessions
    return 0
}
