import Foundation

/// Everything that configures the OpenAI-compatible client, in one value (janus.yaml's
/// `provider` section, overridden by flags).
public struct ClientSettings: Sendable, Hashable {
    public var provider: Provider = .offline
    /// With or without a trailing `/v1`.
    public var baseURL: String = "https://api.openai.com/v1"
    /// Several servers of the same model (`provider.endpoints`, `--endpoint`); empty: `baseURL` alone.
    public var endpoints: [EndpointSettings] = []
    /// The generator the published dataset cards name.
    public var model: String = "gpt-4-0125-preview"
    /// The environment variable that holds the API key; the key itself is never stored.
    public var apiKeyEnv: String = "OPENAI_API_KEY"
    public var concurrency: Int = 64
    /// Requests per minute; nil means no limit.
    public var requestsPerMinute: Int?
    /// Tokens per minute (prompt estimate + max_tokens); nil means no limit.
    public var tokensPerMinute: Int?
    public var connectTimeout: Double = 10
    public var totalTimeout: Double = 600
    /// Abort a transfer slower than `lowSpeedBytes` per second for `lowSpeedSeconds`
    /// (`stall_timeout`: the most; the client learns a shorter one from how long answers take).
    public var lowSpeedBytes: Int = 1
    public var lowSpeedSeconds: Int = 120
    /// A PEM file of the CA certificates to trust for https (`ca_bundle`, `--ca-bundle`); nil:
    /// `SSL_CERT_FILE` when set, else the system's.
    public var caBundle: String?
    public var maxAttempts: Int = 10
    /// Seconds without an HTTP response from any endpoint, while attempts fail to connect,
    /// after which the run stops (`unreachable_timeout`; at most 30 before the first answer).
    public var unreachableSeconds: Double = 300
    /// First retry waits about this long (seconds); each further retry doubles it, with jitter.
    public var retryBaseDelay: Double = 0.5
    /// No backoff wait is longer than this (seconds), except where the server's Retry-After asks for more.
    public var retryMaxDelay: Double = 60
    /// Stop sending new requests once this much has been spent (US dollars).
    public var maxCost: Double?
    /// Price per million tokens, by model name.
    public var prices: [String: ModelPrice] = ModelPrice.defaults

    public init() {}

    /// `base_url` with `/chat/completions` appended, whether or not it ended in `/v1`.
    public var chatCompletionsURL: String { EndpointSettings.chatCompletionsURL(baseURL) }
}

/// US dollars per million prompt and completion tokens.
public struct ModelPrice: Sendable, Hashable, Codable {
    public var prompt: Double
    public var completion: Double

    public init(prompt: Double, completion: Double) {
        self.prompt = prompt
        self.completion = completion
    }

    public func cost(of usage: TokenUsage) -> Double {
        (Double(usage.promptTokens) * prompt + Double(usage.completionTokens) * completion) / 1_000_000
    }

    /// Public list prices at the time of writing; janus.yaml's `prices` overrides them.
    public static let defaults: [String: ModelPrice] = [
        "gpt-4-turbo-2024-04-09": ModelPrice(prompt: 10, completion: 30),
        "gpt-4-0125-preview": ModelPrice(prompt: 10, completion: 30),
        "gpt-4o": ModelPrice(prompt: 2.5, completion: 10),
        "gpt-4o-mini": ModelPrice(prompt: 0.15, completion: 0.6),
        "offline": ModelPrice(prompt: 0, completion: 0),
    ]
}
