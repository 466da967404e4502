/// The store's schema as an ordered list of named migrations. A store records which versions it
/// has applied; opening an older store applies the rest, in order, each in its own transaction.
/// A store whose newest version is above `Migrations.latest` was written by a newer janus-data
/// and is refused rather than guessed at.
public enum Migrations {
    public struct Migration: Sendable {
        public var version: Int
        public var name: String
        public var sql: String
    }

    public static let all: [Migration] = [
        Migration(version: 1, name: "core tables", sql: """
            CREATE TABLE runs(
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                command TEXT NOT NULL,
                started_at TEXT NOT NULL,
                finished_at TEXT,
                status TEXT NOT NULL DEFAULT 'running',
                seed INTEGER NOT NULL,
                provider TEXT NOT NULL,
                model TEXT NOT NULL,
                summary TEXT
            );
            CREATE TABLE instructions(
                id TEXT PRIMARY KEY,
                position INTEGER NOT NULL,
                text TEXT NOT NULL,
                main_source TEXT NOT NULL,
                original_source TEXT NOT NULL,
                source_name TEXT NOT NULL,
                source_file TEXT NOT NULL,
                source_line INTEGER NOT NULL,
                run_id INTEGER NOT NULL
            );
            CREATE TABLE ingest_drops(
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                run_id INTEGER NOT NULL,
                source_name TEXT NOT NULL,
                file TEXT NOT NULL,
                line INTEGER NOT NULL,
                reason TEXT NOT NULL,
                detail TEXT NOT NULL,
                duplicate_of TEXT
            );
            CREATE TABLE request_cache(
                key TEXT PRIMARY KEY,
                purpose TEXT NOT NULL,
                model TEXT NOT NULL,
                request TEXT NOT NULL,
                content TEXT NOT NULL,
                finish_reason TEXT,
                prompt_tokens INTEGER NOT NULL,
                completion_tokens INTEGER NOT NULL,
                usage_estimated INTEGER NOT NULL,
                cost REAL NOT NULL,
                created_at TEXT NOT NULL
            );
            CREATE TABLE stage_results(
                stage TEXT NOT NULL,
                instruction_id TEXT NOT NULL,
                variant INTEGER NOT NULL,
                request_key TEXT NOT NULL,
                output TEXT NOT NULL,
                meta TEXT NOT NULL,
                created_at TEXT NOT NULL,
                PRIMARY KEY(stage, instruction_id, variant)
            );
            CREATE TABLE failures(
                stage TEXT NOT NULL,
                instruction_id TEXT NOT NULL,
                variant INTEGER NOT NULL,
                request_key TEXT NOT NULL,
                kind TEXT NOT NULL,
                reason TEXT NOT NULL,
                raw TEXT NOT NULL,
                attempts INTEGER NOT NULL,
                created_at TEXT NOT NULL,
                PRIMARY KEY(stage, instruction_id, variant)
            );
            """),
        Migration(version: 2, name: "attempt log and indices", sql: """
            CREATE TABLE attempts(
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                request_key TEXT NOT NULL,
                purpose TEXT NOT NULL,
                attempt INTEGER NOT NULL,
                started_at REAL NOT NULL,
                finished_at REAL NOT NULL,
                http_status INTEGER,
                outcome TEXT NOT NULL,
                detail TEXT NOT NULL,
                prompt_tokens INTEGER,
                completion_tokens INTEGER
            );
            CREATE INDEX attempts_by_key ON attempts(request_key);
            CREATE INDEX instructions_by_position ON instructions(position);
            CREATE INDEX drops_by_run ON ingest_drops(run_id, reason);
            """),
        Migration(version: 3, name: "stage result recipes", sql: """
            ALTER TABLE stage_results ADD COLUMN recipe TEXT NOT NULL DEFAULT '';
            """),
        // What each generation run was made with (JSON, see RunSettings), which run stored each
        // result, and whether an answer's cost is known (a model with no price costs nothing
        // in the sums, and says so, rather than passing for free).
        Migration(version: 4, name: "run settings", sql: """
            ALTER TABLE runs ADD COLUMN settings TEXT;
            ALTER TABLE stage_results ADD COLUMN run_id INTEGER;
            CREATE INDEX stage_results_by_run ON stage_results(run_id);
            ALTER TABLE request_cache ADD COLUMN priced INTEGER NOT NULL DEFAULT 1;
            """),
    ]

    public static var latest: Int { all.map(\.version).max() ?? 0 }
}
