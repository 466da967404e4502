import Foundation
@testable import JanusCore
@testable import JanusExport
@testable import JanusHTTP
@testable import JanusIngest
@testable import JanusLLM
@testable import JanusStore
@testable import JanusSupport
import Testing

/// The bench loop as users run it: separate janus-data processes for `bench build`, `answer`,
/// `judge`, against the test server; each killed at a random moment and started again, and the
/// export and the scores equal those of a run never killed.
@Suite(.tags(.endToEnd), .serialized, .removesTemporaryDirectories, .needsPython3) struct BenchEndToEndTests {
    static let concurrency = 4
    static let sources = ["alpaca_eval=alpaca_eval.json", "mt_bench=mt_bench.jsonl", "koala=koala.jsonl", "flask=flask.jsonl", "self_instruct=self_instruct.jsonl"]
        .flatMap { ["--source", $0.replacingOccurrences(of: "=", with: "=\(TestPaths.sample.path)/bench/")] }

    /// The flags of a command that asks the test server (`model`: its --model, when it takes one).
    func llm(_ server: TestChatServer, model: String? = nil) -> [String] {
        ["--provider", "openai", "--base-url", server.baseURL, "--api-key-env", ClientFixture.keyEnv, "--concurrency", "\(Self.concurrency)", "--seed", "9"]
            + (model.map { ["--model", $0] } ?? [])
    }

    func steps(_ server: TestChatServer, db: String) -> [[String]] {
        [
            ["bench", "build", "--db", db, "--count", "12"] + Self.sources + llm(server, model: "writer-model"),
            ["bench", "answer", "--db", db] + llm(server, model: "model-under-test"),
            ["bench", "judge", "--db", db, "--runs", "2"] + llm(server, model: "judge-model"),
        ]
    }

    /// A collection to keep the bench apart from: the sample's Nectar file, built offline.
    func collection(_ db: String, in dir: URL) throws {
        let build = try runJanus(
            ["build", "--db", db, "--provider", "offline", "--no-export", "--source", "nectar=\(TestPaths.sample.path)/nectar.jsonl"], in: dir)
        #expect(build.status == 0, "\(build.stderr)")
    }

    func files(_ dir: URL) throws -> [String: Data] {
        var out: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: dir.path) {
            out[name] = try Data(contentsOf: dir.appendingPathComponent(name))
        }
        return out
    }

    /// Starts `arguments`, kills it after a random delay in `delays`; true when the kill landed
    /// before the process finished by itself.
    func killed(_ arguments: [String], in dir: URL, after delays: ClosedRange<Double>) throws -> Bool {
        var rng = SystemRandomNumberGenerator()
        let process = Process()
        process.executableURL = TestPaths.binary
        process.arguments = arguments
        process.currentDirectoryURL = dir
        process.environment = ProcessInfo.processInfo.environment.merging(ClientFixture.environment) { $1 }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // A blocking sleep, as in ResumeAfterKillTests: a sleeping task may resume too late.
        usleep(UInt32(Double.random(in: delays, using: &rng) * 1e6))
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        return process.terminationReason == .uncaughtSignal
    }

    @Test func killedBenchCommandsResumeToTheSameExportAndScores() async throws {
        let server = try await TestChatServer.start(["--content", "janus", "--latency", "0.08"])
        let dir = try TestPaths.temporaryDirectory()
        let env = ClientFixture.environment
        try collection("clean.db", in: dir)
        try collection("killed.db", in: dir)

        for step in steps(server, db: "clean.db") {
            let run = try runJanus(step, in: dir, environment: env)
            #expect(run.status == 0, "\(step[1]): \(run.stderr)")
        }
        let needed = try await server.requestCount()
        #expect(needed >= 12 * 3 * 4 + 36 + 36 * 4 * 2)
        _ = try await server.control(#"{"reset": true}"#)

        let delays: [ClosedRange<Double>] = [0.4...1.4, 0.3...0.6, 0.5...2.5]
        var kills = 0
        for (step, delay) in zip(steps(server, db: "killed.db"), delays) {
            if try killed(step, in: dir, after: delay) { kills += 1 }
            let resumed = try runJanus(step, in: dir, environment: env)
            #expect(resumed.status == 0, "\(step[1]) after the kill: \(resumed.stderr)")
        }
        #expect(kills >= 2, "only \(kills) of 3 kills landed before the command finished")
        let stats = try await server.stats()
        let again = stats["answered_again"]?.intValue ?? -1
        #expect(again <= 3 * Self.concurrency, "\(again) bodies answered twice")
        #expect((stats["requests"]?.intValue ?? 0) - needed == again)

        for db in ["clean", "killed"] {
            let export = try runJanus(["bench", "export", "--db", "\(db).db", "--out", db], in: dir)
            #expect(export.status == 0, "\(export.stderr)")
        }
        let clean = try files(dir.appendingPathComponent("clean/bench"))
        #expect(clean.keys.sorted() == ["README.md", "manifest.json", "review.csv", "train-00000-of-00001.jsonl"])
        #expect(try files(dir.appendingPathComponent("killed/bench")) == clean)
        let rows = String(decoding: clean["train-00000-of-00001.jsonl"] ?? Data(), as: UTF8.self).split(separator: "\n")
        #expect(rows.count == 36)

        // An export again over the first gives the same bytes.
        _ = try runJanus(["bench", "export", "--db", "clean.db", "--out", "clean"], in: dir)
        #expect(try files(dir.appendingPathComponent("clean/bench")) == clean)

        let reports = try ["clean", "killed"].map { db in try runJanus(["bench", "report", "--db", "\(db).db", "--json"], in: dir) }
        #expect(reports[0].status == 0, "\(reports[0].stderr)")
        #expect(reports[0].stdout == reports[1].stdout)
        let report = try JSONParser.parse(reports[0].stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        let model = report["models"]?.arrayValue?.first
        #expect(model?["model"]?.stringValue == "model-under-test")
        #expect(model?["judge"]?.stringValue == "judge-model")
        #expect(model?["items"]?.intValue == 36)
        #expect(model?["runs"]?.intValue == 2)
        #expect(model?["missing_verdicts"]?.intValue == 0)
        let score = model?["score"]?.doubleValue ?? 0
        #expect(score >= 1 && score <= 5)
    }

    @Test func maxCostStopsTheJudgeAndARunWithMoreGoesOn() async throws {
        let server = try await TestChatServer.start(["--content", "janus"])
        let dir = try TestPaths.temporaryDirectory()
        try collection("j.db", in: dir)
        let offline = ["--db", "j.db", "--provider", "offline"]
        #expect(try runJanus(["bench", "build", "--count", "2"] + offline + Self.sources, in: dir).status == 0)
        #expect(try runJanus(["bench", "answer", "--model", "m"] + offline, in: dir).status == 0)
        let judge = ["bench", "judge", "--db", "j.db", "--runs", "1", "--judge-model", "gpt-4o-2024-08-06"]
            + llm(server)
        let plan = try runJanus(
            ["bench", "plan", "judge", "--db", "j.db", "--runs", "1", "--judge-model", "gpt-4o-2024-08-06", "--json"]
                + llm(server), in: dir)
        let planned = try JSONParser.parse(plan.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(planned["total_requests"]?.intValue == 2 * 3 * 4)
        #expect((planned["total_cost_usd"]?.doubleValue ?? 0) > 0)

        let capped = try runJanus(judge + ["--max-cost", "0.0001"], in: dir, environment: ClientFixture.environment)
        #expect(capped.status == 3, "\(capped.stderr)")
        #expect(capped.stderr.contains("max_cost reached"), "\(capped.stderr)")
        let sent = try await server.requestCount()
        #expect(sent > 0 && sent < 24)
        let rest = try runJanus(judge + ["--max-cost", "5"], in: dir, environment: ClientFixture.environment)
        #expect(rest.status == 0, "\(rest.stderr)")
        let report = try runJanus(["bench", "report", "--db", "j.db", "--json"], in: dir)
        let model = try JSONParser.parse(report.stdout.trimmingCharacters(in: .whitespacesAndNewlines))["models"]?.arrayValue?.first
        #expect(model?["items"]?.intValue == 6 && model?["missing_verdicts"]?.intValue == 0)
    }
}
