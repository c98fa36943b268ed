// A column: one typed buffer (heap or mapped) per table column plus an optional null mask.
// Time and duration columns share the Int64 buffer; `type` says how to read it.

public struct Column: Sendable {
    public let name: String
    public let type: DataType
    /// The values and null mask: here, or read from a store file on first use (`stored`).
    private let eagerData: ColumnData?
    private let eagerNulls: ColumnBuffer<Bool>?
    private let stored: LoadOnce<(data: ColumnData, nulls: ColumnBuffer<Bool>?)>?
    private let storedCount: Int
    private let storedDistinct: Int?
    private let keyIndexCache: LazyIntKeyIndex

    public var data: ColumnData {
        @inline(__always) get {
            if let stored { return stored.value.data }
            return eagerData.unsafelyUnwrapped
        }
    }

    /// `isNull[row]`; nil when the column has no nulls (the common case, kept free).
    public var isNull: ColumnBuffer<Bool>? {
        @inline(__always) get {
            if let stored { return stored.value.nulls }
            return eagerNulls
        }
    }

    /// `keyIndex`: the index read from a store, used instead of building one.
    public init(name: String, type: DataType, data: ColumnData, isNull: ColumnBuffer<Bool>?, keyIndex: IntKeyIndex? = nil) {
        self.name = name
        self.type = type
        self.eagerData = data
        // A mapped mask is stored only when it holds a null; reading it here would touch every page.
        self.eagerNulls = isNull.flatMap { mask in mask.isMapped || mask.contains(true) ? mask : nil }
        self.stored = nil
        self.storedCount = 0
        self.storedDistinct = nil
        self.keyIndexCache = LazyIntKeyIndex(keyIndex)
    }

    /// A column of a store file whose sections are read (decoded) on first use: `rows` rows;
    /// `keyIndex` reads its stored key index.
    init(name: String, type: DataType, rows: Int, distinct: Int?, load: @escaping StoredLoad<(data: ColumnData, nulls: ColumnBuffer<Bool>?)>,
         keyIndex: StoredLoad<IntKeyIndex>?) {
        self.name = name
        self.type = type
        self.eagerData = nil
        self.eagerNulls = nil
        self.stored = LoadOnce(load)
        self.storedCount = rows
        self.storedDistinct = distinct
        self.keyIndexCache = LazyIntKeyIndex(stored: keyIndex)
    }

    private init(renaming c: Column, to name: String) {
        self.name = name
        self.type = c.type
        self.eagerData = c.eagerData
        self.eagerNulls = c.eagerNulls
        self.stored = c.stored
        self.storedCount = c.storedCount
        self.storedDistinct = c.storedDistinct
        self.keyIndexCache = LazyIntKeyIndex(nil)
    }

    /// A text column's distinct values (its dictionary's size), without reading its values; nil
    /// for other columns.
    public var distinctCount: Int? {
        if stored != nil, !stored!.isLoaded { return storedDistinct }
        if case .string(let s) = data { return s.dictionary.count }
        return nil
    }

    /// Whether the values are read from a store file on first use (and so not yet in memory).
    var isStored: Bool { stored != nil }

    /// Reads the values and the stored indexes now (decoding them), reporting damage instead of
    /// stopping on it: what `Store.verifyData` does before a column is first read.
    func loadStored() throws(StoreError) {
        guard let stored else { return }
        let (data, _) = try stored.get()
        try keyIndexCache.loadStored()
        if case .string(let s) = data { try s.loadStored() }
    }

    /// The same from a heap mask (what builders make).
    @_disfavoredOverload
    public init(name: String, type: DataType, data: ColumnData, isNull: ContiguousArray<Bool>?) {
        self.init(name: name, type: type, data: data, isNull: isNull.flatMap { $0.contains(true) ? ColumnBuffer($0) : nil })
    }

    public var count: Int {
        if stored != nil { return storedCount }
        return switch data {
        case .bool(let v): v.count
        case .int(let v): v.count
        case .float(let v): v.count
        case .string(let s): s.ids.count
        case .boxed(let v): v.count
        }
    }

    @inline(__always)
    public func isNull(_ row: Int) -> Bool { isNull?[row] ?? false }

    /// An int column named as an id (`id`, `event_id`, `GLOBALEVENTID`): loaders build its key
    /// index up front, since ids are what users look up one at a time.
    public var isKey: Bool { type == .int && name.lowercased().hasSuffix("id") }

