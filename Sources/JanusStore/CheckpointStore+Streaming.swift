import Foundation

extension CheckpointStore {
    /// Calls `body` with each instruction, in position order, and everything the generation
    /// stages stored for it. Memory stays flat however large the store: one instruction's rows
    /// are read at a time. The store stays locked for the walk.
    public func forEachInstruction(_ body: (StoredInstruction, StoredState) throws -> Void) throws {
        try forEachInstruction(outputsOnlyAt: [], body)
    }

    /// As `forEachInstruction(_:)`, except that the instructions at `settled` positions (see
    /// `settledPositions`) come with their outputs only (`StoredState.outputsOnly`): what an
    /// export takes of them. Their request keys, recipes and the rest are not read, which at
    /// 100k instructions saves a tenth of the export's time.
    public func forEachInstruction(outputsOnlyAt settled: Set<Int>, _ body: (StoredInstruction, StoredState) throws -> Void) throws {
        try locked {
            let instructions = try db.prepare("\(Self.instructionColumns) ORDER BY position")
            try instructions.bind([])
            let reader = try StateReader(db: db)
            let outputs = try db.prepare(StateReader.perStage("stage, variant, output", from: "stage_results"))
            while let row = try instructions.step() {
                let instruction = Self.instruction(row)
                guard settled.contains(instruction.position) else {
                    try body(instruction, try reader.state(of: instruction.id))
                    continue
                }
                var state = StoredState(results: [:], failures: [:])
                state.outputsOnly = true
                try outputs.bind([.text(instruction.id)])
                while let r = try outputs.step() {
                    guard let stage = Stage(rawValue: r.string(0) ?? "") else { continue }
                    state.results[stage, default: [:]][ItemKey(instruction.id, r.int(1) ?? 0)] = StageResult(
                        requestKey: "", output: r.string(2) ?? "", meta: "{}", recipe: "", stamp: nil)
                }
                try body(instruction, state)
            }
        }
    }

    /// As `forEachInstruction(_:)`, except that the instructions in `skipped` are passed with
    /// their id and position only and no state (nil), without reading their rows.
    public func forEachInstruction(skipping skipped: Set<String>, _ body: (StoredInstruction, StoredState?) throws -> Void) throws {
        try forEachInstruction(skip: { id, _ in skipped.contains(id) }, body)
    }

    /// As `forEachInstruction(skipping:_:)`, with the skipped instructions named by position
    /// (see `settledPositions`).
    public func forEachInstruction(skippingPositions skipped: Set<Int>, _ body: (StoredInstruction, StoredState?) throws -> Void) throws {
        try forEachInstruction(skip: { _, position in skipped.contains(position) }, body)
    }

    private func forEachInstruction(
        skip: (_ id: String, _ position: Int) -> Bool, _ body: (StoredInstruction, StoredState?) throws -> Void
    ) throws {
        try locked {
            let ids = try db.prepare("SELECT id, position FROM instructions INDEXED BY instructions_by_position_id ORDER BY position")
            try ids.bind([])
            let reader = try SkippingReader(db: db)
            while let row = try ids.step() {
                let id = row.string(0) ?? "", position = row.int(1) ?? 0
                let (instruction, state) = try reader.read(id: id, position: position, skip: skip(id, position))
                try body(instruction, state)
            }
        }
    }

    /// Up to `limit` instructions whose ids sort after `id` ("" for the first page), in id
    /// order, each with what the stages stored for it, except that the instructions in
    /// `skipped` come with no state (nil), without reading their rows: one page of the
    /// generation runner's queue.
    ///
    /// Id order, not position order: an instruction's id is a digest, and the results' key and
    /// the preference records' index lead with it. Taken by position, each commit's results
    /// landed in random pages of those indexes, one page written per result once the indexes
    /// outgrow the page cache; taken by id, they land beside each other at the growing end (the
    /// 100k offline build writes 19% fewer bytes, BENCHMARKS.md). Digests also mix the
    /// sources, so a build stopped halfway holds a like share of each.
    public func instructionPage(afterID id: String, limit: Int, skipping skipped: Set<String>) throws -> [(StoredInstruction, StoredState?)] {
        try locked {
            let page = try db.query("SELECT id, position FROM instructions WHERE id > ? ORDER BY id LIMIT ?", [.text(id), .int(limit)])
            let reader = try SkippingReader(db: db)
            return try page.map { row in
                let id = row.string(0) ?? ""
                return try reader.read(id: id, position: row.int(1) ?? 0, skip: skipped.contains(id))
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
            Self.perStage("stage, variant, request_key, output, meta, recipe, settings_digest, input_digest", from: "stage_results"))
        failures = try db.prepare(Self.perStage("stage, variant, request_key, kind, reason, raw, attempts", from: "failures"))
    }

    /// `columns` of one instruction's rows (parameter 1: its id) in `table`, whose key leads
    /// with (stage, instruction_id), for the three build stages: one seek per stage, joined by
    /// UNION ALL. Written as `stage IN (...)`, SQLite built a throwaway table of the three names
    /// (with a page cache of its own, 87 KB) every time the statement ran: twice per instruction
    /// a build or an export reads.
    static func perStage(_ columns: String, from table: String) -> String {
        Stage.allCases.map { "SELECT \(columns) FROM \(table) WHERE stage = '\($0.rawValue)' AND instruction_id = ?1" }
            .joined(separator: " UNION ALL ")
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

/// Reads an instruction and its state unless it is skipped; a skipped one is only its id and
/// position (a walk over settled instructions reads nothing else).
struct SkippingReader {
    let instruction: SQLiteStatement
    let state: StateReader

    init(db: SQLiteDatabase) throws {
        instruction = try db.prepare("\(CheckpointStore.instructionColumns) WHERE id = ?")
        state = try StateReader(db: db)
    }

    func read(id: String, position: Int, skip: Bool) throws -> (StoredInstruction, StoredState?) {
        let bare = StoredInstruction(
            id: id, position: position, text: "", mainSource: "", originalSource: "", sourceName: "", sourceFile: "", sourceLine: 0)
        if skip { return (bare, nil) }
        try instruction.bind([.text(id)])
        let row = try instruction.step()
        return (row.map(CheckpointStore.instruction) ?? bare, try state.state(of: id))
    }
}
