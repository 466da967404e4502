/// The schema of store version 9: `settled_variants` holds one row per (instruction position,
/// variant) whose expand, systems and respond results are all stamped and linked (the systems
/// result was made from the stored expand output, the respond result from the stored systems
/// output), with the settings digest of each of the three. A variant is current for some
/// settings when its row carries their three digests: the test `settledInstructions` makes.
///
/// Triggers on `stage_results` recompute the row of the (instruction, variant) a statement
/// touches, inside that statement, so the table cannot disagree with the results after a kill
/// at any instant, whichever code path (or tool) wrote them. Results of instructions not in
/// `instructions` have no position and no row (they are never settled, only walked).
enum SettledVariants {
    static let stages = "('expand', 'systems', 'respond')"

    /// Whether `column` names one of the three build stages, as comparisons: SQLite builds a
    /// throwaway table for an `IN` list of three or more constants each time a trigger's
    /// condition runs, which was most of the cost of the condition on every result written.
    static func isBuildStage(_ column: String) -> String {
        "(\(column) = 'expand' OR \(column) = 'systems' OR \(column) = 'respond')"
    }

    /// Deletes and recomputes the row of the item named by `key` (`NEW` or `OLD`).
    static func recompute(_ key: String) -> String {
        """
        DELETE FROM settled_variants
            WHERE position = (SELECT position FROM instructions WHERE id = \(key).instruction_id) AND variant = \(key).variant;
        \(insert(where: "r.instruction_id = \(key).instruction_id AND r.variant = \(key).variant"));
        """
    }

    /// Inserts the linked rows among the respond results matching `condition` (alias `r`). The
    /// tables are joined in the order written (CROSS JOIN): respond first, which a build writes
    /// last, so that the trigger of an expand or systems result stops at the first seek. Each
    /// seek is on the results' primary key (stage, instruction, variant); the digests are read
    /// from the rows, which a build has just written (so they are in the page cache).
    static func insert(where condition: String) -> String {
        """
        INSERT INTO settled_variants(position, variant, expand_settings, systems_settings, respond_settings)
            SELECT i.position, e.variant, e.settings_digest, s.settings_digest, r.settings_digest
            FROM stage_results r
            CROSS JOIN stage_results s ON s.stage = 'systems' AND s.instruction_id = r.instruction_id AND s.variant = r.variant
            CROSS JOIN stage_results e ON e.stage = 'expand' AND e.instruction_id = r.instruction_id AND e.variant = r.variant
            CROSS JOIN instructions i ON i.id = r.instruction_id
            WHERE r.stage = 'respond' AND \(condition)
                AND e.settings_digest IS NOT NULL AND s.settings_digest IS NOT NULL AND r.settings_digest IS NOT NULL
                AND e.output_digest IS NOT NULL AND s.input_digest = e.output_digest
                AND s.output_digest IS NOT NULL AND r.input_digest = s.output_digest
        """
    }

    static let migration = """
        CREATE TABLE settled_variants(
            position INTEGER NOT NULL,
            variant INTEGER NOT NULL,
            expand_settings INTEGER NOT NULL,
            systems_settings INTEGER NOT NULL,
            respond_settings INTEGER NOT NULL,
            PRIMARY KEY(position, variant)
        ) WITHOUT ROWID;
        CREATE INDEX settled_variants_by_settings ON settled_variants(
            expand_settings, systems_settings, respond_settings, position, variant);
        CREATE INDEX instructions_by_position_id ON instructions(position, id);
        DROP INDEX instructions_by_position;
        \(insert(where: "1"));
        \(triggers)
        """

    /// The triggers that keep the table (see the type's comment).
    static let triggers = """
        \(insertTrigger)
        CREATE TRIGGER settled_variants_update AFTER UPDATE ON stage_results
            WHEN \(isBuildStage("NEW.stage")) OR \(isBuildStage("OLD.stage"))
        BEGIN
            \(recompute("OLD"))
            \(recompute("NEW"))
        END;
        CREATE TRIGGER settled_variants_delete AFTER DELETE ON stage_results WHEN \(isBuildStage("OLD.stage"))
        BEGIN
            \(recompute("OLD"))
        END;
        """

    /// The trigger for a new result. A row of the table exists only while the item's respond
    /// result does (every path that removes that result recomputes the row), so a new expand
    /// or systems result of an item with no respond result, which is how a build writes them,
    /// has no row to delete nor one to make: one seek on the results' key settles that, and
    /// the three seeks and two writes of the recompute are left out (store version 14).
    static let insertTrigger = """
        CREATE TRIGGER settled_variants_insert AFTER INSERT ON stage_results WHEN \(isBuildStage("NEW.stage"))
            AND EXISTS (SELECT 1 FROM stage_results
                WHERE stage = 'respond' AND instruction_id = NEW.instruction_id AND variant = NEW.variant)
        BEGIN
            \(recompute("NEW"))
        END;
        """

    /// Store version 14: the insert trigger with the guard above.
    static let guardedInsert = """
        DROP TRIGGER IF EXISTS settled_variants_insert;
        \(insertTrigger)
        """

    /// Store version 16: the three triggers with their stage tests as comparisons (see
    /// `isBuildStage`).
    static let comparedStages = """
        DROP TRIGGER IF EXISTS settled_variants_insert; DROP TRIGGER IF EXISTS settled_variants_update; DROP TRIGGER IF EXISTS settled_variants_delete;
        \(triggers)
        """

    /// Store version 12: the triggers seek on the results' primary key, and the index they
    /// sought on before (`stage_results_by_item`, a second copy of every result's key with its
    /// digests, in random instruction order) goes. Nothing else read it.
    static let withoutItemIndex = """
        DROP TRIGGER IF EXISTS settled_variants_insert; DROP TRIGGER IF EXISTS settled_variants_update; DROP TRIGGER IF EXISTS settled_variants_delete;
        DROP INDEX IF EXISTS stage_results_by_item;
        \(triggers)
        """
}
