import Foundation

extension CheckpointStore {
    /// Records the start of a command run; returns its id.
    public func beginRun(command: String, seed: Int, provider: String, model: String) throws -> Int {
        try locked {
            try db.run(
                "INSERT INTO runs(command, started_at, seed, provider, model) VALUES (?,?,?,?,?)",
                [.text(command), .text(Timestamp.now()), .int(seed), .text(provider), .text(model)])
            return try db.query("SELECT last_insert_rowid()").first?.int(0) ?? 0
        }
    }

    /// Records how a run ended and its summary (JSON).
    public func finishRun(id: Int, status: String, summary: String) throws {
        try locked {
            try db.run(
                "UPDATE runs SET finished_at = ?, status = ?, summary = ? WHERE id = ?",
                [.text(Timestamp.now()), .text(status), .text(summary), .int(id)])
        }
    }
}
