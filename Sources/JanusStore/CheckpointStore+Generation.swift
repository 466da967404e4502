import Foundation

extension CheckpointStore {
    /// The answer stored under `key`. Read on a connection of its own (see `readCommitted`),
    /// so that a generation run's lookups do not wait for a group commit in progress; not read
    /// at all when the store knows there is none (see `ownAnswers`).
    public func cachedAnswer(key: String) throws -> CachedAnswer? {
        guard try mayHaveAnswer(key) else { return nil }
        return try readCommitted { db in
            guard let row = try db.query("""
                SELECT content, finish_reason, prompt_tokens, completion_tokens, usage_estimated, cost
                FROM request_cache WHERE key = ?
                """, [.text(key)]).first else { return nil }
            return CachedAnswer(
                content: row.string(0) ?? "", finishReason: row.string(1),
                promptTokens: row.int(2) ?? 0, completionTokens: row.int(3) ?? 0, usageEstimated: row.int(4) == 1,
                cost: row.double(5) ?? 0)
        }
    }

    /// Keeps a paid-for answer under its request key, committed at once. `request` describes
    /// the request (JSON); `priced` is false for an answer from a model with no known price.
    public func saveAnswer(
        key: String, purpose: String, model: String, request: String, answer: CachedAnswer, priced: Bool
    ) throws {
        answerKeys.withLock { $0.save(key) }
        let row = Self.answerRow(
            key: key, purpose: purpose, model: model, request: request, answer: answer, priced: priced,
            attempt: takeAnsweredAttempt(key: key))
        try locked { try db.run(Self.insertAnswerSQL, row) }
    }

    /// As `saveAnswer`, with the result accepted from the answer (if any) in the same commit: the
    /// next group commit, which this returns after.
    public func commitAnswer(
        key: String, purpose: String, model: String, request: String, answer: CachedAnswer, priced: Bool,
        result: (stage: Stage, item: ItemKey, result: StageResult)?
    ) async throws {
        // The rows' values (the output digest and the preference record above all) are made
        // here, on the caller's thread, so that the commit, which every writer waits for, only
        // runs the statements.
        let answerRow = Self.answerRow(
            key: key, purpose: purpose, model: model, request: request, answer: answer, priced: priced,
            attempt: takeAnsweredAttempt(key: key))
        let resultRows = result.map { stageResultRows(stage: $0.stage, item: $0.item, result: $0.result) }
        answerKeys.withLock { $0.save(key) }
        try await grouped {
            try self.db.run(Self.insertAnswerSQL, answerRow)
            if let resultRows { try self.runStageResultRows(resultRows) }
        }
    }

    /// Tells the store that this process holds its run lock, so that no other process adds
    /// answers while it is open: once its request cache is seen empty, a lookup of a key it has
    /// not saved since is answered without a query (see `AnswerKeys`).
    public func ownAnswers() {
        answerKeys.withLock { if $0.cache == .notOwned { $0.cache = .unseen } }
    }

    /// False when the store knows `key` has no answer; true when it may have one.
    private func mayHaveAnswer(_ key: String) throws -> Bool {
        if let known = answerKeys.withLock({ $0.mayHave(key) }) { return known }
        let empty = try readCommitted { db in try db.query("SELECT 1 FROM request_cache LIMIT 1").isEmpty }
        return answerKeys.withLock { keys in
            keys.seen(empty: empty)
            return keys.mayHave(key) ?? true
        }
    }

    /// As `saveStageResult`, in the next group commit, which this returns after.
    public func commitStageResult(stage: Stage, item: ItemKey, result: StageResult) async throws {
        let rows = stageResultRows(stage: stage, item: item, result: result)
        try await grouped { try self.runStageResultRows(rows) }
    }

    /// An upsert, not `INSERT OR REPLACE`: a replaced answer must fire the update triggers that
    /// keep `usage_totals` (see `UsageTotals`) and move the attempt that brought it to the
    /// attempt log (see `AnsweredAttempt`); a replace fires no delete trigger.
    private static let insertAnswerSQL = """
        INSERT INTO request_cache(key, purpose, model, request, content, finish_reason,
            prompt_tokens, completion_tokens, usage_estimated, cost, created_at, priced,
            attempt, started_at, finished_at, http_status, endpoint)
        VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)
        ON CONFLICT(key) DO UPDATE SET purpose = excluded.purpose, model = excluded.model, request = excluded.request,
            content = excluded.content, finish_reason = excluded.finish_reason, prompt_tokens = excluded.prompt_tokens,
            completion_tokens = excluded.completion_tokens, usage_estimated = excluded.usage_estimated,
            cost = excluded.cost, created_at = excluded.created_at, priced = excluded.priced,
            attempt = excluded.attempt, started_at = excluded.started_at, finished_at = excluded.finished_at,
            http_status = excluded.http_status, endpoint = excluded.endpoint
        """

    /// `attempt`: the attempt that brought the answer, when the client told the store of it.
    private static func answerRow(
        key: String, purpose: String, model: String, request: String, answer: CachedAnswer, priced: Bool, attempt: AnsweredAttempt?
    ) -> [SQLiteValue] {
        [
            .text(key), .text(purpose), .text(model), .text(request),
            .text(answer.content), .optionalText(answer.finishReason), .int(answer.promptTokens),
            .int(answer.completionTokens), .int(answer.usageEstimated ? 1 : 0), .double(answer.cost),
            .text(Timestamp.now()), .int(priced ? 1 : 0),
            .optionalInt(attempt?.attempt), attempt.map { .double($0.startedAt) } ?? .null,
            attempt.map { .double($0.finishedAt) } ?? .null, .optionalInt(attempt?.httpStatus),
            attempt?.endpoint.map { .text($0) } ?? .null,
        ]
    }

