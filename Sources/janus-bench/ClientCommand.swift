import ArgumentParser
import Foundation
import JanusLLM

/// `janus-bench client`: N distinct chat requests through the real `OpenAIClient`, then one
/// JSON line with what came back.
struct ClientCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "client",
        abstract: "Send chat requests through OpenAIClient and print the tally as JSON.")

    @Option(help: "Base URL of an OpenAI-compatible server (with or without /v1).")
    var baseURL: String?

    @Option(name: .customLong("endpoint"), help: "Base URL of one of several servers; repeatable (instead of --base-url).")
    var endpoints: [String] = []

    @Option(help: "How many requests to send (each with a distinct body).")
    var requests: Int = 1000

    @Option(help: "The client's concurrency limit (per endpoint).")
    var concurrency: Int = 64

    @Option(help: "Requests handed to the client at once (default: twice the concurrency).")
    var window: Int?

    @Option(help: "Attempts per request, first included.")
    var maxAttempts: Int = 6

    @Option(help: "Seconds one transfer may take.")
    var timeout: Double = 120

    @Option(help: "Approximate prompt size in bytes.")
    var promptBytes: Int = 200

    @Option(help: "The model name sent.")
    var model: String = "bench-model"

    @Option(help: "A PEM file of CA certificates to trust for https.")
    var caBundle: String?

    @Option(help: "Environment variable holding the API key (a placeholder is used when unset).")
    var apiKeyEnv: String = "JANUS_BENCH_KEY"

    func validate() throws {
        guard (baseURL == nil) != endpoints.isEmpty else { throw ValidationError("give --base-url or --endpoint (repeatable)") }
        guard requests >= 0 else { throw ValidationError("--requests must be 0 or more") }
        guard concurrency >= 1 else { throw ValidationError("--concurrency must be at least 1") }
        guard window.map({ $0 >= 1 }) ?? true else { throw ValidationError("--window must be at least 1") }
    }

    func run() async throws {
        var settings = ClientSettings()
        settings.provider = .openai
        settings.baseURL = baseURL ?? ""
        settings.endpoints = endpoints.map { EndpointSettings(baseURL: $0) }
        settings.model = model
        settings.apiKeyEnv = apiKeyEnv
        settings.concurrency = concurrency
        settings.maxAttempts = maxAttempts
        settings.totalTimeout = timeout
        settings.retryBaseDelay = 0.05
        settings.retryMaxDelay = 2
        settings.caBundle = caBundle
        var environment = ProcessInfo.processInfo.environment
        if (environment[apiKeyEnv] ?? "").isEmpty { environment[apiKeyEnv] = "sk-bench" }
        let recorder = CountingRecorder()
        let client = try OpenAIClient(settings: settings, recorder: recorder, environment: environment)
        defer { client.shutdown() }
        let load = ChatLoad(requests: requests, window: window ?? settings.totalConcurrency * 2)
        let model = model
        let promptBytes = promptBytes
        let result = await load.run(client, recorder: recorder) { ChatLoad.request($0, model: model, promptBytes: promptBytes) }
        print(result.json.serialized())
    }
}
