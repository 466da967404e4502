
import Foundation
@testable import JanusCore
@testable import JanusHTTP
@testable import JanusLLM
@testable import JanusSupport
import Testing

/// The fake OpenAI server (`Tests/testserver/chat_server.py`) as a subprocess on an ephemeral
/// port of 127.0.0.1. Each test starts its own, so tests can run in parallel.
final class TestChatServer: Sendable {
    struct StartError: Error, CustomStringConvertible {
        var description: String
    }

    static let scriptPath = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("testserver/chat_server.py").path

    let port: Int
    private let process: Process
    private let transport = CurlTransport(expectedConcurrency: 2)

    /// `arguments` are the server's flags (`--script`, `--rates`, `--retry-after-ms`, ...).
    static func start(_ arguments: [String] = []) async throws -> TestChatServer {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", scriptPath, "--port", "0", "--exit-on-stdin-eof"] + arguments
        let output = Pipe()
        let input = Pipe()
        process.standardOutput = output
        process.standardInput = input
        try process.run()
        // The first stdout line is the port; read it off the cooperative pool.
        let line = await withCheckedContinuation { (continuation: CheckedContinuation<String, Never>) in
            DispatchQueue.global().async {
                var bytes: [UInt8] = []
                while let chunk = try? output.fileHandleForReading.read(upToCount: 1), let byte = chunk.first, byte != 10 {
                    bytes.append(byte)
                }
                continuation.resume(returning: String(decoding: bytes, as: UTF8.self))
            }
        }
        guard let port = Int(line.trimmingCharacters(in: .whitespaces)) else {
            process.terminate()
            throw StartError(description: "chat_server.py did not print a port (got \(line.debugDescription))")
        }
        return TestChatServer(process: process, input: input, port: port)
    }

    private let input: Pipe

    private init(process: Process, input: Pipe, port: Int) {
        self.process = process
        self.input = input
        self.port = port
    }

    /// Closing the server's stdin stops it; it also stops by itself if this process dies.
    deinit {
        try? input.fileHandleForWriting.close()
        if process.isRunning { process.waitUntilExit() }
    }

    var baseURL: String { "http://127.0.0.1:\(port)/v1" }

    /// Kills the server at once (SIGKILL), as a crashed or unplugged one: requests in flight get
    /// no answer and new connections are refused.
    func kill() {
        Foundation.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// `GET /stats`: requests, connections, outcomes, authorization header values.
    func stats() async throws -> JSONValue {
        try await call(HTTPRequest(method: .get, url: "http://127.0.0.1:\(port)/stats"))
    }

    /// `POST /control` with a JSON object.
    @discardableResult
    func control(_ json: String) async throws -> JSONValue {
        try await call(HTTPRequest(url: "http://127.0.0.1:\(port)/control", body: Array(json.utf8)))
    }

    /// The number of chat requests the server has received.
    func requestCount() async throws -> Int {
        try #require(try await stats()["requests"]?.intValue)
    }

    private func call(_ request: HTTPRequest) async throws -> JSONValue {
        let response = try await transport.send(request).get()
        return try JSONParser.parse(String(decoding: response.body, as: UTF8.self))
    }
}

/// An `AttemptRecorder` that keeps every record, for assertions.
final class CollectingRecorder: AttemptRecorder {
    private let storage = Locked<[AttemptRecord]>([])

    func record(_ attempt: AttemptRecord) {
        storage.withLock { $0.append(attempt) }
    }

    var records: [AttemptRecord] { storage.withLock { $0 } }
}

/// Settings and requests shared by the client tests.
enum ClientFixture {
    static let keyEnv = "JANUS_TEST_KEY"
    static let key = "sk-test-5f1e0c9a7b3d4e2f81aa"
    static let environment = [keyEnv: key]

    /// Fast settings: short backoff and timeouts, small concurrency.
    static func settings(_ server: TestChatServer, _ adjust: (inout ClientSettings) -> Void = { _ in }) -> ClientSettings {
        var settings = ClientSettings()
        settings.provider = .openai
        settings.baseURL = server.baseURL
        settings.model = "test-model"
        settings.apiKeyEnv = keyEnv
        settings.concurrency = 8
        settings.maxAttempts = 4
        settings.retryBaseDelay = 0.01
        settings.retryMaxDelay = 0.05
        settings.connectTimeout = 2
        settings.totalTimeout = 5
        adjust(&settings)
        return settings
    }

    static func client(_ settings: ClientSettings, _ recorder: CollectingRecorder) throws -> OpenAIClient {
        try OpenAIClient(settings: settings, recorder: recorder, environment: environment)
    }

    static func request(_ n: Int = 0) -> ChatRequest {
        ChatRequest(
            model: "test-model", messages: [.system("be brief"), .user("question number \(n)")],
            sampling: SamplingParameters(temperature: 0, maxTokens: 64), purpose: "test")
    }

    /// Runs `request` and returns its error (nil on success).
    static func failure(of client: OpenAIClient, _ request: ChatRequest) async -> ChatError? {
        do {
            _ = try await client.complete(request)
            return nil
        } catch {
            return error
        }
    }
}
