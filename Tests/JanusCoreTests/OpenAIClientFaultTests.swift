
import Foundation
@testable import JanusCore
@testable import JanusLLM
import Testing

/// Each fault class the server can produce, against the real libcurl client.
@Suite(.needsPython3) struct OpenAIClientFaultTests {
    static let recoverable: [(fault: String, outcome: String)] = [
        ("429", "rate_limited"), ("500", "server_error"), ("reset", "connection_error"), ("truncate", "truncated"),
        ("hang", "timeout"), ("length", "length"), ("empty", "empty_content"), ("invalid", "invalid_body"),
    ]

    @Test(arguments: recoverable)
    func faultIsRetriedToSuccess(fault: String, outcome: String) async throws {
        let server = try await TestChatServer.start(["--script", "\(fault),ok", "--retry-after-ms", "10"])
        let recorder = CollectingRecorder()
        let client = try ClientFixture.client(ClientFixture.settings(server) { $0.totalTimeout = 0.5 }, recorder)
        let response = try await client.complete(ClientFixture.request())
        #expect(response.content.hasPrefix("answer "))
        let records = recorder.records
        #expect(records.map(\.outcome) == [outcome, "ok"])
        #expect(records.map(\.attempt) == [1, 2])
        #expect(records[1].startedAt >= records[0].finishedAt)
        #expect(try await server.requestCount() == 2)
    }

    @Test func retryAfterMillisecondsIsHonoured() async throws {
        let server = try await TestChatServer.start(["--script", "429,ok", "--retry-after-ms", "300"])
        let recorder = CollectingRecorder()
        let client = try ClientFixture.client(ClientFixture.settings(server), recorder)
        _ = try await client.complete(ClientFixture.request())
        let records = recorder.records
        try #require(records.count == 2)
        #expect(records[0].httpStatus == 429)
        #expect(records[1].startedAt.timeIntervalSince(records[0].finishedAt) >= 0.3)
    }

    @Test func retryAfterSecondsIsHonoured() async throws {
        let server = try await TestChatServer.start(["--script", "429,ok", "--retry-after", "1"])
        let recorder = CollectingRecorder()
        let client = try ClientFixture.client(ClientFixture.settings(server), recorder)
        _ = try await client.complete(ClientFixture.request())
        let records = recorder.records
        try #require(records.count == 2)
        #expect(records[1].startedAt.timeIntervalSince(records[0].finishedAt) >= 1.0)
    }

    @Test(arguments: [("length", ChatError.Kind.length), ("empty", .emptyContent), ("500", .http)])
    func persistentFaultFailsAfterMaxAttempts(fault: String, kind: ChatError.Kind) async throws {
        let server = try await TestChatServer.start(["--rates", "\(fault)=1"])
        let recorder = CollectingRecorder()
        let client = try ClientFixture.client(ClientFixture.settings(server) { $0.maxAttempts = 3 }, recorder)
        let error = try #require(await ClientFixture.failure(of: client, ClientFixture.request()))
        #expect(error.kind == kind && error.attempts == 3)
        #expect(recorder.records.count == 3)
        #expect(try await server.requestCount() == 3)
    }

    @Test func lengthAnswersArePaidFor() async throws {
        let server = try await TestChatServer.start(["--script", "length,ok"])
        let recorder = CollectingRecorder()
        let client = try ClientFixture.client(ClientFixture.settings(server), recorder)
        _ = try await client.complete(ClientFixture.request())
        #expect(recorder.records.compactMap(\.usage).count == 2, "a cut-off answer still used tokens")
    }

    @Test func controlEndpointChangesFaultsWhileRunning() async throws {
        let server = try await TestChatServer.start()
        let recorder = CollectingRecorder()
        let client = try ClientFixture.client(ClientFixture.settings(server), recorder)
        _ = try await client.complete(ClientFixture.request(1))
        try await server.control(#"{"reset": true, "script": ["500", "truncate"]}"#)
        _ = try await client.complete(ClientFixture.request(2))
        #expect(recorder.records.map(\.outcome) == ["ok", "server_error", "truncated", "ok"])
        #expect(try await server.requestCount() == 3, "counters were reset after the first request")
    }

    @Test func connectionRefusedIsATransportFailure() async throws {
        var settings = ClientSettings()
        settings.baseURL = "http://127.0.0.1:1/v1"
        settings.apiKeyEnv = ClientFixture.keyEnv
        settings.maxAttempts = 2
        settings.retryBaseDelay = 0.01
        let recorder = CollectingRecorder()
        let client = try ClientFixture.client(settings, recorder)
        let error = try #require(await ClientFixture.failure(of: client, ClientFixture.request()))
        #expect(error.kind == .transport && error.attempts == 2)
        #expect(recorder.records.map(\.outcome) == ["connect_error", "connect_error"])
    }
}
