import Foundation
@testable import JanusCore
@testable import JanusSupport
import Testing

/// The commands that only read (status, stats, plan, export), run as separate processes after a
/// build, the way a script runs them: they describe what the build made, with nothing repeated.
@Suite(.tags(.endToEnd), .serialized, .removesTemporaryDirectories) struct ReadCommandTests {
    static let instructions = 24

    /// A JSONL source of distinct instructions under `prompt`.
    static func writeSource(_ url: URL) throws {
        let topics = ["tides", "compilers", "sourdough", "glaciers", "auctions", "violins", "lichens", "tariffs"]
        let asks = ["Explain how %@ work to a curious teenager.", "List three common myths about %@.", "Write a short poem about %@."]
        var lines: [String] = []
        for (i, topic) in topics.enumerated() {
            for ask in asks {
                let text = String(format: ask, topic) + " (\(i))"
                lines.append(JSONValue.object([("prompt", .string(text))]).serialized())
            }
        }
        try (lines.joined(separator: "\n") + "\n").write(to: url, atomically: true, encoding: .utf8)
    }

    /// Every file under `dir`, by relative path.
    static func files(_ dir: URL) throws -> [String: Data] {
        var out: [String: Data] = [:]
        let base = dir.standardizedFileURL.path
        for case let url as URL in FileManager.default.enumerator(at: dir, includingPropertiesForKeys: nil) ?? .init() where !url.hasDirectoryPath {
            out[String(url.standardizedFileURL.path.dropFirst(base.count + 1))] = try Data(contentsOf: url)
        }
        return out
    }

    static func json(_ result: CommandResult) throws -> JSONValue {
        try JSONParser.parse(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// Runs status, stats, plan and export with `extra` arguments and checks that each reports
    /// the build's records, and that the export equals the one build wrote.
    func checkReaders(in dir: URL, _ extra: [String], builtInto built: String) throws {
        let variants = Self.instructions * 3
        let status = try runJanus(["status", "--json"] + extra, in: dir)
        #expect(status.status == 0, "\(status.stderr)")
        let s = try Self.json(status)
        for stage in ["expand", "systems", "respond"] {
            #expect(s["stages"]?[stage]?["done"]?.intValue == variants, "\(stage): \(status.stdout)")
            #expect(s["stages"]?[stage]?["pending"]?.intValue == 0)
        }
        #expect(s["stored_run"]?["settings"]?["model"]?.stringValue == "m")
        #expect(s["stored_run"]?["differences"]?.arrayValue?.isEmpty == true)
        #expect(s["given"] == nil)

        let stats = try runJanus(["stats", "--json"] + extra, in: dir)
        #expect(stats.status == 0, "\(stats.stderr)")
        #expect(try Self.json(stats)["complete_variants"]?.intValue == variants)

        let plan = try runJanus(["plan", "--json"] + extra, in: dir)
        #expect(plan.status == 0, "\(plan.stderr)")
        #expect(try Self.json(plan)["total_requests"]?.intValue == 0)

        let export = try runJanus(["export", "--format", "all", "--out", "again"] + extra, in: dir)
        #expect(export.status == 0, "\(export.stderr)")
        for reader in [status, stats, plan, export] { #expect(!reader.stderr.contains("differ"), "\(reader.stderr)") }
        let rebuilt = try Self.files(dir.appendingPathComponent("again"))
        #expect(rebuilt.count == 15)
        #expect(rebuilt == (try Self.files(dir.appendingPathComponent(built))))
    }

    @Test func readersAfterABuildWithFlags() async throws {
        let server = try await TestChatServer.start(["--content", "janus"])
        let dir = try TestPaths.temporaryDirectory()
        try Self.writeSource(dir.appendingPathComponent("in.jsonl"))
        let ingest = try runJanus(["ingest", "--db", "a.db", "--source", "jsonl=in.jsonl", "--prompt-field", "prompt", "--seed", "3"], in: dir)
        #expect(ingest.status == 0, "\(ingest.stderr)")
        let build = try runJanus(
            [
                "build", "--db", "a.db", "--provider", "openai", "--base-url", server.baseURL, "--model", "m", "--seed", "3",
                "--api-key-env", ClientFixture.keyEnv, "--out", "built",
            ], in: dir, environment: ClientFixture.environment)
        #expect(build.status == 0, "\(build.stderr)")
        #expect(!build.stderr.contains("\u{1B}"), "a log gets no cursor movement")
        try checkReaders(in: dir, ["--db", "a.db", "--seed", "3"], builtInto: "built")

        // Other settings: the readers say what differs; export refuses to write nothing.
        let other = try runJanus(["export", "--db", "a.db", "--seed", "3", "--model", "m2", "--format", "all", "--out", "other"], in: dir)
        #expect(other.status == 1)
        #expect(other.stderr.contains("model m2 differs from the stored run's m: 0 of \(Self.instructions * 3) variants"), "\(other.stderr)")
        #expect(other.stderr.contains("give --model m to export them"), "\(other.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("other").path))

        let status = try runJanus(["status", "--db", "a.db", "--model", "m2"], in: dir)
        #expect(status.status == 0, "\(status.stderr)")
        let lines = status.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("as made by the store's most recent run") == true, "\(status.stdout)")
        #expect(lines.contains { $0.hasPrefix("respond") && $0.contains("\(Self.instructions * 3)") })
        #expect(lines.last == "model m2 differs from the stored run's m: 0 of \(Self.instructions * 3) variants are complete with the settings in use; build with them would send \(Self.instructions * 9) requests", "\(status.stdout)")
    }

    @Test func readersAfterABuildFromJanusYaml() async throws {
        let server = try await TestChatServer.start(["--content", "janus"])
        let dir = try TestPaths.temporaryDirectory()
        try Self.writeSource(dir.appendingPathComponent("in.jsonl"))
        let yaml = """
            seed: 3
            db: a.db
            provider:
              name: openai
              base_url: \(server.baseURL)
              model: m
              api_key_env: \(ClientFixture.keyEnv)
            sources: [jsonl=in.jsonl]
            ingest:
              prompt_field: prompt
            generation:
              temperature: 0.7
              extra: {repetition_penalty: 1.03}
            export:
              out: built

            """
        try yaml.write(to: dir.appendingPathComponent("janus.yaml"), atomically: true, encoding: .utf8)
        let build = try runJanus(["build"], in: dir, environment: ClientFixture.environment)
        #expect(build.status == 0, "\(build.stderr)")
        try checkReaders(in: dir, [], builtInto: "built")
        // The same store read without the file: the stored run's settings, nothing differs.
        let elsewhere = try TestPaths.temporaryDirectory()
        let db = dir.appendingPathComponent("a.db").path
        let export = try runJanus(["export", "--db", db, "--format", "all", "--out", "copy"], in: elsewhere)
        #expect(export.status == 0, "\(export.stderr)")
        #expect(try Self.files(elsewhere.appendingPathComponent("copy")) == (try Self.files(dir.appendingPathComponent("built"))))
        // A file that says otherwise is named.
        try yaml.replacingOccurrences(of: "temperature: 0.7", with: "temperature: 0.2")
            .write(to: dir.appendingPathComponent("janus.yaml"), atomically: true, encoding: .utf8)
        let stats = try runJanus(["stats"], in: dir)
        #expect(stats.status == 0, "\(stats.stderr)")
        #expect(stats.stderr.contains("temperature 0.2 differs from the stored run's 0.7: 0 of \(Self.instructions * 3) variants are complete"), "\(stats.stderr)")
        let refused = try runJanus(["export", "--format", "sft", "--out", "cooler"], in: dir)
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("give --temperature 0.7 to export them"), "\(refused.stderr)")
    }

    /// A mistyped --db on a command that only reads is an error naming the path; no empty store
    /// is left behind, and the store that exists is untouched.
    @Test func readersRefuseAMissingStore() throws {
        let dir = try TestPaths.temporaryDirectory()
        let commands: [[String]] = [
            ["status"], ["plan"], ["stats"], ["export", "--format", "sft"], ["failures"], ["report"],
            ["bench", "export"], ["bench", "report"], ["bench", "stats"], ["bench", "failures"],
        ]
        for command in commands {
            let result = try runJanus(command + ["--db", "typo.db"], in: dir)
            #expect(result.status != 0, "\(command): \(result.stdout)")
            #expect(result.stderr.contains("cannot open the store typo.db: no such file"), "\(command): \(result.stderr)")
            #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("typo.db").path), "\(command) created the store")
        }
    }
}
