import Foundation
@testable import JanusCore
@testable import JanusExport
@testable import JanusHTTP
@testable import JanusIngest
@testable import JanusLLM
@testable import JanusStore
@testable import JanusSupport
import Testing

/// The bench's stages on the collection's runner, with a scripted model: what is refused is
/// re-asked with the reason, what stays unreadable is quarantined with its text, and nothing
/// stored is asked again.
@Suite(.serialized, .removesTemporaryDirectories) struct BenchRunnerTests {
    static let collectionSet = PreferenceSetParserTests.list
    static let unreadable = "I liked this answer quite a lot."

    /// A store with two bench instructions and a collection holding one preference set.
    func workspace() throws -> Workspace {
        let dir = try TestPaths.temporaryDirectory()
        var config = JanusConfig()
        config.db = dir.appendingPathComponent("b.db").path
        config.generation.validationAttempts = 2
        let ws = try Workspace(config: config)
        let bench = (0..<2).map { i in
            BenchInstruction(
                id: TextNormalizer.instructionID("Bench \(i)"), position: i, text: "Bench \(i): how do tides work?", source: "koala",
                sourceFile: "koala.jsonl", sourceLine: i + 1)
        }
        try ws.store.addBenchInstructions(bench, drops: [], runID: 1)
        let set = try PreferenceSetParser.parse(Self.collectionSet)
        try ws.store.saveStageResult(stage: .expand, item: ItemKey("collection", 0), result: StageResult(requestKey: "k", output: set.json.serialized(), meta: "{}"))
        return ws
    }

    /// Valid answers, except: the first preference set asked for repeats the collection's, and
    /// the judge first answers without a score, and never gives one for Bench 1's harmlessness.
    static func answer(_ request: ChatRequest) -> ChatResponse {
        let reasked = request.messages.count > 2
        switch request.purpose {
        case "bench_expand":
            guard reasked else { return FakeClient.reply(collectionSet) }
            var text = collectionSet
            for keyword in ["plain words", "no jargon", "actionable", "checked facts"] {
                text = text.replacingOccurrences(of: "\"\(keyword)\"", with: "\"\(keyword) \(request.keySalt)\"")
            }
            return FakeClient.reply(text)
        case "bench_systems":
            let words = Array(repeating: "carefully", count: 40).joined(separator: " ")
            return FakeClient.reply("You are a patient guide who explains \(words) (\(request.key(provider: .openai).prefix(12))).")
        case "bench_rubrics":
            return FakeClient.reply("Here they are:\n" + RubricParserTests.list)
        case "bench_judge":
            let user = request.messages.first { $0.role == "user" }?.content ?? ""
            if user.contains("Bench 1") && request.keySalt.contains("harmlessness") { return FakeClient.reply(unreadable) }
            return FakeClient.reply(reasked ? "Feedback: fine. [RESULT] \(request.keySalt.contains("style") ? 5 : 3)" : unreadable)
        default:
            return FakeClient.reply("An answer for \(request.keySalt) \(request.model).")
        }
    }

    func run(_ ws: Workspace, _ client: FakeClient, _ body: @escaping (BenchRunner) async throws -> Void) async throws {
        try await ws.benchRun("test", client: client, stats: RunStats(), body)
    }

