import Foundation

/// A `ChatClient` for any OpenAI-compatible `/v1/chat/completions` server, on libcurl.
///
/// Everything that keeps a long run healthy lives here: a concurrency limit that halves on a
/// burst of 429s and grows back on success, smooth rpm/tpm budgets that also follow the
/// server's `x-ratelimit-*` headers, retries with capped exponential backoff and jitter that
/// honour Retry-After, a spending cap, and one `AttemptRecord` per attempt. The API key is
/// read once from the environment and scrubbed from every message and record.
public final class OpenAIClient: ChatClient {
    /// Always `openai`: any OpenAI-compatible server answers the same request the same way.
    public let providerKind = "openai"
    private let settings: ClientSettings
    private let recorder: any AttemptRecorder
    private let apiKey: String
    private let host: String
    private let headers: [String]
    private let transport: CurlTransport
    private let gate: ConcurrencyGate
    private let limiter: RateLimiter
    private let policy: RetryPolicy
    private let costs: CostMeter

    /// Reads the key from `environment[settings.apiKeyEnv]`; a missing or empty key is a
    /// `.configuration` error before any request is made.
    public init(
        settings: ClientSettings, recorder: any AttemptRecorder = DiscardingRecorder(),
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(ChatError) {
        guard let key = environment[settings.apiKeyEnv]?.trimmingCharacters(in: .whitespacesAndNewlines), !key.isEmpty
        else {
            throw ChatError(
                kind: .configuration,
                message: "no API key: set the environment variable \(settings.apiKeyEnv) (or choose another with --api-key-env)")
        }
        guard let url = URL(string: settings.chatCompletionsURL), let host = url.host else {
            throw ChatError(kind: .configuration, message: "base_url \(settings.baseURL) is not a valid URL")
        }
        guard CurlGlobal.ensureInitialized() else {
            throw ChatError(kind: .configuration, message: "libcurl could not be initialised")
        }
        self.settings = settings
        self.recorder = recorder
        self.apiKey = key
        self.host = host
        self.headers = ["Authorization: Bearer \(key)", "Content-Type: application/json", "Accept: application/json"]
        self.transport = CurlTransport(expectedConcurrency: settings.concurrency)
        self.gate = ConcurrencyGate(limit: settings.concurrency)
        self.limiter = RateLimiter(requestsPerMinute: settings.requestsPerMinute, tokensPerMinute: settings.tokensPerMinute)
        self.policy = RetryPolicy(settings)
        self.costs = CostMeter(prices: settings.prices, budget: settings.maxCost)
    }

    /// US dollars spent so far by this client (estimated where the server sent no usage).
    public var spent: Double { costs.spent }

    /// The concurrency limit in force now (lower than configured after a burst of 429s).
    public var currentConcurrency: Int { gate.limit }

    /// Stops the transport thread; requests in flight end as `.cancelled`.
    public func shutdown() {
        transport.shutdown()
    }

    /// Sends `request`, retrying transient failures, and returns the first usable answer.
    /// Fails at once on `.budget` (max_cost reached before it was sent), on 400/401/403/404/422,
    /// and with the last attempt's error once `maxAttempts` are used up.
    public func complete(_ request: ChatRequest) async throws(ChatError) -> ChatResponse {
        try checkBudget()
        let key = request.key(provider: providerKind)
        let promptText = request.messages.map(\.content).joined(separator: "\n")
        let promptEstimate = TokenUsage.estimateTokens(promptText)
        let tokenCost = promptEstimate + (request.sampling.maxTokens ?? 0)
        let http = HTTPRequest(
            url: settings.chatCompletionsURL, headers: headers, body: Array(request.wireBody().serializedData()),
            limits: TransferLimits(settings))
        var attempt = 0
        while true {
            attempt += 1
            guard await gate.acquire() else { throw cancelled(attempts: attempt - 1) }
            if attempt == 1, costs.isExhausted {
                gate.release()
                try checkBudget()
            }
            guard await limiter.waitForTurn(tokens: tokenCost) else {
                gate.release()
                throw cancelled(attempts: attempt - 1)
            }
            let startedAt = Date()
            let outcome = await transport.send(http)
            let finishedAt = Date()
            gate.release()
            let result = evaluate(outcome, request: request, promptEstimate: promptEstimate, tokenCost: tokenCost)
            recorder.record(
                AttemptRecord(
                    requestKey: key, purpose: request.purpose, attempt: attempt, startedAt: startedAt,
                    finishedAt: finishedAt, httpStatus: result.status, outcome: result.failure?.outcome ?? "ok",
                    detail: redact(result.failure?.message ?? ""), usage: result.usage))
            let failure: AttemptFailure
            switch result.answer {
            case let .success(response): return response
            case let .failure(problem): failure = problem
            }
            guard failure.retryable, attempt < policy.maxAttempts else {
                throw ChatError(kind: failure.kind, status: failure.status, message: redact(failure.message), attempts: attempt)
            }
            let delay = policy.delay(afterAttempt: attempt, retryAfter: failure.retryAfter, unit: Double.random(in: 0..<1))
            do {
                try await Task.sleep(for: .seconds(delay))
            } catch {
                throw cancelled(attempts: attempt)
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

    private func evaluate(_ outcome: CurlTransport.Outcome, request: ChatRequest, promptEstimate: Int, tokenCost: Int) -> Evaluation {
        let reply: HTTPResponse
        switch outcome {
        case let .failure(error):
            return Evaluation(failure: AttemptFailure(error))
        case let .success(response):
            reply = response
        }
        let limits = RateLimitHeaders(reply.headers)
        limiter.observe(limits, tokensPerRequest: tokenCost)
        guard reply.status == 200 else {
            if reply.status == 429 {
                gate.throttled()
                if let wait = limits.retryAfter { limiter.pause(for: wait) }
            }
            let failure = AttemptFailure(
                status: reply.status, body: reply.body, retryAfter: limits.retryAfter, keyEnv: settings.apiKeyEnv, host: host)
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
        gate.succeeded()
        let response = ChatResponse(content: content, finishReason: completion.finishReason, usage: usage, model: completion.model)
        return Evaluation(status: 200, response: response, usage: usage)
    }

    private func checkBudget() throws(ChatError) {
        guard costs.isExhausted, let budget = settings.maxCost else { return }
        throw ChatError(
            kind: .budget, message: String(format: "max_cost reached: $%.4f spent of $%.4f", costs.spent, budget), attempts: 0)
    }

    private func cancelled(attempts: Int) -> ChatError {
        ChatError(kind: .cancelled, message: "cancelled", attempts: attempts)
    }

    /// The message with every occurrence of the API key masked.
    private func redact(_ text: String) -> String {
        guard !apiKey.isEmpty, !text.isEmpty, text.utf8.firstRange(of: apiKey.utf8) != nil else { return text }
        return text.replacingOccurrences(of: apiKey, with: "[redacted key]")
    }
}
