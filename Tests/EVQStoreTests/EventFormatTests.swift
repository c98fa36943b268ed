// The named formats, on the committed excerpts in Samples/formats (see its README): detected
// from content, their own columns typed, evq's canonical columns added. Expected counts and
// cells were computed with Python's csv module / str.split on the same files.
import Foundation
import Testing
@testable import EVQStore

private func sample(_ name: String) -> String {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Samples/formats/" + name).path
}

private func loadSample(_ name: String, options: IngestOptions = .init()) throws -> IngestResult {
    try Ingest.load(paths: [sample(name)], tableName: "t", options: options)
}

@Suite struct EventFormatTests {
    @Test func gdelt1MixesFiftySevenAndFiftyEightFieldRows() throws {
        let r = try loadSample("gdelt1-events.csv")
        #expect(r.eventFormat == .gdelt1)
        #expect(r.issues.isEmpty)
        #expect(r.table.rowCount == 710)
        #expect(r.table.column(named: "SOURCEURL")?.isNull?.filter { $0 }.count == 201)
        #expect(r.table.type(of: "SQLDATE") == .time)
        #expect(r.table.type(of: "EventCode") == .string)
        #expect(r.table.columns[r.table.timeColumnIndex ?? 0].name == "date")
        let row = try #require((0..<r.table.rowCount).first { r.table.value(row: $0, column: 0) == .int(564_111_644) })
        #expect(r.table.column(named: "EventCode")?.value(at: row) == .string("010"))
        #expect(r.table.column(named: "type")?.value(at: row) == .string("Make public statement"))
        #expect(r.table.column(named: "lat")?.value(at: row) == .float(38.8973))
        #expect(r.table.column(named: "date")?.value(at: row) == .time(1_154_304_000))  // 2006-07-31
        r.table.checkInvariants()
    }

    @Test func gdelt2EventsAreTabSeparatedDespiteTheirName() throws {
        let r = try loadSample("20150218230000.export.CSV")
        #expect(r.eventFormat == .gdelt2)
        #expect(r.table.rowCount == 300)
        #expect(r.table.columns.count == 61 + 12)
        #expect(r.table.schema.prefix(3).map(\.name) == ["GLOBALEVENTID", "SQLDATE", "MonthYear"])
        #expect(r.table.type(of: "DATEADDED") == .time)
        #expect(r.table.values("EventRootCode").filter { $0 == .string("19") }.count == 41)
        #expect(r.table.values("type").filter { $0 == .string("Fight") }.count == 41)
        let row = try #require((0..<r.table.rowCount).first { r.table.value(row: $0, column: 0) == .int(410_412_347) })
        #expect(r.table.column(named: "subtype")?.value(at: row) == .string("043"))
        #expect(r.table.column(named: "lon")?.value(at: row) == .float(25.2971))
        #expect(r.table.column(named: "fatalities")?.value(at: row) == .null)
        #expect(r.table.column(named: "DATEADDED")?.value(at: row) == .time(1_424_300_400))
    }

    @Test func gdeltMentions() throws {
        let r = try loadSample("20150218230000.mentions.CSV")
        #expect(r.eventFormat == .gdeltMentions)
        #expect(r.table.rowCount == 200)
        #expect(r.table.values("date").allSatisfy { $0 == .time(1_424_300_400) })
        guard case .string(let s)? = r.table.column(named: "source")?.data else { throw Failure("source is not text") }
        #expect(s.dictionary.count == 87)  // 88 distinct texts, one of them empty (null)
    }

