// What can go wrong with a store on disk, each naming the file (and section) at fault.

import Foundation

public enum StoreError: Error, CustomStringConvertible, Equatable {
    /// The directory holds no manifest (not a store, or nothing committed yet).
    case notAStore(String)
    /// A file's bytes are not what the writer wrote: `file`, the section (or "header",
    /// "directory", "manifest") and what is wrong.
    case corrupt(file: String, section: String, detail: String)
    /// Written by a newer evq whose format this one cannot read.
    case newerFormat(file: String, version: Int)
    /// Another process holds the writer's lock.
    case locked(store: String, pid: Int32?)
    /// A system call failed (a full disk, no permission...).
    case io(path: String, message: String)
    /// Appending rows whose columns differ from the table's in the store.
    case schemaMismatch(table: String, detail: String)
    /// A column the store cannot hold (lists).
    case unsupported(String)
    case cancelled

    public var description: String {
        switch self {
        case .notAStore(let dir): "\(dir): not an evq store (no MANIFEST); create one with 'evq ingest FILE --store \(dir)'"
        case .corrupt(let file, let section, let detail): "\(file): \(section): \(detail); the store is damaged (see 'evq check')"
        case .newerFormat(let file, let version):
            "\(file): written in store format \(version) by a newer evq; this evq reads format \(SegmentFormat.version) and older"
        case .locked(let store, let pid):
            "\(store): another evq is writing this store" + (pid.map { " (pid \($0))" } ?? "") + "; try again when it has finished"
        case .io(let path, let message): "\(path): \(message)"
        case .schemaMismatch(let table, let detail): "table \(table): \(detail)"
        case .unsupported(let what): what
        case .cancelled: "interrupted"
        }
    }

    /// An `io` error from the current `errno`.
    static func system(_ path: String, _ what: String) -> StoreError {
        let code = errno
        let reason =
            switch code {
            case ENOSPC: "the disk is full"
            case EDQUOT: "the disk quota is used up"
            case EFBIG: "the file is larger than allowed (a file size limit such as ulimit -f)"
            default: String(cString: strerror(code))
            }
        return .io(path: path, message: "\(what) failed: \(reason)")
    }
}
