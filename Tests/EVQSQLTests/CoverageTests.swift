// Every operator and function the translator handles, each in a query of its own over the
// samples (nulls included: subtype, admin1, lat and date_end have them), compared with evq's
// answer on the chdb stand-in; and a table of hostile names and values (quotes, backslashes,
// comment markers, NUL, Unicode) that must come back unchanged.

import EVQ
import EVQStore
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
        // groups in the order of their first row; take, tail, first, last, values over it
        #"events | summarize n = count() by actor1 | take 5"#,
        #"events | summarize n = count(), k = sum(fatalities) by admin1, type | tail 4"#,
        #"events | distinct country | take 2"#,
        #"events | sort by fatalities desc | distinct actor1 | take 6"#,
        #"events | where country == "Syria" | summarize f = first(admin1), l = last(admin1), v = values(type), fd = first(date), ld = last(location) by year = year(date)"#,
        #"events | where id startswith "seed-" | summarize v = values(actor2), f = first(actor2), l = last(subtype)"#,
        #"events | count | take 1"#,
        // joins of every kind, lookup with several matches, int meeting float, null keys
        #"events | where id startswith "seed-" | join [actors | project name, kind] on $left.actor2 == $right.name | project id, actor2, kind"#,
        #"events | where id startswith "seed-" | join kind=leftouter [actors | project name, backer] on $left.actor1 == $right.name"#,
        #"events | where id startswith "seed-" | join kind=rightouter [actors | where country == "Iran"] on $left.actor1 == $right.name | project id, name, kind"#,
        #"events | where id startswith "seed-" | join kind=fullouter [actors | where country == "Lebanon" or country == "Iran"] on $left.actor2 == $right.name | project id, actor2, name"#,
        #"events | where id startswith "seed-" | join kind=leftsemi actors on $left.actor2 == $right.name | project id, actor2"#,
        #"events | where id startswith "seed-" | join kind=leftanti actors on $left.actor2 == $right.name | project id, actor2"#,
        #"events | where id startswith "seed-" | project id, f = fatalities | join [events | where id startswith "seed-" | project g = tofloat(fatalities) + 0.0, other = id] on $left.f == $right.g | where id != other | summarize n = count() by f"#,
        #"let k = events | where id startswith "seed-" | project actor1, place = location; events | where id startswith "seed-" | lookup k on actor1 | project id, actor1, place"#,
        #"events | where id startswith "seed-" | lookup actors on actor2 = name | project id, actor2, kind, backer"#,
        // sequences: both modes, three steps, until, keys shared and per step
        #"events | where date in 2017 | sequence within 10d [where actor1 == "Government of Syria"] as a by admin1 [where actor1 == "IS"] as b by admin1 [where actor1 == "Government of Syria"] as c by admin1 | project a.id, b.id, c.id, span"#,
        #"events | where date in 2017 | sequence mode=every within 10d [where actor1 == "Government of Syria"] as a by admin1 [where actor1 == "IS"] as b by admin1 [where actor1 == "Government of Syria"] as c by admin1 until [where fatalities > 50] by admin1 | project a.id, b.id, c.id, span"#,
        #"events | where date in 2018 | sequence by admin1 within 2d [where fatalities > 10] as big [where fatalities == 0] as none until [where type == "One-sided violence"] | summarize n = count(), longest = max(span) by big.admin1"#,
        #"sequence within 30d [events | where actor2 == "IS"] as hit by actor2 [events | where actor1 == "IS"] as answer by actor1 | take 10 | project hit.id, answer.id"#,
        // text by characters, trimming, times from parts, overflow to null
        #"events | where id startswith "seed-" | project a = strlen(actor1), b = substring(location, 1, 3), c = substring(actor1, 5), d = substring(actor1, -2, 40), t = trim(strcat("  ", location, "\t "))"#,
        #"events | take 3 | project e = make_datetime(2023, 2, 29), f = make_datetime(2024, 2, 29, 23, 59, 60), g = make_datetime(2024, 13, 1), h = make_datetime(2024, 4, 30, 24, 0)"#,
        #"events | where id startswith "seed-" | project id, big = 9223372036854775807 - fatalities + 1, neg = -(fatalities - 9223372036854775807 - 1), m = fatalities * 4611686018427387904"#,
        #"events | extend x = fatalities * 1000000000000000 | summarize s = sum(x), t = sum(fatalities) by type"#,
        // near, a point and a place
        #"events | where near(36.2, 37.16, 10mi) | count"#,
        #"events | where near("Ar Raqqah town", 25km) and date in 2017-06 | summarize events = count(), killed = sum(fatalities)"#,
        #"events | where id startswith "seed-" | project a = toint(date), b = tofloat(fatalities > 0), c = toint(date_end - date)"#,
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

    /// A query for each construct the reference lists as untranslatable: the list must name
    /// exactly the constructs that fail, each must still fail, at its place.
    static let untranslatable: [String: (query: String, standIn: Bool)] = [
        "todatetime()": (#"events | project d = todatetime(notes)"#, false),
        "tostring() of float": (#"events | project t = tostring(lat)"#, false),
        "tostring() of time": (#"events | project t = tostring(date)"#, false),
        "tostring() of duration": (#"events | project t = tostring(date_end - date)"#, false),
        "tostring() of bool": (#"events | project t = tostring(fatalities > 1)"#, false),
        "strcat() of float": (#"events | project t = strcat(location, lat)"#, false),
        "latest()": (#"events | where date > latest() - 7d | count"#, true),
        "'take' over rows in no defined order": (#"actors | take 3"#, false),
        "'tail' over rows in no defined order": (#"actors | tail 3"#, false),
        "first() over rows in no defined order": (#"actors | summarize f = first(name) by kind"#, false),
        "last() over rows in no defined order": (#"actors | summarize l = last(name) by kind"#, false),
        "values() over rows in no defined order": (#"actors | summarize v = values(name) by kind"#, false),
    ]

    @Test func theReferenceListsExactlyWhatDoesNotTranslate() {
        let section = EqualityTests.documentedUntranslatable()
        guard let list = section.range(of: "These cannot be translated") else {
            Issue.record("the reference's \"On ClickHouse\" section has no list of what cannot be translated")
            return
        }
        // Each bullet's constructs: the backquoted names before its reason.
        var listed: [String] = []
        for bullet in section[list.upperBound...].components(separatedBy: "\n- ").dropFirst() {
            let names = bullet.components(separatedBy: "`:")[0].replacing(/\s+/, with: " ")
            listed += names.matches(of: /`([^`]+)`?/).map { String($0.output.1) }
        }
        #expect(Set(listed) == Set(Self.untranslatable.keys), "listed: \(listed.sorted())")
        for (construct, c) in Self.untranslatable {
            let text = sql(c.query, translator: SQLTranslator(standInTables: c.standIn))
            #expect(text.contains("error: cannot translate \(construct) to ClickHouse SQL"), "\(construct): \(text)")
        }
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

    /// Case: evq lower-cases by Unicode's full mappings without context; lowerUTF8 (ICU) has the
    /// same mappings but makes a final capital sigma 'ς'. The translation maps Σ to σ first, so
    /// every caseless operator and tolower agree, on letters whose lower case is longer (İ) too.
    @Test func caselessOperatorsFoldAsEvqDoes() throws {
        guard let server = try ChdbServer.startOrExplain() else { return }
        let names = ["ΣΑΣ", "σας", "σασ", "İstanbul", "i̇stanbul", "STRASSE", "Straße", "ẞ", "K", "Ǆemal", "ǆemal", "ÀÉÎ"]
        var b = TableBuilder(name: "names")
        b.addColumn("name", names.map { .string($0) })
        let table = b.build(timeColumn: nil)
        let client = try ClickHouseClient(url: server.url)
        let engine = ComparingEngine(client: client)
        for q in [#"names | where name =~ "σασ" | project name | sort by name"#, #"names | where name =~ "İSTANBUL" | count"#,
                  #"names | where name in~ ["ΣΑΣ", "ǅEMAL", "k"] | project name | sort by name"#, #"names | where name !~ "ß" | count"#,
                  #"names | where name contains "ας" or name startswith "straß" or name endswith "Σ" | project name | sort by name"#,
                  #"names | project l = tolower(name), u = toupper(name) | sort by l, u"#]
        {
            engine.label = q
            let session = Session(tables: [table])
            session.remoteEngine = engine
            #expect(ScriptRunner(session: session, format: .csv, output: StringSink(), errors: StringSink()).run(q, name: "<q>") == 0)
        }
        #expect(engine.mismatches.isEmpty, "\(engine.mismatches)")
        #expect(engine.serverErrors.isEmpty, "\(engine.serverErrors)")
        #expect(engine.compared == 6)
        // The difference the Σ mapping takes away.
        let raw = String(decoding: try client.send("SELECT lowerUTF8('ΣΑΣ'), \(SQLExpressionPrinter.lower("'ΣΑΣ'"))\nFORMAT TSV"), as: UTF8.self)
        #expect(raw == "σας\tσασ\n")
        #expect("ΣΑΣ".lowercased() == "σασ")
    }

    /// Counting characters: evq counts grapheme clusters; text where one is several code points
    /// is a server error naming the function, never a different count.
    @Test func characterCountsAgreeOrFail() throws {
        guard let server = try ChdbServer.startOrExplain() else { return }
        var b = TableBuilder(name: "texts")
        b.addColumn("t", [.string("plain"), .string("Ωμέγα"), .string("e\u{301}te")])
        let table = b.build(timeColumn: nil)
        let client = try ClickHouseClient(url: server.url)
        let engine = ComparingEngine(client: client)
        engine.label = "strlen"
        let session = Session(tables: [table])
        session.remoteEngine = engine
        _ = ScriptRunner(session: session, format: .csv, output: StringSink(), errors: StringSink()).run(#"texts | take 2 | project n = strlen(t)"#, name: "<q>")
        _ = ScriptRunner(session: session, format: .csv, output: StringSink(), errors: StringSink()).run(#"texts | project n = strlen(t)"#, name: "<q>")
        #expect(engine.compared == 1 && engine.mismatches.isEmpty, "\(engine.mismatches)")
        #expect(engine.serverErrors.count == 1)
        #expect(engine.serverErrors.first?.contains("strlen() of text with characters of several code points") == true, "\(engine.serverErrors)")
        #expect(try Session(tables: [table]).query("texts | project n = strlen(t)").values(of: "n") == [.int(5), .int(5), .int(3)])
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
