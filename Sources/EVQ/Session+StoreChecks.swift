// Lazy checksums of a store's data: before a statement runs, the data sections of the store
// tables it can read are checked, each once per session (`Store.verifyData`), so damage is a
// data error naming the file and section instead of a wrong answer or a crash. Of the table
// a query reads its rows from, only the columns it names (and the time column) are checked
// and decoded when it cannot return whole rows: the first query over a store costs what it
// reads, not the whole store.

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
        var tables = catalog.tables.filter { reads($0.key) }.map { ($0.key, [$0.value]) }
        tables += catalog.segmentedTables.filter { reads($0.key) }.map { ($0.key, $0.value.segments) }
        // The source table's columns that the statement names, when that is all it can read:
        // a query of 10 M events that counts by country reads two columns, not the notes.
        let source = named.flatMap { Self.columnsRead(by: statement, naming: $0) }
        for (name, segments) in tables {
            for table in segments {
                var columns: Set<Int>? = nil
                if let source, source.table == name {
                    var set = Set(table.columns.indices.filter { source.names.contains(table.columns[$0].name) })
                    if let t = table.timeColumnIndex { set.insert(t) }  // time filters, latest(), order
                    columns = set
                }
                do { try Store.verifyData(of: table, columns: columns) } catch { throw EVQError(store: error) }
            }
        }
    }

    /// The table a query statement reads its rows from and the names that may be its columns
    /// there (every name the statement spells), when those are all of that table it can read.
    /// Nil when it may read every column: it returns whole rows (no `project`, `summarize`,
    /// `distinct` or `count` among its stages), its source is not a table, or it has a stage
    /// whose columns are not all spelled out (`lookup`, `join`, `sequence`, `chart`) or calls
    /// `near`, which finds the coordinate and place columns itself.
    static func columnsRead(by statement: Statement, naming names: Set<String>) -> (table: String, names: Set<String>)? {
        let query: Query
        switch statement.kind {
        case .query(let q), .explain(let q), .explainAnalyze(let q): query = q
        default: return nil
        }
        guard case .name(let table, _) = query.source.kind, !names.contains("near") else { return nil }
        var wholeRows = true
        for stage in query.stages {
            switch stage.kind {
            case .project, .summarize, .distinct, .count: wholeRows = false
            case .where, .extend, .sort, .take, .top, .tail: break
            default: return nil
            }
        }
        return wholeRows ? nil : (table, names)
    }

    /// `TABLE | count`: answered from the table's row count alone.
    static func readsOnlyRowCount(_ statement: Statement) -> Bool {
        guard case .query(let q) = statement.kind, case .name = q.source.kind, q.stages.count == 1, case .count = q.stages[0].kind else { return false }
        return true
    }
}