    /// Stores an accepted result and clears any failure recorded for the item at that stage.
    public func saveStageResult(stage: Stage, item: ItemKey, result: StageResult) throws {
        let rows = stageResultRows(stage: stage, item: item, result: result)
        try locked {
            try db.transaction { try runStageResultRows(rows) }
        }
    }

    /// The values of a stored result's statements: the result row, the preference record of
    /// an expand result (see `preferenceRecord`), and the item whose failure record it clears.
    private func stageResultRows(
        stage: Stage, item: ItemKey, result: StageResult
    ) -> (insert: [SQLiteValue], record: SQLiteValue?, item: ItemKey, key: [SQLiteValue]) {
        let insert: [SQLiteValue] = [
            .text(stage.rawValue), .text(item.instructionID), .int(item.variant), .text(result.requestKey),
            .text(result.output), .text(result.meta), .text(Timestamp.now()), .text(result.recipe),
            .optionalInt(result.runID), result.stamp.map { .integer($0.settings) } ?? .null,
            result.stamp.map { .integer($0.input) } ?? .null,
            result.stamp.map { _ in .integer(ResultStamp.digest(result.output)) } ?? .null,
        ]
        let record = preferenceRecord(stage: stage, result: result)
        return (insert, record, item, [.text(stage.rawValue), .text(item.instructionID), .int(item.variant)])
    }

    /// Runs the rows of `stageResultRows`: the result first (its triggers delete the item's old
    /// preference record), then the new record, then the failure it clears.
    private func runStageResultRows(_ rows: (insert: [SQLiteValue], record: SQLiteValue?, item: ItemKey, key: [SQLiteValue])) throws {
        try db.run("""
            INSERT OR REPLACE INTO stage_results(stage, instruction_id, variant, request_key, output, meta, created_at, recipe, run_id,
                settings_digest, input_digest, output_digest)
            VALUES (?,?,?,?,?,?,?,?,?,?,?,?)
            """, rows.insert)
        if let record = rows.record { try insertPreferenceRecord(item: rows.item, fields: record) }
        try db.run("DELETE FROM failures WHERE stage = ? AND instruction_id = ? AND variant = ?", rows.key)
    }

    /// Every stored result of one stage.
    public func stageResults(stage: Stage) throws -> [ItemKey: StageResult] {
        try locked {
            var out: [ItemKey: StageResult] = [:]
            for row in try db.query(
                "SELECT instruction_id, variant, request_key, output, meta, recipe FROM stage_results WHERE stage = ?", [.text(stage.rawValue)])
            {
                out[ItemKey(row.string(0) ?? "", row.int(1) ?? 0)] = StageResult(
                    requestKey: row.string(2) ?? "", output: row.string(3) ?? "", meta: row.string(4) ?? "{}",
                    recipe: row.string(5) ?? "")
            }
            return out
        }
    }

    public func recordFailure(stage: Stage, item: ItemKey, failure: StageFailure) throws {
        try locked {
            try db.run("""
                INSERT OR REPLACE INTO failures(stage, instruction_id, variant, request_key, kind, reason, raw, attempts, created_at)
                VALUES (?,?,?,?,?,?,?,?,?)
                """, [
                .text(stage.rawValue), .text(item.instructionID), .int(item.variant), .text(failure.requestKey),
                .text(failure.kind.rawValue), .text(failure.reason), .text(failure.raw), .int(failure.attempts),
                .text(Timestamp.now()),
            ])
        }
    }

    /// Every recorded failure of one stage.
    public func failures(stage: Stage) throws -> [ItemKey: StageFailure] {
        try locked {
            var out: [ItemKey: StageFailure] = [:]
            for row in try db.query(
                "SELECT instruction_id, variant, request_key, kind, reason, raw, attempts FROM failures WHERE stage = ?",
                [.text(stage.rawValue)])
            {
                out[ItemKey(row.string(0) ?? "", row.int(1) ?? 0)] = StageFailure(
                    requestKey: row.string(2) ?? "", kind: StageFailure.Kind(rawValue: row.string(3) ?? "") ?? .failed,
                    reason: row.string(4) ?? "", raw: row.string(5) ?? "", attempts: row.int(6) ?? 0)
            }
            return out
        }
    }

    /// Tokens and cost of every answer ever stored, per purpose.
    public func usageTotals() throws -> [String: (requests: Int, promptTokens: Int, completionTokens: Int, cost: Double)] {
        try locked {
            var out: [String: (requests: Int, promptTokens: Int, completionTokens: Int, cost: Double)] = [:]
            // Summed from `usage_totals` (see `UsageTotals`), costs in whole nanodollars.
            for row in try db.query("""
                SELECT purpose, SUM(answers), SUM(prompt_tokens), SUM(completion_tokens), SUM(cost_nanos)
                FROM usage_totals GROUP BY purpose HAVING SUM(answers) > 0
                """)
            {
                out[row.string(0) ?? ""] = (row.int(1) ?? 0, row.int(2) ?? 0, row.int(3) ?? 0, Double(row.int(4) ?? 0) / 1e9)
            }
            return out
        }
    }
}

extension CheckpointStore {
    /// Stored answers whose cost is unknown (their model had no price), per model.
    public func unpricedAnswers() throws -> [String: Int] {
        try counts("SELECT model, SUM(answers) FROM usage_totals WHERE priced = 0 GROUP BY model HAVING SUM(answers) > 0")
    }

    /// A two-column query (a name, a count) as a dictionary.
    func counts(_ sql: String) throws -> [String: Int] {
        try locked {
            var out: [String: Int] = [:]
            for row in try db.query(sql) { out[row.string(0) ?? ""] = row.int(1) ?? 0 }
            return out
        }
    }
}
