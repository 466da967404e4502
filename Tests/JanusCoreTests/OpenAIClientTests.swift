
import Foundation
@testable import JanusCore
@testable import JanusLLM
import Testing

/// The real libcurl client against the fake server: the plain paths.
@Suite(.needsPython3) struct OpenAIClientTests {
    @Test func answersRecordsOneAttemptAndSendsTheKey() async throws {
        let server = try await TestChatServer.start()
        let recorder = CollectingRecorder()
        let client = try ClientFixture.client(ClientFixture.settings(server), recorder)
        let first = try await client.complete(ClientFixture.request(1))
        let again = try await client.complete(ClientFixture.request(1))
        #expect(first.content.hasPrefix("answer "))
        #expect(first.content == again.content, "the server answers the same body the same way")
        #expect(first.finishReason == "stop")
        #expect(first.usage.estimated == false && first.usage.promptTokens > 0)
        let records = recorder.records
        #expect(records.map(\.outcome) == ["ok", "ok"])
        #expect(records.allSatisfy { $0.httpStatus == 200 && $0.attempt == 1 && $0.purpose == "test" })
        #expect(records[0].requestKey == ClientFixture.request(1).key(provider: .openai))
        let stats = try await server.stats()
        #expect(stats["authorization"] == .object([("Bearer \(ClientFixture.key)", 2)]))
    }

    @Test func reusesOneKeepAliveConnection() async throws {
        let server = try await TestChatServer.start()
        let client = try ClientFixture.client(ClientFixture.settings(server), CollectingRecorder())
        for n in 0..<20 {
            _ = try await client.complete(ClientFixture.request(n))
        }
        let stats = try await server.stats()
        #expect(stats["requests"]?.intValue == 20)
        #expect(stats["connections"]?.intValue == 2, "one for the client, one for this stats call")
    }

    @Test func missingKeyIsAConfigurationErrorNamingTheVariable() async throws {
        var settings = ClientSettings()
        settings.apiKeyEnv = "JANUS_KEY_THAT_IS_NOT_SET"
        #expect {
            _ = try OpenAIClient(settings: settings, environment: [:])
        } throws: { error in
            guard let error = error as? ChatError else { return false }
            return error.kind == .configuration && error.message.contains("JANUS_KEY_THAT_IS_NOT_SET")
        }
    }

    @Test(arguments: [400, 404, 422])
    func clientErrorsFailAtOnceWithTheServersMessage(status: Int) async throws {
        let server = try await TestChatServer.start(["--script", "\(status),ok"])
        let recorder = CollectingRecorder()
        let client = try ClientFixture.client(ClientFixture.settings(server), recorder)
        let error = try #require(await ClientFixture.failure(of: client, ClientFixture.request()))
        #expect(error.kind == .http && error.status == status && error.attempts == 1)
        #expect(error.message.contains("test server says \(status)"))
        #expect(recorder.records.map(\.outcome) == ["http_error"])
        #expect(try await server.requestCount() == 1)
    }

    @Test func unauthorizedNamesTheVariableAndHidesTheKey() async throws {
        // The server echoes the key in its 401 message, as OpenAI does (partly masked).
        let server = try await TestChatServer.start(["--script", "401"])
        let recorder = CollectingRecorder()
        let client = try ClientFixture.client(ClientFixture.settings(server), recorder)
        let error = try #require(await ClientFixture.failure(of: client, ClientFixture.request()))
        #expect(error.kind == .http && error.status == 401 && error.attempts == 1)
        #expect(error.message.contains("the key in $\(ClientFixture.keyEnv) was rejected by 127.0.0.1"))
        #expect(error.message.contains("Incorrect API key provided"))
        #expect(!error.description.contains(ClientFixture.key))
        let record = try #require(recorder.records.first)
        #expect(record.httpStatus == 401 && !record.detail.contains(ClientFixture.key))
    }

    @Test func missingUsageIsEstimated() async throws {
        let server = try await TestChatServer.start(["--script", "no_usage"])
        let recorder = CollectingRecorder()
        let client = try ClientFixture.client(ClientFixture.settings(server), recorder)
        let response = try await client.complete(ClientFixture.request())
        #expect(response.usage.estimated)
        #expect(response.usage.promptTokens > 0 && response.usage.completionTokens > 0)
        #expect(recorder.records.first?.usage == response.usage)
    }

    @Test func maxCostStopsNewRequests() async throws {
        let server = try await TestChatServer.start()
        let client = try ClientFixture.client(
            ClientFixture.settings(server) { settings in
                // $1 an answer: every test-server answer is 64 characters, 16 completion tokens.
                settings.prices = ["test-model": ModelPrice(prompt: 0, completion: 62_500)]
                settings.maxCost = 2.5
            }, CollectingRecorder())
        var answered = 0
        var refused: [ChatError] = []
        for n in 0..<6 {
            do {
                _ = try await client.complete(ClientFixture.request(n))
                answered += 1
            } catch {
                refused.append(error)
            }
        }
        #expect(answered == 3, "spent after 2 answers is < 2.5, after 3 it is >= 2.5")
        #expect(refused.count == 3 && refused.allSatisfy { $0.kind == .budget && $0.attempts == 0 })
        #expect(client.spent >= 2.5)
        #expect(try await server.requestCount() == 3)
    }

    @Test func cancellingTheTaskEndsAHangingRequest() async throws {
        let server = try await TestChatServer.start(["--script", "hang"])
        let recorder = CollectingRecorder()
        let client = try ClientFixture.client(ClientFixture.settings(server) { $0.totalTimeout = 120 }, recorder)
        let task = Task { await ClientFixture.failure(of: client, ClientFixture.request()) }
        while try await server.requestCount() == 0 {
            try await Task.sleep(for: .milliseconds(10))
        }
        task.cancel()
        let error = await task.value
        #expect(error?.kind == .cancelled)
        #expect(recorder.records.map(\.outcome) == ["cancelled"])
    }
}
