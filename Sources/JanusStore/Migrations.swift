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
        // The Multifaceted Bench: its instructions (apart from the collection's), what bench
        // build dropped and why, and settings fixed at the first build (the preferences to avoid).
        // Its generated parts, answers and verdicts are stage results like the collection's.
        Migration(version: 5, name: "multifaceted bench", sql: """
            CREATE TABLE bench_instructions(
                id TEXT PRIMARY KEY,
                position INTEGER NOT NULL,
                text TEXT NOT NULL,
                source TEXT NOT NULL,
                source_file TEXT NOT NULL,
                source_line INTEGER NOT NULL,
                run_id INTEGER NOT NULL
            );
            CREATE TABLE bench_drops(
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                run_id INTEGER NOT NULL,
                source TEXT NOT NULL,
                file TEXT NOT NULL,
                line INTEGER NOT NULL,
                reason TEXT NOT NULL,
                detail TEXT NOT NULL,
                duplicate_of TEXT
            );
            CREATE TABLE bench_meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
            """),
        // Provider batches and run-batch files (see CheckpointStore+Batches): each request file
        // with the provider's file and batch ids (kept before any polling, so a killed process
        // continues), the requests each file holds by request key, and every output line
        // imported (by its line id), so a second import of the same file changes nothing.
        Migration(version: 6, name: "batch files", sql: """
            CREATE TABLE batch_files(
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                stage TEXT NOT NULL,
                path TEXT NOT NULL,
                lines INTEGER NOT NULL,
                bytes INTEGER NOT NULL,
                sha256 TEXT NOT NULL,
                created_at TEXT NOT NULL,
                endpoint TEXT,
                input_file_id TEXT,
                batch_id TEXT,
                status TEXT NOT NULL DEFAULT 'prepared',
                output_file_id TEXT,
                error_file_id TEXT,
                updated_at TEXT
            );
            CREATE TABLE batch_requests(
                key TEXT PRIMARY KEY,
                file_id INTEGER NOT NULL,
                stage TEXT NOT NULL,
                instruction_id TEXT NOT NULL,
                variant INTEGER NOT NULL,
                first_key TEXT NOT NULL,
                purpose TEXT NOT NULL,
                model TEXT NOT NULL,
                request TEXT NOT NULL
            );
            CREATE INDEX batch_requests_by_file ON batch_requests(file_id);
            CREATE TABLE batch_lines(
                line_id TEXT PRIMARY KEY,
                key TEXT NOT NULL,
                outcome TEXT NOT NULL,
                imported_at TEXT NOT NULL
            );
            """),
        // The endpoint each attempt went to (several endpoints serve one model); NULL before.
        Migration(version: 7, name: "attempt endpoints", sql: """
            ALTER TABLE attempts ADD COLUMN endpoint TEXT;
            """),
        // Digests of what each result was made from (see ResultStamp), so that status, plan and
        // the resume scan of build find the current results from an index alone; NULL for
        // results stored before (the next build stamps those it finds current). The other
        // indexes answer the sums status and plan print (tokens per purpose, unpriced answers,
        // attempts per endpoint) without reading the stored answers.
        Migration(version: 8, name: "result stamps", sql: """
            ALTER TABLE stage_results ADD COLUMN settings_digest INTEGER;
            ALTER TABLE stage_results ADD COLUMN input_digest INTEGER;
            ALTER TABLE stage_results ADD COLUMN output_digest INTEGER;
            CREATE INDEX stage_results_by_item ON stage_results(
                instruction_id, variant, stage, settings_digest, input_digest, output_digest);
            CREATE INDEX request_cache_usage ON request_cache(purpose, prompt_tokens, completion_tokens, cost);
            CREATE INDEX request_cache_unpriced ON request_cache(priced, model);
            CREATE INDEX attempts_by_endpoint ON attempts(endpoint, outcome, started_at, finished_at) WHERE endpoint IS NOT NULL;
            """),
        // The (instruction, variant) pairs whose three results are linked by their stamps (the
        // systems input is the expand output, the respond input the systems output), keyed by
        // the instruction's position and kept with the settings digests of the three results.
        // Triggers keep it in the statement (so the transaction) that writes a result; the
        // settled instructions for some settings are then one range of a small integer index.
        // The covering index on instructions turns settled positions into ids without reading
        // the instruction rows.
        Migration(version: 9, name: "settled variants", sql: SettledVariants.migration),
        // What `stats` needs of each expand result's preference set, kept beside it (see
        // PreferenceRecords); results stored before are given theirs by the next writer's
        // upgrade pass (`fillPreferenceRecords`), and read the long way until then.
        Migration(version: 10, name: "preference records", sql: PreferenceRecords.migration),
        // The index on `stage_results.run_id` goes: inserting a result with it wrote a fifth
        // more bytes (its statement journals above all), and its one frequent question, which
        // run stored results last, is answered from the end of the table instead (see
        // `CheckpointStore.latestGenerationRun`).
        Migration(version: 11, name: "no index of results by run", sql: "DROP INDEX IF EXISTS stage_results_by_run;"),
        // The pages a result dirties: each commit writes every page its rows touched, and an
        // index ordered by a digest puts each new row in a random page. Version 12 drops the
        // second such index over the results (see SettledVariants.withoutItemIndex) and appends
        // the preference records instead of filing them by digest (see
        // PreferenceRecords.withRowIDs): a build writes a third fewer bytes to the log.
        Migration(
            version: 12, name: "fewer random pages per result",
            sql: SettledVariants.withoutItemIndex + "\n" + PreferenceRecords.withRowIDs),
        // The sums of tokens and cost per purpose kept in a small table by triggers, not read
        // from two indexes over every answer, one of them ordered by token counts (a random
        // page per answer; see UsageTotals).
        Migration(version: 13, name: "usage totals", sql: UsageTotals.migration),
        // A new expand or systems result recomputes its item's settled row only when the item
        // has a respond result, without which no row exists (see SettledVariants.insertTrigger).
        Migration(version: 14, name: "settled rows recomputed only when they can change", sql: SettledVariants.guardedInsert),
        // The attempt that brought an answer kept in the answer's row, not as a row of the log
        // filed by its request key (a random page per answer); attempts per endpoint kept as
        // sums by triggers, not read from an index over the whole log (see AnsweredAttempt).
        Migration(version: 15, name: "answered attempts kept with their answers", sql: AnsweredAttempts.migration),
        // The settled-row triggers test a result's stage with comparisons, not an `IN` list,
        // for which SQLite built a throwaway table on every result written (see
        // SettledVariants.isBuildStage).
        Migration(version: 16, name: "settled-row triggers without a stage list", sql: SettledVariants.comparedStages),
    ]

    public static var latest: Int { all.map(\.version).max() ?? 0 }
}