    @Test func ucdpGlobalAndCountryLayouts() throws {
        let global = try loadSample("ucdpged.csv")
        #expect(global.eventFormat == .ucdp)
        #expect(global.table.rowCount == 300)
        let types = global.table.values("type")
        #expect(types.filter { $0 == .string("State-based conflict") }.count == 217)
        #expect(types.filter { $0 == .string("Non-state conflict") }.count == 36)
        #expect(types.filter { $0 == .string("One-sided violence") }.count == 47)
        let row = try #require((0..<global.table.rowCount).first { global.table.column(named: "id")?.value(at: $0) == .int(300_380) })
        #expect(global.table.column(named: "actor1")?.value(at: row) == .string("Government of Syria"))
        #expect(global.table.column(named: "location")?.value(at: row) == .string("Rami village"))
        #expect(global.table.column(named: "fatalities")?.value(at: row) == .int(2))
        #expect(global.table.column(named: "date")?.value(at: row) == .time(1_357_171_200))  // 2013-01-03
        let syria = try loadSample("ucdp-syria-ged.csv")
        #expect(syria.eventFormat == .ucdp)
        #expect(syria.table.values("fatalities").compactMap { if case .int(let n) = $0 { n } else { nil } }.reduce(0, +) == 17_195)
    }

    @Test func acledAndIcewsLayouts() throws {
        let acled = try loadSample("acled-layout.csv")
        #expect(acled.eventFormat == .acled)
        #expect(acled.table.rowCount == 200)
        #expect(acled.table.schema.suffix(5).map(\.name) == ["date", "type", "subtype", "lat", "lon"])
        #expect(acled.table.values("type") == acled.table.values("event_type"))
        let icews = try loadSample("icews-layout.tab")
        #expect(icews.eventFormat == .icews)
        #expect(icews.table.rowCount == 200)
        #expect(icews.table.values("type").filter { $0 == .string("Make a visit") }.count == 39)
        #expect(icews.table.values("actor1").filter { !$0.isNull }.count == 87)
        #expect(icews.table.type(of: "CAMEO Code") == .string)
    }

    @Test func cameoLookupLoadsWithItsCodesAsWritten() throws {
        let r = try loadSample("CAMEO.eventcodes.txt")
        #expect(r.eventFormat == nil)
        #expect(r.table.rowCount == 311)
        #expect(r.table.type(of: "CAMEOEVENTCODE") == .string)
        #expect(r.table.values("CAMEOEVENTCODE").prefix(3) == [.string("01"), .string("010"), .string("011")])
    }

    @Test func statedFormatAndGlobsAndFolders() throws {
        var options = IngestOptions()
        options.eventFormat = .gdelt2
        let stated = try loadSample("20150218230000.export.CSV", options: options)
        #expect(stated.table.rowCount == 300)
        let globbed = try Ingest.load(paths: [sample("ucdp*.csv")], tableName: "t")
        #expect(globbed.files == [sample("ucdp-syria-ged.csv"), sample("ucdpged.csv")])
        #expect(globbed.table.rowCount == 500)
        #expect(globbed.issueTexts == [
            "\(sample("ucdpged.csv")):1:1: warning: adds 8 columns to \(sample("ucdp-syria-ged.csv")): 'relid', 'code_status', "
                + "'conflict_dset_id', 'dyad_dset_id', 'side_a_dset_id', 'side_b_dset_id', 'where_description', 'gwnoa'; null in the rows before",
        ])
        #expect(throws: IngestError.fileNotFound(sample("nothing*.csv"))) { try Ingest.load(paths: [sample("nothing*.csv")], tableName: "t") }
    }

    @Test func detection() {
        #expect(EventFormat.detect(firstLine: ["1", "20150218"] + Array(repeating: "", count: 59), delimiter: 0x09) == .gdelt2)
        #expect(EventFormat.detect(firstLine: ["1", "20150218"] + Array(repeating: "", count: 59), delimiter: 0x2C) == nil)
        #expect(EventFormat.detect(firstLine: ["Event ID", "Event Date", "Source Name", "Target Name", "CAMEO Code"], delimiter: 0x09) == .icews)
        #expect(EventFormat.detect(firstLine: ["id", "date", "actor1"], delimiter: 0x2C) == nil)
        #expect(GDELTSchema.events1.count == 58)
        #expect(GDELTSchema.events2.count == 61)
        #expect(GDELTSchema.events2[40...41] == ["Actor1Geo_Lat", "Actor1Geo_Long"])
        #expect(GDELTSchema.events1[53...54] == ["ActionGeo_Lat", "ActionGeo_Long"])
    }
}

struct Failure: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}
