import Foundation
@testable import JanusCore
@testable import JanusStore
@testable import JanusSupport
import Testing

/// Runs the built binary, as a user would.
@Suite(.tags(.endToEnd), .serialized, .removesTemporaryDirectories) struct CommandLineTests {
    func lineCount(_ url: URL) throws -> Int {
        try String(contentsOf: url, encoding: .utf8).split(separator: "\n").count
    }

    @Test func buildOnTheSampleExportsEveryFormatAndRerunsFromTheStore() throws {
        let dir = try TestPaths.temporaryDirectory()
        let args = ["build", "--config", TestPaths.sample.appendingPathComponent("janus.yaml").path, "--provider", "offline", "--db", "j.db", "--out", "out", "--json"]
        let first = try runJanus(args, in: dir)
        #expect(first.status == 0, "\(first.stderr)")
        let summary = try JSONParser.parse(first.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(summary["requests_sent"]?.intValue == 183 * 3 * 3)
        #expect(summary["stages"]?["respond"]?["done"]?.intValue == 549)
        let expected = ["sft": 549, "sft-small": 183, "dpo": 183, "orpo": 183, "rm": 183]
        for (format, count) in expected {
            #expect(try lineCount(dir.appendingPathComponent("out/\(format)/train-00000-of-00001.jsonl")) == count, "\(format)")
        }
        let manifest = try String(contentsOf: dir.appendingPathComponent("out/sft/manifest.json"), encoding: .utf8)
        let firstExport = try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("out").path).sorted()

        let snapshot = try expected.keys.sorted().map { try Data(contentsOf: dir.appendingPathComponent("out/\($0)/train-00000-of-00001.jsonl")) }
        let second = try runJanus(args, in: dir)
        #expect(second.status == 0, "\(second.stderr)")
        let again = try JSONParser.parse(second.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(again["requests_sent"]?.intValue == 0)
        #expect(second.stderr.contains("requests sent: 0"))
        let resnapshot = try expected.keys.sorted().map { try Data(contentsOf: dir.appendingPathComponent("out/\($0)/train-00000-of-00001.jsonl")) }
        #expect(snapshot == resnapshot)
        #expect(try String(contentsOf: dir.appendingPathComponent("out/sft/manifest.json"), encoding: .utf8) == manifest)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("out").path).sorted() == firstExport)

        let status = try runJanus(["status", "--db", "j.db", "--json"], in: dir)
        #expect(status.status == 0)
        let stages = try JSONParser.parse(status.stdout.trimmingCharacters(in: .whitespacesAndNewlines))["stages"]
        for stage in ["expand", "systems", "respond"] {
            let s = stages?[stage]
            let parts = ["done", "pending", "failed", "quarantined"].compactMap { s?[$0]?.intValue }
            #expect(parts.reduce(0, +) == s?["total"]?.intValue)
            #expect(s?["done"]?.intValue == 549)
        }
    }

    @Test(.needsDatasets) func sampleExportsLoadWithDatasets() throws {
        // Users load these with Hugging Face datasets; so does this test.
        let dir = try TestPaths.temporaryDirectory()
        let build = try runJanus(
            ["build", "--config", TestPaths.sample.appendingPathComponent("janus.yaml").path, "--provider", "offline", "--db", "j.db", "--out", "out"],
            in: dir)
        #expect(build.status == 0, "\(build.stderr)")
        let loaded = try runPythonScript("check_exports.py", ["out"], in: dir)
        #expect(loaded.status == 0, "\(loaded.stdout)\(loaded.stderr)")
        #expect(loaded.stdout.hasPrefix("OK: 1281 rows"), "\(loaded.stdout)")
        let pairs = try runPythonScript("read_preference_pairs.py", ["out"], in: dir)
        #expect(pairs.status == 0, "\(pairs.stdout)\(pairs.stderr)")
        #expect(pairs.stdout.hasPrefix("OK: 366 preference pairs"), "\(pairs.stdout)")
    }

    @Test func statusCountsAddUpPartWayThrough() throws {
        let dir = try TestPaths.temporaryDirectory()
        let ingest = try runJanus(["ingest", "--db", "j.db", "--source", "dsp=\(TestPaths.sample.path)/dsp.csv"], in: dir)
        #expect(ingest.status == 0, "\(ingest.stderr)")
        let expand = try runJanus(["expand", "--db", "j.db", "--provider", "offline"], in: dir)
        #expect(expand.status == 0, "\(expand.stderr)")
        let status = try runJanus(["status", "--db", "j.db", "--json"], in: dir)
        let root = try JSONParser.parse(status.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        let n = (root["instructions"]?.intValue ?? 0) * 3
        #expect(n > 0)
        #expect(root["stages"]?["expand"]?["done"]?.intValue == n)
        #expect(root["stages"]?["systems"]?["pending"]?.intValue == n)
        #expect(root["stages"]?["respond"]?["pending"]?.intValue == n)
    }

    @Test func planCountsWhatBuildThenSends() throws {
        let dir = try TestPaths.temporaryDirectory()
        let config = TestPaths.sample.appendingPathComponent("janus.yaml").path
        #expect(try runJanus(["ingest", "--config", config, "--db", "j.db"], in: dir).status == 0)
        let plan = try runJanus(["plan", "--config", config, "--db", "j.db", "--provider", "offline", "--json"], in: dir)
        #expect(plan.status == 0, "\(plan.stderr)")
        let planned = try JSONParser.parse(plan.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        let build = try runJanus(["build", "--config", config, "--db", "j.db", "--provider", "offline", "--no-export", "--json"], in: dir)
        #expect(build.status == 0, "\(build.stderr)")
        let sent = try JSONParser.parse(build.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        for stage in ["expand", "systems", "respond"] {
            #expect(planned["stages"]?[stage]?["requests"]?.intValue == sent["stages"]?[stage]?["new"]?.intValue, "\(stage)")
        }
        #expect(planned["total_requests"]?.intValue == sent["requests_sent"]?.intValue)
    }

    @Test func secondWriterIsRefusedNamingTheFirst() throws {
        let dir = try TestPaths.temporaryDirectory()
        #expect(try runJanus(["ingest", "--db", "j.db", "--source", "dsp=\(TestPaths.sample.path)/dsp.csv"], in: dir).status == 0)
        let held = try RunLock(storePath: dir.appendingPathComponent("j.db").path, command: "build")
        let second = try runJanus(["expand", "--db", "j.db", "--provider", "offline"], in: dir)
        #expect(second.status == 1)
        #expect(second.stderr.contains("is in use by `janus-data build` (pid \(getpid())"), "\(second.stderr)")
        // Readers are not blocked.
        #expect(try runJanus(["status", "--db", "j.db"], in: dir).status == 0)
        withExtendedLifetime(held) {}
    }

    @Test(.needsRootAndChattr) func readOnlyDirectoryIsAClearError() throws {
        // Root ignores permission bits, so the directory is made immutable instead. It lives in
        // the package's build folder: chattr needs a file system like ext4, which /tmp may not be.
        let dir = TestPaths.packageRoot.appendingPathComponent(".build/readonly-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer {
            _ = try? runProgram("/usr/bin/chattr", ["-i", dir.path], in: TestPaths.packageRoot)
            try? FileManager.default.removeItem(at: dir)
        }
        let locked = try runProgram("/usr/bin/chattr", ["+i", dir.path], in: TestPaths.packageRoot)
        try #require(locked.status == 0, "chattr +i failed: \(locked.stderr)")
        let result = try runJanus(["ingest", "--db", dir.appendingPathComponent("j.db").path, "--source", "dsp=\(TestPaths.sample.path)/dsp.csv"], in: TestPaths.packageRoot)
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("error: cannot open the store \(dir.path)/j.db: cannot create \(dir.path)/j.db.lock"), "\(result.stderr)")
        #expect(result.stderr.contains("writable?"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
    }

    @Test func unknownFlagIsAUsageError() throws {
        let result = try runJanus(["status", "--frobnicate"], in: try TestPaths.temporaryDirectory())
        #expect(result.status == 2)
        #expect(result.stderr.contains("--frobnicate"))
        #expect(result.stderr.trimmingCharacters(in: .newlines).split(separator: "\n").count == 1)
    }

    @Test func malformedConfigIsOneLineExitOne() throws {
        let dir = try TestPaths.temporaryDirectory()
        try "provider:\n  name: offline\n  colour: blue\n".write(to: dir.appendingPathComponent("janus.yaml"), atomically: true, encoding: .utf8)
        let result = try runJanus(["status"], in: dir)
        #expect(result.status == 1)
        #expect(result.stderr == "error: janus.yaml: line 3: `provider.colour` is not a known key (known here: name, base_url, model, api_key_env, concurrency, rpm, tpm, connect_timeout, timeout, max_attempts, max_cost, stall_timeout, unreachable_timeout, ca_bundle, endpoints)\n")
    }

    @Test func missingSourceFileIsNamed() throws {
        let result = try runJanus(["ingest", "--db", "j.db", "--source", "nectar=nowhere.jsonl"], in: try TestPaths.temporaryDirectory())
        #expect(result.status == 1)
        #expect(result.stderr == "error: cannot read nowhere.jsonl: no such file (source nectar)\n")
    }

    @Test func initWritesAConfigThatLoads() throws {
        let dir = try TestPaths.temporaryDirectory()
        #expect(try runJanus(["init"], in: dir).status == 0)
        // The file loads; what status then refuses is the store no command has made yet.
        let status = try runJanus(["status"], in: dir)
        #expect(status.status == 1)
        #expect(status.stderr.contains("no such file (commands that only read do not create a store"), "\(status.stderr)")
        #expect(try runJanus(["init"], in: dir).status == 1)
    }
}
