import Foundation

extension CheckpointStore {
    /// Calls `body` with each instruction, in position order, and everything the generation
    /// stages stored for it. Memory stays flat however large the store: one instruction's rows
    /// are read at a time. The store stays locked for the walk.
    public func forEachInstruction(_ body: (StoredInstruction, StoredState) throws -> Void) throws {
        try forEachInstruction(skipping: []) { instruction, state in
            try body(instruction, state ?? StoredState(results: [:], failures: [:]))
        }
    }

    /// As `forEachInstruction(_:)`, except that the instructions in `skipped` are passed with
    /// no state (nil), without reading their rows.
    public func forEachInstruction(skipping skipped: Set<String>, _ body: (StoredInstruction, StoredState?) throws -> Void) throws {
        try locked {
            let instructions = try db.prepare("\(Self.instructionColumns) ORDER BY position")
            try instructions.bind([])
            let reader = try StateReader(db: db)
            while let row = try instructions.step() {
                let instruction = Self.instruction(row)
                try body(instruction, skipped.contains(instruction.id) ? nil : try reader.state(of: instruction.id))
            }
        }
    }

    /// Up to `limit` instructions after `position`, in order, each with what the stages stored
    /// for it: one page of the generation runner's queue.
    public func instructionPage(after position: Int, limit: Int) throws -> [(StoredInstruction, StoredState)] {
        try instructionPage(after: position, limit: limit, skipping: []).map { ($0.0, $0.1 ?? StoredState(results: [:], failures: [:])) }
    }

    /// As `instructionPage(after:limit:)`, except that the instructions in `skipped` come with
    /// no state (nil), without reading their rows.
    public func instructionPage(after position: Int, limit: Int, skipping skipped: Set<String>) throws -> [(StoredInstruction, StoredState?)] {
        try locked {
            let page = try db.query("\(Self.instructionColumns) WHERE position > ? ORDER BY position LIMIT ?", [.int(position), .int(limit)])
            let reader = try StateReader(db: db)
            return try page.map { row in
                let instruction = Self.instruction(row)
                return (instruction, skipped.contains(instruction.id) ? nil : try reader.state(of: instruction.id))
            }
        }
    }

    static let instructionColumns = """
        SELECT id, position, text, main_source, original_source, source_name, source_file, source_line FROM instructions
        """

    static func instruction(_ row: SQLiteRow) -> StoredInstruction {
        StoredInstruction(
            id: row.string(0) ?? "", position: row.int(1) ?? 0, text: row.string(2) ?? "",
            mainSource: row.string(3) ?? "", originalSource: row.string(4) ?? "",
            sourceName: row.string(5) ?? "", sourceFile: row.string(6) ?? "", sourceLine: row.int(7) ?? 0)
    }
}

/// Reads one instruction's stage results and failures with two prepared statements.
struct StateReader {
    let results: SQLiteStatement
    let failures: SQLiteStatement

    init(db: SQLiteDatabase) throws {
        results = try db.prepare(
            """
            SELECT stage, variant, request_key, output, meta, recipe, settings_digest, input_digest FROM stage_results
            WHERE stage IN ('expand','systems','respond') AND instruction_id = ?
            """)
        failures = try db.prepare(
            "SELECT stage, variant, request_key, kind, reason, raw, attempts FROM failures WHERE stage IN ('expand','systems','respond') AND instruction_id = ?")
    }

    func state(of id: String) throws -> StoredState {
        var state = StoredState(results: [:], failures: [:])
        try results.bind([.text(id)])
        while let r = try results.step() {
            guard let stage = Stage(rawValue: r.string(0) ?? "") else { continue }
            var stamp: ResultStamp?
            if case let .integer(settings) = r.values[6], case let .integer(input) = r.values[7] {
                stamp = ResultStamp(settings: settings, input: input)
            }
            state.results[stage, default: [:]][ItemKey(id, r.int(1) ?? 0)] = StageResult(
                requestKey: r.string(2) ?? "", output: r.string(3) ?? "", meta: r.string(4) ?? "{}", recipe: r.string(5) ?? "",
                stamp: stamp)
        }
        try failures.bind([.text(id)])
        while let f = try failures.step() {
            guard let stage = Stage(rawValue: f.string(0) ?? "") else { continue }
            state.failures[stage, default: [:]][ItemKey(id, f.int(1) ?? 0)] = StageFailure(
                requestKey: f.string(2) ?? "", kind: StageFailure.Kind(rawValue: f.string(3) ?? "") ?? .failed,
                reason: f.string(4) ?? "", raw: f.string(5) ?? "", attempts: f.int(6) ?? 0)
        }
        return state
    }
}
