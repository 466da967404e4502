import Foundation
import JanusLLM
import JanusStore
import JanusSupport

extension CheckpointStore {
    /// Keeps a paid-for answer under its request key, committed at once. The request is kept
    /// as its parameters and a hash of its messages, not the messages themselves: they can be
    /// rebuilt from the templates and seeds, and would triple the size of the store. A nil
    /// `cost` is an answer from a model with no known price.
    public func saveAnswer(key: String, request: ChatRequest, response: ChatResponse, cost: Double?) throws {
        try saveAnswer(
            key: key, purpose: request.purpose, model: request.model, summary: Self.requestSummary(request), response: response,
            cost: cost)
    }

    /// As `saveAnswer(key:request:response:cost:)`, with the result accepted from the answer
    /// (if any) in the same commit: the next group commit, which this returns after.
    public func commitAnswer(
        key: String, request: ChatRequest, response: ChatResponse, cost: Double?,
        result: (stage: Stage, item: ItemKey, result: StageResult)?
    ) async throws {
        try await commitAnswer(
            key: key, purpose: request.purpose, model: request.model, request: Self.requestSummary(request),
            answer: Self.cachedAnswer(response, cost: cost), priced: cost != nil, result: result)
    }

    /// What the request cache keeps of a request: its parameters and a hash of its messages.
    public static func requestSummary(_ request: ChatRequest) -> String {
        // The wire body without its messages, written as bytes, and two members after it: the
        // JSON `JSONValue.object` of the same members would serialize to, without building it.
        var out: [UInt8] = []
        out.reserveCapacity(320)
        request.writeWireBody(to: &out, messages: false)
        out.removeLast()  // the closing brace
        out.append(contentsOf: ",\"messages_sha256\":\"".utf8)
        out.append(contentsOf: messagesDigest(request).utf8)
        out.append(contentsOf: "\",\"messages\":".utf8)
        out.append(contentsOf: String(request.messages.count).utf8)
        out.append(UInt8(ascii: "}"))
        return String(decoding: out, as: UTF8.self)
    }

    /// The SHA-256 (hex) of the messages' roles and contents, a role and its content split by
    /// U+001F, messages by U+001E: what a summary keeps of them.
    static func messagesDigest(_ request: ChatRequest) -> String {
        var text = SHA256Stream()
        for (index, message) in request.messages.enumerated() {
            if index > 0 { text.add(byte: 0x1E) }
            text.add(message.role)
            text.add(byte: 0x1F)
            text.add(message.content)
        }
        return text.hex()
    }

    private static func cachedAnswer(_ response: ChatResponse, cost: Double?) -> CachedAnswer {
        CachedAnswer(
            content: response.content, finishReason: response.finishReason, promptTokens: response.usage.promptTokens,
            completionTokens: response.usage.completionTokens, usageEstimated: response.usage.estimated, cost: cost ?? 0)
    }

    /// As `saveAnswer(key:request:response:cost:)`, with the request as `requestSummary` made it
    /// (a batch import has the summary, kept when the request went into its file).
    public func saveAnswer(key: String, purpose: String, model: String, summary: String, response: ChatResponse, cost: Double?) throws {
        try saveAnswer(
            key: key, purpose: purpose, model: model, request: summary, answer: Self.cachedAnswer(response, cost: cost), priced: cost != nil)
    }
}

extension CachedAnswer {
    /// The stored token counts.
    public var usage: TokenUsage {
        TokenUsage(promptTokens: promptTokens, completionTokens: completionTokens, estimated: usageEstimated)
    }
}

extension CheckpointStore: AttemptRecorder {
    /// Logs one attempt: one that brought an answer with that answer, once it is stored (see
    /// `AnsweredAttempt`), any other in the next group commit, as is an answered one with
    /// something to say (a batch import names its file's line). A failure to log is not allowed
    /// to fail the request it describes.
    public func record(_ attempt: AttemptRecord) {
        if attempt.outcome == "ok", attempt.detail.isEmpty {
            keepAnsweredAttempt(
                key: attempt.requestKey,
                AnsweredAttempt(
                    purpose: attempt.purpose, attempt: attempt.attempt, startedAt: attempt.startedAt.timeIntervalSince1970,
                    finishedAt: attempt.finishedAt.timeIntervalSince1970, httpStatus: attempt.httpStatus,
                    promptTokens: attempt.usage?.promptTokens, completionTokens: attempt.usage?.completionTokens,
                    endpoint: attempt.endpoint))
            return
        }
        logAttemptSoon(
            key: attempt.requestKey, purpose: attempt.purpose, attempt: attempt.attempt,
            startedAt: attempt.startedAt.timeIntervalSince1970, finishedAt: attempt.finishedAt.timeIntervalSince1970,
            httpStatus: attempt.httpStatus, outcome: attempt.outcome, detail: attempt.detail,
            promptTokens: attempt.usage?.promptTokens, completionTokens: attempt.usage?.completionTokens,
            endpoint: attempt.endpoint)
    }
}
