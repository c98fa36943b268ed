// Every operator and function the translator handles, each in a query of its own over the
// samples (nulls included: subtype, admin1, lat and date_end have them), compared with evq's
// answer on the chdb stand-in; and a table of hostile names and values (quotes, backslashes,
// comment markers, NUL, Unicode) that must come back unchanged.

import EVQ
import EVQShell
import Foundation
import Testing

@testable import EVQSQL

@Suite(.serialized) struct CoverageTests {
    static let queries = [
        // comparison, membership, ranges, periods
        #"events | where fatalities >= 10 and fatalities < 20 or fatalities == 3 | count"#,
        #"events | where fatalities != 0 and lat > 36.0 and lon <= 37.5 | count"#,
        #"events | where actor1 =~ "is" or actor2 !~ "GOVERNMENT OF SYRIA" | count"#,
        #"events | where subtype in ["Air/drone strike", "Shelling"] | count"#,
        #"events | where subtype !in ["Air/drone strike"] | count"#,
        #"events | where actor1 in~ ["is", "HEZBOLLAH"] | count"#,
        #"events | where actor1 !in~ ["is"] | summarize n = count() by country | sort by country"#,
        #"events | where fatalities in 5 .. 7 | count"#,
        #"events | where fatalities !in 1 .. 1000 | count"#,
        #"events | where date in 2017-03 | count"#,
        #"events | where date in 2018-W10 | count"#,
        #"events | where date <= 2016-01-31 and date > 2016-01-15 | count"#,
        #"events | where date_end - date > 2d | count"#,
        #"events | where date + 1d > 2019-11-29 | count"#,
        #"events | where isnull(subtype) and isnotnull(admin1) | count"#,
        #"events | where not (subtype == "Shelling") | count"#,
        #"events | where not (lat > 35.0) | count"#,
        #"events | where country in (actors | project country) | count"#,
        #"events | where actor1 in (actors | where kind == "state" | project name) | count"#,
        // text
        #"events | where notes contains "AIRSTRIKE" | count"#,
        #"events | where notes !contains "killed" | count"#,
        #"events | where location startswith "al" or location endswith "TOWN" | count"#,
        #"events | where location like "a*r?q*" | count"#,
        #"events | where location !like "*town" | count"#,
        #"events | where notes matches "killed [0-9]+ (civilians|people)" | count"#,
        #"events | where notes !matches "^The" | count"#,
        #"events | where notes has "air strike" | count"#,
        #"events | where notes has_all ["killed", "children"] | count"#,
        #"events | where notes !has_any ["IS", "ISIS"] | count"#,
        // arithmetic, nulls, functions
        #"events | extend a = fatalities * 2 + 1, b = fatalities / 4, c = fatalities % 3, d = -fatalities, e = fatalities / 0 | summarize sum(a), sum(b), sum(c), sum(d), n = count(e)"#,
        #"events | project day = day(date), week = week(date), month = month(date), year = year(date), dayofweek = dayofweek(date) | distinct day, week, month, year, dayofweek | sort by day | take 40"#,
        #"events | summarize n = count() by b = bin(date, 10d) | sort by b"#,
        #"events | summarize n = count() by b = bin(fatalities, 25) | sort by b"#,
        #"events | summarize n = count() by b = bin(lat, 0.5) | sort by b"#,
        #"events | project c = coalesce(subtype, admin1, "none"), u = toupper(actor1), l = tolower(location), r = replace(location, "a", "@") | distinct c, u, l, r | sort by c, u, l, r | take 50"#,
        #"events | project s = strcat(actor1, "/", fatalities), t = tostring(fatalities), i = toint(lat), f = tofloat(fatalities), j = toint("  42 ") | distinct s, t, i, f, j | sort by s, t, i | take 30"#,
        #"events | project a = abs(lat - 36), r = round(lat, 1), r2 = round(fatalities, -1), fl = floor(lat), ce = ceil(lon), q = sqrt(lat - 35), lg = log(fatalities), p = pow(fatalities, 0.5) | sort by a, r, q | take 60"#,
        #"events | project km = distance(lat, lon, 36.2, 37.15) | where km <= 30 | count"#,
        #"events | where distance(lat, lon, 33.5, 36.3) < 100 | summarize n = count(), far = max(distance(lat, lon, 33.5, 36.3))"#,
        // aggregates
        #"events | summarize count(), count(subtype), countif(fatalities > 5), sum(fatalities), avg(lat), min(admin1), max(date), dcount(actor2) by country | sort by country"#,
        #"events | summarize p0 = percentile(fatalities, 0), p10 = percentile(fatalities, 10), p50 = percentile(fatalities, 50), p90 = percentile(fatalities, 90), p100 = percentile(fatalities, 100) by type | sort by type"#,
        #"events | where fatalities > 1000 | summarize s = sum(fatalities), a = avg(lat), m = min(date), n = count()"#,
        // stages
        #"events | sort by admin1 desc, fatalities | take 25 | project id, admin1, fatalities"#,
        #"events | sort by subtype | tail 5 | project id, subtype"#,
        #"events | where country == "Syria" | tail 3 | project id, date"#,
        #"events | top 7 by lat desc | project id, lat"#,
        #"events | take 100 | where fatalities > 0 | sort by fatalities desc | take 5 | project id, fatalities"#,
        #"events | distinct country, type | sort by country, type"#,
        #"events | where country == "Israel" | lookup actors on actor1 = name | project id, actor1, kind, backer | sort by id"#,
        #"let big = events | where fatalities > 500 | project actor1, fatalities; big | summarize n = count(), s = sum(fatalities) by actor1 | sort by actor1"#,
        #"events | extend k = fatalities | where k > 100 | project id, k | sort by k desc, id"#,
        #"events | summarize killed = sum(fatalities) by actor1 | where killed > 1000 | sort by killed desc"#,
    ]

