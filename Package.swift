// swift-tools-version:6.0
import PackageDescription

let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "janus-data",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "janus-data", targets: ["janus-data"]),
        .library(name: "JanusCore", targets: ["JanusCore"]),
        .library(name: "JanusLLM", targets: ["JanusLLM"]),
        .library(name: "JanusIngest", targets: ["JanusIngest"]),
        .library(name: "JanusExport", targets: ["JanusExport"]),
        .library(name: "JanusStore", targets: ["JanusStore"]),
        .library(name: "JanusSupport", targets: ["JanusSupport"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        // Parquet page codecs (Sources/JanusIngest/Parquet/ParquetCodec.swift).
        .systemLibrary(
            name: "CSnappy",
            pkgConfig: "snappy",
            providers: [.apt(["libsnappy-dev"])]
        ),
        .systemLibrary(
            name: "CZstd",
            pkgConfig: "libzstd",
            providers: [.apt(["libzstd-dev"])]
        ),
        .systemLibrary(name: "CSystem"),
        // The library's layers, each a target so that the compiler checks the direction of the
        // imports: a target sees only those below it (ARCHITECTURE.md has the picture).
        // Shared utilities: JSON, hashing, gzip, NFC, seeded draws, text tables.
        .target(
            name: "JanusSupport",
            dependencies: ["CZlib", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strict
        ),
        // The libcurl HTTP transport (multi handle, epoll driver): what the LLM client sends
        // through and the Hub downloads use; it knows nothing of chat or datasets.
        .target(
            name: "JanusHTTP",
            dependencies: ["JanusSupport", "CCurl", "CSystem"],
            swiftSettings: strict
        ),
        // The OpenAI-compatible chat client: wire types, retry, rate limits, cost. Knows no stage
        // and no store; usable on its own.
        .target(
            name: "JanusLLM",
            dependencies: ["JanusSupport", "JanusHTTP"],
            swiftSettings: strict
        ),
        // The SQLite checkpoint store, with its own types only.
        .target(
            name: "JanusStore",
            dependencies: ["JanusSupport", "CSQLite"],
            swiftSettings: strict
        ),
        // Readers (JSONL/JSON/CSV/Parquet, gzip), presets, the Hub, dedup, filter, sampler.
        .target(
            name: "JanusIngest",
            dependencies: [
                "JanusSupport", "JanusHTTP", "JanusStore", "CCurl", "CZlib", "CSnappy", "CZstd", "CSystem",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strict
        ),
        // Record builders per format, the sharded writer, manifest and dataset card.
        .target(
            name: "JanusExport",
            dependencies: ["JanusSupport", "JanusStore", "CSystem", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strict
        ),
        // The top of the library: configuration, the generation stages, the runner, workspace,
        // build sequence and analysis, tying the targets above together.
        .target(
            name: "JanusCore",
            dependencies: [
                "JanusSupport", "JanusHTTP", "JanusLLM", "JanusStore", "JanusIngest", "JanusExport",
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: strict,
            // seeds/ and prompts/ at the top of the repository, compiled in as Swift source, so
            // the one installed binary needs no resource bundle beside it.
            plugins: ["EmbedFiles"]
        ),
        .plugin(
            name: "EmbedFiles",
            capability: .buildTool()
        ),
        .executableTarget(
            name: "janus-data",
            dependencies: [
                "JanusCore", "JanusLLM", "JanusStore", "JanusIngest", "JanusExport", "JanusSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict
        ),
        // Load drivers for bench/*.bench.sh, kept out of the user-facing CLI.
        .executableTarget(
            name: "janus-bench",
            dependencies: [
                "JanusLLM", "JanusSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "JanusCoreTests",
            dependencies: ["JanusCore", "JanusLLM", "JanusHTTP", "JanusStore", "JanusIngest", "JanusExport", "JanusSupport"],
            resources: [.copy("Fixtures")],
            swiftSettings: strict
        ),
    ],
    swiftLanguageModes: [.v6]
)
