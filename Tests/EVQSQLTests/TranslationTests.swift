// The SQL text itself: what `evq sql` prints for the issue's example (formatted, one clause
// per line), quoting of hostile text, and the positioned errors of what cannot be translated.

import EVQ
import EVQStore
import EVQShell
import Foundation
import Testing

@testable import EVQSQL

/// The SQL of each query of `text` over the samples, or the rendered error.
func sql(_ text: String, translator: SQLTranslator = SQLTranslator()) -> String {
    let session = SQLProject.sampleSession()
    let recorder = SQLRecorder(translator: translator)
    session.remoteEngine = recorder
    let errors = StringSink()
    _ = ScriptRunner(session: session, format: .csv, output: StringSink(), errors: errors).run(text, name: "<q>")
    return errors.text.isEmpty ? recorder.statements.joined(separator: ";\n") : errors.text
}

@Suite struct TranslationTests {
    @Test func theIssuesExampleIsReadableSQL() {
        #expect(sql(#"events | where country == "Syria" and date in 2017 | summarize killed = sum(fatalities) by month(date)"#) == """
            SELECT toStartOfMonth(date) AS date, accurateCastOrNull(sumOrNull(toInt128(fatalities)), 'Int64') AS killed
            FROM events
            WHERE country = 'Syria'
              AND date >= toDateTime64('2017-01-01 00:00:00', 0, 'UTC') AND date < toDateTime64('2018-01-01 00:00:00', 0, 'UTC')
            GROUP BY toStartOfMonth(date)
            ORDER BY min(date) ASC NULLS LAST
            SETTINGS prefer_column_name_to_alias = 1
            """)
    }

    @Test func stagesThatNeedANewSelectBecomeCTEs() {
        #expect(sql(#"events | summarize n = count() by actor1 | where n > 10 | top 3 by n"#) == """
            WITH
                s1 AS (
                    SELECT actor1, count() AS n, min(date) AS __evq_order_1
                    FROM events
                    GROUP BY actor1
                )
            SELECT actor1, n
            FROM s1
            WHERE n > 10
            ORDER BY n DESC NULLS LAST, __evq_order_1 ASC NULLS LAST
            LIMIT 3
            SETTINGS prefer_column_name_to_alias = 1
            """)
    }

    @Test func hostileValuesAndNamesAreQuoted() {
        #expect(SQLQuote.string("it's \\ -- /* */ \0 \n Ω") == #"'it\'s \\ -- /* */ \0 \n Ω'"#)
        #expect(SQLQuote.identifier("actor1") == "actor1")
        #expect(SQLQuote.identifier("select") == "`select`")
        #expect(SQLQuote.identifier("Event `Date` -- x\\") == #"`Event \`Date\` -- x\\`"#)
        #expect(sql(#"events | where notes == "x'); DROP TABLE events; --" | count"#).contains(#"WHERE notes = 'x\'); DROP TABLE events; --'"#))
    }

    @Test func wordSearchFollowsEvqsWordRuleNotHasToken() {
        // The regex bounds words where evq does: `_` and `—` separate words.
        #expect(SQLExpressionPrinter.wordRegex(["drone", "strike"]) == #"(?:^|[^\p{L}\p{M}\p{N}])drone[^\p{L}\p{M}\p{N}]+strike(?:[^\p{L}\p{M}\p{N}]|$)"#)
        #expect(WordIndex.words(in: "a drone_strike—Haifa") == ["a", "drone", "strike", "haifa"])
    }

    @Test func globsBecomeLikePatternsWithWildcardsOfTheirOwnEscaped() {
        #expect(SQLExpressionPrinter.likePattern("A*b?_%\\") == #"a%b_\_\%\\"#)
    }

    @Test func untranslatableConstructsArePositionedErrors() {
        #expect(sql(#"events | project d = todatetime(notes)"#) == """
            <q>:1:22: error: cannot translate todatetime() to ClickHouse SQL yet
             1 | events | project d = todatetime(notes)
               |                      ^^^^^^^^^^^^^^^^^ evq's time layouts have no ClickHouse parser that agrees with them on every input

            """)
        // A server table without a time column has no row order the server knows.
        #expect(sql(#"actors | summarize f = first(name) by kind"#) == """
            <q>:1:24: error: cannot translate first() over rows in no defined order to ClickHouse SQL yet
             1 | actors | summarize f = first(name) by kind
               |                        ^^^^^^^^^^^ evq's first row of a group is the first in the input's order; sort first

            """)
        #expect(sql(#"actors | take 3"#).hasPrefix(
            "<q>:1:1: error: cannot translate 'take' over rows in no defined order to ClickHouse SQL yet"))
    }

    @Test func groupsComeInTheOrderOfTheirFirstRow() {
        // evq numbers groups as their first rows appear: the SQL orders them so, and take keeps that order.
        #expect(sql(#"events | summarize n = count() by actor1 | take 3"#) == """
            SELECT actor1, count() AS n
            FROM events
            GROUP BY actor1
            ORDER BY min(date) ASC NULLS LAST
            LIMIT 3
            SETTINGS prefer_column_name_to_alias = 1
            """)
        #expect(sql(#"events | summarize v = values(location), f = first(admin1) by country"#).contains(
            "arrayDistinct(arrayMap(v -> v.2, arraySort(groupArrayIf(tuple(date, location), isNotNull(location))))) AS v, argMin(tuple(admin1), date).1 AS f"))
    }

    @Test func joinsAndSequencesAreClickHouseJoins() {
        let semi = sql(#"events | join kind=leftsemi actors on $left.actor1 == $right.name | count"#)
        #expect(semi.contains("AS l\nLEFT SEMI JOIN s2 AS r ON l.actor1 = r.name"), "\(semi)")
        #expect(semi.hasSuffix("SETTINGS prefer_column_name_to_alias = 1, join_use_nulls = 1"))
        let sequence = sql(#"events | sequence within 3d [where subtype == "Air/drone strike"] as s by actor1 [where subtype == "Attack"] as a by actor2 | count"#)
        #expect(sequence.contains("FROM s7 AS a ASOF INNER JOIN s8 AS b ON a.__evq_k1 = b.__evq_k1 AND a.__evq_o < b.__evq_o"), "\(sequence)")
        #expect(sequence.contains("QUALIFY __evq_arrival = max(__evq_arrival) OVER (PARTITION BY __evq_o)"))
        #expect(sequence.contains("WHERE __evq_s = 1 AND __evq_t - __evq_t0 <= 259200"))
    }

    @Test func latestIsAnErrorOnStandInTables() {
        #expect(sql("events | where date > latest() - 7d | count", translator: SQLTranslator(standInTables: true)).hasPrefix(
            "<q>:1:23: error: cannot translate latest() to ClickHouse SQL yet"))
    }

    @Test func namedFormatsMapCanonicalColumns() throws {
        let m = ColumnMapping.format(.acled)
        #expect(m.sql(table: "events", column: "date") == "event_date")
        #expect(m.sql(table: "events", column: "actor1") == "actor1")
        let g = ColumnMapping.format(.gdelt2)
        #expect(g.sql(table: "events", column: "actor1") == "Actor1Name")
        #expect(g.sql(table: "events", column: "type").hasPrefix("transform(toString(EventRootCode), ['01', '02'"))
        let f = try ColumnMapping.parse("# comment\ndate\tevent_date\nactors.name\tactor name\n", file: "map.tsv")
        #expect(f.sql(table: "actors", column: "name") == "`actor name`")
        #expect(throws: Diagnostic.self) { try ColumnMapping.parse("date event_date\n", file: "map.tsv") }
        do { _ = try ColumnMapping.parse("ok\tfine\nbad line\n", file: "map.tsv") } catch {
            #expect(error.message == "map.tsv:2: expected 'evq_column<TAB>server_column', found 'bad line'")
        }
    }
}
