import Foundation
@testable import JanusCore
@testable import JanusLLM
@testable import JanusStore
import JanusSupport
import Testing

/// Store version 12 keeps the preference records in a table with row ids and drops
/// `stage_results_by_item`. A store of version 11 is brought to it on opening with its records,
/// settled variants and statistics as they were, and the triggers keep both tables true after.
@Suite(.serialized, .removesTemporaryDirectories) struct StoreVersion12Tests {
    let runner = GenerationRunnerTests()
    let records = PreferenceRecordsTests()
    let settled = SettledVariantsTests()

    func storedRecords(_ store: CheckpointStore) throws -> [String] {
        try store.db.query("SELECT instruction_id, variant, format, hex(fields) FROM preference_records ORDER BY instruction_id, variant")
            .map { row in (0..<4).map { row.string($0) ?? row.int($0).map(String.init) ?? "null" }.joined(separator: "/") }
    }

    func hasItemIndex(_ store: CheckpointStore) throws -> Bool {
        try !store.db.query("SELECT 1 FROM sqlite_master WHERE name = 'stage_results_by_item'").isEmpty
    }

    @Test func aVersion11StoreKeepsItsRecordsAndSettledRows() async throws {
        let ws = try runner.workspace(instructions: 3)
        let client = FakeClient { request throws(ChatError) in GenerationRunnerTests.validAnswer(request) }
        _ = try await runner.run(ws, client)
        #expect(try ws.store.appliedVersions().last == Migrations.latest)
        #expect(try !hasItemIndex(ws.store))
        let stats = try DatasetStats.compute(ws).json.serialized()
        let kept = try storedRecords(ws.store)
        #expect(kept.count == 9)
        let settledRows = try settled.keptAndRecomputed(ws.store).kept
        #expect(settledRows.count == 9)

        // Back to version 11: the records in a table without row ids, ordered by instruction id,
        // and the index of results by item; one trigger lost besides (the migration makes all
        // its triggers anew).
        try ws.store.db.execute("""
            DROP TRIGGER preference_records_insert; DROP TRIGGER preference_records_update; DROP TRIGGER preference_records_delete;
            DROP INDEX preference_records_by_item;
            ALTER TABLE preference_records RENAME TO preference_records_new;
            CREATE TABLE preference_records(
                instruction_id TEXT NOT NULL, variant INTEGER NOT NULL, format INTEGER NOT NULL, fields BLOB,
                PRIMARY KEY(instruction_id, variant)) WITHOUT ROWID;
            INSERT INTO preference_records SELECT instruction_id, variant, format, fields FROM preference_records_new;
            DROP TABLE preference_records_new;
            \(PreferenceRecords.triggers)
            CREATE INDEX stage_results_by_item ON stage_results(
                instruction_id, variant, stage, settings_digest, input_digest, output_digest);
            DROP TRIGGER settled_variants_update;
            DELETE FROM schema_migrations WHERE version = 12;
            """)
        #expect(throws: SQLiteError.self) { try ws.store.db.query("SELECT rowid FROM preference_records") }

        let reopened = try Workspace(config: ws.config, writer: "build")
        #expect(try reopened.store.appliedVersions().last == Migrations.latest)
        #expect(try !hasItemIndex(reopened.store))
        let triggers = try reopened.store.db.query("SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name").compactMap { $0.string(0) }
        #expect(triggers == ["answered_attempt_deleted", "answered_attempt_replaced",
            "endpoint_totals_answer", "endpoint_totals_answer_replaced", "endpoint_totals_attempt",
            "preference_records_delete", "preference_records_insert", "preference_records_update",
            "settled_variants_delete", "settled_variants_insert", "settled_variants_update",
            "usage_totals_delete", "usage_totals_insert", "usage_totals_update"])
        #expect(try reopened.store.db.query("SELECT rowid FROM preference_records").count == 9)
        #expect(try storedRecords(reopened.store) == kept)
        let after = try settled.keptAndRecomputed(reopened.store)
        #expect(after.kept == settledRows)
        #expect(after.kept == after.recomputed)
        #expect(try DatasetStats.compute(reopened).json.serialized() == stats)

        // The triggers work on the new shapes: a removed expand result takes its record and its
        // settled row with it, and the next run puts both back.
        try reopened.store.db.execute("DELETE FROM stage_results WHERE rowid = (SELECT MIN(rowid) FROM stage_results WHERE stage = 'expand')")
        #expect(try storedRecords(reopened.store).count == 8)
        let removed = try settled.keptAndRecomputed(reopened.store)
        #expect(removed.kept.count == 8)
        #expect(removed.kept == removed.recomputed)
        _ = try await runner.run(reopened, client)
        try records.expectRecordsTrue(reopened.store, count: 9)
        let rerun = try settled.keptAndRecomputed(reopened.store)
        #expect(rerun.kept.count == 9)
        #expect(rerun.kept == rerun.recomputed)
        try settled.expectReadsMatchTheWalk(reopened)
    }
}
