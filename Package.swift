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
        // Parquet page codecs (Sources/JanusCore/Ingest/Parquet/ParquetCodec.swift).
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
        .target(
            name: "JanusCore",
            dependencies: [
                "CSQLite",
                "CCurl",
                "CZlib",
                "CSnappy",
                "CZstd",
                "CSystem",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Crypto", package: "swift-crypto"),
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
                "JanusCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict
        ),
        // Load drivers for bench/*.bench.sh, kept out of the user-facing CLI.
        .executableTarget(
            name: "janus-bench",
            dependencies: [
                "JanusCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "JanusCoreTests",
            dependencies: ["JanusCore"],
            resources: [.copy("Fixtures")],
            swiftSettings: strict
        ),
    ],
    swiftLanguageModes: [.v6]
)
