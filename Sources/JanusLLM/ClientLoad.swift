import Foundation

/// What a client is doing now, for the progress display: requests in flight against the limit
/// in force, the pace while the server is over its limit, and the retries and 429s so far.
public struct ClientLoad: Sendable, Hashable {
    /// Counts since the client was made.
    public struct Counters: Sendable, Hashable {
        /// Failed attempts that were tried again.
        public var retries = 0
        /// Answers with status 429.
        public var throttled = 0
        /// Why the latest retried attempt failed (its outcome and the start of its message), so
        /// that a growing count of retries says what it is.
        public var lastRetried: String?

        /// Keeps `outcome: message` of a failed attempt about to be tried again.
        mutating func retried(outcome: String, message: String) {
            retries += 1
            let line = message.split(separator: "\n", omittingEmptySubsequences: true).first.map(String.init) ?? ""
            lastRetried = "\(outcome): " + (line.count > 100 ? line.prefix(100) + "..." : line)
        }
    }

    public var inFlight: Int
    public var limit: Int
    /// The configured concurrency.
    public var maximum: Int
    /// Requests per second new sends are paced at (nil: not paced).
    public var pacedRate: Double?
    public var counters: Counters
    /// Each endpoint's share, when the client has several (else empty).
    public var endpoints: [EndpointLoad] = []

    /// `in flight 87/100, retries 412, 429s 301` (and `, paced 38.0/s` while paced, then
    /// `; last retried: OUTCOME: MESSAGE`).
    public var line: String {
        var text = "requests in flight \(inFlight)/\(limit)"
        if limit < maximum { text += " (of \(maximum))" }
        text += ", retries \(counters.retries), 429s \(counters.throttled)"
        if let pacedRate { text += String(format: ", paced %.1f/s", pacedRate) }
        if let lastRetried = counters.lastRetried { text += "; last retried: \(lastRetried)" }
        return text
    }

    /// One line per endpoint (none with a single endpoint).
    public var endpointLines: [String] { endpoints.map(\.line) }
}

/// A client that can say what it is doing now (`OpenAIClient`).
public protocol LoadReporting: Sendable {
    var load: ClientLoad { get }
}

extension OpenAIClient: LoadReporting {}
