import Foundation
@testable import JanusStore
import Testing

/// A store whose process holds the run lock answers the lookups of a request cache it saw empty
/// from the keys it saved since (`CheckpointStore.ownAnswers`); these check that no answer it
/// saved is ever missed, before or after the first look, and that the lookups it skips are the
/// ones it may skip.
@Suite(.removesTemporaryDirectories) struct AnswerKeysTests {
    let answer = CachedAnswer(content: "kept", finishReason: "stop", promptTokens: 3, completionTokens: 4, usageEstimated: false, cost: 0)

    func store() throws -> CheckpointStore {
        try CheckpointStore(path: try TestPaths.temporaryDirectory().appendingPathComponent("s.db").path)
    }

    func save(_ store: CheckpointStore, _ key: String) throws {
        try store.saveAnswer(key: key, purpose: "expand", model: "m", request: "{}", answer: answer, priced: false)
    }

    /// An answer written behind the store's back, as only another process could.
    func writeBehind(_ store: CheckpointStore, _ key: String) throws {
        try store.db.run("""
            INSERT INTO request_cache(key, purpose, model, request, content, prompt_tokens, completion_tokens, usage_estimated, cost, created_at)
            VALUES (?, 'expand', 'm', '{}', 'behind', 1, 1, 0, 0, 't')
            """, [.text(key)])
    }

    @Test func answersSavedAfterTheCacheWasSeenEmptyAreFound() async throws {
        let store = try store()
        store.ownAnswers()
        #expect(try store.cachedAnswer(key: "a") == nil)
        try save(store, "a")
        #expect(try store.cachedAnswer(key: "a") == answer)
        try await store.commitAnswer(
            key: "b", purpose: "expand", model: "m", request: "{}", answer: answer, priced: false, result: nil)
        #expect(try store.cachedAnswer(key: "b") == answer)
        #expect(try store.cachedAnswer(key: "c") == nil)
        // What the store skips: a key it did not save is not looked up.
        try writeBehind(store, "d")
        #expect(try store.cachedAnswer(key: "d") == nil)
    }

    @Test func anAnswerSavedBeforeTheFirstLookIsFound() throws {
        let store = try store()
        store.ownAnswers()
        try save(store, "a")
        #expect(try store.cachedAnswer(key: "a") == answer)
        // The cache held an answer when first looked at: every lookup queries.
        try writeBehind(store, "d")
        #expect(try store.cachedAnswer(key: "d")?.content == "behind")
    }

    @Test func aStoreThatDoesNotOwnItsAnswersAlwaysLooks() throws {
        let store = try store()
        #expect(try store.cachedAnswer(key: "d") == nil)
        try writeBehind(store, "d")
        #expect(try store.cachedAnswer(key: "d")?.content == "behind")
    }

    @Test func aCacheFilledBeforeOpeningIsAlwaysQueried() throws {
        let path = try TestPaths.temporaryDirectory().appendingPathComponent("s.db").path
        try save(try CheckpointStore(path: path), "a")
        let store = try CheckpointStore(path: path)
        store.ownAnswers()
        #expect(try store.cachedAnswer(key: "a") == answer)
        try writeBehind(store, "d")
        #expect(try store.cachedAnswer(key: "d")?.content == "behind")
    }
}
