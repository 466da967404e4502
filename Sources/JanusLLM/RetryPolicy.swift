import Foundation

/// When to try a request again and how long to wait first: capped exponential backoff with
/// "equal jitter" (half the step fixed, half random), never shorter than the server's
/// Retry-After.
struct RetryPolicy: Sendable, Hashable {
    var maxAttempts: Int
    var baseDelay: Double
    var maxDelay: Double

    init(maxAttempts: Int, baseDelay: Double, maxDelay: Double) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = max(0, baseDelay)
        self.maxDelay = max(0, maxDelay)
    }

    init(_ settings: ClientSettings) {
        self.init(maxAttempts: settings.maxAttempts, baseDelay: settings.retryBaseDelay, maxDelay: settings.retryMaxDelay)
    }

    /// HTTP statuses worth another attempt; every other 4xx is final.
    static func isRetryable(status: Int) -> Bool {
        status == 408 || status == 409 || status == 429 || (500...599).contains(status)
    }

    /// Seconds to wait after failed attempt number `attempt` (1-based). `unit` is a random
    /// number in 0..<1, passed in so tests can pin it.
    func delay(afterAttempt attempt: Int, retryAfter: Double?, unit: Double) -> Double {
        let exponent = Double(min(max(attempt - 1, 0), 30))
        let step = min(maxDelay, baseDelay * pow(2, exponent))
        let backoff = step / 2 + step / 2 * min(max(unit, 0), 1)
        return max(backoff, retryAfter ?? 0)
    }
}
