// The SQL text itself: what `evq sql` prints for the issue's example (formatted, one clause
// per line), quoting of hostile text, and the positioned errors of what cannot be translated.

import EVQ
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
            SELECT toStartOfMonth(date) AS date, sumOrNull(fatalities) AS killed
            FROM events
            WHERE country = 'Syria'
              AND date >= toDateTime64('2017-01-01 00:00:00', 0, 'UTC') AND date < toDateTime64('2018-01-01 00:00:00', 0, 'UTC')
            GROUP BY toStartOfMonth(date)
            SETTINGS prefer_column_name_to_alias = 1
            """)
    }

    @Test func stagesThatNeedANewSelectBecomeCTEs() {
        #expect(sql(#"events | summarize n = count() by actor1 | where n > 10 | top 3 by n"#) == """
            WITH
                s1 AS (
                    SELECT actor1, count() AS n
                    FROM events
                    GROUP BY actor1
                )
            SELECT actor1, n
            FROM s1
            WHERE n > 10
            ORDER BY n DESC NULLS LAST
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
        #expect(sql(#"events | project n = strlen(actor1)"#) == """
            <q>:1:22: error: cannot translate strlen() to ClickHouse SQL yet
             1 | events | project n = strlen(actor1)
               |                      ^^^^^^^^^^^^^^ evq counts characters (grapheme clusters), ClickHouse code points

            """)
        #expect(sql(#"events | summarize v = values(location)"#) == """
            <q>:1:24: error: cannot translate values() to ClickHouse SQL yet
             1 | events | summarize v = values(location)
               |                        ^^^^^^^^^^^^^^^^ use dcount() or summarize by the column

            """)
        #expect(sql(#"events | summarize n = count() by actor1 | take 3"#).hasPrefix(
            "<q>:1:1: error: cannot translate 'take' over rows in no defined order to ClickHouse SQL yet"))
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
