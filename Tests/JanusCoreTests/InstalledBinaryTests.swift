import Foundation
import Testing

/// The release binary as a user installs it: `make install` into a temporary prefix, the file
/// moved again to a folder outside the checkout, and run there with the sample's files copied
/// beside it. The first test runs it from outside; the second also hides the whole checkout
/// (build folder, seeds/, prompts/, sample/) and the toolchain's Swift runtime from it, by
/// mounting empty file systems over them in a mount namespace of its own. That namespace is
/// private to the one process, so tests running in parallel still see the checkout; nothing is
/// renamed or moved, and a test that fails part way leaves nothing hidden.
@Suite(.tags(.endToEnd), .serialized, .removesTemporaryDirectories, .needsReleaseBuild) struct InstalledBinaryTests {
    /// What a researcher types, one command at a time, in an empty folder.
    static let commands: [[String]] = [
        ["init"],
        ["ingest"] + ["nectar=nectar.jsonl", "ultrafeedback=ultrafeedback.jsonl", "arena=arena.json", "dsp=dsp.csv", "openhermes=openhermes.jsonl"]
            .flatMap { ["--source", $0] },
        ["build", "--provider", "offline", "--no-export"],
        ["export", "--out", "out"],
    ]

    static let sampleFiles = ["nectar.jsonl", "ultrafeedback.jsonl", "arena.json", "dsp.csv", "openhermes.jsonl"]

    /// A folder outside the checkout holding a copy of the sample's inputs.
    func workFolder(_ name: String, in dir: URL) throws -> URL {
        let work = dir.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        for file in Self.sampleFiles {
            try FileManager.default.copyItem(at: TestPaths.sample.appendingPathComponent(file), to: work.appendingPathComponent(file))
        }
        return work
    }

    /// `make install PREFIX=<dir>/prefix`, then the binary moved to `<dir>/moved/janus-data`.
    func installAndMove(in dir: URL) throws -> URL {
        let prefix = dir.appendingPathComponent("prefix")
        // `make install` builds first when a source is newer than the binary; in here that would
        // wait forever on the lock this test run holds on .build, so stale is an error instead.
        let fresh = try runProgram("/usr/bin/env", ["make", "--question", ".build/release/janus-data"], in: TestPaths.packageRoot)
        try #require(fresh.status == 0, "the release build is older than the sources: run `make release` (make test does)")
        let make = try runProgram("/usr/bin/env", ["make", "--no-print-directory", "install", "PREFIX=\(prefix.path)"], in: TestPaths.packageRoot)
        try #require(make.status == 0, "make install failed:\n\(make.stdout)\(make.stderr)")
        let installed = prefix.appendingPathComponent("bin/janus-data")
        #expect(try FileManager.default.contentsOfDirectory(atPath: prefix.path) == ["bin"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: prefix.appendingPathComponent("bin").path) == ["janus-data"])
        let moved = dir.appendingPathComponent("moved/janus-data")
        try FileManager.default.createDirectory(at: moved.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.moveItem(at: installed, to: moved)
        // Nothing in the file points back at a resource bundle in the build folder.
        let bytes = try Data(contentsOf: moved)
        #expect(bytes.range(of: Data("JanusCore.resources".utf8)) == nil)
        #expect(bytes.range(of: Data("janus-data_JanusCore".utf8)) == nil)
        return moved
    }

    /// Runs `commands` with `binary` in `work`, one process each; `wrapper` goes in front.
    func runAll(_ binary: String, in work: URL, wrapper: [String] = []) throws {
        for arguments in Self.commands {
            let line = wrapper + [binary] + arguments
            let result = try runProgram(line[0], Array(line.dropFirst()), in: work)
            try #require(result.status == 0, "\(arguments.joined(separator: " ")) failed:\n\(result.stderr)")
        }
    }

    /// The export files of a work folder, by relative path.
    func exports(_ work: URL) throws -> [String: Data] {
        let out = work.appendingPathComponent("out")
        var files: [String: Data] = [:]
        for format in try FileManager.default.contentsOfDirectory(atPath: out.path) {
            for name in try FileManager.default.contentsOfDirectory(atPath: out.appendingPathComponent(format).path) {
                files["\(format)/\(name)"] = try Data(contentsOf: out.appendingPathComponent("\(format)/\(name)"))
            }
        }
        return files
    }

    /// The same commands with the debug binary of this build: the exports to expect.
    func reference(in dir: URL) throws -> [String: Data] {
        let work = try workFolder("reference", in: dir)
        try runAll(TestPaths.binary.path, in: work)
        return try exports(work)
    }

    @Test func installedBinaryRunsOutsideTheCheckout() throws {
        let dir = try TestPaths.temporaryDirectory()
        let binary = try installAndMove(in: dir)
        let work = try workFolder("work", in: dir)
        try runAll(binary.path, in: work)
        let made = try exports(work)
        #expect(made.keys.contains("sft/train-00000-of-00001.jsonl"))
        let expected = try reference(in: dir)
        #expect(made == expected)
    }

    @Test(.enabled(if: Requirements.canHideFolders, "needs unshare(1) and a mount namespace (root, or user namespaces)"))
    func installedBinaryRunsWithTheCheckoutAndTheSwiftRuntimeHidden() throws {
        let dir = try TestPaths.temporaryDirectory()
        let binary = try installAndMove(in: dir)
        let work = try workFolder("work", in: dir)
        // On Linux the release build links the Swift runtime in, so the toolchain's copy is
        // hidden too: the installed file must run on a machine without Swift.
        let runtime = try #require(Requirements.swiftRuntimeFolder, "cannot tell where the Swift runtime was loaded from")
        try #require(
            try Data(contentsOf: binary).range(of: Data("libswiftCore.so".utf8)) == nil,
            "the release binary loads the toolchain's Swift runtime (a build without --static-swift-stdlib, as bench/run.sh makes): run `make release`")
        let hidden = Requirements.hiding([TestPaths.packageRoot, runtime])
        // The wrapper really hides them: both folders are empty inside.
        for folder in [TestPaths.packageRoot, runtime] {
            let look = try runProgram(hidden[0], Array(hidden.dropFirst()) + ["/bin/ls", "-A", folder.path], in: work)
            try #require(look.status == 0, "\(look.stderr)")
            #expect(look.stdout.isEmpty, "\(folder.path) is still visible: \(look.stdout)")
        }
        try runAll(binary.path, in: work, wrapper: hidden)
        let made = try exports(work)
        let expected = try reference(in: dir)
        #expect(made.keys.contains("sft/train-00000-of-00001.jsonl"))
        #expect(made == expected)
    }
}
