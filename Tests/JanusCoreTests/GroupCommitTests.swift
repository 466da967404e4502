import Foundation
@testable import JanusSupport
@testable import JanusLLM
@testable import JanusStore
import Testing

/// Answers, results and attempt records that arrive together share one commit; each writer is
/// told only once its write is committed, and one failing write does not lose the others.
@Suite(.removesTemporaryDirectories) struct GroupCommitTests {
    struct Refused: Error {}

    static func answer(_ n: Int) -> CachedAnswer {
        CachedAnswer(content: "answer \(n)", finishReason: "stop", promptTokens: n, completionTokens: 1, usageEstimated: false, cost: 0)
    }

    @Test func concurrentWritesAreStoredOnceTheyReturn() async throws {
        let path = try TestPaths.temporaryDirectory().appendingPathComponent("g.db").path
        let store = try CheckpointStore(path: path)
        let count = 600  // more than one batch limit
        try await withThrowingTaskGroup(of: Void.self) { group in
            for n in 0..<count {
                group.addTask {
                    store.record(
                        AttemptRecord(
                            requestKey: "k\(n)", purpose: "expand", attempt: 1, startedAt: Date(), finishedAt: Date(), httpStatus: 200,
                            outcome: "ok", detail: "", usage: nil))
                    let result = StageResult(requestKey: "k\(n)", output: "out \(n)", meta: "{}", recipe: "r")
                    try await store.commitAnswer(
                        key: "k\(n)", purpose: "expand", model: "m", request: "{}", answer: Self.answer(n), priced: true,
                        result: (stage: .expand, item: ItemKey("i\(n)", 0), result: result))
                    // Committed before this returns: a second connection sees it.
                    let other = try SQLiteDatabase(.path(path), readOnly: true)
                    #expect(try other.query("SELECT content FROM request_cache WHERE key = ?", [.text("k\(n)")]).first?.string(0) == "answer \(n)")
                }
            }
            try await group.waitForAll()
        }
        #expect(try store.stageResults(stage: .expand).count == count)
        // The attempt records nobody waited for are committed before the log is read.
        #expect(try store.attemptCounts() == ["ok": count])
    }

    @Test func aFailingWriteLosesOnlyItself() async throws {
        let store = try CheckpointStore(path: try TestPaths.temporaryDirectory().appendingPathComponent("f.db").path)
        let outcomes = try await withThrowingTaskGroup(of: Bool.self) { group in
            for n in 0..<40 {
                group.addTask {
                    do {
                        if n == 17 {
                            try await store.grouped {
                                try store.db.run("INSERT INTO request_cache(key) VALUES ('only a key')")
                            }
                        } else {
                            try await store.commitAnswer(
                                key: "k\(n)", purpose: "respond", model: "m", request: "{}", answer: Self.answer(n), priced: true, result: nil)
                        }
                        return true
                    } catch {
                        return false
                    }
                }
            }
            return try await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(outcomes.filter { !$0 }.count == 1)
        #expect(try store.cachedAnswer(key: "k3")?.content == "answer 3")
        #expect(try store.cachedAnswer(key: "only a key") == nil)
        #expect(try store.usageTotals()["respond"]?.requests == 39)
    }

    /// A cache lookup is answered while a group commit holds the store's connection, from what
    /// is committed: the commit's own rows are not seen until it ends.
    @Test func aCacheLookupDoesNotWaitForACommitInProgress() async throws {
        let store = try CheckpointStore(path: try TestPaths.temporaryDirectory().appendingPathComponent("r.db").path)
        try await store.commitAnswer(key: "old", purpose: "expand", model: "m", request: "{}", answer: Self.answer(1), priced: true, result: nil)
        let seen = Locked<[String?]>([])
        try await store.grouped {
            try store.db.run(
                """
                INSERT INTO request_cache(key, purpose, model, request, content, prompt_tokens, completion_tokens, usage_estimated, cost, created_at)
                VALUES ('new', 'expand', 'm', '{}', 'uncommitted', 1, 1, 0, 0, 'now')
                """)
            let answered = DispatchSemaphore(value: 0)
            DispatchQueue.global().async {
                let found = ["old", "new"].map { key in (try? store.cachedAnswer(key: key))?.content }
                seen.withLock { $0 = found }
                answered.signal()
            }
            // The connection stays held until the lookups are answered (or a minute has passed).
            _ = answered.wait(timeout: .now() + 60)
        }
        #expect(seen.withLock { $0 } == ["answer 1", nil])
        #expect(try store.cachedAnswer(key: "new")?.content == "uncommitted")
    }
}
