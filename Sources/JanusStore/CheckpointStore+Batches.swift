import Foundation
import JanusSupport

/// One request file of a batch: written by `batch prepare`, and, once submitted, the provider's
/// ids for it and the batch's last known status.
public struct BatchFileRecord: Sendable, Hashable {
    public var id: Int
    public var stage: String
    public var path: String
    public var lines: Int
    public var bytes: Int
    public var sha256: String
    public var createdAt: String
    public var endpoint: String?
    public var inputFileID: String?
    public var batchID: String?
    /// `prepared` (written, not submitted), the provider's status (`validating`, `in_progress`,
    /// `finalizing`, `completed`, `expired`, `cancelling`, `cancelled`, `failed`), or `imported`
    /// once its output and error files are in the store.
    public var status: String
    public var outputFileID: String?
    public var errorFileID: String?

    /// Submitted and not yet imported: its requests are not sent online meanwhile.
    public var isLive: Bool { batchID != nil && status != "imported" }
}

/// One request written to a batch file, by its request key (the line's `custom_id`).
public struct BatchRequestRecord: Sendable, Hashable {
    public var key: String
    public var fileID: Int
    public var stage: String
    public var item: ItemKey
    /// The key of the item's first request at the stage: failures are recorded under it, as online.
    public var firstKey: String
    public var purpose: String
    public var model: String
    /// The request as the request cache keeps it (`CheckpointStore.requestSummary`).
    public var summary: String

    public init(key: String, fileID: Int, stage: String, item: ItemKey, firstKey: String, purpose: String, model: String, summary: String) {
        self.key = key
        self.fileID = fileID
        self.stage = stage
        self.item = item
        self.firstKey = firstKey
        self.purpose = purpose
        self.model = model
        self.summary = summary
    }
}

extension CheckpointStore {
    /// Records a written request file and the requests it holds, in one transaction. A request
    /// already recorded for an earlier file now belongs to this one.
    public func addBatchFile(
        stage: String, path: String, lines: Int, bytes: Int, sha256: String, requests: [BatchRequestRecord]
    ) throws -> Int {
        try locked {
            try db.transaction {
                try db.run(
                    "INSERT INTO batch_files(stage, path, lines, bytes, sha256, created_at) VALUES (?,?,?,?,?,?)",
                    [.text(stage), .text(path), .int(lines), .int(bytes), .text(sha256), .text(Timestamp.now())])
                let id = try db.query("SELECT last_insert_rowid()").first?.int(0) ?? 0
                for r in requests {
                    try db.run("""
                        INSERT OR REPLACE INTO batch_requests(key, file_id, stage, instruction_id, variant, first_key, purpose, model, request)
                        VALUES (?,?,?,?,?,?,?,?,?)
                        """, [
                        .text(r.key), .int(id), .text(r.stage), .text(r.item.instructionID), .int(r.item.variant),
                        .text(r.firstKey), .text(r.purpose), .text(r.model), .text(r.summary),
                    ])
                }
                return id
            }
        }
    }

    private static let batchFileColumns = """
        id, stage, path, lines, bytes, sha256, created_at, endpoint, input_file_id, batch_id, status, output_file_id, error_file_id
        """

    private static func batchFile(_ row: SQLiteRow) -> BatchFileRecord {
        BatchFileRecord(
            id: row.int(0) ?? 0, stage: row.string(1) ?? "", path: row.string(2) ?? "", lines: row.int(3) ?? 0,
            bytes: row.int(4) ?? 0, sha256: row.string(5) ?? "", createdAt: row.string(6) ?? "", endpoint: row.string(7),
            inputFileID: row.string(8), batchID: row.string(9), status: row.string(10) ?? "", outputFileID: row.string(11),
            errorFileID: row.string(12))
    }

    /// Every batch file recorded, oldest first.
    public func batchFiles() throws -> [BatchFileRecord] {
        try locked {
            try db.query("SELECT \(Self.batchFileColumns) FROM batch_files ORDER BY id").map(Self.batchFile)
        }
    }

