
import Foundation
@testable import JanusCore
@testable import JanusStore
@testable import JanusSupport
import Testing

/// A build against a server that fails at random (not because it is loaded): every item ends
/// done in one run, and the store's attempt log holds every failed try.
@Suite(.tags(.endToEnd), .serialized, .removesTemporaryDirectories) struct FaultMixTests {
    /// The mix of issue 13: 429s with Retry-After 1 s, 500s, resets, cut bodies, 15 s hangs,
    /// finish_reason length; fenced and broken JSON preference sets.
    static let transportFaults = "429=0.10,500=0.05,reset=0.02,truncate=0.01,hang=0.003,length=0.01"
    static let contentFaults = "fenced=0.05,broken_json=0.03"

    /// `count` distinct instructions, one JSON object a line.
    static func instructions(_ count: Int) -> String {
        let topics = ["a compiler", "a river delta", "vaccine trials", "a bakery budget", "orbital mechanics", "sonnets"]
        return (0..<count).map { n in
            let text = "Task \(n): explain how \(topics[n % topics.count]) works, step \(n * 7 % 13), for a reader who knows \(topics[(n / 6) % topics.count])."
            return #"{"prompt": "\#(text)"}"#
        }.joined(separator: "\n") + "\n"
    }

    /// `runJanus` on a Dispatch thread: the build takes many seconds, and blocking one of the
    /// few threads of the cooperative pool for that long delays every other test's tasks
    /// (one of them times a SIGKILL with `Task.sleep`).
    func runOffThePool(_ arguments: [String], in directory: URL, environment: [String: String]) async throws -> CommandResult {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try runJanus(arguments, in: directory, environment: environment) })
            }
        }
    }

    @Test func noisyServerRunEndsWithEveryItemDone() async throws {
        let server = try await TestChatServer.start([
            "--content", "janus", "--latency", "0.05", "--rates", Self.transportFaults, "--retry-after", "1",
            "--hang-seconds", "15", "--content-faults", Self.contentFaults, "--seed", "13",
        ])
        let dir = try TestPaths.temporaryDirectory()
        try Self.instructions(120).write(to: dir.appendingPathComponent("in.jsonl"), atomically: true, encoding: .utf8)
        let result = try await runOffThePool(
            [
                "build", "--db", "j.db", "--out", "out", "--provider", "openai", "--base-url", server.baseURL,
                "--model", "test-model", "--api-key-env", ClientFixture.keyEnv, "--concurrency", "100",
                "--source", "jsonl=in.jsonl", "--no-near-dedup", "--json",
            ], in: dir, environment: ClientFixture.environment)
        #expect(result.status == 0, "\(result.stderr)")
        let summary = try JSONParser.parse(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        for stage in ["expand", "systems", "respond"] {
            let counts = summary["stages"]?[stage]
            #expect(counts?["done"]?.intValue == 360, "\(stage): \(summary)")
            #expect(counts?["failed"]?.intValue == 0 && counts?["quarantined"]?.intValue == 0, "\(stage): \(summary)")
        }
        let stats = try await server.stats()
        let outcomes = stats["outcomes"]
        let attempts = try CheckpointStore(path: dir.appendingPathComponent("j.db").path).attemptCounts()
        #expect(attempts.values.reduce(0, +) == stats["requests"]?.intValue, "one attempt row per request: \(attempts) \(stats)")
        #expect(attempts["rate_limited"] == outcomes?["429"]?.intValue, "\(attempts)")
        #expect(attempts["server_error"] == outcomes?["500"]?.intValue, "\(attempts)")
        #expect(attempts["truncated"] == outcomes?["truncate"]?.intValue, "\(attempts)")
        #expect(attempts["length"] == outcomes?["length"]?.intValue, "\(attempts)")
        #expect((attempts["connection_error"] ?? 0) == outcomes?["reset"]?.intValue, "\(attempts)")
        #expect((attempts["rate_limited"] ?? 0) > 50, "the mix was applied: \(attempts)")
    }
}
