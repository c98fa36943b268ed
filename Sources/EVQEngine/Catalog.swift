// What a query can name: tables (loaded or `let`-bound) and scalar bindings.

import EVQStore

public struct Catalog: Sendable {
    public var tables: [String: Table] = [:]
    public var scalars: [String: Value] = [:]
    /// The table a query reads when it names no source, and whose time order `latest()` uses.
    public var defaultTable = "events"

    public init(tables: [String: Table] = [:], scalars: [String: Value] = [:]) {
        self.tables = tables
        self.scalars = scalars
    }

    public var names: [String] { Array(tables.keys) + Array(scalars.keys) }
}

/// A column as the checker sees it.
public struct Field: Hashable, Sendable {
    public var name: String
    public var type: DataType

    public init(_ name: String, _ type: DataType) {
        self.name = name
        self.type = type
    }
}
