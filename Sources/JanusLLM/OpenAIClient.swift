import Foundation
import JanusHTTP
import JanusSupport

/// A `ChatClient` for any OpenAI-compatible `/v1/chat/completions` server, on libcurl.
///
/// Everything that keeps a long run healthy lives here: a concurrency limit and a pace that
/// follow the share of 429s (`LoadController`: a server over its limit is slowed down for, one
/// that refuses a few at random is not), smooth rpm/tpm budgets that also follow the server's
/// `x-ratelimit-*` headers, a stall timeout learned from how long answers take, retries with
/// capped exponential backoff and jitter that honour Retry-After (for that request only), a
/// spending cap, and one `AttemptRecord` per attempt. The API key is read once from the
/// environment and scrubbed from every message and record.
///
/// Given several endpoints (`ClientSettings.endpoints`), each has all of the above but the
/// retries and the spending cap to itself, and every attempt goes to the one with the fewest
/// requests in flight for its limit; one in trouble cools down and its requests go elsewhere
/// (`EndpointPool`). An attempt's record names its endpoint.
public final class OpenAIClient: ChatClient {
    /// Always `openai`: any OpenAI-compatible server answers the same request the same way.
    public let providerKind = Provider.openai
    private let settings: ClientSettings
    private let recorder: any AttemptRecorder
    private let pool: EndpointPool
    private let transport: CurlTransport
    private let policy: RetryPolicy
    private let costs: CostMeter
    private let caBundle: String?
    private let counters = Locked(ClientLoad.Counters())
    private let reachability: Reachability

