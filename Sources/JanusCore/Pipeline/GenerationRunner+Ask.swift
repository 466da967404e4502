import Foundation

extension GenerationRunner {
    /// Asks for one item's result: from the request cache when the same request was answered
    /// before, else from the client. An answer that fails validation is re-asked with the reason
    /// appended, up to the configured attempts, then quarantined with the raw answer.
    /// Returns nil when the item failed, was quarantined, or the stage may not send requests.
    func ask<T: Sendable>(
        _ stage: Stage, _ item: ItemKey, _ prepared: PreparedRequest, recipe: String, state: StoredState,
        accept: (String) throws(InvalidOutput) -> (value: T, output: String)
    ) async throws -> T? {
        guard stages.contains(stage) else { return nil }
        if let failure = state.failure(stage, item, key: prepared.key), failure.kind == .quarantined,
            !settings.retryQuarantined
        {
            stats.update(stage) { $0.quarantined += 1 }
            return nil
        }
        var request = prepared.request
        var lastAnswer = ""
        var lastError = InvalidOutput("no answer")
        for attempt in 1...max(1, settings.validationAttempts) {
            let key = attempt == 1 ? prepared.key : request.key(provider: client.providerKind)
            let answer: String
            /// A new answer, stored together with the result when it is accepted (one commit).
            var fresh: (response: ChatResponse, cost: Double)?
            if let cached = try store.cachedAnswer(key: key) {
                stats.countRequest(fromCache: true)
                answer = cached.content
            } else {
                if stats.stopReason != nil { return nil }
                let response: ChatResponse
                do {
                    response = try await client.complete(request)
                } catch {
                    if error.kind == .budget {
                        stats.stop(error.message)
                        return nil
                    }
                    if error.kind == .configuration || [401, 403, 404].contains(error.status ?? 0) {
                        // Every other request would fail the same way: stop sending at once.
                        stats.stop(error.description, fatal: true)
                        return nil
                    }
                    try store.recordFailure(
                        stage: stage.rawValue, item: item,
                        failure: StageFailure(
                            requestKey: prepared.key, kind: .failed, reason: error.description, raw: "",
                            attempts: error.attempts))
                    stats.update(stage) { $0.failed += 1 }
                    return nil
                }
                let cost = price.cost(of: response.usage)
                fresh = (response, cost)
                stats.countRequest(fromCache: false)
                stats.update(stage) {
                    $0.promptTokens += response.usage.promptTokens
                    $0.completionTokens += response.usage.completionTokens
                    $0.cost += cost
                }
                answer = response.content
            }
            let accepted: (value: T, output: String)
            do throws(InvalidOutput) {
                accepted = try accept(answer)
            } catch {
                if let fresh { try store.saveAnswer(key: key, request: request, response: fresh.response, cost: fresh.cost) }
                lastAnswer = answer
                lastError = error
                request.messages.append(.assistant(answer))
                request.messages.append(
                    .user("That answer could not be used: \(error.message). Answer again, following the instructions exactly."))
                continue
            }
            var meta = prepared.meta.objectValue ?? []
            meta.append(("attempts", .integer(attempt)))
            let result = StageResult(
                requestKey: prepared.key, output: accepted.output, meta: JSONValue.object(meta).serialized(), recipe: recipe)
            if let fresh {
                try store.saveAnswerAndResult(
                    key: key, request: request, response: fresh.response, cost: fresh.cost, stage: stage.rawValue, item: item, result: result)
            } else {
                try store.saveStageResult(stage: stage.rawValue, item: item, result: result)
            }
            stats.update(stage) { $0.accepted += 1 }
            return accepted.value
        }
        try store.recordFailure(
            stage: stage.rawValue, item: item,
            failure: StageFailure(
                requestKey: prepared.key, kind: .quarantined, reason: lastError.message, raw: lastAnswer,
                attempts: settings.validationAttempts))
        stats.update(stage) { $0.quarantined += 1 }
        return nil
    }
}
