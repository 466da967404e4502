import ArgumentParser
import Foundation
import JanusCore
import JanusExport
import JanusIngest
import JanusLLM
import JanusStore
import JanusSupport

/// `janus-data bench ...`: the Multifaceted Bench (paper C.1, F.2): build it, export it, have a
/// model answer it, have a judge score the answers, report the scores.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Build the Multifaceted Bench, answer it with a model, score the answers with a judge.",
        discussion: """
            bench build -> bench export (review.csv: mark items to drop) -> bench answer -> bench judge -> bench report. \
            Everything is kept in the same store (--db) as the collection; every command resumes where it stopped.
            """,
        subcommands: [
            BenchBuildCommand.self, BenchExportCommand.self, BenchAnswerCommand.self, BenchJudgeCommand.self, BenchReportCommand.self,
            BenchStatsCommand.self, BenchPlanCommand.self, BenchFailuresCommand.self,
        ])
}

/// Runs one bench command's requests with a progress display of `stages`, then prints the run
/// summary; the exit codes are those of the collection's stages (0, 1, 3, 130).
func runBench(
    _ workspace: Workspace, _ command: String, stages: [Stage], json: Bool, judgeTemperature: Double = 1.0,
    _ body: @escaping (BenchRunner) async throws -> Void
) async throws -> Int32 {
    let status = try await runShowingProgress(workspace, stages: stages, json: json) { client, stats in
        try await workspace.benchRun(command, client: client, stats: stats, judgeTemperature: judgeTemperature, body)
    }
    return status.rawValue
}

/// The complete, reviewed bench items, or a usage error naming what to run first.
func reviewedItems(_ workspace: Workspace) throws -> [BenchItem] {
    let items = try workspace.reviewedBenchItems()
    guard !items.isEmpty else {
        throw ValidationError("the store \(workspace.config.db) holds no complete bench items: run `janus-data bench build --source PRESET=PATH` first")
    }
    return items
}

struct BenchBuildCommand: JanusCommand {
    static let configuration = CommandConfiguration(
        commandName: "build",
        abstract: "Choose bench instructions, then write three system messages, reference answers and rubrics for each.",
        discussion: """
            Drops instructions the collection holds (exactly or nearly) or that repeat across the bench sources, samples \
            --count of the rest by seed, then runs bench_expand (preference sets unlike the collection's), bench_systems, \
            bench_reference and bench_rubrics until nothing is pending. Example: \
            janus-data bench build --provider offline --source alpaca_eval=alpaca_eval.json --source mt_bench=question.jsonl
            """)
    @OptionGroup var global: GlobalOptions
    @OptionGroup var llm: LLMOptions
    @Option(
        name: .customLong("source"),
        help: "A bench source as PRESET=PATH (alpaca_eval, flask, koala, mt_bench, self_instruct, bench (named after the file), or an ingest preset); repeatable.")
    var sources: [String] = []
    @Option(help: "Bench instructions in all (the paper: 315).") var count = 315
    @Flag(help: "Print the run summary as JSON on stdout.") var json = false

    func execute() async throws -> Int32 {
        let config = try llm.resolve(global)
        guard count >= 0 else { throw ValidationError("--count must be 0 or more") }
        let specs = try sources.map { try SourceSpec.parse($0) }
        let workspace = try Workspace(config: config, writer: "bench build")
        if !specs.isEmpty { Console.info(try workspace.benchIntake(specs, count: count).text) }
        let state = try workspace.benchState()
        guard !state.instructions.isEmpty else {
            throw ValidationError("the store \(config.db) holds no bench instructions: give --source PRESET=PATH")
        }
        return try await runBench(workspace, "build", stages: Array(Stage.bench.prefix(4)), json: json) { try await $0.build(state) }
    }
}

struct BenchExportCommand: JanusCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write <out>/bench: the complete items in the published Multifaceted-Bench layout, manifest, card, review.csv.",
        discussion: """
            review.csv has a row per item; put anything (x) in its `drop` column to leave the item out of the next export \
            (and of answer, judge and report). The export reads the review.csv already in <out>/bench unless --review names one.
            """)
    @OptionGroup var global: GlobalOptions
    @Option(help: "The output directory (default: the config's export.out, else ./out).") var out: String?
    @Option(help: "The review file to read the drop marks from.") var review: String?

    func execute() async throws -> Int32 {
        let config = try global.resolve()
        let workspace = try Workspace.existing(config)
        let result = try workspace.exportBench(out: out ?? config.export.out, review: review)
        var line = "bench: \(result.records) items -> \(result.directory)"
        if result.dropped > 0 { line += " (\(result.dropped) dropped in review)" }
        let incomplete = result.incomplete.values.reduce(0, +)
        if incomplete > 0 { line += "; \(incomplete) items incomplete (run `janus-data bench build` again)" }
        Console.info(line)
        return 0
    }
}

