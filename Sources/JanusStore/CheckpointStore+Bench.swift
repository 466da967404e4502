import Foundation
import JanusSupport

/// A Multifaceted Bench instruction as the store keeps it.
public struct BenchInstruction: Sendable, Hashable {
    /// The instruction id (`TextNormalizer.instructionID`), as for the collection.
    public var id: String
    public var position: Int
    public var text: String
    /// The bench source it came from (the `source` column of the export), e.g. `alpaca_eval`.
    public var source: String
    public var sourceFile: String
    public var sourceLine: Int

    public init(id: String, position: Int, text: String, source: String, sourceFile: String, sourceLine: Int) {
        self.id = id
        self.position = position
        self.text = text
        self.source = source
        self.sourceFile = sourceFile
        self.sourceLine = sourceLine
    }
}

extension CheckpointStore {
    /// Every bench instruction, in position order.
    public func benchInstructions() throws -> [BenchInstruction] {
        try locked {
            try db.query("SELECT id, position, text, source, source_file, source_line FROM bench_instructions ORDER BY position").map {
                BenchInstruction(
                    id: $0.string(0) ?? "", position: $0.int(1) ?? 0, text: $0.string(2) ?? "", source: $0.string(3) ?? "",
                    sourceFile: $0.string(4) ?? "", sourceLine: $0.int(5) ?? 0)
            }
        }
    }

    /// Adds bench instructions (positions continue after the stored ones) and the drops of one
    /// `bench build` (reasons `bad`, `in_collection`, `near_collection`, `repeated`,
    /// `near_repeated`), in one transaction. Returns how many instructions were new.
    @discardableResult
    public func addBenchInstructions(_ list: [BenchInstruction], drops: [IngestDrop], runID: Int) throws -> Int {
        try locked {
            try db.transaction {
                var next = (try db.query("SELECT COALESCE(MAX(position), -1) FROM bench_instructions").first?.int(0) ?? -1) + 1
                var added = 0
                for item in list {
                    try db.run("""
                        INSERT OR IGNORE INTO bench_instructions(id, position, text, source, source_file, source_line, run_id)
                        VALUES (?,?,?,?,?,?,?)
                        """, [
                        .text(item.id), .int(next), .text(item.text), .text(item.source), .text(item.sourceFile),
                        .int(item.sourceLine), .int(runID),
                    ])
                    if db.changes > 0 {
                        added += 1
                        next += 1
                    }
                }
                for drop in drops {
                    try db.run("""
                        INSERT INTO bench_drops(run_id, source, file, line, reason, detail, duplicate_of) VALUES (?,?,?,?,?,?,?)
                        """, [
                        .int(runID), .text(drop.sourceName), .text(drop.file), .int(drop.line), .text(drop.reason), .text(drop.detail),
                        .optionalText(drop.duplicateOf),
                    ])
                }
                return added
            }
        }
    }

    /// How many lines each `bench build` dropped, per reason, over every run.
    public func benchDropCounts() throws -> [String: Int] {
        try counts("SELECT reason, COUNT(*) FROM bench_drops GROUP BY reason")
    }

    /// A value fixed at the first bench build (nil when none was stored).
    public func benchMeta(_ key: String) throws -> String? {
        try locked { try db.query("SELECT value FROM bench_meta WHERE key = ?", [.text(key)]).first?.string(0) }
    }

    /// Stores `value` under `key` unless a value is already there; returns the stored one.
    @discardableResult
    public func setBenchMetaOnce(_ key: String, _ value: String) throws -> String {
        try locked {
            try db.run("INSERT OR IGNORE INTO bench_meta(key, value) VALUES (?, ?)", [.text(key), .text(value)])
            return try db.query("SELECT value FROM bench_meta WHERE key = ?", [.text(key)]).first?.string(0) ?? value
        }
    }

    /// Stored results of one stage whose item id starts with `prefix` (answers and verdicts of
    /// one answer set are stored under ids that start with its name).
    public func stageResults(stage: Stage, idPrefix prefix: String) throws -> [ItemKey: StageResult] {
        try locked {
            var out: [ItemKey: StageResult] = [:]
            for row in try db.query(
                "SELECT instruction_id, variant, request_key, output, meta, recipe FROM stage_results WHERE stage = ? AND substr(instruction_id, 1, ?) = ?",
                [.text(stage.rawValue), .int(prefix.utf8.count), .text(prefix)])
            {
                out[ItemKey(row.string(0) ?? "", row.int(1) ?? 0)] = StageResult(
                    requestKey: row.string(2) ?? "", output: row.string(3) ?? "", meta: row.string(4) ?? "{}",
                    recipe: row.string(5) ?? "")
            }
            return out
        }
    }

    /// The distinct item-id prefixes before the first `|` of a stage's results: the answer sets
    /// (for `bench_answer`) that are stored.
    public func stageIDPrefixes(stage: Stage) throws -> [String] {
        try locked {
            try db.query("""
                SELECT DISTINCT substr(instruction_id, 1, instr(instruction_id, '|') - 1) FROM stage_results
                WHERE stage = ? AND instr(instruction_id, '|') > 0 ORDER BY 1
                """, [.text(stage.rawValue)]).compactMap { $0.string(0) }
        }
    }

    /// The preferences the collection's stored preference sets name, as their JSON lists.
    public func collectionPreferenceSets() throws -> [String] {
        try locked { try db.query("SELECT output FROM stage_results WHERE stage = 'expand' ORDER BY instruction_id, variant").compactMap { $0.string(0) } }
    }

    /// Every system message the collection stores.
    public func collectionSystemMessages() throws -> [String] {
        try locked { try db.query("SELECT output FROM stage_results WHERE stage = 'systems' ORDER BY instruction_id, variant").compactMap { $0.string(0) } }
    }
}

extension CheckpointStore {
    /// Stores `value` under `key`, replacing what was there.
    public func setBenchMeta(_ key: String, _ value: String) throws {
        try locked { try db.run("INSERT OR REPLACE INTO bench_meta(key, value) VALUES (?, ?)", [.text(key), .text(value)]) }
    }
}

extension CheckpointStore {
    /// The latest run recorded as `command`.
    public func latestRun(command: String) throws -> RecordedRun? {
        try locked { try db.query("\(Self.runColumns) WHERE command = ? ORDER BY id DESC LIMIT 1", [.text(command)]).first.map(Self.run) }
    }
}
