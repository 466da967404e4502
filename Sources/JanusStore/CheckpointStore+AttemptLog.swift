import Foundation

/// The attempt log: one row per attempt that brought no answer in `attempts`, and the attempt
/// that brought each answer in the answer's row (see `AnsweredAttempt`).
extension CheckpointStore {
    /// Logs one attempt at the request with `key` (times in seconds since 1970), and the
    /// endpoint it went to when several serve the model.
    public func logAttempt(
        key: String, purpose: String, attempt: Int, startedAt: Double, finishedAt: Double, httpStatus: Int?,
        outcome: String, detail: String, promptTokens: Int?, completionTokens: Int?, endpoint: String? = nil
    ) throws {
        try locked {
            try insertAttempt(
                key: key, purpose: purpose, attempt: attempt, startedAt: startedAt, finishedAt: finishedAt, httpStatus: httpStatus,
                outcome: outcome, detail: detail, promptTokens: promptTokens, completionTokens: completionTokens, endpoint: endpoint)
        }
    }

    /// As `logAttempt`, in the next group commit, without waiting for it (a failure to log is
    /// dropped); the readers of the attempt log flush first.
    public func logAttemptSoon(
        key: String, purpose: String, attempt: Int, startedAt: Double, finishedAt: Double, httpStatus: Int?,
        outcome: String, detail: String, promptTokens: Int?, completionTokens: Int?, endpoint: String? = nil
    ) {
        groupedLater {
            try self.insertAttempt(
                key: key, purpose: purpose, attempt: attempt, startedAt: startedAt, finishedAt: finishedAt, httpStatus: httpStatus,
                outcome: outcome, detail: detail, promptTokens: promptTokens, completionTokens: completionTokens, endpoint: endpoint)
        }
    }

    /// Keeps the attempt that brought the answer to `key` with that answer, once it is stored
    /// (`saveAnswer`, `commitAnswer`); logged as a row of its own if the answer is not stored
    /// before the next `flush`.
    public func keepAnsweredAttempt(key: String, _ attempt: AnsweredAttempt) {
        let now = answeredAttempts.withLock { $0.hold(attempt, key: key) }
        for (key, attempt) in now { logAnsweredAttemptSoon(key: key, attempt) }
    }

    /// The held attempt that brought the answer to `key`, taken to be stored with it.
    func takeAnsweredAttempt(key: String) -> AnsweredAttempt? {
        answeredAttempts.withLock { $0.take(key) }
    }

    /// Logs every held answered attempt as a row of its own, in the next group commit.
    func logHeldAttempts() {
        for (key, attempt) in answeredAttempts.withLock({ $0.takeAll() }) { logAnsweredAttemptSoon(key: key, attempt) }
    }

    private func logAnsweredAttemptSoon(key: String, _ attempt: AnsweredAttempt) {
        logAttemptSoon(
            key: key, purpose: attempt.purpose, attempt: attempt.attempt, startedAt: attempt.startedAt, finishedAt: attempt.finishedAt,
            httpStatus: attempt.httpStatus, outcome: "ok", detail: "", promptTokens: attempt.promptTokens,
            completionTokens: attempt.completionTokens, endpoint: attempt.endpoint)
    }

    private func insertAttempt(
        key: String, purpose: String, attempt: Int, startedAt: Double, finishedAt: Double, httpStatus: Int?,
        outcome: String, detail: String, promptTokens: Int?, completionTokens: Int?, endpoint: String?
    ) throws {
        try db.run("""
            INSERT INTO attempts(request_key, purpose, attempt, started_at, finished_at, http_status, outcome, detail,
                prompt_tokens, completion_tokens, endpoint) VALUES (?,?,?,?,?,?,?,?,?,?,?)
            """, [
            .text(key), .text(purpose), .int(attempt), .double(startedAt), .double(finishedAt),
            .optionalInt(httpStatus), .text(outcome), .text(detail), .optionalInt(promptTokens), .optionalInt(completionTokens),
            endpoint.map { .text($0) } ?? .null,
        ])
    }

    /// How many attempts are logged, per outcome.
    public func attemptCounts() throws -> [String: Int] {
        flush()
        var out = try counts("SELECT outcome, COUNT(*) FROM attempts GROUP BY outcome")
        let answered = try locked { try db.query("SELECT COUNT(*) FROM request_cache WHERE finished_at IS NOT NULL").first?.int(0) ?? 0 }
        if answered > 0 { out["ok", default: 0] += answered }
        return out
    }

    /// The attempt log of one request key, in the order the attempts started.
    public func loggedAttempts(key: String) throws -> [LoggedAttempt] {
        flush()
        return try locked {
            try db.query("""
                SELECT attempt, http_status, outcome, detail, finished_at - started_at, prompt_tokens, completion_tokens,
                    endpoint, started_at, 0, id
                FROM attempts WHERE request_key = ?
                UNION ALL
                SELECT attempt, http_status, 'ok', '', finished_at - started_at, prompt_tokens, completion_tokens,
                    endpoint, started_at, 1, 0
                FROM request_cache WHERE key = ? AND finished_at IS NOT NULL
                ORDER BY 9, 1, 10, 11
                """, [.text(key), .text(key)]
            ).map {
                LoggedAttempt(
                    attempt: $0.int(0) ?? 0, httpStatus: $0.int(1), outcome: $0.string(2) ?? "", detail: $0.string(3) ?? "",
                    latency: $0.double(4) ?? 0, promptTokens: $0.int(5), completionTokens: $0.int(6),
                    endpoint: $0.string(7))
            }
        }
    }
}
