import Foundation
import JanusSupport

extension CheckpointStore {
    /// Records the start of a command run (with its effective settings, JSON, for the runs
    /// that generate); returns its id.
    public func beginRun(command: String, seed: Int, provider: String, model: String, settings: String? = nil) throws -> Int {
        try locked {
            try db.run(
                "INSERT INTO runs(command, started_at, seed, provider, model, settings) VALUES (?,?,?,?,?,?)",
                [.text(command), .text(Timestamp.now()), .int(seed), .text(provider), .text(model), .optionalText(settings)])
            return try db.query("SELECT last_insert_rowid()").first?.int(0) ?? 0
        }
    }

    /// Marks run `id` failed with `error` as its summary. Not throwing: the caller is already
    /// reporting the error, and a store that cannot record it must not hide it.
    public func finishRun(id: Int, failedWith error: any Error) {
        try? finishRun(id: id, status: "error", summary: JSONValue.object([("error", .string("\(error)"))]).serialized())
    }

    /// Records how a run ended and its summary (JSON).
    public func finishRun(id: Int, status: String, summary: String) throws {
        try locked {
            try db.run(
                "UPDATE runs SET finished_at = ?, status = ?, summary = ? WHERE id = ?",
                [.text(Timestamp.now()), .text(status), .text(summary), .int(id)])
        }
    }

    static let runColumns = "SELECT id, command, started_at, seed, provider, model, settings FROM runs"

    static func run(_ row: SQLiteRow) -> RecordedRun {
        RecordedRun(
            id: row.int(0) ?? 0, command: row.string(1) ?? "", startedAt: row.string(2) ?? "", seed: row.int(3) ?? 0,
            provider: row.string(4) ?? "", model: row.string(5) ?? "", settings: row.string(6))
    }

    /// The store's most recent generation run (any command but ingest) that stored a result;
    /// when none did, the most recent generation run; nil when there was none.
    public func latestGenerationRun() throws -> RecordedRun? {
        try locked {
            // Runs do not overlap (one writer at a time) and a result gets the next rowid when it
            // is stored, so the collection's result stored last names the run wanted; read from
            // the end of the table, this stops at once. Should that run not be a generation run
            // (only a tool writing by hand would do that), the long way below answers.
            if let last = try db.query("""
                \(Self.runColumns) WHERE id = (
                    SELECT run_id FROM stage_results NOT INDEXED WHERE stage IN \(SettledVariants.stages) AND run_id IS NOT NULL
                    ORDER BY rowid DESC LIMIT 1)
                AND command != 'ingest' AND command NOT LIKE 'bench%'
                """).first {
                return Self.run(last)
            }
            let productive = try db.query("""
                \(Self.runColumns) WHERE command != 'ingest' AND command NOT LIKE 'bench%'
                    AND EXISTS (SELECT 1 FROM stage_results WHERE stage_results.run_id = runs.id)
                ORDER BY id DESC LIMIT 1
                """).first
            if let row = productive { return Self.run(row) }
            return try db.query("\(Self.runColumns) WHERE command != 'ingest' AND command NOT LIKE 'bench%' ORDER BY id DESC LIMIT 1").first.map(Self.run)
        }
    }

    /// The run with `id`.
    public func run(id: Int) throws -> RecordedRun? {
        try locked { try db.query("\(Self.runColumns) WHERE id = ?", [.int(id)]).first.map(Self.run) }
    }

    /// How many results of `stage` each run stored, newest run first; results stored before
    /// runs were recorded are grouped by the model that answered them.
    public func resultsByRun(stage: Stage) throws -> [ResultsByRun] {
        try locked {
            var out = try db.query("""
                SELECT run_id, COUNT(*) FROM stage_results WHERE stage = ? AND run_id IS NOT NULL
                GROUP BY run_id ORDER BY run_id DESC
                """, [.text(stage.rawValue)]).map { ResultsByRun(runID: $0.int(0), model: nil, count: $0.int(1) ?? 0) }
            out += try db.query("""
                SELECT request_cache.model, COUNT(*) FROM stage_results
                LEFT JOIN request_cache ON request_cache.key = stage_results.request_key
                WHERE stage_results.stage = ? AND stage_results.run_id IS NULL
                GROUP BY request_cache.model ORDER BY COUNT(*) DESC
                """, [.text(stage.rawValue)]).map { ResultsByRun(runID: nil, model: $0.string(0), count: $0.int(1) ?? 0) }
            return out
        }
    }
}
