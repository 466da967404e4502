import Foundation

/// The attempt that brought an answer, kept in the answer's row of `request_cache` rather than
/// as a row of the attempt log (store version 15).
///
/// Nearly every attempt of a run is answered at once, and each used to add a row to
/// `attempts` and an entry to two indexes over it: one ordered by request key, a digest, so a
/// random page per answer that the commit writes whole. The answered attempt's few fields now
/// ride in the row the answer writes anyway; the attempt log keeps the attempts that did not
/// bring an answer (throttled, failed, timed out, cancelled) and, by trigger, the attempt of
/// an answer that is replaced or deleted, so the log loses nothing. `loggedAttempts` and
/// `attemptCounts` read both places.
///
/// The sums `status` prints per endpoint are kept by triggers in `endpoint_totals` (as
/// `UsageTotals` keeps tokens and cost), in place of an index over every attempt that `status`
/// read whole: its time grew with the log.
public struct AnsweredAttempt: Sendable, Hashable {
    public var purpose: String
    public var attempt: Int
    /// Seconds since 1970.
    public var startedAt: Double
    public var finishedAt: Double
    public var httpStatus: Int?
    public var promptTokens: Int?
    public var completionTokens: Int?
    /// The endpoint it went to; nil where none was called (a batch import).
    public var endpoint: String?

    public init(
        purpose: String, attempt: Int, startedAt: Double, finishedAt: Double, httpStatus: Int?, promptTokens: Int?,
        completionTokens: Int?, endpoint: String?
    ) {
        self.purpose = purpose
        self.attempt = attempt
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.httpStatus = httpStatus
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.endpoint = endpoint
    }
}

/// Answered attempts told to the store (`CheckpointStore.keepAnsweredAttempt`) whose answers
/// are not stored yet: a client reports the attempt just before it returns the answer, which
/// the caller then stores. One whose answer never comes is logged as a row of its own by the
/// next `flush`, or as soon as the held attempts pass `limit`.
struct AnsweredAttemptStash {
    static let limit = 16_384
    private var byKey: [String: AnsweredAttempt] = [:]

    /// Holds `attempt` for its answer; returns the attempts to log as rows now: one held
    /// before for the same key (two answers to one request), or all of them once over `limit`.
    mutating func hold(_ attempt: AnsweredAttempt, key: String) -> [(key: String, attempt: AnsweredAttempt)] {
        if let earlier = byKey.updateValue(attempt, forKey: key) { return [(key, earlier)] }
        return byKey.count > Self.limit ? takeAll() : []
    }

    mutating func take(_ key: String) -> AnsweredAttempt? {
        byKey.removeValue(forKey: key)
    }

    /// Every held attempt, in the order they started.
    mutating func takeAll() -> [(key: String, attempt: AnsweredAttempt)] {
        defer { byKey = [:] }
        return byKey.map { (key: $0.key, attempt: $0.value) }.sorted {
            ($0.attempt.startedAt, $0.key) < ($1.attempt.startedAt, $1.key)
        }
    }
}

