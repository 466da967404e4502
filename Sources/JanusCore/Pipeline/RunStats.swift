import Foundation
import JanusLLM
import JanusStore

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
    private var interruptedFlag = false
    private var requestsInFlight = 0
    private var unpricedModel: String?
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

    private func sync<T>(_ body: () -> T) -> T {
        lock.lock()
        defer { lock.unlock() }
        return body()
    }

    func update(_ stage: Stage, _ body: (inout StageCounts) -> Void) {
        sync { body(&stages[stage, default: StageCounts()]) }
    }

    func countRequest(fromCache: Bool) {
        sync { if fromCache { hits += 1 } else { sent += 1 } }
    }

    /// Stops new requests (the budget is spent, or `fatal`: the server refuses every request);
    /// the first reason is kept.
    func stop(_ reason: String, fatal: Bool = false) {
        sync {
            if stoppedReason == nil {
                stoppedReason = reason
                stoppedFatally = fatal
            }
        }
    }

    /// Stops new requests because the user asked (SIGINT, SIGTERM); the run is then interrupted.
    public func interrupt() {
        sync {
            interruptedFlag = true
            if stoppedReason == nil { stoppedReason = "interrupted" }
        }
    }

    /// Whether the user stopped the run.
    public var interrupted: Bool {
        sync { interruptedFlag }
    }

    func countInFlight(_ delta: Int) {
        sync { requestsInFlight += delta }
    }

    /// Requests sent and not yet answered.
    public var inFlight: Int {
        sync { requestsInFlight }
    }

    /// Marks the run's model as having no known price: costs are not counted, and say so.
    public func setUnpriced(model: String) {
        sync { unpricedModel = model }
    }

    /// The run's model when no price is known for it.
    public var unpriced: String? {
        sync { unpricedModel }
    }

    /// New results stored this run, per stage.
    public var storedThisRun: [Stage: Int] {
        snapshot().stages.mapValues(\.accepted)
    }

    /// Whether the run stopped because no request could succeed (a rejected key, an unknown model).
    public var stoppedOnError: Bool {
        sync { stoppedFatally }
    }

    public var stopReason: String? {
        sync { stoppedReason }
    }

    public func snapshot() -> (stages: [Stage: StageCounts], requestsSent: Int, cacheHits: Int) {
        sync { (stages, sent, hits) }
    }
}
