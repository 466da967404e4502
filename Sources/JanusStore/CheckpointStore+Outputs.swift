import Foundation

/// What a walk reads of one instruction: for a settled one (see `settledPositions`), only the
/// outputs of the stage the reader needs, by variant; for the others, everything stored.
public enum InstructionContent: Sendable {
    case outputs([Int: String])
    case state(StoredState)
}

extension CheckpointStore {
    /// Calls `body` with each instruction, in position order: those at `settled` positions with
    /// the outputs `stage` stored for them and nothing else, the rest with their whole state.
    /// One instruction's rows are read at a time; the store stays locked for the walk.
    public func forEachInstruction(
        settled: Set<Int>, outputsOf stage: Stage, _ body: (StoredInstruction, InstructionContent) throws -> Void
    ) throws {
        try locked {
            let instructions = try db.prepare("\(Self.instructionColumns) ORDER BY position")
            try instructions.bind([])
            let reader = try StateReader(db: db)
            let outputs = try db.prepare("SELECT variant, output FROM stage_results WHERE stage = ? AND instruction_id = ?")
            while let row = try instructions.step() {
                let instruction = Self.instruction(row)
                guard settled.contains(instruction.position) else {
                    try body(instruction, .state(try reader.state(of: instruction.id)))
                    continue
                }
                try outputs.bind([.text(stage.rawValue), .text(instruction.id)])
                var byVariant: [Int: String] = [:]
                while let r = try outputs.step() { byVariant[r.int(0) ?? 0] = r.string(1) ?? "" }
                try body(instruction, .outputs(byVariant))
            }
        }
    }
}
