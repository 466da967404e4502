import Foundation
@testable import JanusStore
import Testing

/// Store version 13 keeps the sums of tokens and cost per purpose in `usage_totals`, by
/// triggers on the request cache (see `UsageTotals`). These check that the kept sums are the
/// sums of the stored answers after inserts, replaced answers and deletes, whichever way the
/// rows were written; that a version-12 store gets its sums on opening; and that the cost
/// total does not depend on the order answers were stored in.
@Suite(.removesTemporaryDirectories) struct UsageTotalsTests {
    func store() throws -> CheckpointStore {
        try CheckpointStore(path: try TestPaths.temporaryDirectory().appendingPathComponent("s.db").path)
    }

    func answer(_ prompt: Int, _ completion: Int, cost: Double) -> CachedAnswer {
        CachedAnswer(content: "a", finishReason: "stop", promptTokens: prompt, completionTokens: completion, usageEstimated: false, cost: cost)
    }

    func save(_ store: CheckpointStore, _ key: String, _ purpose: String, model: String = "m", _ answer: CachedAnswer, priced: Bool = true) throws {
        try store.saveAnswer(key: key, purpose: purpose, model: model, request: "{}", answer: answer, priced: priced)
    }

    /// The sums read the long way, from every stored answer.
    func recomputed(_ store: CheckpointStore) throws -> [String: [Int]] {
        var out: [String: [Int]] = [:]
        for row in try store.db.query("""
            SELECT purpose, COUNT(*), SUM(prompt_tokens), SUM(completion_tokens), SUM(CAST(round(cost * 1e9) AS INTEGER))
            FROM request_cache GROUP BY purpose
            """)
        {
            out[row.string(0) ?? ""] = (1...4).map { row.int($0) ?? -1 }
        }
        return out
    }

    func kept(_ store: CheckpointStore) throws -> [String: [Int]] {
        try store.usageTotals().mapValues { [$0.requests, $0.promptTokens, $0.completionTokens, Int(($0.cost * 1e9).rounded())] }
    }

    @Test func keptSumsFollowInsertsReplacementsAndDeletes() throws {
        let store = try store()
        try save(store, "a", "expand", answer(10, 20, cost: 0.001))
        try save(store, "b", "expand", answer(11, 21, cost: 0.002))
        try save(store, "c", "respond", answer(5, 7, cost: 0.0005))
        #expect(try kept(store) == ["expand": [2, 21, 41, 3_000_000], "respond": [1, 5, 7, 500_000]])

        // The same key answered again (a re-import, a re-ask): counted once, with its new usage.
        try save(store, "b", "expand", answer(100, 200, cost: 0.01))
        #expect(try kept(store) == ["expand": [2, 110, 220, 11_000_000], "respond": [1, 5, 7, 500_000]])
        #expect(try kept(store) == recomputed(store))

        // An answer moved to another purpose, and rows written or removed behind the store's back.
        try save(store, "c", "systems", answer(5, 7, cost: 0.0005))
        try store.db.run("""
            INSERT INTO request_cache(key, purpose, model, request, content, prompt_tokens, completion_tokens, usage_estimated, cost, created_at)
            VALUES ('d', 'respond', 'm', '{}', 'x', 3, 4, 0, 0.25, 't')
            """)
        try store.db.run("DELETE FROM request_cache WHERE key = 'a'")
        #expect(try kept(store) == recomputed(store))
        #expect(try kept(store) == ["expand": [1, 100, 200, 10_000_000], "systems": [1, 5, 7, 500_000], "respond": [1, 3, 4, 250_000_000]])

        // A purpose whose answers are all gone is not listed.
        try store.db.run("DELETE FROM request_cache WHERE purpose = 'systems'")
        #expect(try kept(store).keys.sorted() == ["expand", "respond"])
    }

    @Test func unpricedAnswersAreCountedPerModel() throws {
        let store = try store()
        try save(store, "a", "expand", model: "free", answer(1, 1, cost: 0), priced: false)
        try save(store, "b", "respond", model: "free", answer(1, 1, cost: 0), priced: false)
        try save(store, "c", "respond", model: "paid", answer(1, 1, cost: 0.5))
        #expect(try store.unpricedAnswers() == ["free": 2])
        // Priced on a second ask: no longer counted as unpriced.
        try save(store, "a", "expand", model: "free", answer(1, 1, cost: 0.1), priced: true)
        #expect(try store.unpricedAnswers() == ["free": 1])
        try store.db.run("DELETE FROM request_cache WHERE key = 'b'")
        #expect(try store.unpricedAnswers().isEmpty)
    }

    @Test func theCostTotalDoesNotDependOnTheOrderAnswersArrived() throws {
        // Costs whose floating-point sum depends on the order they are added in.
        let costs = [0.1, 0.2, 0.3, 0.000_123, 0.7]
        var forward = 0.0
        for cost in costs { forward += cost }
        var backward = 0.0
        for cost in costs.reversed() { backward += cost }
        #expect(forward != backward, "the fixture should be order-sensitive as doubles")

        var totals: [Double] = []
        for order in [Array(costs.indices), costs.indices.reversed(), [2, 0, 4, 1, 3]] {
            let store = try store()
            for index in order { try save(store, "k\(index)", "respond", answer(1, 1, cost: costs[index])) }
            totals.append(try #require(try store.usageTotals()["respond"]).cost)
        }
        #expect(totals[0] == totals[1] && totals[1] == totals[2])
        #expect(abs(totals[0] - forward) < 1e-8)
    }

    @Test func aVersion12StoreGetsItsSumsOnOpening() throws {
        let directory = try TestPaths.temporaryDirectory()
        let path = directory.appendingPathComponent("s.db").path
        var before: [String: [Int]] = [:]
        do {
            let store = try CheckpointStore(path: path)
            try save(store, "a", "expand", answer(10, 20, cost: 0.001))
            try save(store, "b", "respond", model: "free", answer(3, 4, cost: 0), priced: false)
            try save(store, "c", "respond", answer(5, 6, cost: 0.002))
            before = try kept(store)
            // Back to version 12: no totals or triggers, the two indexes over the answers.
            try store.db.execute("""
                DROP TRIGGER usage_totals_insert; DROP TRIGGER usage_totals_update; DROP TRIGGER usage_totals_delete;
                DROP TABLE usage_totals;
                CREATE INDEX request_cache_usage ON request_cache(purpose, prompt_tokens, completion_tokens, cost);
                CREATE INDEX request_cache_unpriced ON request_cache(priced, model);
                DELETE FROM schema_migrations WHERE version = 13;
                """)
            // Answers stored by version 12 after these.
            try store.db.run("""
                INSERT INTO request_cache(key, purpose, model, request, content, prompt_tokens, completion_tokens, usage_estimated, cost, created_at)
                VALUES ('d', 'respond', 'm', '{}', 'x', 1, 1, 0, 0.5, 't')
                """)
        }
        let reopened = try CheckpointStore(path: path)
        #expect(try reopened.appliedVersions() == Migrations.all.map(\.version).sorted())
        let indexes = try reopened.db.query("SELECT name FROM sqlite_master WHERE name LIKE 'request_cache_%'").compactMap { $0.string(0) }
        #expect(indexes.isEmpty)
        var expected = before
        expected["respond"] = [3, 9, 11, 502_000_000]
        #expect(try kept(reopened) == expected)
        #expect(try kept(reopened) == recomputed(reopened))
        #expect(try reopened.unpricedAnswers() == ["free": 1])
        try save(reopened, "e", "expand", answer(1, 1, cost: 0))
        #expect(try kept(reopened) == recomputed(reopened))
    }
}
