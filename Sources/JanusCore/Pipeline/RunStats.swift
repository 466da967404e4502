import Foundation

/// Live counters of a generation run, shared by every task (behind a lock), read by the
/// progress display and the summary.
public final class RunStats: @unchecked Sendable {
    public struct StageCounts: Sendable, Hashable {
        public var total = 0
        /// Done before this run started.
        public var stored = 0
        /// Accepted during this run.
        public var accepted = 0
        public var failed = 0
        public var quarantined = 0
        public var promptTokens = 0
        public var completionTokens = 0
        public var cost = 0.0
        public var done: Int { stored + accepted }
    }

    private let lock = NSLock()
    private var stages: [Stage: StageCounts] = [:]
    private var sent = 0
    private var hits = 0
    private var stoppedReason: String?
    private var stoppedFatally = false
    public let startedAt = Date()
    /// The client's load now (in flight, limit, retries, 429s), when the client reports it.
    private var loadSource: (any LoadReporting)?

    public init() {}

    /// Shows `client`'s load in the progress display, when it reports one.
    public func attach(_ client: any ChatClient) {
        lock.lock()
        defer { lock.unlock() }
        loadSource = client as? any LoadReporting
    }

    /// The attached client's load now.
    public var clientLoad: ClientLoad? {
        lock.lock()
        let source = loadSource
        lock.unlock()
        return source?.load
    }

    func update(_ stage: Stage, _ body: (inout StageCounts) -> Void) {
        lock.lock()
        defer { lock.unlock() }
        body(&stages[stage, default: StageCounts()])
    }

    func countRequest(fromCache: Bool) {
        lock.lock()
        defer { lock.unlock() }
        if fromCache { hits += 1 } else { sent += 1 }
    }

    /// Stops new requests (the budget is spent, or `fatal`: the server refuses every request);
    /// the first reason is kept.
    func stop(_ reason: String, fatal: Bool = false) {
        lock.lock()
        defer { lock.unlock() }
        if stoppedReason == nil {
            stoppedReason = reason
            stoppedFatally = fatal
        }
    }

    /// Whether the run stopped because no request could succeed (a rejected key, an unknown model).
    public var stoppedOnError: Bool {
        lock.lock()
        defer { lock.unlock() }
        return stoppedFatally
    }

    public var stopReason: String? {
        lock.lock()
        defer { lock.unlock() }
        return stoppedReason
    }

    public func snapshot() -> (stages: [Stage: StageCounts], requestsSent: Int, cacheHits: Int) {
        lock.lock()
        defer { lock.unlock() }
        return (stages, sent, hits)
    }
}
