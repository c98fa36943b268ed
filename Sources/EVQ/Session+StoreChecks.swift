// Lazy checksums of a store's data: before a statement runs, the data sections of the store
// tables it can read are checked, each once per session (`Store.verifyData`), so damage is a
// data error naming the file and section instead of a wrong answer or a crash.

import EVQStore

extension Session {
    /// Checks what no earlier statement checked; a table not mapped from a store costs a lookup.
    func verifyStoreData() throws(EVQError) {
        let segments = catalog.segmentedTables.values.flatMap(\.segments)
        for table in Array(catalog.tables.values) + segments {
            do { try Store.verifyData(of: table) } catch { throw EVQError(store: error) }
        }
    }
}
