import Foundation
@testable import JanusCore
@testable import JanusExport
@testable import JanusLLM
@testable import JanusStore
import Testing

/// The settled-variant table (store version 9) is kept by triggers on the stage results; these
/// check it against a recomputation from the results themselves after a kill, a resume, a
/// change of settings and an upgrade of an older store, and that what reads it (status, stats)
/// finds what the full walk finds.
@Suite(.serialized, .removesTemporaryDirectories) struct SettledVariantsTests {
    let runner = GenerationRunnerTests()
    let stamps = ResultStampTests()

    /// The table's rows, and the rows a recomputation from every stored result gives.
    func keptAndRecomputed(_ store: CheckpointStore) throws -> (kept: [[Int64]], recomputed: [[Int64]]) {
        func rows() throws -> [[Int64]] {
            try store.db.query("""
                SELECT position, variant, expand_settings, systems_settings, respond_settings
                FROM settled_variants ORDER BY position, variant
                """).map { row in (0..<5).map { Int64(row.int($0) ?? -1) } }
        }
        let kept = try rows()
        try store.db.execute("SAVEPOINT recompute")
        try store.db.execute("DELETE FROM settled_variants")
        try store.db.execute(SettledVariants.insert(where: "1"))
        let recomputed = try rows()
        try store.db.execute("ROLLBACK TO recompute")
        try store.db.execute("RELEASE recompute")
        return (kept, recomputed)
    }

    /// A workspace of three instructions built to the end, its client, and the table's rows.
    func builtWorkspace() async throws -> (Workspace, FakeClient, [[Int64]]) {
        let ws = try runner.workspace(instructions: 3)
        let client = FakeClient { request throws(ChatError) in GenerationRunnerTests.validAnswer(request) }
        _ = try await runner.run(ws, client)
        let before = try keptAndRecomputed(ws.store).kept
        #expect(before.count == 9)
        return (ws, client, before)
    }

    func settledIDs(_ ws: Workspace) throws -> Set<String> {
        try ws.store.settledInstructions(variants: ws.config.generation.variants, settings: ws.stageRequests.settingsDigests)
    }

    /// Statistics read the way the export reads (every result of every instruction walked).
    func walkedStats(_ ws: Workspace) throws -> DatasetStats {
        try DatasetStats.aggregate { visit in
            var leftOut = LeftOut()
            try ws.forEachExportItem(leftOut: &leftOut, transform: ItemFigures.init, visit)
        }
    }

