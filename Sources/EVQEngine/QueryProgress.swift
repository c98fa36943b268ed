// How far a running query got, for the prompt's progress line: rows handed through the
// executor's batch loops, counted once per batch of 2,048 at its existing Ctrl-C checkpoint
// (never per row), and read from another thread while the query runs.

import Synchronization

public final class QueryProgress: Sendable {
    private let rows = Atomic<Int>(0)

    public init() {}

    /// Rows that went through the operators' batch loops so far (a row that two operators
    /// read counts twice): it grows while the query works, and says by how much.
    public var rowsProcessed: Int { rows.load(ordering: .relaxed) }

    func add(rows n: Int) { rows.wrappingAdd(n, ordering: .relaxed) }

    /// Starts the count again, for the next statement.
    public func reset() { rows.store(0, ordering: .relaxed) }
}
