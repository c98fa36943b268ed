// swift-tools-version:6.0
// evq: a query language, an indexed event store and an interactive prompt for event data.
// Module dependencies point one way: Store, Syntax -> Engine -> EVQ -> Shell -> evq.
// `import EVQ` is the embedding API only (no AST, no engine types): targets that need more
// import the lower modules themselves.
import PackageDescription

let package = Package(
    name: "evq",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "evq", targets: ["evq"]),
        .library(name: "EVQ", targets: ["EVQ"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // CRC-32C (SSE 4.2 where present) for the checksums of the store's files.
        .target(name: "CChecksum"),
        // Columnar, dictionary-encoded, time-ordered tables with posting lists; CSV/JSONL ingest;
        // the store on disk (segment files mapped in place, a manifest).
        // Debug builds (and so the tests) check the store's invariants on every table built.
        // zstd (Debian libzstd-dev), linked as a system library: the codec of the store's encoded sections.
        .systemLibrary(
            name: "CZstd", path: "Sources/CZstd", pkgConfig: "libzstd",
            providers: [.apt(["libzstd-dev"])]),
        .target(name: "EVQStore", dependencies: ["CChecksum", "CZstd"], exclude: ["Disk/FORMAT.md"],
                swiftSettings: [.define("EVQ_INTERNAL_CHECKS", .when(configuration: .debug))]),
        // Source text, spans, tokens, lexer, parser, AST, diagnostics (calendar math from the store).
        .target(name: "EVQSyntax", dependencies: ["EVQStore"]),
        // RE2 (Debian libre2-dev) behind a small C interface: regular expressions in linear time.
        .target(name: "CRegex", linkerSettings: [.linkedLibrary("re2")]),
        // Name/type checking, planning over the store's indexes, execution.
        .target(name: "EVQEngine", dependencies: ["EVQSyntax", "EVQStore", "CRegex"]),
        // Public façade: Session (tables + let bindings), results, output formats, bundled samples.
        .target(name: "EVQ", dependencies: ["EVQEngine", "EVQSyntax", "EVQStore"]),
        // evq's plans as ClickHouse SQL, and a client that runs them on a server over HTTP.
        .target(name: "EVQSQL", dependencies: ["EVQ", "EVQEngine", "EVQSyntax", "EVQStore"]),
        // libedit, linked as a system library; only LineEditor imports it.
        .systemLibrary(
            name: "CLibEdit", path: "Sources/CLibEdit", pkgConfig: "libedit",
            providers: [.apt(["libedit-dev"])]),
        .target(name: "LineEditor", dependencies: ["CLibEdit"]),
        // The input loop shared by the prompt, piped stdin and `evq run`; dot-commands.
        .target(name: "EVQShell", dependencies: ["EVQ", "EVQEngine", "EVQStore", "EVQSyntax", "LineEditor"]),
        .executableTarget(
            name: "evq",
            dependencies: ["EVQShell", "EVQ", "EVQEngine", "EVQStore", "EVQSyntax", "EVQSQL", "LineEditor", .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        // The benchmarks' one generated world, its events CSV, the benchmark classes and timing.
        .target(name: "BenchSupport", dependencies: ["EVQ", "EVQEngine", "EVQStore"]),
        .executableTarget(name: "evq-bench", dependencies: ["EVQ", "EVQEngine", "EVQStore", "BenchSupport"], exclude: ["duckdb_bench.py", "duckdb_store_bench.py"]),
        // The benchmark classes in evq and in ClickHouse (chdb).
        .executableTarget(name: "evq-sql-bench", dependencies: ["EVQ", "EVQEngine", "EVQStore", "EVQSQL", "BenchSupport"], exclude: ["chdb_bench.py"]),

        // Helpers shared by the test targets (a seeded random generator).
        .target(name: "EVQTestSupport", dependencies: ["EVQ", "EVQEngine", "EVQStore", "EVQSyntax"], path: "Tests/EVQTestSupport"),
        .testTarget(name: "EVQStoreTests", dependencies: ["EVQStore"]),
        .testTarget(name: "EVQSyntaxTests", dependencies: ["EVQSyntax", "EVQStore"]),
        .testTarget(name: "EVQEngineTests", dependencies: ["EVQEngine", "EVQStore", "EVQSyntax", "EVQ", "EVQTestSupport"]),
        .testTarget(name: "EVQTests", dependencies: ["EVQ", "EVQEngine", "EVQStore", "EVQSyntax", "EVQShell", "evq", "EVQTestSupport"], exclude: ["Errors"]),
        // The embedding API as another program sees it: imports EVQ (and the probe) only.
        // EmbeddingProbe declares the AST's and engine's names again, so that they clash if
        // `import EVQ` ever brings them (Tests/EVQEmbeddingTests/HiddenNamesTests.swift).
        .target(name: "EmbeddingProbe", path: "Tests/EmbeddingProbe"),
        .testTarget(name: "EVQEmbeddingTests", dependencies: ["EVQ", "EmbeddingProbe"]),
        .testTarget(name: "EVQSQLTests", dependencies: ["EVQSQL", "EVQ", "EVQEngine", "EVQStore", "EVQSyntax", "EVQShell", "evq", "EVQTestSupport"], exclude: ["chdb_server.py"]),
        .testTarget(name: "LineEditorTests", dependencies: ["LineEditor", "CLibEdit"]),
        .testTarget(name: "EVQShellTests", dependencies: ["EVQShell", "EVQ", "EVQEngine", "EVQStore", "EVQSyntax", "LineEditor", "CLibEdit", "evq", "EVQTestSupport"]),
    ]
)