    /// Reads the key from `environment[settings.apiKeyEnv]` (each endpoint's own, where it names
    /// one); a missing or empty key is a `.configuration` error before any request is made.
    public init(
        settings: ClientSettings, recorder: any AttemptRecorder = DiscardingRecorder(),
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(ChatError) {
        let endpoints = settings.resolvedEndpoints
        var lanes: [EndpointLane] = []
        for (index, endpoint) in endpoints.enumerated() {
            lanes.append(
                try EndpointLane(
                    index: index, endpoint: endpoint, settings: settings, environment: environment, several: endpoints.count > 1))
        }
        let caBundle = settings.caBundle ?? environment["SSL_CERT_FILE"].flatMap { $0.isEmpty ? nil : $0 }
        if let caBundle, !FileManager.default.isReadableFile(atPath: caBundle) {
            let origin = settings.caBundle == nil ? "SSL_CERT_FILE" : "ca_bundle"
            throw ChatError(kind: .configuration, message: "the CA bundle \(caBundle) (\(origin)) does not exist or cannot be read")
        }
        guard CurlGlobal.ensureInitialized() else {
            throw ChatError(kind: .configuration, message: "libcurl could not be initialised")
        }
        self.settings = settings
        self.recorder = recorder
        self.pool = EndpointPool(lanes)
        self.transport = CurlTransport(expectedConcurrency: lanes.reduce(0) { $0 + $1.maximum })
        self.policy = RetryPolicy(settings)
        self.costs = CostMeter(prices: settings.prices, budget: settings.maxCost)
        self.caBundle = caBundle
        self.reachability = Reachability(limit: settings.unreachableSeconds)
    }

    /// US dollars spent so far by this client (estimated where the server sent no usage).
    public var spent: Double { costs.spent }

    /// The concurrency limit in force now, over every endpoint (lower than configured while a
    /// server is over its limit).
    public var currentConcurrency: Int { pool.snapshot.reduce(0) { $0 + $1.limit } }

    /// Requests in flight, the limit and pace in force, retries and 429s so far; with several
    /// endpoints, each one's share too.
    public var load: ClientLoad { ClientLoad(pool: pool, counters: counters.withLock { $0 }) }

    /// Stops the transport thread; requests in flight end as `.cancelled`.
    public func shutdown() {
        transport.shutdown()
    }

    /// Sends `request`, retrying transient failures, and returns the first usable answer.
    /// Fails at once on `.budget` (max_cost reached before it was sent), on 400/401/403/404/422,
    /// and with the last attempt's error once `maxAttempts` are used up.
    public func complete(_ request: ChatRequest) async throws(ChatError) -> ChatResponse {
        try await send(request, key: nil, body: nil)
    }

    public func complete(_ request: ChatRequest, key: String, body: [UInt8]?) async throws(ChatError) -> ChatResponse {
        try await send(request, key: key, body: body)
    }

    /// `complete`, with the request's key and body when the caller has them.
    private func send(_ request: ChatRequest, key: String?, body: [UInt8]?) async throws(ChatError) -> ChatResponse {
        try checkBudget()
        // The body is written once: it is what is sent and what the key hashes.
        let body = body ?? request.wireBytes()
        let key = key ?? ChatRequest.key(provider: providerKind, wireBytes: body, salt: request.keySalt)
        let promptEstimate = TokenUsage.estimatePromptTokens(request.messages)
        let tokenCost = promptEstimate + (request.sampling.maxTokens ?? 0)
        var http = HTTPRequest(url: "", body: body, limits: TransferLimits(settings), caBundle: caBundle)
        var attempt = 0
        var stalls = 0
        while true {
            attempt += 1
            guard let lane = await pool.acquire() else { throw lostOrCancelled(attempts: attempt - 1) }
            if var lost = reachability.lost {
                pool.release(lane)
                lost.attempts = attempt - 1
                throw lost
            }
            if attempt == 1, costs.isExhausted {
                pool.release(lane)
                try checkBudget()
            }
            guard await lane.limiter.waitForTurn(tokens: tokenCost) else {
                pool.release(lane)
                throw cancelled(attempts: attempt - 1)
            }
            http.url = lane.url
            http.headers = lane.headers
            http.limits.lowSpeedSeconds = lane.stall.withLock { $0.seconds(purpose: request.purpose, stalls: stalls) }
            let generation = pool.generation(lane)
            lane.countSent()
            let startedAt = Date()
            let attemptStart = reachability.now
            reachability.trying(at: attemptStart)
            let outcome = await transport.send(http)
            let finishedAt = Date()
            let result = evaluate(outcome, lane: lane, request: request, promptEstimate: promptEstimate, tokenCost: tokenCost)
            let seconds = finishedAt.timeIntervalSince(startedAt)
            if result.status != nil { reachability.heard(at: reachability.now) }
            // Cooling is decided before the slot is given back, so no waiter is let in to an
            // endpoint that has just refused a connection.
            let cooling = pool.release(
                lane, answered: result.status == 200, trouble: result.failure?.troublesEndpoint ?? false,
                connectFailed: result.failure?.outcome == "connect_error", retryAfter: result.failure?.retryAfter)
            if result.status != nil || (result.failure.map { $0.kind != .cancelled } ?? false) {
                if let pace = pool.answered(lane, throttled: result.status == 429, sent: generation) { lane.limiter.pace(pace) }
            }
            if result.status == 429 { counters.withLock { $0.throttled += 1 } }
            if result.status == 200 {
                lane.stall.withLock { $0.record(purpose: request.purpose, seconds: seconds) }
            }
            lane.countFinished(ok: result.failure == nil, cancelled: result.failure?.kind == .cancelled, seconds: seconds)
            recorder.record(
                AttemptRecord(
                    requestKey: key, purpose: request.purpose, attempt: attempt, startedAt: startedAt,
                    finishedAt: finishedAt, httpStatus: result.status, outcome: result.failure?.outcome ?? "ok",
                    detail: result.failure.map { redact($0.message) } ?? "", usage: result.usage, endpoint: lane.label))
            let failure: AttemptFailure
            switch result.answer {
            case let .success(response): return response
            case let .failure(problem): failure = problem
            }
            if result.status == nil, failure.outcome == "connect_error",
                var lost = reachability.failedToConnect(startedAt: attemptStart, detail: "\(lane.url): \(redact(failure.message))")
            {
                pool.releaseWaiters()
                lost.attempts = attempt
                throw lost
            }
            if failure.kind == .timeout { stalls += 1 }
            if failure.kind == .length, let seed = request.sampling.seed {
                // The same seed would draw the same cut-off answer again: sample differently.
                var next = request
                next.sampling.seed = seed &+ attempt
                http.body = next.wireBytes()
            }
            guard failure.retryable, attempt < policy.maxAttempts else {
                throw ChatError(kind: failure.kind, status: failure.status, message: redact(failure.message), attempts: attempt)
            }
            let retried = redact(failure.message)
            counters.withLock { $0.retried(outcome: failure.outcome, message: retried) }
            // The endpoint that failed cools down: the next attempt goes to another one now.
            if cooling { continue }
            let delay = policy.delay(afterAttempt: attempt, retryAfter: failure.retryAfter, unit: Double.random(in: 0..<1))
            // In steps, so that a request waiting to retry learns at once that no server is left.
            var waited = 0.0
            while waited < delay, reachability.lost == nil {
                do {
                    try await Task.sleep(for: .seconds(min(0.5, delay - waited)))
                } catch {
                    throw cancelled(attempts: attempt)
                }
                waited += 0.5
            }
        }
    }

    /// What one attempt came to: an answer, or a failure (with the usage paid for, if any).
    private struct Evaluation {
        var status: Int?
        var answer: Result<ChatResponse, AttemptFailure>
        var usage: TokenUsage?

        init(status: Int? = nil, failure: AttemptFailure, usage: TokenUsage? = nil) {
            self.status = status
            self.answer = .failure(failure)
            self.usage = usage
        }

        init(status: Int, response: ChatResponse, usage: TokenUsage) {
            self.status = status
            self.answer = .success(response)
            self.usage = usage
        }

        var failure: AttemptFailure? {
            if case let .failure(failure) = answer { return failure }
            return nil
        }
    }

    private func evaluate(
        _ outcome: CurlTransport.Outcome, lane: EndpointLane, request: ChatRequest, promptEstimate: Int, tokenCost: Int
    ) -> Evaluation {
        let host = lane.host
        let limiter = lane.limiter
        let reply: HTTPResponse
        switch outcome {
        case let .failure(error):
            var failure = AttemptFailure(error)
            if error.kind == .configuration, lane.url.lowercased().hasPrefix("https://") {
                let trust = caBundle.map { "the CA bundle \($0)" } ?? "the system's CA certificates (give --ca-bundle FILE or SSL_CERT_FILE)"
                failure.message = "TLS with \(host) failed, checked against \(trust): \(error.message)"
            }
            return Evaluation(failure: failure)
        case let .success(response):
            reply = response
        }
        let limits = RateLimitHeaders(reply.headers)
        limiter.observe(limits, tokensPerRequest: tokenCost)
        guard reply.status == 200 else {
            // A 429 delays its own request (Retry-After, in the retry below); only headers that
            // say the budget is spent hold back every send until it refills.
            if reply.status == 429, limits.remainingRequests == 0 || limits.remainingTokens == 0,
                let wait = limits.retryAfter ?? [limits.resetRequests, limits.resetTokens].compactMap({ $0 }).max()
            {
                limiter.pause(for: wait)
            }
            let failure = AttemptFailure(
                status: reply.status, body: reply.body, retryAfter: limits.retryAfter, keyEnv: lane.keyEnv, host: host)
            return Evaluation(status: reply.status, failure: failure)
        }
        let completion: ResponseDecoder.Completion
        switch ResponseDecoder.completion(from: reply.body) {
        case let .failure(problem):
            return Evaluation(status: 200, failure: AttemptFailure(kind: .invalidBody, outcome: "invalid_body", message: problem.message))
        case let .success(decoded):
            completion = decoded
        }
        let content = completion.content ?? ""
        let usage =
            completion.usage
            ?? TokenUsage(promptTokens: promptEstimate, completionTokens: TokenUsage.estimateTokens(content), estimated: true)
        costs.add(usage, model: request.model)
        if completion.finishReason == "length" {
            let failure = AttemptFailure(
                kind: .length, outcome: "length",
                message: "the answer was cut off at max_tokens (\(request.sampling.maxTokens.map(String.init) ?? "server default"))")
            return Evaluation(status: 200, failure: failure, usage: usage)
        }
        if content.unicodeScalars.allSatisfy({ UTF8Bytes.isWhitespace($0.value) }) {
            let failure = AttemptFailure(kind: .emptyContent, outcome: "empty_content", message: "the answer was empty")
            return Evaluation(status: 200, failure: failure, usage: usage)
        }
        let response = ChatResponse(content: content, finishReason: completion.finishReason, usage: usage, model: completion.model)
        return Evaluation(status: 200, response: response, usage: usage)
    }

    private func checkBudget() throws(ChatError) {
        guard costs.isExhausted, let budget = settings.maxCost else { return }
        throw ChatError(
            kind: .budget, message: String(format: "max_cost reached: $%.4f spent of $%.4f", costs.spent, budget), attempts: 0)
    }

    /// Why a wait for a slot ended without one: no server is reachable any more, or the task
    /// was cancelled.
    private func lostOrCancelled(attempts: Int) -> ChatError {
        guard var lost = reachability.lost else { return cancelled(attempts: attempts) }
        lost.attempts = attempts
        return lost
    }

    private func cancelled(attempts: Int) -> ChatError {
        ChatError(kind: .cancelled, message: "cancelled", attempts: attempts)
    }

    /// The message with every occurrence of an API key masked.
    private func redact(_ text: String) -> String {
        var text = text
        for key in Set(pool.lanes.map(\.apiKey)) where !key.isEmpty && text.firstUTF8Range(of: Array(key.utf8)) != nil {
            text = text.replacingOccurrences(of: key, with: "[redacted key]")
        }
        return text
    }
}
