import Foundation
@testable import JanusCore
@testable import JanusStore
@testable import JanusSupport
import Testing

/// No server there: a wrong base URL, or the only server gone mid-run. The run stops after
/// `provider.unreachable_timeout` with a message that says what was tried and what to do,
/// records no item as failed (nothing was asked), keeps what it stored, and the next build with
/// a server there finishes the work without asking again what was answered.
@Suite(.tags(.endToEnd), .needsPython3, .serialized, .removesTemporaryDirectories) struct UnreachableServerTests {
    /// A directory with 40 instructions and a janus.yaml that gives up after two seconds.
    func workspace() throws -> URL {
        let dir = try TestPaths.temporaryDirectory()
        try FaultMixTests.instructions(40).write(to: dir.appendingPathComponent("in.jsonl"), atomically: true, encoding: .utf8)
        try "provider:\n  unreachable_timeout: 2\n".write(to: dir.appendingPathComponent("janus.yaml"), atomically: true, encoding: .utf8)
        return dir
    }

    func build(_ baseURL: String, in dir: URL) async throws -> CommandResult {
        try await FaultMixTests().runOffThePool(
            [
                "build", "--db", "j.db", "--no-export", "--provider", "openai", "--base-url", baseURL, "--model", "test-model",
                "--api-key-env", ClientFixture.keyEnv, "--concurrency", "8", "--source", "jsonl=in.jsonl", "--no-near-dedup",
            ], in: dir, environment: ClientFixture.environment)
    }

    /// Per stage, (done, failed) from `status --json`.
    func counts(in dir: URL) throws -> [String: (done: Int, failed: Int)] {
        let status = try runJanus(["status", "--db", "j.db", "--json"], in: dir)
        let json = try JSONParser.parse(status.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        var counts: [String: (done: Int, failed: Int)] = [:]
        for stage in ["expand", "systems", "respond"] {
            counts[stage] = (json["stages"]?[stage]?["done"]?.intValue ?? -1, json["stages"]?[stage]?["failed"]?.intValue ?? -1)
        }
        return counts
    }

    @Test func aServerThatIsNotThereStopsTheRunWithWhatToDo() async throws {
        let dir = try workspace()
        let nobody = "http://127.0.0.1:\(try TestTLSProxy.freePort())/v1"
        let stopped = try await build(nobody, in: dir)
        #expect(stopped.status == 1, "\(stopped.stderr)")
        #expect(stopped.stderr.contains("error: stopped sending: no server has answered in the"), "\(stopped.stderr)")
        #expect(stopped.stderr.contains(nobody), "names the address tried: \(stopped.stderr)")
        #expect(stopped.stderr.contains("run the same command again once it answers"))
        for (stage, count) in try counts(in: dir) {
            #expect(count.done == 0 && count.failed == 0, "\(stage): nothing asked is nothing failed: \(count)")
        }
        let server = try await TestChatServer.start(["--content", "janus"])
        let finished = try await build(server.baseURL, in: dir)
        #expect(finished.status == 0, "\(finished.stderr)")
        for (stage, count) in try counts(in: dir) {
            #expect(count.done == 120 && count.failed == 0, "\(stage): \(count)")
        }
    }

    @Test func theOnlyServerGoneMidRunStopsTheRunAndTheNextOneFinishes() async throws {
        let dir = try workspace()
        let log = dir.appendingPathComponent("answers.log")
        let doomed = try await TestChatServer.start(["--content", "janus", "--latency", "0.05", "--answer-log", log.path])
        let run = Task.detached { try await build(doomed.baseURL, in: dir) }
        _ = await SeveralEndpointsTests().kill(doomed, after: 30, in: log, logs: [log])
        let stopped = try await run.value
        #expect(stopped.status == 1, "\(stopped.stderr)")
        #expect(stopped.stderr.contains("error: stopped sending: no server has answered for"), "\(stopped.stderr)")
        let before = try counts(in: dir)
        #expect(before.values.map(\.done).reduce(0, +) >= 30, "what was answered is kept: \(before)")
        #expect(before.values.allSatisfy { $0.failed == 0 }, "\(before)")

        let secondLog = dir.appendingPathComponent("answers-2.log")
        let server = try await TestChatServer.start(["--content", "janus", "--answer-log", secondLog.path])
        let finished = try await build(server.baseURL, in: dir)
        #expect(finished.status == 0, "\(finished.stderr)")
        for (stage, count) in try counts(in: dir) {
            #expect(count.done == 120 && count.failed == 0, "\(stage): \(count)")
        }
        // 120 requests a stage (a variant each), each answered once over both runs: the attempt
        // log holds one answered attempt per request key.
        let store = try CheckpointStore(path: dir.appendingPathComponent("j.db").path)
        let answered = try answeredAttemptsPerKey(store)
        #expect(answered.count == 360, "\(answered.count)")
        #expect(answered.values.allSatisfy { $0 == 1 }, "answered twice: \(answered.values.filter { $0 != 1 }.count)")
        // The servers' logs agree, but the killed one logs an answer after writing it, so a kill
        // that lands in between leaves out answers it sent: at most the 8 it had under way.
        let all = try SeveralEndpointsTests().answered(log) + SeveralEndpointsTests().answered(secondLog)
        #expect(Set(all).count == all.count, "answered twice: \(all.count - Set(all).count)")
        #expect((360 - 8...360).contains(all.count), "\(all.count)")
    }
}
