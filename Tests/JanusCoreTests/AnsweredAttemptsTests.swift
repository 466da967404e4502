import Foundation
@testable import JanusLLM
@testable import JanusStore
import Testing

/// Store version 15 keeps the attempt that brought an answer in the answer's row, and the
/// attempts per endpoint as sums kept by triggers (see `AnsweredAttempt`). These check that the
/// attempt log reads as it did when every attempt was a row: after answers stored, replaced and
/// deleted, for an answer that never comes, and for a version-14 store opened again.
@Suite(.removesTemporaryDirectories) struct AnsweredAttemptsTests {
    let start = Date(timeIntervalSince1970: 1_700_000_000)

    func store() throws -> CheckpointStore {
        try CheckpointStore(path: try TestPaths.temporaryDirectory().appendingPathComponent("s.db").path)
    }

    func attempt(_ key: String, _ n: Int, _ outcome: String, at offset: Double, seconds: Double, endpoint: String?) -> AttemptRecord {
        AttemptRecord(
            requestKey: key, purpose: "expand", attempt: n, startedAt: start.addingTimeInterval(offset),
            finishedAt: start.addingTimeInterval(offset + seconds), httpStatus: outcome == "ok" ? 200 : 429, outcome: outcome,
            detail: outcome == "ok" ? "" : "slow down", usage: outcome == "ok" ? TokenUsage(promptTokens: 7, completionTokens: 3) : nil,
            endpoint: endpoint)
    }

    func save(_ store: CheckpointStore, _ key: String, content: String = "a") throws {
        try store.saveAnswer(
            key: key, purpose: "expand", model: "m", request: "{}",
            answer: CachedAnswer(content: content, finishReason: "stop", promptTokens: 7, completionTokens: 3, usageEstimated: false, cost: 0),
            priced: true)
    }

    /// The tallies per endpoint the long way, from every attempt in the log.
    func recomputedTallies(_ store: CheckpointStore) throws -> [EndpointTally] {
        try store.db.query("""
            SELECT endpoint, COUNT(*), SUM(outcome = 'ok'), SUM(outcome NOT IN ('ok', 'cancelled')),
                AVG(CASE WHEN outcome = 'ok' THEN finished_at - started_at END)
            FROM (SELECT endpoint, outcome, started_at, finished_at FROM attempts
                UNION ALL SELECT endpoint, 'ok', started_at, finished_at FROM request_cache WHERE finished_at IS NOT NULL)
            WHERE endpoint IS NOT NULL GROUP BY endpoint ORDER BY endpoint
            """
        ).map {
            EndpointTally(
                endpoint: $0.string(0) ?? "", sent: $0.int(1) ?? 0, answered: $0.int(2) ?? 0, failed: $0.int(3) ?? 0,
                meanLatency: $0.double(4) ?? 0)
        }
    }

    func rows(_ store: CheckpointStore) throws -> Int {
        try store.db.query("SELECT COUNT(*) FROM attempts").first?.int(0) ?? -1
    }

    @Test func anAnsweredAttemptIsKeptWithItsAnswer() throws {
        let store = try store()
        store.record(attempt("k", 1, "rate_limited", at: 0, seconds: 0.25, endpoint: "http://a:1/v1"))
        store.record(attempt("k", 2, "ok", at: 1, seconds: 0.5, endpoint: "http://a:1/v1"))
        try save(store, "k")
        store.flush()
        // One row for the refused attempt; the answered one lives in the answer's row.
        #expect(try rows(store) == 1)
        let kept = try #require(try store.db.query("SELECT attempt, http_status, endpoint FROM request_cache WHERE key = 'k'").first)
        #expect(kept.int(0) == 2 && kept.int(1) == 200 && kept.string(2) == "http://a:1/v1")

        let log = try store.loggedAttempts(key: "k")
        #expect(log.map(\.attempt) == [1, 2])
        #expect(log.map(\.outcome) == ["rate_limited", "ok"])
        #expect(log.map(\.httpStatus) == [429, 200])
        #expect(log.map(\.latency) == [0.25, 0.5])
        #expect(log.last?.promptTokens == 7 && log.last?.completionTokens == 3)
        #expect(try store.attemptCounts() == ["rate_limited": 1, "ok": 1])
        #expect(try store.endpointTallies() == [EndpointTally(endpoint: "http://a:1/v1", sent: 2, answered: 1, failed: 1, meanLatency: 0.5)])
        #expect(try store.endpointTallies() == recomputedTallies(store))
    }