    /// The rows sorted by value, for an int column; built on first use (a loaded table's when
    /// it is added). Nil for other columns.
    public var keyIndex: IntKeyIndex? {
        guard type == .int else { return nil }
        if let stored = keyIndexCache.ifBuilt { return stored }
        guard case .int(let v) = data else { return nil }
        return keyIndexCache.get { IntKeyIndex(v, nulls: isNull) }
    }

    /// The key index if it exists already (what a store writes), without building it.
    public var builtKeyIndex: IntKeyIndex? { keyIndexCache.ifBuilt }

    /// The value at a row, boxed. For results and the general expression path only:
    /// kernels read `data` directly.
    public func value(at row: Int) -> Value {
        if isNull(row) { return .null }
        switch data {
        case .bool(let v): return .bool(v[row])
        case .float(let v): return .float(v[row])
        case .string(let s): return .string(s.dictionary[s.ids[row]])
        case .boxed(let v): return v[row]
        case .int(let v):
            switch type {
            case .time: return .time(v[row])
            case .duration: return .duration(v[row])
            default: return .int(v[row])
            }
        }
    }

    /// A new column holding `rows` of this one, in that order (dictionary shared).
    public func gather<S: Collection>(_ rows: S) -> Column where S.Element == UInt32 {
        gather(rows as? [UInt32] ?? Array(rows))
    }

    /// The same for an array of row ids: one specialised loop per buffer type.
    public func gather(_ rows: [UInt32]) -> Column {
        let mask = isNull.map { Self.pick($0, rows) }
        switch data {
        case .bool(let v): return Column(name: name, type: type, data: .bool(Self.pick(v, rows)), isNull: mask)
        case .int(let v): return Column(name: name, type: type, data: .int(Self.pick(v, rows)), isNull: mask)
        case .float(let v): return Column(name: name, type: type, data: .float(Self.pick(v, rows)), isNull: mask)
        case .string(let s):
            return Column(name: name, type: type, data: .string(StringColumn(ids: Self.pick(s.ids, rows), dictionary: s.dictionary)), isNull: mask)
        case .boxed(let v): return Column(name: name, type: type, data: .boxed(Self.pick(v, rows)), isNull: mask)
        }
    }

    @inline(__always)
    private static func pick<T>(_ values: ContiguousArray<T>, _ rows: [UInt32]) -> ContiguousArray<T> {
        values.withUnsafeBufferPointer { v in
            rows.withUnsafeBufferPointer { r in
                ContiguousArray(unsafeUninitializedCapacity: r.count) { out, count in
                    for k in 0..<r.count { (out.baseAddress! + k).initialize(to: v[Int(r[k])]) }
                    count = r.count
                }
            }
        }
    }

    @inline(__always)
    private static func pick<T>(_ values: ColumnBuffer<T>, _ rows: [UInt32]) -> ColumnBuffer<T> {
        values.withUnsafeBufferPointer { v in
            rows.withUnsafeBufferPointer { r in
                ColumnBuffer(unsafeUninitializedCount: r.count) { out in
                    for k in 0..<r.count { (out.baseAddress! + k).initialize(to: v[Int(r[k])]) }
                }
            }
        }
    }

    public func renamed(_ newName: String) -> Column {
        Column(renaming: self, to: newName)
    }
}

public enum ColumnData: Sendable {
    case bool(ColumnBuffer<Bool>)
    /// int, time (UTC seconds) and duration (seconds).
    case int(ColumnBuffer<Int64>)
    case float(ColumnBuffer<Double>)
    case string(StringColumn)
    /// Values with no typed buffer (lists, from `values()`); rare and never scanned in bulk.
    case boxed(ContiguousArray<Value>)
}

extension ColumnData {
    // Builders make ContiguousArrays; these wrap them (one copy) so call sites read as before.
    @_disfavoredOverload public static func bool(_ v: ContiguousArray<Bool>) -> ColumnData { .bool(ColumnBuffer(v)) }
    @_disfavoredOverload public static func int(_ v: ContiguousArray<Int64>) -> ColumnData { .int(ColumnBuffer(v)) }
    @_disfavoredOverload public static func float(_ v: ContiguousArray<Double>) -> ColumnData { .float(ColumnBuffer(v)) }
}
