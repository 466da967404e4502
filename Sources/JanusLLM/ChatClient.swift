import Foundation

/// The one seam between the pipeline and a language model. Retries, backoff, rate limits and
/// concurrency live behind it; stages only ask and get an answer or a final error.
public protocol ChatClient: Sendable {
    /// The provider kind that goes into request keys.
    var providerKind: Provider { get }
    /// Sends one request (with whatever retries the client does) and returns the answer.
    func complete(_ request: ChatRequest) async throws(ChatError) -> ChatResponse
    /// As `complete(_:)`, told the request's key (`request.key(provider: providerKind)`) and,
    /// when it has them, its `wireBytes()`, which the caller has at hand: a client that needs
    /// them does not write and hash the request again.
    func complete(_ request: ChatRequest, key: String, body: [UInt8]?) async throws(ChatError) -> ChatResponse
}

extension ChatClient {
    public func complete(_ request: ChatRequest, key: String, body: [UInt8]?) async throws(ChatError) -> ChatResponse {
        try await complete(request)
    }
}

/// A final failure of one request, after the client's retries.
public struct ChatError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable, Codable {
        case http, transport, timeout, truncated, invalidBody, length, emptyContent, budget, cancelled, configuration
        /// No server has answered for `provider.unreachable_timeout` while attempts failed to connect.
        case unreachable
    }

    public var kind: Kind
    public var status: Int?
    public var message: String
    public var attempts: Int

    public init(kind: Kind, status: Int? = nil, message: String, attempts: Int = 1) {
        self.kind = kind
        self.status = status
        self.message = message
        self.attempts = attempts
    }

    public var description: String {
        let prefix = status.map { "HTTP \($0): " } ?? ""
        return "\(prefix)\(message)" + (attempts > 1 ? " (after \(attempts) attempts)" : "")
    }
}

/// One attempt at one request, as the client reports it for the store's attempt log.
public struct AttemptRecord: Sendable, Hashable {
    public var requestKey: String
    public var purpose: String
    public var attempt: Int
    public var startedAt: Date
    public var finishedAt: Date
    public var httpStatus: Int?
    /// `ok`, or why the attempt did not give a result.
    public var outcome: String
    public var detail: String
    public var usage: TokenUsage?
    /// The endpoint the attempt went to (`EndpointSettings.label`); nil where none was called.
    public var endpoint: String?

    public init(
        requestKey: String, purpose: String, attempt: Int, startedAt: Date, finishedAt: Date,
        httpStatus: Int?, outcome: String, detail: String, usage: TokenUsage?, endpoint: String? = nil
    ) {
        self.requestKey = requestKey
        self.purpose = purpose
        self.attempt = attempt
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.httpStatus = httpStatus
        self.outcome = outcome
        self.detail = detail
        self.usage = usage
        self.endpoint = endpoint
    }
}

/// Where a client reports its attempts (the checkpoint store, or a test collector).
public protocol AttemptRecorder: Sendable {
    func record(_ attempt: AttemptRecord)
}

/// A recorder that keeps nothing.
public struct DiscardingRecorder: AttemptRecorder {
    public init() {}
    public func record(_ attempt: AttemptRecord) {}
}
