
import Foundation
@testable import JanusCore
@testable import JanusLLM
import Testing

/// Many requests with every fault class mixed in: the accounting must add up.
@Suite(.needsPython3) struct OpenAIClientLoadTests {
    @Test func mixedFaultRunAddsUp() async throws {
        let rates = "429=0.04,500=0.04,reset=0.03,truncate=0.03,length=0.03,empty=0.02,no_usage=0.05,invalid=0.02,hang=0.01"
        let server = try await TestChatServer.start(["--rates", rates, "--retry-after-ms", "10", "--seed", "7"])
        let recorder = CollectingRecorder()
        let client = try ClientFixture.client(
            ClientFixture.settings(server) { settings in
                settings.concurrency = 32
                settings.maxAttempts = 8
                settings.totalTimeout = 1
            }, recorder)
        let count = 500
        let results = await withTaskGroup(of: ChatError?.self) { group in
            for n in 0..<count {
                group.addTask { await ClientFixture.failure(of: client, ClientFixture.request(n)) }
            }
            return await group.reduce(into: [ChatError?]()) { $0.append($1) }
        }
        let failures = results.compactMap { $0 }
        let successes = results.count - failures.count
        let records = recorder.records
        let failedAttempts = records.filter { $0.outcome != "ok" }.count
        #expect(results.count == count)
        #expect(records.filter { $0.outcome == "ok" }.count == successes)
        let stats = try await server.stats()
        #expect(stats["requests"]?.intValue == successes + failedAttempts)
        #expect(stats["authorization"] == .object([("Bearer \(ClientFixture.key)", .integer(records.count))]))
        #expect(Set(records.map(\.outcome)).isSuperset(of: ["ok", "rate_limited", "server_error", "truncated"]))
        #expect(records.allSatisfy { !$0.detail.contains(ClientFixture.key) })
        #expect(failures.allSatisfy { !$0.description.contains(ClientFixture.key) })
        #expect(successes >= count - 2, "eight attempts at a 27% fault rate almost never all fail")
    }

    @Test func sustained429sCutConcurrencyAndAFewDoNot() async throws {
        let server = try await TestChatServer.start(["--script", Array(repeating: "429", count: 8).joined(separator: ","), "--latency", "0.02"])
        let client = try ClientFixture.client(ClientFixture.settings(server) { $0.maxAttempts = 1 }, CollectingRecorder())
        func batch() async {
            await withTaskGroup(of: Void.self) { group in
                for n in 0..<8 {
                    group.addTask { _ = await ClientFixture.failure(of: client, ClientFixture.request(n)) }
                }
            }
        }
        await batch()
        #expect(client.currentConcurrency == 8, "a burst of eight 429s is not a sustained signal")
        try await server.control(#"{"rates": {"429": 1}}"#)
        for _ in 0..<200 where client.currentConcurrency == 8 { await batch() }
        #expect(client.currentConcurrency < 8)
        #expect(client.load.pacedRate != nil)
    }
}

/// The rpm budget end to end: recorded start times, never wall-clock assertions.
@Suite(.needsPython3) struct OpenAIClientRateTests {
    @Test func requestsPerMinuteSpacesStarts() async throws {
        let server = try await TestChatServer.start()
        let recorder = CollectingRecorder()
        let client = try ClientFixture.client(
            ClientFixture.settings(server) { settings in
                settings.concurrency = 16
                settings.requestsPerMinute = 1200  // 20 a second, one second of burst
            }, recorder)
        await withTaskGroup(of: Void.self) { group in
            for n in 0..<40 {
                group.addTask { _ = await ClientFixture.failure(of: client, ClientFixture.request(n)) }
            }
        }
        let starts = recorder.records.map(\.startedAt).sorted()
        try #require(starts.count == 40)
        // 21 may start at once (the burst), the other 19 follow at 20 a second.
        #expect(try #require(starts.last).timeIntervalSince(try #require(starts.first)) >= 0.9)
    }
}
