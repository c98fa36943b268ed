// A session whose queries run on a ClickHouse server: the server's tables described as
// stand-ins (names and types, no rows) for the checker, each mapped to its server table.

import EVQ
import EVQEngine
import EVQStore
import EVQSyntax
import Foundation

public enum ClickHouseSetup {
    /// `tables`: `NAME=SERVER_TABLE` pairs (default `events=events`).
    public static func session(client: ClickHouseClient, tables: [String], mapping: ColumnMapping) throws(EVQError) -> Session {
        let session = Session()
        let engine = ClickHouseEngine(client: client, translator: SQLTranslator())
        var servers: [ObjectIdentifier: String] = [:]
        for (name, server) in try parseTables(tables.isEmpty ? ["events=events"] : tables) {
            do {
                let table = try engine.describe(name, serverTable: server, mapping: mapping)
                servers[ObjectIdentifier(table)] = server
                session.addTable(table)
                session.catalog.remoteTables.insert(name)
            } catch {
                throw EVQError(.data("--table \(name)=\(server): \(error.message)"))
            }
        }
        let known = servers
        engine.translator = SQLTranslator(
            serverTable: { known[ObjectIdentifier($0)] },
            serverColumn: { table, column in mapping.sql(table: table.name, column: column) },
            standInTables: true)
        session.remoteEngine = engine
        return session
    }

    /// `NAME=TABLE` (or `TABLE`, named as itself without its database).
    public static func parseTables(_ arguments: [String]) throws(EVQError) -> [(name: String, server: String)] {
        var out: [(String, String)] = []
        for a in arguments {
            let parts = a.split(separator: "=", maxSplits: 1).map(String.init)
            guard let server = parts.last, !server.isEmpty, parts.allSatisfy({ !$0.isEmpty }) else {
                throw EVQError(.usage("--table needs NAME=TABLE such as events=db.gdelt, found '\(a)'"))
            }
            out.append((parts.count == 2 ? parts[0] : String(server.split(separator: ".").last!), server))
        }
        return out
    }

    /// `--columns`: a named input format (acled, gdelt2-events, ...) or a mapping file.
    public static func mapping(_ argument: String?) throws(EVQError) -> ColumnMapping {
        guard let argument else { return ColumnMapping() }
        if let format = EventFormat(rawValue: argument) { return ColumnMapping.format(format) }
        guard let data = FileManager.default.contents(atPath: argument) else {
            if !argument.contains("/") && !argument.contains(".") {
                throw EVQError(.usage("--columns \(argument): neither a format (\(EventFormat.allCases.map(\.rawValue).joined(separator: ", "))) nor a file"))
            }
            throw EVQError(.missingInput("--columns \(argument): no such file"))
        }
        do {
            return try ColumnMapping.parse(String(decoding: data, as: UTF8.self), file: argument)
        } catch {
            throw EVQError(.usage(error.message))
        }
    }

    /// The password of `--password-file`: the file's first line.
    public static func password(file: String?) throws(EVQError) -> String? {
        guard let file else { return nil }
        guard let data = FileManager.default.contents(atPath: file) else { throw EVQError(.missingInput("--password-file \(file): cannot read the file")) }
        return String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).first.map(String.init) ?? ""
    }
}

/// `evq sql`: an engine that runs each plan in evq (so `let` tables and subqueries get their
/// values) and keeps the ClickHouse SQL of each, in the order evq ran them.
public final class SQLRecorder: RemoteEngine {
    public var translator: SQLTranslator
    public private(set) var statements: [String] = []

    public init(translator: SQLTranslator) { self.translator = translator }

    public func run(_ plan: Plan, catalog: Catalog, isCancelled: @escaping @Sendable () -> Bool) throws(EngineError) -> QueryResult {
        do { statements.append(try translator.translate(plan, catalog: catalog).sql) } catch { throw .diagnostic(error) }
        return try Executor(catalog: catalog, context: ExecutionContext(isCancelled: isCancelled)).run(plan)
    }

    public func explain(_ plan: Plan, catalog: Catalog) throws(Diagnostic) -> String {
        let sql = try translator.translate(plan, catalog: catalog).sql
        statements.append(sql)
        return sql + "\n"
    }
}