struct BenchPlanCommand: JanusCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Show what bench build, answer or judge would send: requests, tokens and cost per stage. Sends nothing.",
        discussion: """
            Give the flags the command itself would get: the writer's --model, --source and --count for build, the model \
            under test's --model (and --name) for answer, --judge-model, --answers and --runs for judge. A --db with no \
            store yet is planned as empty and not created.
            """)
    @OptionGroup var global: GlobalOptions
    @OptionGroup var llm: LLMOptions
    @Argument(help: "build, answer or judge.") var part: String
    @Option(help: "answer: the answer set's name (default: --model).") var name: String?
    @Option(help: "judge: the judge model (default: --model).") var judgeModel: String?
    @Option(name: .customLong("answers"), help: "judge: an answer set to judge (default: every stored one); repeatable.") var answerSets: [String] = []
    @Option(help: "judge: runs per answer and rubric.") var runs = 3
    @Option(
        name: .customLong("source"),
        help: "build: a bench source as bench build would get it (PRESET=PATH); the instructions it would choose are planned too; repeatable.")
    var sources: [String] = []
    @Option(help: "build: bench instructions in all, as bench build would get it.") var count = 315
    @Flag(help: "Print the plan as JSON on stdout.") var json = false

    func execute() async throws -> Int32 {
        guard let part = BenchPart(rawValue: part) else { throw ValidationError("plan what: build, answer or judge, not \"\(part)\"") }
        guard sources.isEmpty || part == .build else { throw ValidationError("--source is for `bench plan build`") }
        var config = try llm.resolve(global)
        if part == .judge, let judgeModel { config.client.model = judgeModel }
        // A plan writes nothing: with no store at --db yet, it plans against an empty one in memory.
        if !FileManager.default.fileExists(atPath: config.db) { config.db = ":memory:" }
        let workspace = try Workspace(config: config)
        let specs = try sources.map { try SourceSpec.parse($0) }
        let intake =
            specs.isEmpty ? nil : try BenchSelector.select(sources: specs, settings: config.ingest, seed: config.seed, count: count, store: workspace.store)
        let chosen = intake?.added ?? []
        if part == .build, chosen.isEmpty, try workspace.store.benchInstructions().isEmpty {
            if let intake {
                // The sources were read and gave nothing: say what became of their lines.
                Console.info("the --source files give no instruction `bench build` would choose, and none are stored yet:\n\(intake.text)")
            } else {
                Console.info("no bench instructions are stored yet: give the --source flags `bench build` will get to plan for the ones it would choose")
            }
        }
        var sets = answerSets
        if part == .answer { sets = [name ?? config.client.model] }
        if part == .judge, sets.isEmpty { sets = try workspace.store.stageIDPrefixes(stage: Stage.benchAnswer) }
        let plan = try workspace.benchPlan(part, answerSets: sets, runs: runs, chosen: chosen)
        if json { Console.out(plan.json.serialized()) } else { Console.info(plan.table) }
        return 0
    }
}

struct BenchFailuresCommand: JanusCommand {
    static let configuration = CommandConfiguration(
        commandName: "failures", abstract: "The bench's failed and quarantined items, by stage and reason, with the start of each refused answer.")
    @OptionGroup var global: GlobalOptions
    @Option(help: "Only this stage (bench_expand, bench_systems, bench_reference, bench_rubrics, bench_answer, bench_judge).") var stage: String?
    @Option(help: "Items shown per reason.") var limit = 3
    @Flag(help: "Print as JSON on stdout.") var json = false

    func execute() async throws -> Int32 {
        var chosen: Stage?
        if let stage {
            guard let s = Stage(rawValue: stage), Stage.bench.contains(s) else {
                throw ValidationError("--stage must be one of \(Stage.bench.map(\.rawValue).joined(separator: ", ")), not \"\(stage)\"")
            }
            chosen = s
        }
        let workspace = try Workspace.existing(try global.resolve())
        let failures = try BenchFailures.compute(workspace.store, stage: chosen)
        if json { Console.out(failures.json.serialized()) } else { Console.out(failures.text(limit: limit)) }
        return 0
    }
}
