import Foundation
@testable import JanusCore
@testable import JanusExport
@testable import JanusLLM
@testable import JanusStore
import JanusSupport
import Testing

/// The preference records (store version 10) are kept beside the expand results by the store
/// and its triggers; these check every record against one made again from the output stored
/// now, after a replaced or removed result, a change by another tool, an upgrade of an older
/// store and a kill, and that `stats`, which reads them, finds what the full walk finds.
@Suite(.serialized, .removesTemporaryDirectories) struct PreferenceRecordsTests {
    let runner = GenerationRunnerTests()
    let settled = SettledVariantsTests()

    /// Every record, with the record its expand result's stored output makes now (nil: no such
    /// result), by "instruction id/variant".
    func keptAndRemade(_ store: CheckpointStore) throws -> [String: (kept: Data?, remade: Data?)] {
        var out: [String: (kept: Data?, remade: Data?)] = [:]
        for row in try store.db.query("""
            SELECT p.instruction_id, p.variant, p.format, p.fields, r.output FROM preference_records p
            LEFT JOIN stage_results r ON r.stage = 'expand' AND r.instruction_id = p.instruction_id AND r.variant = p.variant
            """)
        {
            #expect(row.int(2) == PreferenceRecords.format)
            let kept: Data? = if case let .blob(data) = row.values[3] { data } else { nil }
            let remade = row.string(4).map { PreferenceRecord.maker($0).map(PreferenceRecords.encode) ?? Data() }
            out["\(row.string(0) ?? "")/\(row.int(1) ?? -1)"] = (kept ?? Data(), remade)
        }
        return out
    }

