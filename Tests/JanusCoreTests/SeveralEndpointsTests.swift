import Foundation
@testable import JanusCore
@testable import JanusExport
@testable import JanusHTTP
@testable import JanusIngest
@testable import JanusLLM
@testable import JanusStore
@testable import JanusSupport
import Testing

/// Several servers of one model: a build over three local servers, one killed mid-run and one
/// slow; and the client over two, one of which fails every request.
@Suite(.tags(.endToEnd), .needsPython3, .serialized, .removesTemporaryDirectories) struct SeveralEndpointsTests {
    /// Request bodies a server answered 200, from its `--answer-log` (kept when it is killed).
    func answered(_ log: URL) throws -> [String] {
        let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").map(String.init)
    }

    /// Kills `server` once its answer log has `count` lines, watching from a Dispatch thread (the
    /// cooperative pool may be held up by other tests for longer than the build takes). Returns
    /// the lines in `logs` at that moment.
    func kill(_ server: TestChatServer, after count: Int, in log: URL, logs: [URL]) async -> [Int] {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                for _ in 0..<6000 {
                    if ((try? answered(log).count) ?? 0) >= count { break }
                    usleep(10_000)
                }
                let counts = logs.map { ((try? answered($0)) ?? []).count }
                server.kill()
                continuation.resume(returning: counts)
            }
        }
    }

    @Test func aBuildOverThreeServersOneKilledOneSlowDoesEveryItemOnce() async throws {
        let dir = try TestPaths.temporaryDirectory()
        let logs = (0..<3).map { dir.appendingPathComponent("answers-\($0).log") }
        let fast = try await TestChatServer.start(["--content", "janus", "--latency", "0.1", "--answer-log", logs[0].path])
        let doomed = try await TestChatServer.start(["--content", "janus", "--latency", "0.1", "--answer-log", logs[1].path])
        let slow = try await TestChatServer.start(["--content", "janus", "--latency", "0.5", "--answer-log", logs[2].path])
        try FaultMixTests.instructions(120).write(to: dir.appendingPathComponent("in.jsonl"), atomically: true, encoding: .utf8)
        let arguments = [
            "build", "--db", "j.db", "--out", "out", "--provider", "openai", "--endpoint", fast.baseURL, "--endpoint",
            doomed.baseURL, "--endpoint", slow.baseURL, "--model", "test-model", "--api-key-env", ClientFixture.keyEnv,
            "--concurrency", "8", "--source", "jsonl=in.jsonl", "--no-near-dedup", "--json",
        ]
        let build = Task.detached {
            try await FaultMixTests().runOffThePool(arguments, in: dir, environment: ClientFixture.environment)
        }
        // Mid-run: once the doomed server has answered 100 requests (of 1,080), it dies.
        let atKill = await kill(doomed, after: 100, in: logs[1], logs: logs)
        let result = try await build.value
        #expect(result.status == 0, "\(result.stderr)")
        #expect(atKill[1] >= 100 && atKill.reduce(0, +) < 600, "the doomed server was killed mid-run: \(atKill)")
        let summary = try JSONParser.parse(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        for stage in ["expand", "systems", "respond"] {
            #expect(summary["stages"]?[stage]?["done"]?.intValue == 360, "\(stage): \(summary)")
        }

        // Every request answered once in all: one answered attempt per request key in the
        // attempt log (kept with the answer, or moved to the log's rows by a second answer),
        // and no body twice in the servers' logs, on one server or across them.
        // The doomed server logs an answer after writing it, so a kill that lands in between
        // leaves out answers it sent: at most the 8 it had under way.
        let store = try CheckpointStore(path: dir.appendingPathComponent("j.db").path)
        let answeredKeys = try answeredAttemptsPerKey(store)
        #expect(answeredKeys.count == 1080, "\(answeredKeys.count)")
        #expect(answeredKeys.values.allSatisfy { $0 == 1 }, "answered twice: \(answeredKeys.values.filter { $0 != 1 }.count)")
        let perServer = try logs.map { try answered($0) }
        let all = perServer.flatMap { $0 }
        #expect(Set(all).count == all.count, "answered twice: \(all.count - Set(all).count)")
        #expect((1080 - 8...1080).contains(all.count), "every request answered: \(perServer.map(\.count))")
        // The slow server was given fewer than the fast one that lived.
        #expect(perServer[2].count < perServer[0].count, "\(perServer.map(\.count))")
        #expect(perServer[2].count < all.count / 3, "\(perServer.map(\.count))")

        // The attempt log names each attempt's endpoint; status shows them.
        let tallies = Dictionary(uniqueKeysWithValues: try store.endpointTallies().map { ($0.endpoint, $0) })
        let labels = [fast, doomed, slow].map { EndpointSettings.label($0.baseURL) }
        #expect(Set(tallies.keys) == Set(labels))
        #expect(tallies[labels[0]]?.answered == perServer[0].count)
        #expect(tallies[labels[2]]?.answered == perServer[2].count)
        #expect((tallies[labels[1]]?.answered ?? 0) <= perServer[1].count + 8)
        #expect((tallies[labels[1]]?.failed ?? 0) > 0, "the killed server's attempts failed: \(tallies)")
        for (n, server) in [fast, slow].enumerated() {
            let requests = try await server.requestCount()
            #expect(tallies[labels[n * 2]]?.sent == requests, "one attempt row per request \(labels[n * 2])")
        }
        // Keys leave the endpoint out: the same build over another endpoint sends nothing.
        let slowBefore = try await slow.requestCount()
        let again = try await FaultMixTests().runOffThePool(
            [
                "build", "--db", "j.db", "--out", "out2", "--provider", "openai", "--endpoint", slow.baseURL, "--model",
                "test-model", "--api-key-env", ClientFixture.keyEnv, "--json",
            ], in: dir, environment: ClientFixture.environment)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(try await slow.requestCount() == slowBefore)
        let status = try runJanus(["status", "--db", "j.db", "--json"], in: dir)
        #expect(status.status == 0, "\(status.stderr)")
        let shown = try JSONParser.parse(status.stdout.trimmingCharacters(in: .whitespacesAndNewlines))["endpoints"]?.arrayValue
        #expect(Set(shown?.compactMap { $0["endpoint"]?.stringValue } ?? []) == Set(labels), "\(status.stdout)")
    }

    @Test func requestsLeaveAServerThatFailsEveryOne() async throws {
        let good = try await TestChatServer.start(["--latency", "0.02"])
        let bad = try await TestChatServer.start(["--latency", "0.02", "--rates", "500=1"])
        let recorder = CollectingRecorder()
        let settings = ClientFixture.settings(good) {
            $0.endpoints = [EndpointSettings(baseURL: bad.baseURL), EndpointSettings(baseURL: good.baseURL)]
            $0.maxAttempts = 4
        }
        let client = try ClientFixture.client(settings, recorder)
        let count = 400
        let failures = await withTaskGroup(of: ChatError?.self) { group in
            for n in 0..<count {
                group.addTask { await ClientFixture.failure(of: client, ClientFixture.request(n)) }
            }
            return await group.reduce(into: [ChatError]()) { if let e = $1 { $0.append(e) } }
        }
        #expect(failures.isEmpty, "\(failures.prefix(3))")
        let badRequests = try await bad.requestCount()
        let goodRequests = try await good.requestCount()
        #expect(goodRequests == count)
        // Cooled after its first failures, it is only probed now and then.
        #expect(badRequests < count / 10, "bad: \(badRequests), good: \(goodRequests)")
        let records = recorder.records
        #expect(records.filter { $0.endpoint == EndpointSettings.label(bad.baseURL) }.count == badRequests)
        #expect(records.filter { $0.endpoint == EndpointSettings.label(good.baseURL) }.count == goodRequests)
        let load = client.load
        #expect(load.endpoints.map(\.label) == [bad, good].map { EndpointSettings.label($0.baseURL) })
        #expect(load.endpoints.map(\.sent) == [badRequests, goodRequests])
        #expect(load.endpoints.map(\.failed) == [badRequests, 0])
        #expect(load.endpoints.map(\.answered) == [0, count])
        #expect(load.endpointLines.count == 2)
        client.shutdown()
    }

    @Test func oneEndpointIsTheClientAsBefore() async throws {
        let server = try await TestChatServer.start(["--script", "500,500,500,500", "--latency", "0.01"])
        let recorder = CollectingRecorder()
        let client = try ClientFixture.client(ClientFixture.settings(server) { $0.maxAttempts = 5 }, recorder)
        _ = try await client.complete(ClientFixture.request())
        // Four 500s in a row: retried with backoff on the one server, never cooled away from it.
        #expect(recorder.records.map(\.outcome) == ["server_error", "server_error", "server_error", "server_error", "ok"])
        #expect(Set(recorder.records.compactMap(\.endpoint)) == [EndpointSettings.label(server.baseURL)])
        #expect(client.load.endpoints.isEmpty)
        client.shutdown()
    }

    @Test func theAttemptLogKeepsEachAttemptsEndpoint() throws {
        let store = try memoryStore()
        let start = Date(timeIntervalSince1970: 1_700_000_000)
        func attempt(_ n: Int, _ outcome: String, _ endpoint: String?, seconds: Double) -> AttemptRecord {
            AttemptRecord(
                requestKey: "k", purpose: "expand", attempt: n, startedAt: start, finishedAt: start.addingTimeInterval(seconds),
                httpStatus: outcome == "ok" ? 200 : nil, outcome: outcome, detail: "", usage: nil, endpoint: endpoint)
        }
        store.record(attempt(1, "connect_error", "http://a:1/v1", seconds: 0.01))
        store.record(attempt(2, "ok", "http://b:1/v1", seconds: 0.5))
        store.record(attempt(3, "ok", "http://b:1/v1", seconds: 1.5))
        store.record(attempt(4, "cancelled", "http://b:1/v1", seconds: 0.1))
        store.record(attempt(5, "ok", nil, seconds: 1))
        #expect(try store.loggedAttempts(key: "k").map(\.endpoint) == ["http://a:1/v1", "http://b:1/v1", "http://b:1/v1", "http://b:1/v1", nil])
        #expect(try store.endpointTallies() == [
            EndpointTally(endpoint: "http://a:1/v1", sent: 1, answered: 0, failed: 1, meanLatency: 0),
            EndpointTally(endpoint: "http://b:1/v1", sent: 3, answered: 2, failed: 0, meanLatency: 1),
        ])
    }
}
