// A part of a store file read the first time it is needed: an encoded section is decoded into
// the heap then, once, so that opening a store stays proportional to its metadata. Readers
// after the first pay one atomic load (per-row accessors such as `Column.isNull(_:)` go
// through it).

import Synchronization

/// What reads one value from a store file (decoding its sections); throws `.corrupt` naming
/// the file and section when the bytes cannot be what the directory says.
public typealias StoredLoad<T> = @Sendable () throws(StoreError) -> T

/// `T`, loaded at most once, by whichever thread asks first.
public final class LoadOnce<T>: @unchecked Sendable {
    private let slot: UnsafeMutablePointer<T?>
    private let ready = Atomic<Bool>(false)
    private let lock = Mutex(())
    private let load: StoredLoad<T>

    public init(_ load: @escaping StoredLoad<T>) {
        self.load = load
        slot = .allocate(capacity: 1)
        slot.initialize(to: nil)
    }

    deinit {
        slot.deinitialize(count: 1)
        slot.deallocate()
    }

    /// The value, loading it if no one did. Damage the store's checks would have reported
    /// (`Store.verifyData`) stops the process here, naming the file and section: it is only
    /// reached by a reader that did not call them before reading (sessions always do).
    @inline(__always)
    public var value: T {
        if ready.load(ordering: .acquiring) { return slot.pointee.unsafelyUnwrapped }
        return loadOrStop()
    }

    @inline(never)
    private func loadOrStop() -> T {
        do { return try get() } catch { fatalError("evq: \(error)") }
    }

    /// The value, loading it if no one did; the damage found if it cannot be read.
    public func get() throws(StoreError) -> T {
        if ready.load(ordering: .acquiring) { return slot.pointee.unsafelyUnwrapped }
        return try lock.withLock { _ throws(StoreError) -> T in
            if let v = slot.pointee { return v }
            let v = try load()
            slot.pointee = v
            ready.store(true, ordering: .releasing)
            return v
        }
    }

    /// Whether the value was loaded already.
    public var isLoaded: Bool { ready.load(ordering: .acquiring) }
}
