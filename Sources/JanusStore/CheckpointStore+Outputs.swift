import Foundation

/// What a walk reads of one instruction: for a settled one (see `settledPositions`), only what
/// is stored of its expand results, by variant; for the others, everything stored.
public enum InstructionContent: Sendable {
    case expand([Int: ExpandContent])
    case state(StoredState)
}

extension CheckpointStore {
    /// Calls `body` with each instruction, in position order: those at `settled` positions with
    /// their expand results below `variants` (the preference record of each, see
    /// `PreferenceRecords`, or the output where there is no record of the current format) and
    /// nothing else, the rest with their whole state. One instruction's rows are read at a
    /// time; the store stays locked for the walk.
    public func forEachInstruction(
        settled: Set<Int>, variants: Int, _ body: (StoredInstruction, InstructionContent) throws -> Void
    ) throws {
        try locked {
            let instructions = try db.prepare("\(Self.instructionColumns) ORDER BY position")
            try instructions.bind([])
            let reader = try StateReader(db: db)
            let records = try db.prepare("SELECT variant, format, fields FROM preference_records WHERE instruction_id = ?")
            let outputs = try db.prepare("SELECT variant, output FROM stage_results WHERE stage = 'expand' AND instruction_id = ?")
            while let row = try instructions.step() {
                let instruction = Self.instruction(row)
                guard settled.contains(instruction.position) else {
                    try body(instruction, .state(try reader.state(of: instruction.id)))
                    continue
                }
                var byVariant: [Int: ExpandContent] = [:]
                try records.bind([.text(instruction.id)])
                while let r = try records.step() {
                    guard let variant = r.int(0), variant >= 0, variant < variants, r.int(1) == PreferenceRecords.format else { continue }
                    if case let .blob(data) = r.values[2], PreferenceRecords.count(data) == PreferenceRecords.fieldCount {
                        byVariant[variant] = .record(data)
                    } else if case .null = r.values[2] {
                        byVariant[variant] = .notASet
                    }
                }
                if byVariant.count < variants {
                    try outputs.bind([.text(instruction.id)])
                    while let r = try outputs.step() {
                        guard let variant = r.int(0), variant >= 0, variant < variants, byVariant[variant] == nil else { continue }
                        byVariant[variant] = .output(r.string(1) ?? "")
                    }
                }
                try body(instruction, .expand(byVariant))
            }
        }
    }
}
