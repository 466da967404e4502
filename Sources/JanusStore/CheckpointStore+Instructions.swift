import Foundation

extension CheckpointStore {
    /// Ids of every stored instruction.
    public func instructionIDs() throws -> Set<String> {
        try locked { Set(try db.query("SELECT id FROM instructions").compactMap { $0.string(0) }) }
    }

    public func instructionCount() throws -> Int {
        try locked { try db.query("SELECT COUNT(*) FROM instructions").first?.int(0) ?? 0 }
    }

    /// Every stored instruction, in position order.
    public func instructions() throws -> [StoredInstruction] {
        try locked {
            try db.query("""
                SELECT id, position, text, main_source, original_source, source_name, source_file, source_line
                FROM instructions ORDER BY position
                """).map { row in
                StoredInstruction(
                    id: row.string(0) ?? "", position: row.int(1) ?? 0, text: row.string(2) ?? "",
                    mainSource: row.string(3) ?? "", originalSource: row.string(4) ?? "",
                    sourceName: row.string(5) ?? "", sourceFile: row.string(6) ?? "", sourceLine: row.int(7) ?? 0)
            }
        }
    }

    /// Instructions an earlier ingest sampled and then dropped with the filter (the paper's
    /// recipe), one drop each, `duplicateOf` holding the instruction id.
    public func sampledThenFiltered() throws -> [IngestDrop] {
        try locked {
            var seen = Set<String>()
            return try db.query("""
                SELECT source_name, file, line, detail, duplicate_of FROM ingest_drops
                WHERE reason = 'filtered' AND duplicate_of IS NOT NULL ORDER BY id
                """).compactMap { row -> IngestDrop? in
                guard let id = row.string(4), seen.insert(id).inserted else { return nil }
                return IngestDrop(
                    sourceName: row.string(0) ?? "", file: row.string(1) ?? "", line: row.int(2) ?? 0, reason: "filtered",
                    detail: row.string(3) ?? "", duplicateOf: id)
            }
        }
    }

    /// Adds instructions (positions continue after the stored ones) and the drops of one ingest
    /// run, in one transaction: an interrupted ingest leaves the store as it was.
    /// Returns how many instructions were new.
    @discardableResult
    public func addInstructions(_ list: [StoredInstruction], drops: [IngestDrop], runID: Int) throws -> Int {
        try locked {
            try db.transaction {
                var next = (try db.query("SELECT COALESCE(MAX(position), -1) FROM instructions").first?.int(0) ?? -1) + 1
                let insert = try db.prepare("""
                    INSERT OR IGNORE INTO instructions(id, position, text, main_source, original_source,
                        source_name, source_file, source_line, run_id) VALUES (?,?,?,?,?,?,?,?,?)
                    """)
                var added = 0
                for item in list {
                    try insert.bind([
                        .text(item.id), .int(next), .text(item.text), .text(item.mainSource), .text(item.originalSource),
                        .text(item.sourceName), .text(item.sourceFile), .int(item.sourceLine), .int(runID),
                    ])
                    try insert.runToCompletion()
                    if db.changes > 0 {
                        added += 1
                        next += 1
                    }
                }
                let dropInsert = try db.prepare("""
                    INSERT INTO ingest_drops(run_id, source_name, file, line, reason, detail, duplicate_of)
                    VALUES (?,?,?,?,?,?,?)
                    """)
                for drop in drops {
                    try dropInsert.bind([
                        .int(runID), .text(drop.sourceName), .text(drop.file), .int(drop.line), .text(drop.reason),
                        .text(drop.detail), .optionalText(drop.duplicateOf),
                    ])
                    try dropInsert.runToCompletion()
                }
                return added
            }
        }
    }
}
