// Opening a store on disk in a session: its tables become queryable, mapped from their
// files (read only; `evq ingest` and `StoreWriter` write stores).

import EVQStore
import Foundation

extension Session {
    /// A session over the store at `store`, read only.
    ///
    ///     let session = try Session(store: URL(fileURLWithPath: "syria.evq"))
    ///     try session.query("events | count")
    /// Data checksums are checked before the first statement that could read them (`.lazy`);
    /// `verify: .all` checks them at open, `.metadata` never (for stores `evq check` vouched for).
    public convenience init(store: URL, verify: StoreVerification = .lazy) throws(EVQError) {
        self.init()
        try openStore(store.path, verify: verify)
    }

    /// Adds the tables of the store at `path` (replacing tables of the same names); returns
    /// their names.
    @discardableResult
    public func openStore(_ path: String, verify: StoreVerification = .lazy) throws(EVQError) -> [StoreTable] {
        let store: Store
        do { store = try Store.open(path, verify: verify) } catch { throw EVQError(store: error) }
        for t in store.tables {
            if t.segments.isEmpty { addTable(t.table, as: t.name, buildIndexes: false) } else { addTable(SegmentedTable(name: t.name, segments: t.segments), buildIndexes: false) }
        }
        return store.tables
    }
}

extension EVQError {
    /// A store's error as evq reports it: a missing store directory is a missing input (exit
    /// 66), the rest data errors (exit 65).
    package init(store error: StoreError) {
        switch error {
        case .io(let path, "no such store directory"): self.init(.missingInput(path))
        case .cancelled: self.init(.cancelled)
        default: self.init(.data(error.description))
        }
    }
}
