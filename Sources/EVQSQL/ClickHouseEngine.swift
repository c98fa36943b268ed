// Runs evq's plans on a ClickHouse server: the plan translated, sent over HTTP, and the
// answer turned back into an evq table, so the same formats and exit codes apply. `explain`
// shows the SQL sent and the server's own EXPLAIN.

import EVQ
import EVQEngine
import EVQStore
import EVQSyntax
import Foundation

public final class ClickHouseEngine: RemoteEngine {
    public let client: ClickHouseClient
    public var translator: SQLTranslator
    /// The format asked of the server: typed, one JSON array per row.
    static let format = "JSONCompactEachRowWithNamesAndTypes"

    public init(client: ClickHouseClient, translator: SQLTranslator) {
        self.client = client
        self.translator = translator
    }

    public func run(_ plan: Plan, catalog: Catalog, isCancelled: @escaping @Sendable () -> Bool) throws(EngineError) -> QueryResult {
        let t: SQLTranslation
        do { t = try translator.translate(plan, catalog: catalog) } catch { throw .diagnostic(error) }
        let body: Data
        do {
            body = try client.send(t.sql + "\nFORMAT " + Self.format, isCancelled: isCancelled)
        } catch {
            if error == .cancelled { throw .cancelled }
            throw .diagnostic(Diagnostic(error.message, at: .none))
        }
        do {
            let table = try ClickHouseRows.table(body, output: plan.output)
            return QueryResult(table: table, stats: QueryStats(rowsExamined: table.rowCount, rowsInSource: table.rowCount))
        } catch {
            throw .diagnostic(error)
        }
    }

    public func explain(_ plan: Plan, catalog: Catalog) throws(Diagnostic) -> String {
        let sql = try translator.translate(plan, catalog: catalog).sql
        let server: String
        do {
            server = String(decoding: try client.send("EXPLAIN " + sql + "\nFORMAT TSVRaw"), as: UTF8.self)
        } catch {
            throw Diagnostic(error.message, at: .none)
        }
        return "-- the SQL sent to \(client.url.absoluteString)\n\(sql)\n\n-- the server's EXPLAIN\n\(server)"
            + (server.hasSuffix("\n") ? "" : "\n")
    }

    /// Stand-ins for server tables: each one's columns, named as evq names them (through the
    /// mapping) with evq's types, and no rows. The checker needs no more.
    public func describe(_ name: String, serverTable: String, mapping: ColumnMapping) throws(Diagnostic) -> Table {
        let body: Data
        do {
            body = try client.send("DESCRIBE TABLE \(serverTable.split(separator: ".", maxSplits: 1).map { SQLQuote.identifier(String($0)) }.joined(separator: "."))\nFORMAT " + Self.format)
        } catch {
            throw Diagnostic(error.message, at: .none)
        }
        var columns: [Column] = []
        var types: [String: DataType] = [:]
        // DESCRIBE's rows: name, type, then defaults, comments, codecs...
        for row in try ClickHouseRows.cells(body).dropFirst(2) {
            guard row.count >= 2, let server = row[0] as? String, let type = row[1] as? String,
                  let evqType = ClickHouseTypes.evqType(of: type) else { continue }
            types[server] = evqType
            columns.append(TableBuilder.makeColumn(name: server, values: [], type: evqType))
        }
        // The mapped (canonical) names come after the server's own, as evq's importer adds them;
        // a mapped expression (coded labels) is text.
        for (column, sql) in (mapping.columns[name] ?? [:]).sorted(by: { $0.key < $1.key }) where types[column] == nil {
            let type = mapping.serverColumnName(table: name, column: column).flatMap { types[$0] } ?? .string
            columns.append(TableBuilder.makeColumn(name: column, values: [], type: sql.contains("(") ? .string : type))
        }
        let time = columns.firstIndex { $0.name == "date" && $0.type == .time } ?? columns.firstIndex { $0.type == .time }
        return Table(name: name, columns: columns, rowCount: 0, timeColumnIndex: time)
    }
}