    public func batchFile(id: Int) throws -> BatchFileRecord? {
        try locked {
            try db.query("SELECT \(Self.batchFileColumns) FROM batch_files WHERE id = ?", [.int(id)]).first.map(Self.batchFile)
        }
    }

    /// Saves the provider's ids and status of a file, each the moment it is known.
    public func updateBatchFile(_ file: BatchFileRecord) throws {
        try locked {
            try db.run("""
                UPDATE batch_files SET endpoint = ?, input_file_id = ?, batch_id = ?, status = ?, output_file_id = ?,
                    error_file_id = ?, updated_at = ? WHERE id = ?
                """, [
                .optionalText(file.endpoint), .optionalText(file.inputFileID), .optionalText(file.batchID), .text(file.status),
                .optionalText(file.outputFileID), .optionalText(file.errorFileID), .text(Timestamp.now()), .int(file.id),
            ])
        }
    }

    /// The request recorded under `key` in some batch file.
    public func batchRequest(key: String) throws -> BatchRequestRecord? {
        try locked {
            guard let row = try db.query("""
                SELECT key, file_id, stage, instruction_id, variant, first_key, purpose, model, request
                FROM batch_requests WHERE key = ?
                """, [.text(key)]).first else { return nil }
            return BatchRequestRecord(
                key: row.string(0) ?? "", fileID: row.int(1) ?? 0, stage: row.string(2) ?? "",
                item: ItemKey(row.string(3) ?? "", row.int(4) ?? 0), firstKey: row.string(5) ?? "", purpose: row.string(6) ?? "",
                model: row.string(7) ?? "", summary: row.string(8) ?? "{}")
        }
    }

    /// The keys of the requests sitting in submitted batches that are not imported yet.
    public func liveBatchKeys() throws -> Set<String> {
        try locked {
            Set(try db.query("""
                SELECT r.key FROM batch_requests r JOIN batch_files f ON f.id = r.file_id
                WHERE f.batch_id IS NOT NULL AND f.status != 'imported'
                """).compactMap { $0.string(0) })
        }
    }

    /// Keys of one file's requests that have an answer in the request cache.
    public func answeredCount(fileID: Int) throws -> (requests: Int, answered: Int) {
        try locked {
            let row = try db.query("""
                SELECT COUNT(*), COUNT(c.key) FROM batch_requests r LEFT JOIN request_cache c ON c.key = r.key WHERE r.file_id = ?
                """, [.int(fileID)]).first
            return (row?.int(0) ?? 0, row?.int(1) ?? 0)
        }
    }

    /// The outcome recorded for an imported output line, nil when it was never imported.
    public func importedBatchLine(_ lineID: String) throws -> String? {
        try locked {
            try db.query("SELECT outcome FROM batch_lines WHERE line_id = ?", [.text(lineID)]).first?.string(0)
        }
    }

    public func recordBatchLine(_ lineID: String, key: String, outcome: String) throws {
        try locked {
            try db.run(
                "INSERT OR IGNORE INTO batch_lines(line_id, key, outcome, imported_at) VALUES (?,?,?,?)",
                [.text(lineID), .text(key), .text(outcome), .text(Timestamp.now())])
        }
    }

    /// Imported lines of `key` that gave no answer (errors, cut-off or empty answers), not
    /// counting those a batch left unanswered when it expired or was cancelled.
    public func failedBatchLines(key: String) throws -> Int {
        try locked {
            try db.query(
                "SELECT COUNT(*) FROM batch_lines WHERE key = ? AND outcome NOT IN ('ok', 'expired', 'cancelled')", [.text(key)]
            ).first?.int(0) ?? 0
        }
    }

    /// Runs `body` in one write transaction that the statements of the store's other methods
    /// join: for a long run of small writes from one thread (an import), one commit instead of
    /// one per row. `body` must not call a method that opens a transaction of its own.
    public func joinedWrites<T>(_ body: () throws -> T) throws -> T {
        try locked { try db.execute("BEGIN IMMEDIATE") }
        do {
            let result = try body()
            try locked { try db.execute("COMMIT") }
            return result
        } catch {
            try? locked { try db.execute("ROLLBACK") }
            throw error
        }
    }
}
