import Foundation
@testable import JanusCore
@testable import JanusIngest
@testable import JanusLLM
@testable import JanusStore
@testable import JanusSupport
import Testing

/// A scripted model: a closure per request, and a count of what it was sent.
struct FakeClient: ChatClient {
    let providerKind = Provider.openai
    let counter = RequestCounter()
    let answer: @Sendable (ChatRequest) throws(ChatError) -> ChatResponse

    func complete(_ request: ChatRequest) async throws(ChatError) -> ChatResponse {
        counter.add(request)
        return try answer(request)
    }

    static func reply(_ text: String, finish: String = "stop") -> ChatResponse {
        ChatResponse(content: text, finishReason: finish, usage: TokenUsage(promptTokens: 10, completionTokens: 5))
    }
}

final class RequestCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var purposes: [String: Int] = [:]
    private var keys: [String] = []
    func add(_ request: ChatRequest) {
        lock.lock()
        defer { lock.unlock() }
        purposes[request.purpose, default: 0] += 1
        keys.append(request.key(provider: .openai))
    }
    var byPurpose: [String: Int] {
        lock.lock()
        defer { lock.unlock() }
        return purposes
    }
    var allKeys: [String] {
        lock.lock()
        defer { lock.unlock() }
        return keys
    }
}

@Suite(.serialized, .removesTemporaryDirectories) struct GenerationRunnerTests {
    static let validSet = PreferenceSetParserTests.list

    /// A workspace over a new store holding `count` instructions.
    func workspace(instructions count: Int = 3, configure: (inout JanusConfig) -> Void = { _ in }) throws -> Workspace {
        let dir = try TestPaths.temporaryDirectory()
        var config = JanusConfig()
        config.db = dir.appendingPathComponent("g.db").path
        configure(&config)
        let workspace = try Workspace(config: config)
        let items = (0..<count).map { i in
            StoredInstruction(
                id: TextNormalizer.instructionID("Question \(i)"), position: i, text: "Question \(i): how do magnets work?",
                mainSource: "m", originalSource: "-", sourceName: "s", sourceFile: "f", sourceLine: i + 1)
        }
        try workspace.store.addInstructions(items, drops: [], runID: 1)
        return workspace
    }

    /// Answers every stage validly; preference sets differ per variant (the salt) so none repeats.
    static func validAnswer(_ request: ChatRequest) -> ChatResponse {
        switch request.purpose {
        case "expand":
            return FakeClient.reply(validSet.replacingOccurrences(of: "plain words", with: "plain words \(request.keySalt)"))
        case "systems":
            let words = Array(repeating: "carefully", count: 40).joined(separator: " ")
            // Depends on the whole prompt, as a model's answer does.
            return FakeClient.reply("You are a patient teacher who explains \(words) (\(request.key(provider: .openai).prefix(12))).")
        default:
            return FakeClient.reply("An answer for \(request.keySalt).")
        }
    }

    func run(_ workspace: Workspace, _ client: any ChatClient, stages: Set<Stage> = Set(Stage.allCases)) async throws -> RunStats {
        let stats = RunStats()
        try await workspace.generate(stages: stages, client: client, stats: stats)
        return stats
    }

    /// Requests wait for a send slot in the order of their step in the instruction's chain, then
    /// of when the instruction was admitted: every expand before any systems request, systems before
    /// respond, an earlier variant's expand before a later one's.
    @Test func requestsAreRankedByChainStepThenAdmission() {
        func rank(_ stage: Stage, _ variant: Int, _ order: Int) -> Int {
            GenerationRunner.rank(stage, variant: variant, order: order, variants: 3)
        }
        let order: [(Stage, Int, Int)] = [
            (.expand, 0, 0), (.expand, 0, 1), (.expand, 0, 999_999), (.expand, 1, 0), (.expand, 1, 7), (.expand, 2, 0),
            (.expand, 2, 999_999), (.systems, 0, 0), (.systems, 2, 0), (.systems, 1, 1), (.systems, 0, 999_999),
            (.respond, 2, 0), (.respond, 0, 3), (.respond, 1, 999_999),
        ]
        let ranks = order.map { rank($0.0, $0.1, $0.2) }
        for (index, pair) in zip(ranks, ranks.dropFirst()).enumerated() {
            #expect(pair.0 <= pair.1, "\(order[index]) before \(order[index + 1])")
        }
        // Within a step only the admission counts: the variants of a systems or respond request tie.
        #expect(rank(.systems, 0, 5) == rank(.systems, 2, 5))
        #expect(rank(.respond, 1, 5) < rank(.respond, 0, 6))
    }

