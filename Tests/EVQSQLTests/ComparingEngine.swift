// The equality suite's engine: every plan runs in evq and, translated, on the chdb stand-in
// over the same rows (each table the plan reads is copied there first); the two answers are
// compared, and evq's is handed on so the script goes on as it would.

import EVQ
import EVQEngine
@testable import EVQSQL
import Foundation

final class ComparingEngine: RemoteEngine {
    let client: ClickHouseClient
    var label = ""
    private var exported: [ObjectIdentifier: String] = [:]
    private(set) var compared = 0
    private(set) var mismatches: [String] = []
    /// (label, construct, message) of each plan that has no translation.
    private(set) var untranslatable: [(label: String, construct: String, message: String)] = []
    private(set) var serverErrors: [String] = []

    init(client: ClickHouseClient) { self.client = client }

    func run(_ plan: Plan, catalog: Catalog, isCancelled: @escaping @Sendable () -> Bool) throws(EngineError) -> QueryResult {
        let local = try Executor(catalog: catalog, context: ExecutionContext(isCancelled: isCancelled)).run(plan)
        guard let translation = translate(plan, catalog) else { return local }
        do {
            let body = try client.send(translation.sql + "\nFORMAT JSONCompactEachRowWithNamesAndTypes")
            let remote = try ClickHouseRows.table(body, output: plan.output)
            compared += 1
            if let difference = AnswerComparison.difference(local.table, remote, translation) {
                mismatches.append("\(label): \(difference)\n\(translation.sql)")
            }
        } catch {
            serverErrors.append("\(label): \(error)\n\(translation.sql)")
        }
        return local
    }

    func explain(_ plan: Plan, catalog: Catalog) throws(Diagnostic) -> String {
        // The server must accept the SQL; evq's own plan is what the script prints.
        if let t = translate(plan, catalog) {
            do { _ = try client.send("EXPLAIN " + t.sql + "\nFORMAT TSVRaw"); compared += 1 } catch {
                serverErrors.append("\(label) (explain): \(error.message)\n\(t.sql)")
            }
        }
        return plan.explain(showPasses: true) + "\n"
    }

    private func translate(_ plan: Plan, _ catalog: Catalog) -> SQLTranslation? {
        for ref in Self.tables(plan.root) {
            guard let table = catalog.table(named: ref.name), exported[ObjectIdentifier(table)] == nil else { continue }
            export(table)
        }
        let names = exported
        do {
            return try SQLTranslator(serverTable: { names[ObjectIdentifier($0)] }, rowOrder: { _ in ClickHouseExport.rowNumber })
                .translate(plan, catalog: catalog)
        } catch {
            let m = error.message
            let construct = m.components(separatedBy: "cannot translate ").last?.components(separatedBy: " to ClickHouse SQL").first ?? m
            untranslatable.append((label, construct, m))
            return nil
        }
    }

    private func export(_ table: Table) {
        let name = "evq_\(exported.count + 1)"
        do {
            _ = try client.send(ClickHouseExport.createTable(table, as: name, numbered: true))
            if table.rowCount > 0 { _ = try client.send("INSERT INTO \(name) FORMAT JSONEachRow", data: ClickHouseExport.rows(table, numbered: true)) }
            exported[ObjectIdentifier(table)] = name
        } catch {
            serverErrors.append("export of \(table.name): \(error.message)")
        }
    }

    static func tables(_ node: PlanNode) -> [TableRef] {
        switch node {
        case .scan(let t, _): return [t]
        case .lookup(let input, let right, _, _, _): return tables(input) + [right]
        case .join(let input, let j): return tables(input) + tables(j.right)
        case .sequence(let s): return (s.steps + (s.until.map { [$0] } ?? [])).flatMap { tables($0.plan) }
        case .filter(let i, _), .project(let i, _), .sort(let i, _), .limit(let i, _), .top(let i, _, _), .aggregate(let i, _, _, _),
             .count(let i), .distinct(let i, _), .tail(let i, _):
            return tables(i)
        @unknown default: return []
        }
    }
}
