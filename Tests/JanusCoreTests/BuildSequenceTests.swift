import Foundation
@testable import JanusCore
@testable import JanusExport
@testable import JanusIngest
@testable import JanusLLM
@testable import JanusStore
@testable import JanusSupport
import Testing

/// The build sequence, the exit-code policy and the status totals, called as the library
/// (the command line only prints what they return).
@Suite(.removesTemporaryDirectories) struct BuildSequenceTests {
    /// A workspace on a new store in `dir`, offline, exporting to `dir/out`.
    func workspace(in dir: URL, sources: [SourceSpec]) throws -> Workspace {
        var config = JanusConfig()
        config.db = dir.appendingPathComponent("b.db").path
        config.client.provider = .offline
        config.sources = sources
        config.export.out = dir.appendingPathComponent("out").path
        return try Workspace(config: config)
    }

    static let nectar = SourceSpec(
        preset: "nectar", path: TestPaths.packageRoot.appendingPathComponent("Tests/JanusCoreTests/Fixtures/ingest/nectar.jsonl").path)

    /// Runs the sequence with the workspace's own ingest, stages and export; returns the steps
    /// taken, in order, and the status.
    func build(_ workspace: Workspace, export: Bool = true) async throws -> (steps: [String], status: CommandExit) {
        var steps: [String] = []
        let status = try await BuildSequence(workspace: workspace, export: export).run(
            ingest: {
                steps.append("ingest")
                _ = try workspace.ingest(workspace.config.sources)
            },
            stages: { stages in
                steps.append("stages \(stages.count)")
                let stats = RunStats()
                try await workspace.generate(stages: stages, client: try workspace.makeClient(), stats: stats)
                return CommandExit(run: stats)
            },
            export: {
                steps.append("export")
                _ = try workspace.export(formats: ExportFormat.allCases, settings: workspace.config.export)
            })
        return (steps, status)
    }

    @Test func configuredSourcesAreIngestedThenEveryStageRunsThenItExports() async throws {
        let dir = try TestPaths.temporaryDirectory()
        let workspace = try workspace(in: dir, sources: [Self.nectar])
        let (steps, status) = try await build(workspace)
        #expect(steps == ["ingest", "stages 3", "export"])
        #expect(status == .done)
        let instructions = try workspace.store.instructionCount()
        #expect(instructions > 0)
        let sft = try String(contentsOf: dir.appendingPathComponent("out/sft/train-00000-of-00001.jsonl"), encoding: .utf8)
        #expect(sft.split(separator: "\n").count == instructions * 3)
    }