    @Test func invalidPreferenceSetIsReaskedWithTheReasonThenAccepted() async throws {
        let ws = try workspace(instructions: 1)
        let client = FakeClient { request throws(ChatError) in
            if request.purpose == "expand" && request.messages.count <= 2 { return FakeClient.reply("[{\"dimension\": \"style\"}]") }
            if request.purpose == "expand" {
                #expect(request.messages.last?.content.contains("field `subdimension` is missing") == true)
            }
            return Self.validAnswer(request)
        }
        let stats = try await run(ws, client)
        #expect(stats.snapshot().stages[.respond]?.accepted == 3)
        #expect(client.counter.byPurpose == ["expand": 6, "systems": 3, "respond": 3])
        let meta = try ws.store.stageResults(stage: .expand).values.map { try JSONParser.parse($0.meta)["attempts"]?.intValue }
        #expect(meta == [2, 2, 2])
    }

    @Test(arguments: [
        ("[{\"dimension\":\"style\",\"subdimension\":\"a\",\"preference\":\"b\",\"description\":\"c\"}]", "expected exactly 4"),
        (validSet.replacingOccurrences(of: "\"Short sentences.\"", with: "\"\""), "is empty"),
        ("{\"preference_set\": [", "no JSON"),
    ])
    func persistentlyInvalidSetsAreQuarantinedWithTheReason(_ bad: String, _ reason: String) async throws {
        let ws = try workspace(instructions: 1) { $0.generation.validationAttempts = 2 }
        let client = FakeClient { request throws(ChatError) in
            request.purpose == "expand" ? FakeClient.reply(bad) : Self.validAnswer(request)
        }
        _ = try await run(ws, client)
        let failures = try ws.store.failures(stage: .expand)
        #expect(failures.count == 3)
        #expect(failures.values.allSatisfy { $0.kind == .quarantined && $0.reason.contains(reason) && $0.raw == bad })
        #expect(client.counter.byPurpose == ["expand": 6])
        let status = try ws.status()
        #expect(status.stages[.expand]?.quarantined == 3)
        // Quarantined items are not asked again unless asked to.
        _ = try await run(ws, client)
        #expect(client.counter.byPurpose == ["expand": 6])
    }

    @Test func retryQuarantinedAsksAgainUnderNewKeysAndResumesFromTheCache() async throws {
        let ws = try workspace(instructions: 1) { $0.generation.validationAttempts = 2 }
        let bad = "{\"preference_set\": ["
        let refusing = FakeClient { request throws(ChatError) in
            request.purpose == "expand" ? FakeClient.reply(bad) : Self.validAnswer(request)
        }
        _ = try await run(ws, refusing)
        #expect(refusing.counter.byPurpose == ["expand": 6])
        var retry = ws.config
        retry.generation.retryQuarantined = true
        let again = try Workspace(config: retry)
        // Still refused: a new round is asked (not the cached refusals), and quarantined again.
        _ = try await run(again, refusing)
        #expect(refusing.counter.byPurpose == ["expand": 12])
        #expect(try again.store.failures(stage: .expand).values.allSatisfy { $0.kind == .quarantined && $0.attempts == 4 })
        // A server that answers well now: the next round is asked and accepted.
        let answering = FakeClient { request throws(ChatError) in Self.validAnswer(request) }
        let stats = try await run(again, answering)
        #expect(stats.snapshot().stages[.respond]?.accepted == 3)
        #expect(answering.counter.byPurpose["expand"] == 3)
        #expect(try again.store.failures(stage: .expand).isEmpty)
        #expect(try again.status().stages[.respond]?.done == 3)
        // Done is done: nothing more is asked.
        _ = try await run(again, answering)
        #expect(answering.counter.byPurpose["expand"] == 3)
    }

    @Test func lengthCutResponsesFailAndAreRetriedOnTheNextRun() async throws {
        let ws = try workspace(instructions: 1)
        let cut = FakeClient { request throws(ChatError) in
            if request.purpose == "respond" { throw ChatError(kind: .length, message: "finish_reason length: the answer was cut at max_tokens", attempts: 6) }
            return Self.validAnswer(request)
        }
        let stats = try await run(ws, cut)
        #expect(stats.snapshot().stages[.respond]?.failed == 3)
        let failures = try ws.store.failures(stage: .respond)
        #expect(failures.values.allSatisfy { $0.kind == .failed && $0.reason.contains("cut at max_tokens") && $0.attempts == 6 })
        #expect(try ws.status().stages[.respond]?.failed == 3)
        #expect(try ws.store.stageResults(stage: .respond).isEmpty)
        let good = FakeClient { request throws(ChatError) in Self.validAnswer(request) }
        _ = try await run(ws, good)
        #expect(good.counter.byPurpose == ["respond": 3])
        #expect(try ws.status().stages[.respond]?.done == 3)
    }

