// The names `import EVQ` gives an embedding program, chosen one by one: the data it builds
// tables from, the results it reads and the positions its errors carry. The syntax tree, the
// typed expressions, plans and the checker stay inside (EVQSyntax's AST, EVQEngine), so the
// engine can change without breaking code that embeds it. The CLI, the shell and the tests
// import the lower modules themselves when they need more.
// `Tests/EVQEmbeddingTests` fails to compile if any of the AST or engine names comes back.

import EVQEngine
import EVQStore
import EVQSyntax

// MARK: data in

/// One cell: `.int(3)`, `.string("Hezbollah")`, `.time(seconds)`, `.null`, ...
public typealias Value = EVQStore.Value
/// A column's type: `.int`, `.float`, `.string`, `.bool`, `.time`, `.duration`, `.list`.
public typealias DataType = EVQStore.DataType
/// A columnar, time-ordered table: what `Session(tables:)` queries.
public typealias Table = EVQStore.Table
/// Builds a `Table` column by column from values made in code.
public typealias TableBuilder = EVQStore.TableBuilder
/// Reading and writing times (`TimeFormat.parse("2024-11-05")`, seconds since 1970, UTC).
public typealias TimeFormat = EVQStore.TimeFormat
/// How much of a store's checksums `Session(store:verify:)` checks, and when.
public typealias StoreVerification = EVQStore.StoreVerification
/// One table of an opened store (`Session.openStore` returns them).
public typealias StoreTable = EVQStore.StoreTable

// MARK: results

/// What a query returned: its rows as typed columns (`columns`, `column(_:)`, `rows`).
public typealias QueryResult = EVQEngine.QueryResult
/// How many rows a query looked at, and per operator.
public typealias QueryStats = EVQEngine.QueryStats

// MARK: errors and their positions

/// One error (or warning) with its message, its place in the query text and a hint.
public typealias Diagnostic = EVQSyntax.Diagnostic
/// A byte range of the query text.
public typealias Span = EVQSyntax.Span
/// A line and column (1-based), computed from a `Span` when shown.
public typealias SourceLocation = EVQSyntax.SourceLocation
/// The query text with its name (`<query>` or a file) and line map.
public typealias SourceFile = EVQSyntax.SourceFile
