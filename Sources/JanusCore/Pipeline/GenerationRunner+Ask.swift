import Foundation
import JanusLLM
import JanusStore
import JanusSupport

/// A request the runner would send now, as `GenerationRunner.divert` is shown it.
public struct DivertedRequest: Sendable {
    public var stage: Stage
    public var item: ItemKey
    /// The request key (the `custom_id` of a batch line).
    public var key: String
    /// The key of the item's first request at this stage (different from `key` for a re-ask).
    public var firstKey: String
    public var request: ChatRequest
}

extension GenerationRunner {
    /// Asks for one item's result: from the request cache when the same request was answered
    /// before, else from the client. An answer that fails validation is re-asked with the reason
    /// appended, up to the configured attempts, then quarantined with the raw answer.
    /// Returns nil when the item failed, was quarantined, or the stage may not send requests.
    /// `rank` orders the requests waiting for a send slot (lower first; see `run`); `record`
    /// gives an accepted expand value's preference-record fields (see `StageResult`).
    func ask<T: Sendable>(
        _ stage: Stage, _ item: ItemKey, _ prepared: PreparedRequest, recipe: String, stamp: ResultStamp? = nil, state: StoredState,
        rank: Int = 0, record: ((T) -> [String])? = nil, accept: (String) throws(InvalidOutput) -> (value: T, output: String)
    ) async throws -> T? {
        guard stages.contains(stage) else { return nil }
        let rounds = max(1, settings.validationAttempts)
        var request = prepared.request
        var attemptsBefore = 0
        if let failure = state.failure(stage, item, key: prepared.key), failure.kind == .quarantined {
            guard settings.retryQuarantined else {
                stats.update(stage) { $0.quarantined += 1 }
                return nil
            }
            // Asked again on purpose: the answers refused before are in the cache under the
            // original keys, so this round asks under keys of its own (and, where a sampling seed
            // is sent, with another seed), numbered by the attempts already spent. A rerun of the
            // same round finds its answers in the cache; the next round asks anew.
            attemptsBefore = failure.attempts
            let round = max(1, failure.attempts / rounds)
            request.keySalt += "|retry \(round)"
            if let seed = request.sampling.seed { request.sampling.seed = seed &+ 7919 &* round }
        }
        var lastAnswer = ""
        var lastError = InvalidOutput("no answer")
        for attempt in 1...rounds {
            let key = attempt == 1 && attemptsBefore == 0 ? prepared.key : request.key(provider: client.providerKind)
            let answer: String
            /// A new answer, stored with the result accepted from it in one commit.
            var fresh: (response: ChatResponse, cost: Double?)?
            // A request keeps its slot until its answer is committed, so that no more answers
            // than the concurrency are ever waiting for a commit or in flight.
            var holdingSlot = false
            defer { if holdingSlot { sending.release() } }
            if let cached = try store.cachedAnswer(key: key) {
                stats.countRequest(fromCache: true)
                answer = cached.content
            } else {
                if let divert, divert(DivertedRequest(stage: stage, item: item, key: key, firstKey: prepared.key, request: request)) {
                    return nil
                }
                // A slot first, then a last look at whether to send at all: once the run is
                // stopped, the requests waiting for a slot are never sent.
                guard stats.stopReason == nil, await sending.acquire(rank: rank) else { return nil }
                holdingSlot = true
                if stats.stopReason != nil { return nil }
                let response: ChatResponse
                stats.countInFlight(+1)
                defer { stats.countInFlight(-1) }
                do {
                    // The client is handed the key (and, on the first ask, the prepared body)
                    // only when the requests were keyed for its own provider.
                    let first = attempt == 1 && attemptsBefore == 0
                    response =
                        client.providerKind == requests.providerKind
                        ? try await client.complete(request, key: key, body: first ? prepared.body : nil) : try await client.complete(request)
                } catch {
                    if error.kind == .budget {
                        stats.stop(error.message)
                        return nil
                    }
                    if [.configuration, .unreachable].contains(error.kind) || [401, 403, 404].contains(error.status ?? 0) {
                        // Every other request would fail the same way: stop sending at once.
                        stats.stop(error.description, fatal: true)
                        return nil
                    }
                    try store.recordFailure(
                        stage: stage, item: item,
                        failure: StageFailure(
                            requestKey: prepared.key, kind: .failed, reason: error.description, raw: "",
                            attempts: error.attempts))
                    stats.update(stage) { $0.failed += 1 }
                    return nil
                }
                fresh = (response, price?.cost(of: response.usage))
                answer = response.content
            }
            var accepted: (value: T, output: String)?
            do throws(InvalidOutput) {
                accepted = try accept(answer)
            } catch {
                lastAnswer = answer
                lastError = error
            }
            let result = accepted.map { accepted in
                var meta = prepared.meta.objectValue ?? []
                meta.append(("attempts", .integer(attempt)))
                return (
                    stage: stage, item: item,
                    result: StageResult(
                        requestKey: prepared.key, output: accepted.output, meta: JSONValue.object(meta).serialized(), recipe: recipe,
                        runID: runID, stamp: stamp, preferenceFields: record?(accepted.value))
                )
            }
            if let (response, cost) = fresh {
                try await store.commitAnswer(key: key, request: request, response: response, cost: cost, result: result)
                stats.countRequest(fromCache: false)
                stats.update(stage) {
                    $0.promptTokens += response.usage.promptTokens
                    $0.completionTokens += response.usage.completionTokens
                    $0.cost += cost ?? 0
                }
            } else if let result {
                try await store.commitStageResult(stage: stage, item: item, result: result.result)
            }
            guard let accepted else {
                request.appendReask(answer: answer, reason: lastError.message)
                continue
            }
            stats.update(stage) { $0.accepted += 1 }
            return accepted.value
        }
        try store.recordFailure(
            stage: stage, item: item,
            failure: StageFailure(
                requestKey: prepared.key, kind: .quarantined, reason: lastError.message, raw: lastAnswer,
                attempts: attemptsBefore + rounds))
        stats.update(stage) { $0.quarantined += 1 }
        return nil
    }
}
