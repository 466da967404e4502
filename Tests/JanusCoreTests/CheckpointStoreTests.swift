import Foundation
@testable import JanusCore
@testable import JanusIngest
@testable import JanusLLM
@testable import JanusStore
import Testing

@Suite(.removesTemporaryDirectories) struct CheckpointStoreTests {
    func instruction(_ text: String, source: String = "dsp") -> StoredInstruction {
        StoredInstruction(
            id: TextNormalizer.instructionID(text), position: 0, text: text, mainSource: "m", originalSource: "-",
            sourceName: source, sourceFile: "f", sourceLine: 1)
    }

    @Test func olderSchemaOpensAndUpgrades() throws {
        let dir = try TestPaths.temporaryDirectory()
        let path = dir.appendingPathComponent("old.db").path
        // A store as the first schema version wrote it, holding one instruction.
        do {
            let db = try SQLiteDatabase(.path(path))
            try db.execute("CREATE TABLE schema_migrations(version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)")
            try db.execute(Migrations.all[0].sql)
            try db.run("INSERT INTO schema_migrations VALUES (1, 'core tables', 'then')")
            try db.run("""
                INSERT INTO instructions(id, position, text, main_source, original_source, source_name, source_file, source_line, run_id)
                VALUES ('abc', 0, 'kept text', 'Nectar', 'sharegpt', 'nectar', 'n.jsonl', 3, 1)
                """)
        }
        let store = try CheckpointStore(path: path)
        #expect(try store.appliedVersions() == Migrations.all.map(\.version))
        #expect(try store.instructions().map(\.text) == ["kept text"])
        // The table the newer migration added is usable.
        store.record(AttemptRecord(
            requestKey: "k", purpose: "expand", attempt: 1, startedAt: Date(), finishedAt: Date(), httpStatus: 200,
            outcome: "ok", detail: "", usage: nil))
        #expect(try store.attemptCounts() == ["ok": 1])
        #expect(try store.integrityCheck() == "ok")
    }

    @Test func storeFromANewerVersionIsRefused() throws {
        let dir = try TestPaths.temporaryDirectory()
        let path = dir.appendingPathComponent("new.db").path
        _ = try CheckpointStore(path: path)
        do {
            let db = try SQLiteDatabase(.path(path))
            try db.run("INSERT INTO schema_migrations VALUES (99, 'future', 'later')")
        }
        #expect(throws: StoreError.self) { try CheckpointStore(path: path) }
    }

    @Test func addingTheSameInstructionsTwiceAddsNothing() throws {
        let store = try memoryStore()
        let items = [instruction("one"), instruction("two")]
        #expect(try store.addInstructions(items, drops: [], runID: 1) == 2)
        #expect(try store.addInstructions(items, drops: [], runID: 2) == 0)
        #expect(try store.instructions().map(\.position) == [0, 1])
    }

    /// The generation runner's queue: pages in id order that chain without a gap or a repeat,
    /// skipped instructions passed with their id and position only.
    @Test func instructionPagesFollowIDOrder() throws {
        let store = try memoryStore()
        let items = (0..<7).map { instruction("instruction \($0)") }
        #expect(try store.addInstructions(items, drops: [], runID: 1) == 7)
        let skipped: Set<String> = [items[3].id]
        var seen: [(StoredInstruction, StoredState?)] = []
        var cursor = ""
        while case let page = try store.instructionPage(afterID: cursor, limit: 3, skipping: skipped), let last = page.last {
            #expect(page.count <= 3)
            seen += page
            cursor = last.0.id
        }
        #expect(seen.map(\.0.id) == items.map(\.id).sorted())
        let positions = Dictionary(uniqueKeysWithValues: try store.instructions().map { ($0.id, $0.position) })
        #expect(seen.allSatisfy { positions[$0.0.id] == $0.0.position })
        #expect(seen.filter { $0.1 == nil }.map(\.0.id) == [items[3].id])
        #expect(seen.first { $0.1 != nil }?.0.text.isEmpty == false)
    }

    @Test func stageResultClearsTheItemsFailure() throws {
        let store = try memoryStore()
        let item = ItemKey("i", 0)
        try store.recordFailure(stage: .expand, item: item, failure: StageFailure(requestKey: "k", kind: .failed, reason: "HTTP 500", raw: "", attempts: 6))
        #expect(try store.failures(stage: .expand)[item]?.reason == "HTTP 500")
        try store.saveStageResult(stage: .expand, item: item, result: StageResult(requestKey: "k", output: "[]", meta: "{}"))
        #expect(try store.failures(stage: .expand).isEmpty)
        #expect(try store.stageResults(stage: .expand)[item]?.output == "[]")
    }

    @Test func answersAreCachedByKey() throws {
        let store = try memoryStore()
        let request = ChatRequest(model: "m", messages: [.user("hi")], purpose: "respond")
        let key = request.key(provider: .openai)
        #expect(try store.cachedAnswer(key: key) == nil)
        try store.saveAnswer(
            key: key, request: request,
            response: ChatResponse(content: "hello", finishReason: "stop", usage: TokenUsage(promptTokens: 3, completionTokens: 1)), cost: 0.5)
        let cached = try store.cachedAnswer(key: key)
        #expect(cached?.content == "hello")
        #expect(cached?.usage.promptTokens == 3)
        #expect(try store.usageTotals()["respond"]?.cost == 0.5)
    }
}
