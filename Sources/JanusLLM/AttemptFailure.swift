import Foundation
import JanusHTTP

/// Why one attempt gave no result, and whether another attempt may.
struct AttemptFailure: Error, Sendable, Hashable {
    var kind: ChatError.Kind
    var status: Int?
    /// The `outcome` written to the attempt record (`rate_limited`, `timeout`, ...).
    var outcome: String
    var message: String
    var retryable: Bool
    /// Seconds the server asked us to wait before the next attempt.
    var retryAfter: Double?

    /// A transfer that gave no complete response.
    init(_ error: TransportError) {
        switch error.kind {
        case .timeout: (kind, outcome, retryable) = (.timeout, "timeout", true)
        case .truncated: (kind, outcome, retryable) = (.truncated, "truncated", true)
        case .connect: (kind, outcome, retryable) = (.transport, "connect_error", true)
        case .connection: (kind, outcome, retryable) = (.transport, "connection_error", true)
        case .other: (kind, outcome, retryable) = (.transport, "transport_error", true)
        case .configuration: (kind, outcome, retryable) = (.configuration, "configuration", false)
        case .cancelled: (kind, outcome, retryable) = (.cancelled, "cancelled", false)
        }
        status = nil
        message = error.message
        retryAfter = nil
    }

    /// A response whose status is not 200. `keyEnv` and `host` word the 401 message.
    init(status: Int, body: [UInt8], retryAfter: Double?, keyEnv: String, host: String) {
        let serverMessage = ResponseDecoder.errorMessage(from: body)
        kind = .http
        self.status = status
        self.retryAfter = retryAfter
        retryable = RetryPolicy.isRetryable(status: status)
        switch status {
        case 429: outcome = "rate_limited"
        case 500...599: outcome = "server_error"
        default: outcome = "http_error"
        }
        switch status {
        case 401: message = "the key in $\(keyEnv) was rejected by \(host): \(serverMessage)"
        case 403: message = "the key in $\(keyEnv) may not use this model or endpoint on \(host): \(serverMessage)"
        case 404: message = "not found on \(host) (check base_url and model): \(serverMessage)"
        default: message = serverMessage
        }
    }

    init(kind: ChatError.Kind, outcome: String, message: String, retryable: Bool = true) {
        self.kind = kind
        self.status = nil
        self.outcome = outcome
        self.message = message
        self.retryable = retryable
        self.retryAfter = nil
    }
}
