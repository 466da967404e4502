import Foundation

extension CheckpointStore {
    /// The instructions whose every variant below `variants` has a current result at all three
    /// generation stages, found from the result stamps alone (see `ResultStamp`): an expand result
    /// made with `settings[.expand]`, a systems result made with `settings[.systems]` from that
    /// expand output, a respond result made with `settings[.respond]` from that systems output.
    /// Results without stamps are never counted here; their instructions are read the long way.
    public func settledInstructions(variants: Int, settings: [Stage: Int64]) throws -> Set<String> {
        guard variants > 0, let expand = settings[.expand], let systems = settings[.systems], let respond = settings[.respond] else {
            return []
        }
        return try locked {
            let statement = try db.prepare("""
                SELECT instruction_id FROM (
                    SELECT instruction_id,
                        MAX(CASE WHEN stage = 'expand' AND settings_digest = ?1 THEN output_digest END) AS e,
                        MAX(CASE WHEN stage = 'systems' AND settings_digest = ?2 THEN input_digest END) AS si,
                        MAX(CASE WHEN stage = 'systems' AND settings_digest = ?2 THEN output_digest END) AS so,
                        MAX(CASE WHEN stage = 'respond' AND settings_digest = ?3 THEN input_digest END) AS ri
                    FROM stage_results INDEXED BY stage_results_by_item
                    WHERE stage IN ('expand', 'systems', 'respond') AND variant >= 0 AND variant < ?4
                    GROUP BY instruction_id, variant)
                WHERE e IS NOT NULL AND si = e AND so IS NOT NULL AND ri = so
                GROUP BY instruction_id HAVING COUNT(*) = ?4
                """)
            try statement.bind([.integer(expand), .integer(systems), .integer(respond), .int(variants)])
            var out = Set<String>()
            while let row = try statement.step() {
                if let id = row.string(0) { out.insert(id) }
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