    @Test func repeatedVariantIsReasked() async throws {
        let ws = try workspace(instructions: 1)
        let client = FakeClient { request throws(ChatError) in
            if request.purpose == "expand" && request.messages.count <= 2 { return FakeClient.reply(Self.validSet) }
            return Self.validAnswer(request)
        }
        _ = try await run(ws, client)
        // Variant 0 is accepted as is; variants 1 and 2 repeat it and are asked again.
        #expect(client.counter.byPurpose["expand"] == 5)
        #expect(try ws.status().stages[.respond]?.done == 3)
    }

    @Test func changedSystemsTemplateRerunsOnlySystemsAndRespond() async throws {
        let first = try workspace(instructions: 2)
        _ = try await run(first, FakeClient { request throws(ChatError) in Self.validAnswer(request) })
        let dir = try TestPaths.temporaryDirectory()
        for name in ["expand", "systems", "respond"] {
            var text = try #require(BuiltInFiles.text("prompts/\(name).txt"))
            if name == "systems" { text += "\nKeep it warm.\n" }
            try text.write(to: dir.appendingPathComponent("\(name).txt"), atomically: true, encoding: .utf8)
        }
        var config = first.config
        config.generation.promptsDirectory = dir.path
        let edited = try Workspace(config: config)
        let plan = try Plan.make(status: try edited.status(), store: edited.store, generation: config.generation, price: ModelPrice(prompt: 1, completion: 1), model: "m")
        #expect(plan.stages.map(\.requests) == [0, 6, 6])
        #expect(plan.stages.map(\.templateChanged) == [0, 6, 0])
        let client = FakeClient { request throws(ChatError) in Self.validAnswer(request) }
        _ = try await run(edited, client)
        #expect(client.counter.byPurpose == ["systems": 6, "respond": 6])
    }

    @Test func changedSamplingSettingRedoesOnlyThatStage() async throws {
        let first = try workspace(instructions: 2)
        _ = try await run(first, FakeClient { request throws(ChatError) in Self.validAnswer(request) })
        var config = first.config
        config.generation.maxTokens["respond"] = 2048
        let changed = try Workspace(config: config)
        let status = try changed.status()
        #expect(Stage.allCases.map { status.stages[$0]?.done ?? -1 } == [6, 6, 0])
        #expect(status.stages[.respond]?.stale == 6)
        let client = FakeClient { request throws(ChatError) in Self.validAnswer(request) }
        _ = try await run(changed, client)
        #expect(client.counter.byPurpose == ["respond": 6])
        #expect(try changed.status().stages[.respond]?.done == 6)
    }

    @Test func resumedRunEndsWhereAnUninterruptedOneDoes() async throws {
        let whole = try workspace(instructions: 4)
        let offline = OfflineProvider(taxonomy: whole.seeds.taxonomy)
        _ = try await run(whole, offline)
        // The same work, stopped by a spending limit part way, then resumed.
        let parts = try workspace(instructions: 4)
        let limited = FakeClient { request throws(ChatError) in
            if request.purpose == "respond" && request.keySalt == "variant=2" {
                throw ChatError(kind: .budget, message: "max cost reached")
            }
            return try awaitless(offline, request)
        }
        let stats = try await run(parts, limited)
        #expect(stats.stopReason == "max cost reached")
        #expect(try parts.status().stages[.respond]?.pending ?? 0 > 0)
        _ = try await run(parts, FakeClient { request throws(ChatError) in try awaitless(offline, request) })
        for stage in Stage.allCases {
            let a = try whole.store.stageResults(stage: stage).mapValues(\.output)
            let b = try parts.store.stageResults(stage: stage).mapValues(\.output)
            #expect(a == b, "\(stage)")
        }
    }
}

/// The offline provider's answer without awaiting (it never suspends).
func awaitless(_ provider: OfflineProvider, _ request: ChatRequest) throws(ChatError) -> ChatResponse {
    var rng = SeededGenerator(seed: Hashing.sha256Prefix64(request.key(provider: provider.providerKind)))
    let prompt = request.messages.last { $0.role == "user" }?.content ?? ""
    let content: String
    switch request.purpose {
    case "expand": content = provider.preferenceSet(for: prompt, rng: &rng)
    case "systems": content = provider.systemMessage(for: prompt, rng: &rng)
    default: content = provider.response(to: prompt, system: request.messages.first { $0.role == "system" }?.content ?? "", rng: &rng)
    }
    return FakeClient.reply(content)
}