/// The schema of store version 15 (see `AnsweredAttempt`).
enum AnsweredAttempts {
    static let migration = """
        ALTER TABLE request_cache ADD COLUMN attempt INTEGER;
        ALTER TABLE request_cache ADD COLUMN started_at REAL;
        ALTER TABLE request_cache ADD COLUMN finished_at REAL;
        ALTER TABLE request_cache ADD COLUMN http_status INTEGER;
        ALTER TABLE request_cache ADD COLUMN endpoint TEXT;
        CREATE TABLE endpoint_totals(
            endpoint TEXT PRIMARY KEY,
            sent INTEGER NOT NULL,
            answered INTEGER NOT NULL,
            failed INTEGER NOT NULL,
            answered_seconds REAL NOT NULL
        ) WITHOUT ROWID;
        INSERT INTO endpoint_totals(endpoint, sent, answered, failed, answered_seconds)
            SELECT endpoint, COUNT(*), SUM(outcome = 'ok'), SUM(outcome NOT IN ('ok', 'cancelled')),
                TOTAL(CASE WHEN outcome = 'ok' THEN finished_at - started_at END)
            FROM attempts WHERE endpoint IS NOT NULL GROUP BY endpoint;
        CREATE TRIGGER endpoint_totals_attempt AFTER INSERT ON attempts WHEN NEW.endpoint IS NOT NULL
        BEGIN
            \(add(
                endpoint: "NEW.endpoint", answered: "NEW.outcome = 'ok'", failed: "NEW.outcome NOT IN ('ok', 'cancelled')",
                seconds: "CASE WHEN NEW.outcome = 'ok' THEN NEW.finished_at - NEW.started_at ELSE 0 END"))
        END;
        CREATE TRIGGER endpoint_totals_answer AFTER INSERT ON request_cache
            WHEN NEW.finished_at IS NOT NULL AND NEW.endpoint IS NOT NULL
        BEGIN
            \(add(endpoint: "NEW.endpoint", answered: "1", failed: "0", seconds: "NEW.finished_at - NEW.started_at"))
        END;
        CREATE TRIGGER answered_attempt_replaced AFTER UPDATE OF \(columns) ON request_cache
            WHEN OLD.finished_at IS NOT NULL AND \(changed)
        BEGIN
            \(moveToLog)
        END;
        CREATE TRIGGER endpoint_totals_answer_replaced AFTER UPDATE OF \(columns) ON request_cache
            WHEN NEW.finished_at IS NOT NULL AND NEW.endpoint IS NOT NULL AND (OLD.finished_at IS NULL OR \(changed))
        BEGIN
            \(add(endpoint: "NEW.endpoint", answered: "1", failed: "0", seconds: "NEW.finished_at - NEW.started_at"))
        END;
        CREATE TRIGGER answered_attempt_deleted AFTER DELETE ON request_cache WHEN OLD.finished_at IS NOT NULL
        BEGIN
            \(moveToLog)
        END;
        DROP INDEX IF EXISTS attempts_by_endpoint;
        """

    private static let columns = "attempt, started_at, finished_at, http_status, endpoint"

    /// The row holds another attempt than before.
    private static let changed = """
        (NEW.attempt IS NOT OLD.attempt OR NEW.started_at IS NOT OLD.started_at OR NEW.finished_at IS NOT OLD.finished_at
            OR NEW.endpoint IS NOT OLD.endpoint)
        """

    /// The old row's attempt becomes a row of the log, whose insert trigger counts it again
    /// for its endpoint: taken out of the totals first, so it is counted once.
    private static let moveToLog = """
        UPDATE endpoint_totals SET sent = sent - 1, answered = answered - 1,
                answered_seconds = answered_seconds - (OLD.finished_at - OLD.started_at)
            WHERE endpoint = OLD.endpoint;
            INSERT INTO attempts(request_key, purpose, attempt, started_at, finished_at, http_status, outcome, detail,
                prompt_tokens, completion_tokens, endpoint)
            VALUES (OLD.key, OLD.purpose, OLD.attempt, OLD.started_at, OLD.finished_at, OLD.http_status, 'ok', '',
                OLD.prompt_tokens, OLD.completion_tokens, OLD.endpoint);
        """

    private static func add(endpoint: String, answered: String, failed: String, seconds: String) -> String {
        """
        INSERT INTO endpoint_totals(endpoint, sent, answered, failed, answered_seconds)
                VALUES (\(endpoint), 1, \(answered), \(failed), \(seconds))
                ON CONFLICT(endpoint) DO UPDATE SET sent = sent + 1, answered = answered + excluded.answered,
                    failed = failed + excluded.failed, answered_seconds = answered_seconds + excluded.answered_seconds;
        """
    }
}
