// swift-tools-version:6.0
// libFuzzer targets for the janus-data library, kept out of the root package so that `swift build` and
// `swift test` there never see `-sanitize=fuzzer`. Built by `make fuzz` (see the Makefile):
//   swift build --package-path Fuzz -Xswiftc -sanitize=fuzzer,address
// Each target defines `LLVMFuzzerTestOneInput` and, as top-level code, hands it to libFuzzer's
// `LLVMFuzzerRunDriver`. (libFuzzer's own `main` cannot be used: on Linux SwiftPM links an
// executable's `main` to `<Module>_main`, which only exists when main.swift has top-level code.)
import PackageDescription

// Each target with the library target (a product of the root package) whose code it fuzzes.
let fuzzTargets = [
    "FuzzJSON": "JanusSupport", "FuzzCSV": "JanusIngest", "FuzzPreferenceSet": "JanusCore",
    "FuzzResponseDecoder": "JanusLLM", "FuzzParquet": "JanusIngest",
    "FuzzVerdict": "JanusCore",
]

let package = Package(
    name: "janus-fuzz",
    platforms: [.macOS(.v13)],
    products: fuzzTargets.keys.sorted().map { .executable(name: $0, targets: [$0]) },
    dependencies: [.package(name: "janus-data", path: "..")],
    targets: [.target(name: "FuzzDriver", path: "FuzzDriver")]
        + fuzzTargets.keys.sorted().map {
            .executableTarget(
                name: $0, dependencies: ["FuzzDriver", .product(name: fuzzTargets[$0] ?? "", package: "janus-data")], path: $0)
        },
    swiftLanguageModes: [.v6]
)
