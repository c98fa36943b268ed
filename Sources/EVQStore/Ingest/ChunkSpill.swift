// Where an ingest that writes segments keeps the chunks it has read until the column types
// are known (they depend on every text of the input): each chunk's cell ids and distinct
// texts (or numbers, `NumberCells`), in a file unlinked as soon as it is made, so no crash
// leaves it behind.

import Foundation

/// Unchecked: `write` hands each chunk to a queue of its own, which alone touches `end`,
/// `chunks` and `failure` while a chunk is in flight; callers read them after `finish`.
final class ChunkSpill: @unchecked Sendable {
    /// Named in errors; the file itself has no name once created.
    let path: String
    private let fd: Int32
    private var end = 0
    /// Per chunk, its row count and where each of its columns lies.
    private(set) var chunks: [(rows: Int, columns: [Record])] = []

    struct Record {
        var ids: Range<Int>
        var offsets: Range<Int>
        var storage: Range<Int>
        var unconvertible: Range<Int>
        /// A column kept as numbers: its values, and the rest of its `NumberCells` as they were.
        var numbers: (values: Range<Int>, cells: NumberCells)?
    }

    init(directory: String) throws(IngestError) {
        path = directory + "/ingest-\(getpid())-\(String(UInt32.random(in: 0 ... .max), radix: 16)).spill"
        fd = Foundation.open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw Self.failure(path, "create") }
        unlink(path)
    }

    /// Over a file already open, named `path` in errors (tests: a device whose writes fail).
    init(path: String, descriptor: Int32) {
        self.path = path
        fd = descriptor
    }

    deinit { close(fd) }

    /// Writes chunks while the next one is read: copying a chunk into the system's file cache
    /// took a third of reading 10 M events (3.2 s), on the thread that joins the parts, with
    /// the other core idle. One chunk at a time is in flight, so memory holds one more at most.
    private let queue = DispatchQueue(label: "evq.ingest.spill")
    private let inFlight = DispatchSemaphore(value: 1)
    private var failure: IngestError?

    /// Appends a chunk (every column's ids, `rows` each, and texts) on the spill's own thread,
    /// after the chunk before it; a failure is reported by `finish`, and no later chunk is written.
    func write(_ columns: [TableAccumulator.PendingColumn], rows: Int) {
        inFlight.wait()
        let chunk = UncheckedSendable(columns)
        queue.async { [self] in
            defer { inFlight.signal() }
            guard failure == nil else { return }
            do throws(IngestError) { try writeNow(chunk.value, rows: rows) } catch { failure = error }
        }
    }

    /// Waits for every chunk handed to `write`; throws the first failure to write one.
    func finish() throws(IngestError) {
        queue.sync {}
        if let failure { throw failure }
    }

    private func writeNow(_ columns: [TableAccumulator.PendingColumn], rows: Int) throws(IngestError) {
        var records: [Record] = []
        for c in columns {
            let ids = try append(c.ids)
            let offsets = try append(c.texts.offsets)
            let storage = try append(c.texts.storage)
            let unconvertible = try append(c.unconvertible)
            var numbers: (Range<Int>, NumberCells)? = nil
            if var cells = c.numbers {
                let values = try append(cells.values)
                cells.values = []
                numbers = (values, cells)
            }
            records.append(Record(ids: ids, offsets: offsets, storage: storage, unconvertible: unconvertible, numbers: numbers))
        }
        chunks.append((rows, records))
    }

    /// Chunk `k`'s columns, shaped as `template` (the accumulator's columns at the end):
    /// a column the chunk did not have yet is null in all its rows.
    func read(_ k: Int, like template: [TableAccumulator.PendingColumn]) throws(IngestError) -> [TableAccumulator.PendingColumn] {
        let (rows, records) = chunks[k]
        var out: [TableAccumulator.PendingColumn] = []
        for (i, t) in template.enumerated() {
            var c = TableAccumulator.PendingColumn(name: t.name, forced: t.forced, layout: t.layout)
            if i < records.count {
                let r = records[i]
                c.ids = try load(r.ids, UInt32.self)
                c.texts = ByteInterner(restoring: try load(r.storage, UInt8.self), offsets: try load(r.offsets, Int.self))
                c.unconvertible = try load(r.unconvertible, Bool.self)
                if var cells = r.numbers?.cells {
                    cells.values = try load(r.numbers!.values, UInt64.self)
                    c.numbers = cells
                }
            } else {
                c.ids = [UInt32](repeating: TableAccumulator.nullID, count: rows)
            }
            out.append(c)
        }
        return out
    }

    private func append<T: BitwiseCopyable>(_ values: [T]) throws(IngestError) -> Range<Int> {
        let start = end
        let done = values.withUnsafeBytes { raw -> Int in
            var at = 0
            while at < raw.count {
                let n = pwrite(fd, raw.baseAddress! + at, raw.count - at, off_t(start + at))
                if n < 0 {
                    if errno == EINTR { continue }
                    return -1
                }
                at += n
            }
            return at
        }
        guard done >= 0 else { throw Self.failure(path, "write") }
        end += done
        return start..<end
    }

    private func load<T: BitwiseCopyable>(_ range: Range<Int>, _: T.Type) throws(IngestError) -> [T] {
        let count = range.count / MemoryLayout<T>.stride
        var failed = false
        let values = [T](unsafeUninitializedCapacity: count) { out, initialized in
            let raw = UnsafeMutableRawBufferPointer(out)
            var at = 0
            while at < range.count {
                let n = pread(fd, raw.baseAddress! + at, range.count - at, off_t(range.lowerBound + at))
                if n < 0 && errno == EINTR { continue }
                if n <= 0 {
                    failed = true
                    break
                }
                at += n
            }
            initialized = failed ? 0 : count
        }
        if failed { throw Self.failure(path, "read") }
        return values
    }

    private static func failure(_ path: String, _ what: String) -> IngestError { .output(.system(path, what)) }
}
