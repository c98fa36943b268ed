// Lazy checksums of a store's data: before a statement runs, the data sections of the store
// tables it can read are checked, each once per session (`Store.verifyData`), so damage is a
// data error naming the file and section instead of a wrong answer or a crash.

import EVQStore
import EVQSyntax

extension Session {
    /// Checks what no earlier statement checked of the tables `statement` can read: those it
    /// names, and the default table, which `latest()` and place names read unnamed. A bare
    /// `TABLE | count` reads no data (the row count is the directory's), so it checks nothing.
    /// `tokens` are the statement's file's; nil checks every table.
    func verifyStoreData(for statement: Statement, tokens: [Token]?) throws(EVQError) {
        if Self.readsOnlyRowCount(statement) { return }
        var named: Set<String>? = nil
        if let tokens {
            var names: Set<String> = [catalog.defaultTable]
            // Tokens are in text order: find the statement's first by binary search, so that a
            // script of many statements costs each statement its own tokens only.
            var lo = 0, hi = tokens.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if tokens[mid].span.start < statement.span.start { lo = mid + 1 } else { hi = mid }
            }
            for t in tokens[lo...] {
                if t.span.start >= statement.span.end { break }
                switch t.kind {
                case .identifier(let s), .quotedIdentifier(let s), .string(let s): names.insert(s)
                default: break
                }
            }
            named = names
        }
        func reads(_ name: String) -> Bool { named?.contains(name) ?? true }
        var tables = catalog.tables.filter { reads($0.key) }.map(\.value)
        tables += catalog.segmentedTables.filter { reads($0.key) }.flatMap(\.value.segments)
        for table in tables {
            do { try Store.verifyData(of: table) } catch { throw EVQError(store: error) }
        }
    }

    /// `TABLE | count`: answered from the table's row count alone.
    static func readsOnlyRowCount(_ statement: Statement) -> Bool {
        guard case .query(let q) = statement.kind, case .name = q.source.kind, q.stages.count == 1, case .count = q.stages[0].kind else { return false }
        return true
    }
}