    @Test func withoutSourcesTheStoredInstructionsAreBuiltAndNoExportMeansNone() async throws {
        let dir = try TestPaths.temporaryDirectory()
        let first = try workspace(in: dir, sources: [Self.nectar])
        _ = try first.ingest(first.config.sources)
        let again = try Workspace(config: { var c = first.config; c.sources = []; return c }(), store: first.store)
        let (steps, status) = try await build(again, export: false)
        #expect(steps == ["stages 3"])
        #expect(status == .done)
        #expect(try again.status().completeVariants == (try again.store.instructionCount()) * 3)
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("out").path))
    }

    @Test func anEmptyStoreIsAUsageErrorBeforeAnyStage() async throws {
        let dir = try TestPaths.temporaryDirectory()
        let workspace = try workspace(in: dir, sources: [])
        let steps = Locked<[String]>([])
        let error = await #expect(throws: UsageError.self) {
            _ = try await BuildSequence(workspace: workspace).run(
                ingest: { steps.withLock { $0.append("ingest") } },
                stages: { _ in steps.withLock { $0.append("stages") }; return .done },
                export: { steps.withLock { $0.append("export") } })
        }
        #expect(error?.message.contains("holds no instructions") == true)
        #expect(error.map { CommandExit(error: $0) } == .usage)
        #expect(steps.withLock { $0 }.isEmpty)
    }

    /// The command line prints the usage error in one line and exits 2, for build and for a stage.
    @Test(arguments: [["build"], ["expand"]]) func theCommandsExitTwoOnAnEmptyStore(command: [String]) throws {
        let dir = try TestPaths.temporaryDirectory()
        let result = try runJanus(command + ["--provider", "offline", "--db", "empty.db"], in: dir)
        #expect(result.status == CommandExit.usage.rawValue)
        #expect(result.stderr.contains("error: the store empty.db holds no instructions: "), "\(result.stderr)")
    }

    /// The stages' status decides the export: an interrupted run is not exported, a run with
    /// failed items is, and keeps its status; `--out -` (stdout) exports nothing at the end.
    @Test(arguments: [CommandExit.done, .problems, .error, .interrupted], ["out", "-"])
    func theExportFollowsTheStagesStatusAndTheOutput(stages: CommandExit, out: String) async throws {
        let dir = try TestPaths.temporaryDirectory()
        var config = try workspace(in: dir, sources: [Self.nectar]).config
        config.export.out = out
        let workspace = try Workspace(config: config)
        var exported = false
        let status = try await BuildSequence(workspace: workspace).run(
            ingest: { _ = try workspace.ingest(config.sources) }, stages: { _ in stages }, export: { exported = true })
        #expect(status == stages)
        #expect(exported == (out != "-" && stages != .interrupted))
    }

    @Test func theExitStatusOfARun() {
        let clean = RunStats()
        clean.update(.expand) { $0.accepted += 3 }
        #expect(CommandExit(run: clean) == .done)

        let quarantined = RunStats()
        quarantined.update(.systems) { $0.quarantined += 1 }
        #expect(CommandExit(run: quarantined) == .problems)

        let budget = RunStats()
        budget.stop("max cost $1.00 reached")
        #expect(CommandExit(run: budget) == .problems)

        let refused = RunStats()
        refused.update(.respond) { $0.failed += 1 }
        refused.stop("HTTP 401: invalid key", fatal: true)
        #expect(CommandExit(run: refused) == .error)

        let interrupted = RunStats()
        interrupted.update(.respond) { $0.failed += 1 }
        interrupted.stop("max cost $1.00 reached")
        interrupted.interrupt()
        #expect(CommandExit(run: interrupted) == .interrupted)

        #expect(CommandExit(error: ConfigError(file: "janus.yaml", message: "bad")) == .error)
        #expect(CommandExit.allCases.map(\.rawValue) == [0, 1, 2, 3, 130])
    }

    @Test func theSpendTotalsOfTheStore() throws {
        let store = try memoryStore()
        let empty = try SpendSummary(store: store)
        #expect(empty == SpendSummary(usage: [:], unpriced: [:]))
        #expect(empty.line == "tokens stored: 0, cost so far: $0.0000")

        func answer(_ key: String, purpose: String, model: String, tokens: (Int, Int), cost: Double?) throws {
            let request = ChatRequest(model: model, messages: [ChatMessage(role: "user", content: key)], purpose: purpose)
            let response = ChatResponse(
                content: "a", finishReason: "stop", usage: TokenUsage(promptTokens: tokens.0, completionTokens: tokens.1, estimated: false))
            try store.saveAnswer(key: key, request: request, response: response, cost: cost)
        }
        try answer("k1", purpose: "expand", model: "m", tokens: (10, 5), cost: 0.25)
        try answer("k2", purpose: "respond", model: "m", tokens: (100, 50), cost: 1.5)
        let priced = try SpendSummary(store: store)
        #expect(priced.answers == 2)
        #expect(priced.tokens == 165)
        #expect(priced.cost == 1.75)
        #expect(!priced.allUnpriced)
        #expect(priced.line == "tokens stored: 165, cost so far: $1.7500")

        try answer("k3", purpose: "respond", model: "local-llm", tokens: (7, 3), cost: nil)
        let mixed = try SpendSummary(store: store)
        #expect(mixed.tokens == 175)
        #expect(mixed.unpriced == ["local-llm": 1])
        #expect(!mixed.allUnpriced)
        #expect(mixed.line.hasPrefix("tokens stored: 175, cost so far: $1.7500; 1 answers not counted: "))
        #expect(mixed.jsonFields.map(\.0) == ["tokens", "cost_usd", "unpriced_answers"])

        let unknown = SpendSummary(usage: ["respond": (requests: 2, promptTokens: 4, completionTokens: 6, cost: 0)], unpriced: ["x": 2])
        #expect(unknown.allUnpriced)
        #expect(unknown.line.hasPrefix("tokens stored: 10, cost so far: unknown ("))
    }
}