    @Test func everyOperatorFunctionAndStageAgrees() throws {
        guard let server = try ChdbServer.startOrExplain() else { return }
        let engine = ComparingEngine(client: try ClickHouseClient(url: server.url))
        for (i, q) in Self.queries.enumerated() {
            engine.label = "coverage \(i + 1): \(q)"
            let session = SQLProject.sampleSession()
            session.remoteEngine = engine
            let out = StringSink()
            let status = ScriptRunner(session: session, format: .csv, output: out, errors: out).run(q, name: "<coverage>")
            #expect(status == 0, "\(q): \(out.text)")
        }
        for m in engine.mismatches { Issue.record(Comment(rawValue: "answers differ: \(m)")) }
        for e in engine.serverErrors { Issue.record(Comment(rawValue: "server error: \(e)")) }
        for u in engine.untranslatable { Issue.record(Comment(rawValue: "not translated: \(u.label): \(u.message)")) }
        #expect(engine.compared >= Self.queries.count)
    }

    /// Names and values no SQL text may carry raw.
    static let hostile = ["it's", "a\\'b", "back\\slash\\", "-- comment", "/* open", "*/ close", "x\0y", "Ωμέγα — “quoted”", "`tick`", "\"dq\"", "line\nbreak", "tab\there", ";DROP TABLE t;"]

    /// evq writes any name but these in backquotes, as they are (no escapes).
    static func nameable(_ name: String) -> Bool { !name.contains(where: { "`\n\t\0".contains($0) }) }

    @Test func hostileNamesAndValuesRoundTrip() throws {
        guard let server = try ChdbServer.startOrExplain() else { return }
        var b = TableBuilder(name: "hostile")
        for (i, name) in Self.hostile.enumerated() where Self.nameable(name) {
            b.addColumn(name, Self.hostile.indices.map { r in .string(Self.hostile[(r + i) % Self.hostile.count]) })
        }
        b.addColumn("n", Self.hostile.indices.map { .int(Int64($0)) })
        let table = b.build(timeColumn: nil)
        let engine = ComparingEngine(client: try ClickHouseClient(url: server.url))
        for (i, name) in Self.hostile.enumerated() where Self.nameable(name) {
            let column = "`" + name + "`"
            let value = ValueFormat.literal(.string(Self.hostile[(i + 3) % Self.hostile.count]))
            for q in ["hostile | where \(column) == \(value) | project n, \(column)",
                      "hostile | where \(column) contains \(value) or \(column) in [\(value), \"zz\"] | summarize c = count() by \(column) | sort by \(column)",
                      "hostile | extend copy = \(column) | where copy != \(value) | project n, copy | sort by n"]
            {
                engine.label = "hostile \(i + 1): \(q)"
                let session = Session(tables: [table])
                session.remoteEngine = engine
                let out = StringSink()
                #expect(ScriptRunner(session: session, format: .csv, output: out, errors: out).run(q, name: "<hostile>") == 0, "\(q): \(out.text)")
            }
        }
        for m in engine.mismatches { Issue.record(Comment(rawValue: "answers differ: \(m)")) }
        for e in engine.serverErrors { Issue.record(Comment(rawValue: "server error: \(e)")) }
        #expect(engine.compared == Self.hostile.filter(Self.nameable).count * 3)
    }

    /// The word rule: ClickHouse's hasToken keeps non-ASCII characters inside a token,
    /// evq does not; the translation (a regex with evq's boundaries) answers as evq does.
    @Test func wordSearchAgreesWhereHasTokenWouldNot() throws {
        guard let server = try ChdbServer.startOrExplain() else { return }
        let notes = ["drone_strike", "drone—strike", "Drone strike", "drones", "the drone.", "Ḍrone", "x-drone-y", "dronedrone", "«drone»"]
        var b = TableBuilder(name: "words")
        b.addColumn("notes", notes.map { .string($0) })
        let table = b.build(timeColumn: nil)
        let client = try ClickHouseClient(url: server.url)
        let engine = ComparingEngine(client: client)
        for q in [#"words | where notes has "drone" | project notes | sort by notes"#, #"words | where notes has "drone strike" | count"#] {
            engine.label = q
            let session = Session(tables: [table])
            session.remoteEngine = engine
            #expect(ScriptRunner(session: session, format: .csv, output: StringSink(), errors: StringSink()).run(q, name: "<q>") == 0)
        }
        #expect(engine.mismatches.isEmpty, "\(engine.mismatches)")
        #expect(engine.compared == 2)
        let evq = try Session(tables: [table]).query(#"words | where notes has "drone" | project notes"#).values(of: "notes")!
        #expect(evq == ["drone_strike", "drone—strike", "Drone strike", "the drone.", "x-drone-y", "«drone»"].map { .string($0) })
        let tokens = String(decoding: try client.send(
            "SELECT arrayFilter(n -> hasToken(lowerUTF8(n), 'drone'), [\(notes.map(SQLQuote.string).joined(separator: ", "))])\nFORMAT TSV"), as: UTF8.self)
        #expect(tokens == "['drone_strike','Drone strike','the drone.','x-drone-y']\n")
    }
}