    @Test func aReplacedOrDeletedAnswerLeavesItsAttemptInTheLog() throws {
        let store = try store()
        store.record(attempt("k", 1, "ok", at: 0, seconds: 1, endpoint: "http://a:1/v1"))
        try save(store, "k", content: "first")
        store.record(attempt("k", 1, "rate_limited", at: 10, seconds: 0.5, endpoint: "http://b:1/v1"))
        store.record(attempt("k", 2, "ok", at: 11, seconds: 3, endpoint: "http://b:1/v1"))
        try save(store, "k", content: "second")
        // The same key answered again with the same attempt (an import run twice): no new entry.
        store.record(attempt("k", 2, "ok", at: 11, seconds: 3, endpoint: "http://b:1/v1"))
        try save(store, "k", content: "second")
        let expected = [("ok", "http://a:1/v1"), ("rate_limited", "http://b:1/v1"), ("ok", "http://b:1/v1")]
        func log() throws -> [String] { try store.loggedAttempts(key: "k").map { "\($0.outcome) \($0.endpoint ?? "-")" } }
        #expect(try log() == expected.map { "\($0.0) \($0.1)" })
        #expect(try store.endpointTallies() == [
            EndpointTally(endpoint: "http://a:1/v1", sent: 1, answered: 1, failed: 0, meanLatency: 1),
            EndpointTally(endpoint: "http://b:1/v1", sent: 2, answered: 1, failed: 1, meanLatency: 3),
        ])
        #expect(try store.endpointTallies() == recomputedTallies(store))

        // Deleted behind the store's back: the attempt stays in the log, the tallies unchanged.
        try store.db.run("DELETE FROM request_cache WHERE key = 'k'")
        #expect(try log() == expected.map { "\($0.0) \($0.1)" })
        #expect(try store.endpointTallies() == recomputedTallies(store))
        #expect(try store.attemptCounts() == ["rate_limited": 1, "ok": 2])
    }

    @Test func anAnsweredAttemptWhoseAnswerNeverComesIsLoggedOnFlush() throws {
        let store = try store()
        store.record(attempt("lost", 1, "ok", at: 0, seconds: 2, endpoint: "http://a:1/v1"))
        // Held for its answer until the log is read (which flushes), then a row of its own.
        #expect(try store.db.query("SELECT COUNT(*) FROM attempts").first?.int(0) == 0)
        #expect(try store.loggedAttempts(key: "lost").map(\.outcome) == ["ok"])
        #expect(try rows(store) == 1)
        // An answer stored after that carries no second copy of the attempt.
        try save(store, "lost")
        #expect(try store.loggedAttempts(key: "lost").count == 1)
        #expect(try store.endpointTallies() == [EndpointTally(endpoint: "http://a:1/v1", sent: 1, answered: 1, failed: 0, meanLatency: 2)])
    }

    @Test func anAnsweredAttemptWithADetailIsARowOfItsOwn() throws {
        let store = try store()
        // As a batch import records a line's answer: after storing it, naming the line.
        try save(store, "b")
        var imported = attempt("b", 1, "ok", at: 0, seconds: 0, endpoint: nil)
        imported.detail = "batch (line 7)"
        store.record(imported)
        store.commitWaiting()
        #expect(try rows(store) == 1)
        #expect(try store.loggedAttempts(key: "b").map(\.detail) == ["batch (line 7)"])
    }

    @Test func heldAttemptsPastTheLimitAreLoggedAtOnce() throws {
        let store = try store()
        for n in 0...AnsweredAttemptStash.limit {
            store.record(attempt("k\(n)", 1, "ok", at: Double(n), seconds: 1, endpoint: nil))
        }
        // Over the limit: all were handed to the next group commit, none held any more.
        store.commitWaiting()
        #expect(try rows(store) == AnsweredAttemptStash.limit + 1)
        store.flush()
        #expect(try rows(store) == AnsweredAttemptStash.limit + 1)
    }

    @Test func aVersion14StoreGetsItsEndpointTotalsOnOpening() throws {
        let path = try TestPaths.temporaryDirectory().appendingPathComponent("s.db").path
        do {
            let store = try CheckpointStore(path: path)
            // Back to version 14: no attempt columns in the answers, no totals or triggers, the
            // index over the log by endpoint.
            try store.db.execute("""
                DROP TRIGGER answered_attempt_deleted; DROP TRIGGER answered_attempt_replaced;
                DROP TRIGGER endpoint_totals_answer; DROP TRIGGER endpoint_totals_answer_replaced;
                DROP TRIGGER endpoint_totals_attempt; DROP TABLE endpoint_totals;
                ALTER TABLE request_cache DROP COLUMN attempt; ALTER TABLE request_cache DROP COLUMN started_at;
                ALTER TABLE request_cache DROP COLUMN finished_at; ALTER TABLE request_cache DROP COLUMN http_status;
                ALTER TABLE request_cache DROP COLUMN endpoint;
                CREATE INDEX attempts_by_endpoint ON attempts(endpoint, outcome, started_at, finished_at) WHERE endpoint IS NOT NULL;
                DELETE FROM schema_migrations WHERE version = 15;
                """)
            // Every attempt a row, as version 14 logged them.
            for (n, outcome, endpoint) in [(1, "timeout", "http://a:1/v1"), (2, "ok", "http://a:1/v1"), (1, "ok", "http://b:1/v1"), (1, "ok", nil)] {
                try store.logAttempt(
                    key: "k\(n)\(endpoint ?? "")", purpose: "expand", attempt: n, startedAt: 100, finishedAt: 100 + Double(n),
                    httpStatus: outcome == "ok" ? 200 : nil, outcome: outcome, detail: "", promptTokens: nil, completionTokens: nil,
                    endpoint: endpoint)
            }
        }
        let reopened = try CheckpointStore(path: path)
        #expect(try reopened.appliedVersions() == Migrations.all.map(\.version).sorted())
        #expect(try reopened.db.query("SELECT name FROM sqlite_master WHERE name = 'attempts_by_endpoint'").isEmpty)
        #expect(try reopened.endpointTallies() == [
            EndpointTally(endpoint: "http://a:1/v1", sent: 2, answered: 1, failed: 1, meanLatency: 2),
            EndpointTally(endpoint: "http://b:1/v1", sent: 1, answered: 1, failed: 0, meanLatency: 1),
        ])
        // Logged by version 15 after them.
        reopened.record(attempt("new", 1, "ok", at: 0, seconds: 4, endpoint: "http://b:1/v1"))
        try save(reopened, "new")
        #expect(try reopened.endpointTallies() == recomputedTallies(reopened))
        #expect(try reopened.attemptCounts() == ["timeout": 1, "ok": 4])
    }
}