    func expectRecordsTrue(_ store: CheckpointStore, count: Int? = nil, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let records = try keptAndRemade(store)
        for (item, record) in records {
            #expect(record.remade != nil, "a record without its expand result: \(item)", sourceLocation: sourceLocation)
            #expect(record.kept == record.remade, "a stale record: \(item)", sourceLocation: sourceLocation)
        }
        if let count { #expect(records.count == count, sourceLocation: sourceLocation) }
    }

    /// `stats` against the full walk (status is left out: a test here rewrites outputs behind
    /// their stamps, which only the records follow).
    func expectStatsMatchTheWalk(_ ws: Workspace, sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(
            try DatasetStats.compute(ws).json.serialized() == settled.walkedStats(ws).json.serialized(), sourceLocation: sourceLocation)
    }

    func expandCount(_ store: CheckpointStore) throws -> Int {
        try store.db.query("SELECT COUNT(*) FROM stage_results WHERE stage = 'expand'").first?.int(0) ?? -1
    }

    @Test func aReplacedOrRemovedExpandResultTakesItsRecordWithIt() async throws {
        let ws = try runner.workspace(instructions: 3)
        let client = FakeClient { request throws(ChatError) in GenerationRunnerTests.validAnswer(request) }
        _ = try await runner.run(ws, client)
        try expectRecordsTrue(ws.store, count: 9)
        #expect(try ws.store.db.query("SELECT COUNT(*) FROM preference_records WHERE fields IS NULL").first?.int(0) == 0)
        try expectStatsMatchTheWalk(ws)
        let expand = try ws.store.stageResults(stage: .expand)
        let ids = Set(expand.keys.map(\.instructionID)).sorted()

        // Saved again through the store, with another valid set: a new record.
        let first = ItemKey(ids[0], 0)
        var replaced = try #require(expand[first])
        replaced.output = try #require(expand[ItemKey(ids[1], 2)]).output
        replaced.stamp = ws.stageRequests.stamp(.expand, input: "")
        try ws.store.saveStageResult(stage: .expand, item: first, result: replaced)
        try expectRecordsTrue(ws.store, count: 9)

        // Another tool rewrites an output and keeps the stamps: the variant stays settled, and
        // the record, which no longer tells of this output, is gone with the old output.
        let second = ItemKey(ids[2], 1)
        let rewritten = try #require(expand[second]).output.replacingOccurrences(of: "plain words", with: "words rewritten")
        #expect(try PreferenceSetParser.parse(rewritten) != PreferenceSetParser.parse(try #require(expand[second]).output))
        try ws.store.db.run(
            "UPDATE stage_results SET output = ? WHERE stage = 'expand' AND instruction_id = ? AND variant = ?",
            [.text(rewritten), .text(second.instructionID), .int(second.variant)])
        try expectRecordsTrue(ws.store, count: 8)
        #expect(try settled.settledIDs(ws).contains(second.instructionID))
        try expectStatsMatchTheWalk(ws)
        // A stamp written later (as a build's stamping pass does) leaves the records alone.
        try ws.store.db.run(
            "UPDATE stage_results SET settings_digest = settings_digest WHERE stage = 'expand' AND instruction_id = ?", [.text(ids[1])])
        try expectRecordsTrue(ws.store, count: 8)

        // Removed outright, and moved to another variant.
        try ws.store.db.run("DELETE FROM stage_results WHERE stage = 'expand' AND instruction_id = ? AND variant = 2", [.text(ids[0])])
        try ws.store.db.run("UPDATE stage_results SET variant = 7 WHERE stage = 'expand' AND instruction_id = ? AND variant = 2", [.text(ids[1])])
        try expectRecordsTrue(ws.store, count: 6)
        try expectStatsMatchTheWalk(ws)
    }

    /// A build stores the record of the set it validated (not a second parse of the output it
    /// stores); for answers with text of every kind, around the JSON and inside its strings,
    /// that record is the one the stored output makes.
    @Test func theRecordOfTheValidatedSetIsTheOneTheStoredOutputMakes() async throws {
        let ws = try runner.workspace(instructions: 4)
        let texts = [
            "Crème brûlée, naïve “quotes”, a \"nested\" one and a \\ backslash", "日本語の説明と中文解释 🧪👩🏽‍🔬",
            "Cafe\u{301} in NFD, tab\there", "Ελληνικά, русский, العربية, עברית",
        ]
        let client = FakeClient { request throws(ChatError) in
            guard request.purpose == "expand" else { return GenerationRunnerTests.validAnswer(request) }
            let text = texts[request.keySalt.utf8.reduce(0) { $0 + Int($1) } % texts.count]
            let set = PreferenceSetParserTests.list
                .replacingOccurrences(of: "\"Short sentences.\"", with: JSONValue.string(text).serialized())
                .replacingOccurrences(of: "novice", with: "novice \(request.keySalt)")
            return FakeClient.reply("Sure! Here it is:\n```json\n\(set)\n```\nHope this helps.")
        }
        _ = try await runner.run(ws, client)
        try expectRecordsTrue(ws.store, count: 12)
        let fields = try ws.store.db.query("SELECT fields FROM preference_records").compactMap { row -> [String]? in
            if case let .blob(data) = row.values[0] { PreferenceRecords.decode(data) } else { nil }
        }
        #expect(fields.count == 12)
        #expect(Set(fields.map { $0[1] }).isSubset(of: Set(texts)))
    }

    @Test func statsReadTheRecordsOfSettledVariants() async throws {
        let ws = try runner.workspace(instructions: 2)
        let client = FakeClient { request throws(ChatError) in GenerationRunnerTests.validAnswer(request) }
        _ = try await runner.run(ws, client)
        let before = try DatasetStats.compute(ws)
        #expect(before.completeVariants == 6)
        // A record changed by hand (only a test does this) shows in stats: they read it, not the output.
        let marked = Array(repeating: "marked", count: PreferenceRecords.fieldCount)
        try ws.store.db.run("UPDATE preference_records SET fields = ? WHERE variant = 0", [.blob(PreferenceRecords.encode(marked))])
        let others = try ws.store.stageResults(stage: .expand).filter { $0.key.variant != 0 }.values
            .map { try PreferenceSetParser.parse($0.output).preferences.map(\.description) }
        let after = try DatasetStats.compute(ws).uniquePreferences
        #expect(after == Set(others.joined() + ["marked"]).count)
        #expect(after != before.uniquePreferences)
        // One that says "not a preference set" leaves the variant out, as the parse would.
        try ws.store.db.run("UPDATE preference_records SET fields = NULL WHERE variant = 1")
        #expect(try DatasetStats.compute(ws).completeVariants == 4)
        // One of another format is not used.
        try ws.store.db.run("UPDATE preference_records SET format = format + 1")
        #expect(try DatasetStats.compute(ws).json.serialized() == before.json.serialized())
    }

    @Test func anOlderStoreGetsItsRecordsFromTheNextWriter() async throws {
        let ws = try runner.workspace(instructions: 3)
        let client = FakeClient { request throws(ChatError) in GenerationRunnerTests.validAnswer(request) }
        _ = try await runner.run(ws, client)
        let stats = try DatasetStats.compute(ws).json.serialized()
        // Back to version 9, as janus-data before the records left it, with one output that is
        // not a preference set.
        try ws.store.db.execute("""
            DROP TRIGGER preference_records_insert; DROP TRIGGER preference_records_update; DROP TRIGGER preference_records_delete;
            DROP TABLE preference_records; DROP TABLE pending_upgrades;
            DELETE FROM schema_migrations WHERE version = 10;
            UPDATE stage_results SET output = 'no set here' WHERE rowid = (SELECT MIN(rowid) FROM stage_results WHERE stage = 'expand');
            """)
        let changed = try DatasetStats.compute(Workspace(config: ws.config)).json.serialized()
        #expect(changed != stats)

        // A reader upgrades the schema; the records wait for a writer, and stats parse meanwhile.
        let reader = try Workspace(config: ws.config)
        #expect(try reader.store.appliedVersions().last == Migrations.latest)
        #expect(try reader.store.preferenceRecordsPending())
        try expectRecordsTrue(reader.store, count: 0)
        #expect(try DatasetStats.compute(reader).json.serialized() == changed)
        try expectStatsMatchTheWalk(reader)

        let writer = try Workspace(config: ws.config, writer: "build")
        #expect(try !writer.store.preferenceRecordsPending())
        try expectRecordsTrue(writer.store, count: 9)
        #expect(try writer.store.db.query("SELECT COUNT(*) FROM preference_records WHERE fields IS NULL").first?.int(0) == 1)
        #expect(try DatasetStats.compute(writer).json.serialized() == changed)
        try expectStatsMatchTheWalk(writer)
    }

    @Test func theUpgradePassKeepsNoRecordOfAnOutputReplacedWhileItRuns() async throws {
        let ws = try runner.workspace(instructions: 3)
        let client = FakeClient { request throws(ChatError) in GenerationRunnerTests.validAnswer(request) }
        _ = try await runner.run(ws, client)
        try ws.store.db.execute("DELETE FROM preference_records")
        let store = ws.store
        // Batches of 2 over 9 results, in key order; the output of the fourth is replaced
        // after it was read, before its batch is written.
        let fourth = try #require(try store.stageResults(stage: .expand).keys.sorted {
            ($0.instructionID, $0.variant) < ($1.instructionID, $1.variant)
        }.dropFirst(3).first)
        let seen = Locked<(calls: Int, replaced: ItemKey?)>((0, nil))
        let written = try store.fillPreferenceRecords(batch: 2) { output in
            let call = seen.withLock { $0.calls += 1; return $0.calls }
            if call == 4 {
                try? store.db.run(
                    "UPDATE stage_results SET output = 'replaced' WHERE stage = 'expand' AND instruction_id = ? AND variant = ?",
                    [.text(fourth.instructionID), .int(fourth.variant)])
                seen.withLock { $0.replaced = fourth }
            }
            return PreferenceRecord.maker(output)
        }
        let (calls, replaced) = seen.withLock { $0 }
        #expect(calls == 9)
        #expect(written == 8)
        #expect(replaced == fourth)
        try expectRecordsTrue(store, count: 8)
        #expect(try store.db.query(
            "SELECT 1 FROM preference_records WHERE instruction_id = ? AND variant = ?", [.text(fourth.instructionID), .int(fourth.variant)]
        ).isEmpty)
        #expect(try !store.preferenceRecordsPending())
        try expectStatsMatchTheWalk(ws)
    }

    @Test(.tags(.endToEnd)) func aKilledBuildLeavesTheRecordsTrue() throws {
        let count = 600
        let ws = try settled.killedAndResumedBuild(count: count) { store, _ in
            try expectRecordsTrue(store, count: try expandCount(store))
        }
        try expectRecordsTrue(ws.store, count: count * ws.config.generation.variants)
        try settled.expectReadsMatchTheWalk(ws)
    }

    /// Every save reads the store's record maker from behind its lock. Kept there as a bare
    /// function type, each read wrapped it in two more reabstraction thunks, so the n-th save
    /// called the maker through 2n of them: quadratic time and a stack as deep as the store's
    /// expand results (a 20k-request build spent 28% of its CPU there). The maker here counts
    /// the frames above it (the count stops at 128); the 5,000th save must call it as the first
    /// did. (Frames, not a local's address: AddressSanitizer moves locals to a heap stack.)
    @Test func theRecordMakerIsCalledAsShallowAfterManySavesAsAtTheFirst() throws {
        let store = try CheckpointStore(path: ":memory:")
        let depths = Locked<[Int]>([])
        store.makePreferenceRecords { _ in
            let frames = Thread.callStackReturnAddresses.count
            depths.withLock { $0.append(frames) }
            return nil
        }
        let result = StageResult(requestKey: "k", output: "{}", meta: "{}")
        for _ in 0..<5000 { _ = store.preferenceRecord(stage: .expand, result: result) }
        let seen = depths.withLock { $0 }
        let first = try #require(seen.first), last = try #require(seen.last)
        #expect(seen.count == 5000)
        #expect(first > 0 && first < 100, "frames at the first save: \(first)")
        #expect(last == first, "the maker ran \(last - first) frames deeper at the last save")
    }
}