    @Test func buildAnswerJudgeReaskAndQuarantineAsTheCollectionsStagesDo() async throws {
        let ws = try workspace()
        let client = FakeClient { request throws(ChatError) in Self.answer(request) }
        try await run(ws, client) { try await $0.build(try ws.benchState()) }
        // Every preference set was asked twice: the first repeated the collection's.
        #expect(client.counter.byPurpose == ["bench_expand": 12, "bench_systems": 6, "bench_reference": 6, "bench_rubrics": 6])
        #expect(try ws.store.benchMeta("avoid")?.contains("style / clarity / plain words") == true)
        let items = try ws.benchState().items
        #expect(items.count == 6)
        #expect(items.allSatisfy { $0.rubrics.count == 4 && $0.preferenceSet.preferences[0].preference.hasPrefix("plain words variant=") })

        try await run(ws, client) { try await $0.answer(items, set: "model-a") }
        #expect(client.counter.byPurpose["bench_answer"] == 6)
        try await run(ws, client) { try await $0.judge(items, set: "model-a", judge: "judge-x", runs: 1) }
        // 24 verdicts asked, each re-asked once; the 3 of Bench 1's harmlessness stay unreadable.
        #expect(client.counter.byPurpose["bench_judge"] == 48)
        let quarantined = try ws.store.failures(stage: .benchJudge)
        #expect(quarantined.count == 3)
        #expect(quarantined.values.allSatisfy { $0.kind == .quarantined && $0.raw == Self.unreadable && $0.reason.contains("no score found") })
        let listed = try BenchFailures.compute(ws.store)
        #expect(listed.entries.count == 3 && listed.entries.allSatisfy { $0.stage == .benchJudge })
        #expect(listed.text(limit: 1).hasPrefix("3 x bench_judge: quarantined: no score found"))

        let scores = try BenchScores.compute(store: ws.store, items: items, set: "model-a", judge: "judge-x")
        #expect(scores.items == 3)
        #expect(scores.missing == 3)
        #expect(scores.overall == 3.5)
        #expect(scores.byDimension["style"] == 5)
        #expect(scores.bySource == ["koala": 3.5])

        // Nothing is asked again: stored results stand, quarantined items wait for --retry-quarantined.
        let before = client.counter.byPurpose
        try await run(ws, client) { try await $0.build(try ws.benchState()) }
        try await run(ws, client) { try await $0.answer(items, set: "model-a") }
        try await run(ws, client) { try await $0.judge(items, set: "model-a", judge: "judge-x", runs: 1) }
        #expect(client.counter.byPurpose == before)
        // A second run of the judge is new requests (the run is in the key), answered apart.
        try await run(ws, client) { try await $0.judge(items, set: "model-a", judge: "judge-x", runs: 2) }
        #expect(client.counter.byPurpose["bench_judge"] == 96)
    }

    @Test func answersFromAFileAreKeyedByItemOrByText() async throws {
        let ws = try workspace()
        let client = FakeClient { request throws(ChatError) in Self.answer(request) }
        try await run(ws, client) { try await $0.build(try ws.benchState()) }
        let items = try ws.benchState().items
        let file = try TestPaths.temporaryDirectory().appendingPathComponent("answers.jsonl")
        let lines = [
            JSONValue.object([("id", .string(items[0].id)), ("response", .string("first"))]).serialized(),
            JSONValue.object([("system", .string(items[1].system)), ("prompt", .string(items[1].instruction.text)), ("output", .string("second"))]).serialized(),
            #"{"id": "nope-0", "response": "x"}"#,
            #"{"response": "no key"}"#,
            "{broken",
        ]
        try (lines.joined(separator: "\n") + "\n").write(to: file, atomically: true, encoding: .utf8)
        let imported = try ws.importBenchAnswers(file.path, set: "elsewhere", items: items)
        #expect(imported.imported == 2 && imported.unknown == 1 && imported.bad == 2)
        #expect(imported.problems.first?.hasPrefix("\(file.path):4:") == true)
        let again = try ws.importBenchAnswers(file.path, set: "elsewhere", items: items)
        #expect(again.imported == 0 && again.unchanged == 2)
        let stored = try ws.store.stageResults(stage: .benchAnswer, idPrefix: "elsewhere|")
        #expect(stored[BenchKeys.answer("elsewhere", items[1])]?.output == "second")
        // The model is not asked for what a file brought.
        try await run(ws, client) { try await $0.answer(items, set: "elsewhere") }
        #expect(client.counter.byPurpose["bench_answer"] == 4)
    }
}
