import Foundation

extension CheckpointStore {
    /// The instructions whose id is `id` or starts with it (at most `limit`).
    public func instructions(idPrefix id: String, limit: Int) throws -> [StoredInstruction] {
        try locked {
            if let exact = try db.query("\(Self.instructionColumns) WHERE id = ?", [.text(id)]).first {
                return [Self.instruction(exact)]
            }
            return try db.query(
                "\(Self.instructionColumns) WHERE substr(id, 1, ?) = ? ORDER BY position LIMIT ?",
                [.int(id.utf8.count), .text(id), .int(limit)]
            ).map(Self.instruction)
        }
    }

    /// Instructions whose text holds `text` (ASCII letters in any case), in position order:
    /// the first `limit`, and how many there are in all.
    public func instructions(matching text: String, limit: Int) throws -> (found: [StoredInstruction], total: Int) {
        let escaped = text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
            .replacingOccurrences(of: "_", with: "\\_")
        let pattern = SQLiteValue.text("%\(escaped)%")
        return try locked {
            let total = try db.query("SELECT COUNT(*) FROM instructions WHERE text LIKE ? ESCAPE '\\'", [pattern]).first?.int(0) ?? 0
            let found = try db.query(
                "\(Self.instructionColumns) WHERE text LIKE ? ESCAPE '\\' ORDER BY position LIMIT ?", [pattern, .int(limit)]
            ).map(Self.instruction)
            return (found, total)
        }
    }

    /// The instructions at the given positions (in that order, those that exist).
    public func instructions(atPositions positions: [Int]) throws -> [StoredInstruction] {
        try locked {
            try positions.compactMap { try db.query("\(Self.instructionColumns) WHERE position = ?", [.int($0)]).first.map(Self.instruction) }
        }
    }

    /// The stored positions, in order (positions need not be contiguous).
    public func instructionPositions() throws -> [Int] {
        try locked { try db.query("SELECT position FROM instructions ORDER BY position").compactMap { $0.int(0) } }
    }

    /// What the stages stored for one instruction.
    public func state(ofInstruction id: String) throws -> StoredState {
        try locked { try StateReader(db: db).state(of: id) }
    }

    /// The ingest run that stored an instruction.
    public func origin(ofInstruction id: String) throws -> InstructionOrigin? {
        try locked {
            try db.query(
                "SELECT instructions.run_id, runs.started_at FROM instructions LEFT JOIN runs ON runs.id = instructions.run_id WHERE instructions.id = ?",
                [.text(id)]
            ).first.map { InstructionOrigin(runID: $0.int(0) ?? 0, startedAt: $0.string(1)) }
        }
    }

    /// The run that stored an item's result at `stage`, when it was recorded.
    public func resultRun(stage: Stage, item: ItemKey) throws -> Int? {
        try locked {
            try db.query(
                "SELECT run_id FROM stage_results WHERE stage = ? AND instruction_id = ? AND variant = ?",
                [.text(stage.rawValue), .text(item.instructionID), .int(item.variant)]
            ).first?.int(0)
        }
    }

    /// Ids of the instructions with a failure recorded at any stage, in position order.
    public func instructionsWithFailures() throws -> [StoredInstruction] {
        try locked {
            try db.query("""
                \(Self.instructionColumns) WHERE id IN (SELECT instruction_id FROM failures) ORDER BY position
                """).map(Self.instruction)
        }
    }
}
