import Foundation

/// The schema of store version 13: `usage_totals` keeps the sums `status`, `plan`, `report` and
/// the dataset card print (answers, tokens and cost per purpose; answers of unpriced models),
/// one row per (purpose, model, priced), kept by triggers on `request_cache` in the statement
/// (so the transaction) that writes an answer.
///
/// They replace two indexes over the answers (`request_cache_usage`, ordered by token counts,
/// and `request_cache_unpriced`) that served the same sums. An index ordered by token counts
/// puts each new answer in a random page, and every commit writes each page it touched: a
/// 4 KB page per answer, against one row of a table of a few rows, which every commit touches
/// anyway.
///
/// Costs are summed as integer nanodollars (each answer's cost rounded once), so the totals are
/// exact whatever order answers arrive in, and the dataset card of the same answers is the same
/// bytes however the run that stored them was scheduled. An answer is written with an upsert
/// (see `CheckpointStore.insertAnswerSQL`), which fires the update trigger; `INSERT OR
/// REPLACE` would delete the old row without firing any delete trigger.
enum UsageTotals {
    static let migration = """
        CREATE TABLE usage_totals(
            purpose TEXT NOT NULL,
            model TEXT NOT NULL,
            priced INTEGER NOT NULL,
            answers INTEGER NOT NULL,
            prompt_tokens INTEGER NOT NULL,
            completion_tokens INTEGER NOT NULL,
            cost_nanos INTEGER NOT NULL,
            PRIMARY KEY(purpose, model, priced)
        ) WITHOUT ROWID;
        INSERT INTO usage_totals(purpose, model, priced, answers, prompt_tokens, completion_tokens, cost_nanos)
            SELECT purpose, model, priced, COUNT(*), SUM(prompt_tokens), SUM(completion_tokens), SUM(\(nanos("cost")))
            FROM request_cache GROUP BY purpose, model, priced;
        \(triggers)
        DROP INDEX IF EXISTS request_cache_usage;
        DROP INDEX IF EXISTS request_cache_unpriced;
        """

    static let triggers = """
        CREATE TRIGGER usage_totals_insert AFTER INSERT ON request_cache
        BEGIN
            \(add("NEW"))
        END;
        CREATE TRIGGER usage_totals_update
            AFTER UPDATE OF purpose, model, priced, prompt_tokens, completion_tokens, cost ON request_cache
        BEGIN
            \(subtract("OLD"))
            \(add("NEW"))
        END;
        CREATE TRIGGER usage_totals_delete AFTER DELETE ON request_cache
        BEGIN
            \(subtract("OLD"))
        END;
        """

    /// A cost in dollars as whole nanodollars.
    private static func nanos(_ cost: String) -> String {
        "CAST(round(\(cost) * 1e9) AS INTEGER)"
    }

    private static func add(_ row: String) -> String {
        """
        INSERT INTO usage_totals(purpose, model, priced, answers, prompt_tokens, completion_tokens, cost_nanos)
            VALUES (\(row).purpose, \(row).model, \(row).priced, 1, \(row).prompt_tokens, \(row).completion_tokens, \(nanos("\(row).cost")))
            ON CONFLICT(purpose, model, priced) DO UPDATE SET
                answers = answers + 1, prompt_tokens = prompt_tokens + excluded.prompt_tokens,
                completion_tokens = completion_tokens + excluded.completion_tokens, cost_nanos = cost_nanos + excluded.cost_nanos;
        """
    }

    private static func subtract(_ row: String) -> String {
        """
        UPDATE usage_totals SET
                answers = answers - 1, prompt_tokens = prompt_tokens - \(row).prompt_tokens,
                completion_tokens = completion_tokens - \(row).completion_tokens, cost_nanos = cost_nanos - \(nanos("\(row).cost"))
            WHERE purpose = \(row).purpose AND model = \(row).model AND priced = \(row).priced;
        """
    }
}
