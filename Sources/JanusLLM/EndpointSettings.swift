import Foundation
import JanusHTTP
import JanusSupport

/// One server of several that serve the same model (`provider.endpoints` in janus.yaml, or
/// `--endpoint URL`). Unset limits and the key variable are the provider's.
public struct EndpointSettings: Sendable, Hashable {
    /// With or without a trailing `/v1`.
    public var baseURL: String
    /// The share of requests this endpoint is given relative to the others while none is full
    /// (its in-flight count is compared as `in flight / (limit x weight)`).
    public var weight: Double = 1
    /// Requests in flight here at once; nil: the provider's `concurrency`.
    public var concurrency: Int?
    /// Requests per minute; nil: the provider's `rpm`.
    public var requestsPerMinute: Int?
    /// Tokens per minute; nil: the provider's `tpm`.
    public var tokensPerMinute: Int?
    /// The environment variable with this endpoint's API key; nil: the provider's `api_key_env`.
    public var apiKeyEnv: String?

    public init(
        baseURL: String, weight: Double = 1, concurrency: Int? = nil, requestsPerMinute: Int? = nil,
        tokensPerMinute: Int? = nil, apiKeyEnv: String? = nil
    ) {
        self.baseURL = baseURL
        self.weight = weight
        self.concurrency = concurrency
        self.requestsPerMinute = requestsPerMinute
        self.tokensPerMinute = tokensPerMinute
        self.apiKeyEnv = apiKeyEnv
    }

    /// `base_url` with `/chat/completions` appended, whether or not it ended in `/v1`.
    public static func chatCompletionsURL(_ baseURL: String) -> String {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        if !base.hasSuffix("/v1") { base += "/v1" }
        return base + "/chat/completions"
    }

    /// The name progress, `status` and the attempt log give this endpoint: scheme, host, port
    /// and path of the base URL, ending in `/v1` as requests do (no user, password or query).
    public static func label(_ baseURL: String) -> String {
        guard var parts = URLComponents(string: baseURL), parts.host != nil else { return baseURL }
        parts.user = nil
        parts.password = nil
        parts.query = nil
        parts.fragment = nil
        var path = parts.path
        while path.hasSuffix("/") { path.removeLast() }
        parts.path = path.hasSuffix("/v1") ? path : path + "/v1"
        return parts.string ?? baseURL
    }

    /// Nil when `baseURL` is an http or https URL with a host, else what is wrong with it.
    public static func problem(with baseURL: String) -> String? {
        guard let url = URL(string: baseURL), let scheme = url.scheme?.lowercased(), url.host != nil else {
            return "is not a URL with a host (expected e.g. http://10.0.0.5:8000/v1)"
        }
        guard scheme == "http" || scheme == "https" else { return "must start with http:// or https://, not \(scheme)://" }
        return nil
    }
}

extension ClientSettings {
    /// The endpoints requests go to: `endpoints`, each with the provider's limits and key
    /// variable wherever it sets none; with none listed, `base_url` alone.
    public var resolvedEndpoints: [EndpointSettings] {
        let listed = endpoints.isEmpty ? [EndpointSettings(baseURL: baseURL)] : endpoints
        return listed.map { endpoint in
            var e = endpoint
            e.concurrency = max(1, endpoint.concurrency ?? concurrency)
            e.requestsPerMinute = endpoint.requestsPerMinute ?? requestsPerMinute
            e.tokensPerMinute = endpoint.tokensPerMinute ?? tokensPerMinute
            e.apiKeyEnv = endpoint.apiKeyEnv ?? apiKeyEnv
            e.weight = endpoint.weight > 0 ? endpoint.weight : 1
            return e
        }
    }

    /// Requests in flight at once over every endpoint (the pipeline's send window).
    public var totalConcurrency: Int {
        resolvedEndpoints.reduce(0) { $0 + ($1.concurrency ?? concurrency) }
    }
}
