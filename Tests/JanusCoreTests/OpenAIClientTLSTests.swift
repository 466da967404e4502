
import Foundation
@testable import JanusCore
@testable import JanusLLM
import Testing

/// HTTPS with HTTP/2 for real: nginx with a self-signed certificate in front of the test server.
@Suite(.serialized, .removesTemporaryDirectories) struct OpenAIClientTLSTests {
    @Test func thousandRequestsInFlightShareAFewHTTP2Connections() async throws {
        let server = try await TestChatServer.start(["--latency", "3"])
        let proxy = try await TestTLSProxy.start(upstream: server)
        let recorder = CountingRecorder()
        var settings = ClientFixture.settings(server) {
            $0.concurrency = 1000
            $0.totalTimeout = 60
            $0.connectTimeout = 30
            $0.maxAttempts = 1
        }
        settings.baseURL = proxy.baseURL
        settings.caBundle = proxy.certificate.path
        let client = try OpenAIClient(settings: settings, recorder: recorder, environment: ClientFixture.environment)
        defer { client.shutdown() }
        let result = await ChatLoad(requests: 1000, window: 1000).run(client, recorder: recorder) { ClientFixture.request($0) }
        #expect(result.succeeded == 1000, "\(result.json.serialized())")
        let stats = try await server.stats()
        #expect((stats["peak_in_flight"]?.intValue ?? 0) >= 900, "the requests were in flight at once: \(stats)")
        let requests = try proxy.requests()
        #expect(requests.count == 1000)
        #expect(requests.allSatisfy { $0.proto == "HTTP/2.0" && $0.status == 200 })
        let connections = Set(requests.map(\.connection))
        #expect(connections.count <= 4, "\(connections.count) connections")
    }

    @Test func sslCertFileIsTrusted() async throws {
        let server = try await TestChatServer.start()
        let proxy = try await TestTLSProxy.start(upstream: server)
        var settings = ClientFixture.settings(server)
        settings.baseURL = proxy.baseURL
        let environment = ClientFixture.environment.merging(["SSL_CERT_FILE": proxy.certificate.path]) { $1 }
        let client = try OpenAIClient(settings: settings, recorder: CollectingRecorder(), environment: environment)
        let response = try await client.complete(ClientFixture.request())
        #expect(response.content.hasPrefix("answer "))
    }

    @Test func wrongCAIsAClearErrorNamingHostAndFile() async throws {
        let server = try await TestChatServer.start()
        let proxy = try await TestTLSProxy.start(upstream: server)
        var settings = ClientFixture.settings(server)
        settings.baseURL = proxy.baseURL
        settings.caBundle = proxy.wrongCertificate.path
        let recorder = CollectingRecorder()
        let client = try ClientFixture.client(settings, recorder)
        let error = try #require(await ClientFixture.failure(of: client, ClientFixture.request()))
        #expect(error.kind == .configuration && error.attempts == 1, "not retried: \(error)")
        #expect(error.message.contains("127.0.0.1"), "\(error.message)")
        #expect(error.message.contains(proxy.wrongCertificate.path), "\(error.message)")
        #expect(try await server.requestCount() == 0)
    }

    @Test func missingCAFileIsRefusedBeforeAnyRequest() throws {
        var settings = ClientSettings()
        settings.apiKeyEnv = ClientFixture.keyEnv
        settings.caBundle = "/nonexistent/ca.pem"
        #expect(throws: ChatError.self) { try OpenAIClient(settings: settings, environment: ClientFixture.environment) }
        do {
            _ = try OpenAIClient(settings: settings, environment: ClientFixture.environment)
        } catch {
            #expect(error.message == "the CA bundle /nonexistent/ca.pem (ca_bundle) does not exist or cannot be read")
        }
    }
}