    func expectReadsMatchTheWalk(_ ws: Workspace, sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(try ws.status().stages == stamps.walkedStatus(ws).stages, sourceLocation: sourceLocation)
        #expect(
            try DatasetStats.compute(ws).json.serialized() == walkedStats(ws).json.serialized(), sourceLocation: sourceLocation)
    }

    @Test func aChangeOfSettingsLeavesNothingSettledUntilTheResultsAreRemade() async throws {
        let ws = try runner.workspace(instructions: 4)
        let client = FakeClient { request throws(ChatError) in GenerationRunnerTests.validAnswer(request) }
        _ = try await runner.run(ws, client)
        let kept = try keptAndRecomputed(ws.store)
        #expect(kept.kept.count == 12)
        #expect(kept.kept == kept.recomputed)
        #expect(try settledIDs(ws).count == 4)
        try expectReadsMatchTheWalk(ws)

        var config = ws.config
        config.seed += 1
        let other = try Workspace(config: config)
        #expect(try settledIDs(other).isEmpty)
        try expectReadsMatchTheWalk(other)
        // Remade under the new seed: settled for it, no longer for the old one.
        _ = try await runner.run(other, client)
        let remade = try keptAndRecomputed(other.store)
        #expect(remade.kept == remade.recomputed)
        #expect(Set(remade.kept.map { $0[2] }) == [other.stageRequests.settingsDigests[.expand]])
        #expect(try settledIDs(other).count == 4)
        #expect(try settledIDs(ws).isEmpty)
        try expectReadsMatchTheWalk(other)
        try expectReadsMatchTheWalk(ws)
    }

    @Test func aResultReplacedOrRemovedUnsettlesItsVariantOnly() async throws {
        let ws = try runner.workspace(instructions: 3)
        let client = FakeClient { request throws(ChatError) in GenerationRunnerTests.validAnswer(request) }
        _ = try await runner.run(ws, client)
        let expand = try ws.store.stageResults(stage: .expand)
        let ids = Set(expand.keys.map(\.instructionID)).sorted()
        // An expand output replaced by one that is not a preference set, under the same settings:
        // the systems result no longer follows from it.
        let first = ItemKey(ids[0], 1)
        var broken = try #require(expand[first])
        broken.output = "not a preference set"
        broken.stamp = ws.stageRequests.stamp(.expand, input: "")
        try ws.store.saveStageResult(stage: .expand, item: first, result: broken)
        // A respond result removed outright (another tool, or a later version, may delete).
        try ws.store.db.run(
            "DELETE FROM stage_results WHERE stage = 'respond' AND instruction_id = ? AND variant = 2", [.text(ids[1])])
        let kept = try keptAndRecomputed(ws.store)
        #expect(kept.kept == kept.recomputed)
        #expect(kept.kept.count == 7)
        #expect(try settledIDs(ws) == [ids[2]])
        try expectReadsMatchTheWalk(ws)
        #expect(try DatasetStats.compute(ws).completeVariants == 7)
    }

    /// Store version 16: the triggers test a result's stage with comparisons. Writing, moving
    /// or removing a result builds no throwaway table (what an `IN` list of three stages made
    /// SQLite do on every result), and a result of another stage leaves the table alone.
    @Test func theTriggersTestTheStageWithoutBuildingATable() async throws {
        let (ws, _, before) = try await builtWorkspace()
        let statements = [
            "INSERT OR REPLACE INTO stage_results(stage, instruction_id, variant, request_key, output, meta, created_at) VALUES ('respond', 'x', 1, 'k', 'o', '{}', 'now')",
            "UPDATE stage_results SET variant = 5 WHERE stage = 'systems' AND instruction_id = 'x'",
            "DELETE FROM stage_results WHERE stage = 'expand' AND instruction_id = 'x'",
        ]
        for sql in statements {
            // EXPLAIN lists the statement's program, then each trigger program, each from an Init.
            let opcodes = try ws.store.db.query("EXPLAIN " + sql).compactMap { $0.string(1) }
            let triggers = opcodes.dropFirst().drop { $0 != "Init" }
            #expect(triggers.contains("Init"), "\(sql) runs no trigger")
            #expect(!triggers.contains("OpenEphemeral"), "a trigger of \(sql) builds a table")
        }
        // Nor do the statements that read one instruction's rows, run twice per instruction.
        for sql in [StateReader.perStage("stage, variant, output", from: "stage_results"), StateReader.perStage("stage, kind", from: "failures")] {
            #expect(!(try ws.store.db.query("EXPLAIN " + sql).compactMap { $0.string(1) }.contains("OpenEphemeral")), "\(sql)")
        }
        let id = try #require(try ws.store.stageResults(stage: .respond).keys.first?.instructionID)
        for stage in ["bench_answer", "bench_judge"] {
            try ws.store.db.run("""
                INSERT INTO stage_results(stage, instruction_id, variant, request_key, output, meta, created_at)
                VALUES (?, ?, 1, 'k', 'o', '{}', 'now')
                """, [.text(stage), .text(id)])
            try ws.store.db.run("UPDATE stage_results SET variant = 2 WHERE stage = ? AND instruction_id = ?", [.text(stage), .text(id)])
            try ws.store.db.run("DELETE FROM stage_results WHERE stage = ? AND instruction_id = ?", [.text(stage), .text(id)])
        }
        #expect(try keptAndRecomputed(ws.store).kept == before)
        try ws.store.db.run("DELETE FROM stage_results WHERE stage = 'systems' AND instruction_id = ? AND variant = 1", [.text(id)])
        let after = try keptAndRecomputed(ws.store)
        #expect(after.kept == after.recomputed)
        #expect(after.kept.count == before.count - 1)
    }

    @Test func anOlderStoreIsBroughtUpToDateOnOpening() async throws {
        let (ws, client, before) = try await builtWorkspace()
        let item = ItemKey(try #require(try settledIDs(ws).first), 0)
        // Back to version 8, as janus-data before this table left it.
        try ws.store.db.execute("""
            DROP TRIGGER settled_variants_insert; DROP TRIGGER settled_variants_update; DROP TRIGGER settled_variants_delete;
            DROP TABLE settled_variants; DROP INDEX instructions_by_position_id;
            CREATE INDEX instructions_by_position ON instructions(position);
            DELETE FROM schema_migrations WHERE version = 9;
            """)
        // A result that version stored without stamps (one from before version 8): unsettled.
        try ws.store.db.run("""
            UPDATE stage_results SET settings_digest = NULL, input_digest = NULL, output_digest = NULL
            WHERE stage = 'respond' AND instruction_id = ? AND variant = 0
            """, [.text(item.instructionID)])
        let position = Int64(try #require(try ws.store.instructions().first { $0.id == item.instructionID }).position)

        let reopened = try Workspace(config: ws.config)
        #expect(try reopened.store.appliedVersions().last == Migrations.latest)
        let after = try keptAndRecomputed(reopened.store)
        #expect(after.kept == after.recomputed)
        #expect(after.kept == before.filter { !($0[0] == position && $0[1] == 0) })
        #expect(try settledIDs(reopened).count == 2)
        try expectReadsMatchTheWalk(reopened)
        // The next build stamps the result it finds current, and the table follows.
        _ = try await runner.run(reopened, client)
        #expect(try settledIDs(reopened).count == 3)
        #expect(try keptAndRecomputed(reopened.store).kept == before)
    }

    /// Store version 14 recomputes a variant's row on a new expand or systems result only when
    /// the variant has a respond result. A store of version 13 (whose trigger always recomputed)
    /// is given the guarded trigger on opening, and rows put back beside an existing respond
    /// result, or before it, still settle their variant.
    /// An export reads the settled instructions' outputs alone. One whose stored preference set
    /// no longer parses cannot be taken as it is: the export reads everything again and leaves
    /// that variant out, as a walk of whole states does.
    @Test func anExportReadsWholeStatesAgainForASettledSetThatNoLongerParses() async throws {
        let (ws, _, _) = try await builtWorkspace()
        let first = try #require(try ws.store.db.query("SELECT id, position FROM instructions ORDER BY position").first)
        let id = try #require(first.string(0)), position = try #require(first.int(1))
        try ws.store.db.run(
            "UPDATE stage_results SET output = 'no longer a set' WHERE stage = 'expand' AND instruction_id = ? AND variant = 1",
            [.text(id)])
        // Still settled: the stamps are unchanged, only the text is not what they describe.
        let settled = try ws.store.settledPositions(variants: ws.config.generation.variants, settings: ws.stageRequests.settingsDigests)
        #expect(settled.contains(position))
        var partial = LeftOut()
        #expect(throws: ItemWalker.NeedsWholeState.self) {
            try ws.forEachExportItem(leftOut: &partial, outputsOnly: true, transform: { $0 }) { _ in }
        }
        var whole = LeftOut(), walked = 0
        try ws.forEachExportItem(leftOut: &whole) { walked += $0.variants.count }
        var settings = ExportSettings()
        settings.out = try TestPaths.temporaryDirectory().appendingPathComponent("out").path
        var left = LeftOut()
        let results = try ws.export(formats: [.sft], settings: settings) { _, leftOut in left = leftOut }
        #expect(results.map(\.records) == [8] && walked == 8)
        #expect(left.notGenerated == 1 && whole.notGenerated == 1)
    }

    @Test func aResultStoredBesideOrBeforeItsResponseSettlesItsVariant() async throws {
        let (ws, _, before) = try await builtWorkspace()
        // Back to version 13: the insert trigger without its guard.
        try ws.store.db.execute("""
            DROP TRIGGER settled_variants_insert;
            CREATE TRIGGER settled_variants_insert AFTER INSERT ON stage_results WHEN NEW.stage IN \(SettledVariants.stages)
            BEGIN
                \(SettledVariants.recompute("NEW"))
            END;
            DELETE FROM schema_migrations WHERE version = 14;
            """)
        let store = try CheckpointStore(path: ws.config.db)
        #expect(try store.appliedVersions().last == Migrations.latest)
        let trigger = try store.db.query("SELECT sql FROM sqlite_master WHERE name = 'settled_variants_insert'").first?.string(0)
        #expect(trigger?.contains("EXISTS (SELECT 1 FROM stage_results") == true)

        let id = try #require(try settledIDs(ws).sorted().first)
        func take(_ stage: Stage, variant: Int) throws -> Int64 {
            // Copies the row aside, then deletes it (the delete trigger unsettles the variant).
            try store.db.run(
                "CREATE TEMP TABLE IF NOT EXISTS kept_\(stage.rawValue) AS SELECT * FROM stage_results WHERE 0", [])
            try store.db.run("""
                INSERT INTO kept_\(stage.rawValue) SELECT * FROM stage_results
                WHERE stage = ? AND instruction_id = ? AND variant = ?
                """, [.text(stage.rawValue), .text(id), .int(variant)])
            try store.db.run(
                "DELETE FROM stage_results WHERE stage = ? AND instruction_id = ? AND variant = ?",
                [.text(stage.rawValue), .text(id), .int(variant)])
            return Int64(try store.db.query("SELECT COUNT(*) FROM settled_variants").first?.int(0) ?? -1)
        }
        func putBack(_ stage: Stage) throws {
            try store.db.run("INSERT INTO stage_results SELECT * FROM kept_\(stage.rawValue)", [])
            try store.db.run("DELETE FROM kept_\(stage.rawValue)", [])
        }
        // An expand and a systems result put back while the respond result is there.
        #expect(try take(.expand, variant: 0) == 8)
        #expect(try take(.systems, variant: 1) == 7)
        try putBack(.expand)
        try putBack(.systems)
        #expect(try keptAndRecomputed(store).kept == before)
        // Put back before the respond result, as a build writes them: settled by the last one.
        #expect(try take(.respond, variant: 2) == 8)
        #expect(try take(.expand, variant: 2) == 8)
        try putBack(.expand)
        let waiting = try keptAndRecomputed(store)
        #expect(waiting.kept == waiting.recomputed)
        #expect(waiting.kept.count == 8)
        try putBack(.respond)
        #expect(try keptAndRecomputed(store).kept == before)
    }

    /// Ingests `count` instructions into a new store, starts an offline build and kills it at a
    /// random moment; calls `check` with the store as the kill left it (and what happened, for
    /// messages), then resumes the build to its end and returns the store read back.
    func killedAndResumedBuild(count: Int, check: (CheckpointStore, String) throws -> Void) throws -> Workspace {
        let dir = try TestPaths.temporaryDirectory()
        let lines = (0..<count).map { i in "{\"prompt\": \"Task \(i): explain how a cache keeps \(i % 7) lines warm\"}" }
        try (lines.joined(separator: "\n") + "\n").write(to: dir.appendingPathComponent("in.jsonl"), atomically: true, encoding: .utf8)
        let ingest = try runJanus(
            ["ingest", "--db", "s.db", "--source", "jsonl=in.jsonl", "--no-near-dedup", "--seed", "1"], in: dir)
        #expect(ingest.status == 0, "\(ingest.stderr)")
        let build = ["build", "--db", "s.db", "--provider", "offline", "--seed", "1", "--concurrency", "8", "--no-export"]

        var rng = SystemRandomNumberGenerator()
        let delay = Double.random(in: 0.2...1.2, using: &rng)
        let ended = try runJanusKilled(build, in: dir, after: delay)
        var config = JanusConfig()
        config.db = dir.appendingPathComponent("s.db").path
        try check(try CheckpointStore(path: config.db), "\(ended == .uncaughtSignal ? "killed" : "finished before the kill") after \(delay) s")

        let resumed = try runJanus(build, in: dir)
        #expect(resumed.status == 0, "\(resumed.stderr)")
        return try Workspace.reading(config).0
    }

    @Test(.tags(.endToEnd)) func aKilledBuildLeavesTheTableTrueAndTheResumeSettlesEverything() throws {
        let count = 600
        let ws = try killedAndResumedBuild(count: count) { store, what in
            let killed = try keptAndRecomputed(store)
            #expect(killed.kept == killed.recomputed, "\(what)")
        }
        let after = try keptAndRecomputed(ws.store)
        #expect(after.kept == after.recomputed)
        #expect(after.kept.count == count * ws.config.generation.variants)
        #expect(try settledIDs(ws).count == count)
        try expectReadsMatchTheWalk(ws)
    }
}
