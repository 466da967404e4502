import Foundation

extension CheckpointStore {
    /// The instructions whose every variant below `variants` has a current result at all three
    /// generation stages, found from the result stamps alone (see `ResultStamp`): an expand result
    /// made with `settings[.expand]`, a systems result made with `settings[.systems]` from that
    /// expand output, a respond result made with `settings[.respond]` from that systems output.
    /// Results without stamps are never counted here; their instructions are read the long way.
    public func settledInstructions(variants: Int, settings: [Stage: Int64]) throws -> Set<String> {
        try settled(variants: variants, settings: settings, select: """
            SELECT i.id FROM (\(SettledQuery.positions)) s
            JOIN instructions i INDEXED BY instructions_by_position_id ON i.position = s.position
            """) { $0.string(0) }
    }

    /// As `settledInstructions`, by instruction position (read from one small integer index).
    public func settledPositions(variants: Int, settings: [Stage: Int64]) throws -> Set<Int> {
        try settled(variants: variants, settings: settings, select: SettledQuery.positions) { $0.int(0) }
    }

    private func settled<T: Hashable>(
        variants: Int, settings: [Stage: Int64], select sql: String, _ value: (SQLiteRow) -> T?
    ) throws -> Set<T> {
        guard variants > 0, let expand = settings[.expand], let systems = settings[.systems], let respond = settings[.respond] else {
            return []
        }
        return try locked {
            let statement = try db.prepare(sql)
            try statement.bind([.integer(expand), .integer(systems), .integer(respond), .int(variants)])
            var out = Set<T>()
            while let row = try statement.step() {
                if let v = value(row) { out.insert(v) }
            }
            return out
        }
    }

    /// Stamps a stored result found current by its recipe (one stored before store version 8),
    /// so that later reads find it from the index. Nothing changes when the output differs
    /// from `output` (the result was replaced meanwhile).
    public func stampResult(stage: Stage, item: ItemKey, stamp: ResultStamp, output: String) throws {
        try locked {
            try db.run("""
                UPDATE stage_results SET settings_digest = ?, input_digest = ?, output_digest = ?
                WHERE stage = ? AND instruction_id = ? AND variant = ? AND output = ?
                """, [
                .integer(stamp.settings), .integer(stamp.input), .integer(ResultStamp.digest(output)),
                .text(stage.rawValue), .text(item.instructionID), .int(item.variant), .text(output),
            ])
        }
    }
}

/// The positions of the instructions settled for some settings (?1 to ?3, the expand, systems
/// and respond settings digests) and variant count (?4): see `SettledVariants`.
enum SettledQuery {
    static let positions = """
        SELECT position FROM settled_variants INDEXED BY settled_variants_by_settings
        WHERE expand_settings = ?1 AND systems_settings = ?2 AND respond_settings = ?3 AND variant >= 0 AND variant < ?4
        GROUP BY position HAVING COUNT(*) = ?4
        """
}
