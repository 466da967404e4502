import ArgumentParser
import Foundation
import JanusCore
import JanusExport
import JanusIngest
import JanusLLM
import JanusStore
import JanusSupport

struct BenchAnswerCommand: JanusCommand {
    static let configuration = CommandConfiguration(
        commandName: "answer",
        abstract: "Have the model under test answer every bench item (system message + prompt), or import answers made elsewhere.",
        discussion: """
            Examples: janus-data bench answer --model janus-7b --base-url http://localhost:8000/v1 ; \
            janus-data bench answer --name janus-7b --responses answers.jsonl (JSONL: `id` as in review.csv, or `system` and \
            `prompt`, with `response`). Answers are stored under --name (default: the model), resumable like any stage.
            """)
    @OptionGroup var global: GlobalOptions
    @OptionGroup var llm: LLMOptions
    @Option(help: "The answer set's name in the store and the report (default: --model).") var name: String?
    @Option(help: "Import answers from this JSONL file instead of asking a model.") var responses: String?
    @Flag(help: "Print the run summary as JSON on stdout.") var json = false

    func execute() async throws -> Int32 {
        let config = try llm.resolve(global)
        let set = name ?? config.client.model
        try BenchKeys.validate(set, what: "--name")
        let workspace = try Workspace(config: config, writer: "bench answer")
        let items = try reviewedItems(workspace)
        if let responses {
            let imported = try workspace.importBenchAnswers(responses, set: set, items: items)
            Console.info(imported.text)
            if json { Console.out(JSONValue.object([("imported", .integer(imported.imported)), ("bad", .integer(imported.bad))]).serialized()) }
            return imported.bad > 0 ? 3 : 0
        }
        return try await runBench(workspace, "answer", stages: [.benchAnswer], json: json) { try await $0.answer(items, set: set) }
    }
}

struct BenchJudgeCommand: JanusCommand {
    static let configuration = CommandConfiguration(
        commandName: "judge",
        abstract: "Score every stored answer against each of its four rubrics with a judge model (absolute grading, 1 to 5).",
        discussion: """
            One call per rubric per answer per run, at temperature 1.0 (the paper's GPT-4-Turbo-0125 setting), asking for \
            feedback and then "[RESULT] N". An answer the verdict parser cannot read is re-asked, then quarantined with its \
            text (see `janus-data bench failures --stage bench_judge`). Example: janus-data bench judge --judge-model gpt-4-turbo-2024-04-09
            """)
    @OptionGroup var global: GlobalOptions
    @OptionGroup var llm: LLMOptions
    @Option(help: "The judge model (default: --model / the config's model).") var judgeModel: String?
    @Option(name: .customLong("answers"), help: "An answer set to judge (default: every stored one); repeatable.") var answerSets: [String] = []
    @Option(help: "Judge runs per answer and rubric; the report averages them.") var runs = 3
    @Option(help: "The judge's sampling temperature.") var judgeTemperature = 1.0
    @Flag(help: "Print the run summary as JSON on stdout.") var json = false

    func execute() async throws -> Int32 {
        var config = try llm.resolve(global)
        if let judgeModel { config.client.model = judgeModel }
        guard runs >= 1 else { throw ValidationError("--runs must be at least 1") }
        let judge = config.client.model
        try BenchKeys.validate(judge, what: "--judge-model")
        let workspace = try Workspace(config: config, writer: "bench judge")
        let items = try reviewedItems(workspace)
        let sets = answerSets.isEmpty ? try workspace.store.stageIDPrefixes(stage: Stage.benchAnswer) : answerSets
        guard !sets.isEmpty else { throw ValidationError("no answers are stored: run `janus-data bench answer` first") }
        let runs = runs
        return try await runBench(workspace, "judge", stages: [.benchJudge], json: json, judgeTemperature: judgeTemperature) { bench in
            for set in sets { try await bench.judge(items, set: set, judge: judge, runs: runs) }
        }
    }
}

struct BenchReportCommand: JanusCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Scores per answer set: overall, per dimension, per bench source, with the spread across judge runs.",
        discussion: "Several answer sets are shown side by side; --chart writes the same as an SVG bar chart.")
    @OptionGroup var global: GlobalOptions
    @Option(name: .customLong("answers"), help: "An answer set to report (default: every judged one); repeatable.") var answerSets: [String] = []
    @Option(help: "The judge whose verdicts to use (default: the only one that judged the set).") var judgeModel: String?
    @Option(help: "Write an SVG bar chart of the scores here.") var chart: String?
    @Flag(help: "Print as JSON on stdout.") var json = false

    func execute() async throws -> Int32 {
        let workspace = try Workspace.existing(try global.resolve())
        let items = try reviewedItems(workspace)
        let sets = answerSets.isEmpty ? try workspace.store.stageIDPrefixes(stage: Stage.benchAnswer) : answerSets
        var scores: [BenchScores] = []
        for set in sets {
            let judges = try workspace.benchJudges(of: set)
            let judge: String
            if let judgeModel {
                judge = judgeModel
            } else if judges.count == 1, let only = judges.first {
                judge = only
            } else if judges.isEmpty {
                if !answerSets.isEmpty { Console.info("\(set): not judged yet (run `janus-data bench judge`)") }
                continue
            } else {
                throw ValidationError("\(set) was judged by \(judges.joined(separator: ", ")): choose one with --judge-model")
            }
            scores.append(try BenchScores.compute(store: workspace.store, items: items, set: set, judge: judge))
        }
        guard !scores.isEmpty else { throw ValidationError("no judged answers are stored: run `janus-data bench judge` first") }
        let report = BenchReport(scores: scores)
        if json { Console.out(report.json.serialized()) } else { Console.out(report.table) }
        if let chart {
            guard FileManager.default.createFile(atPath: chart, contents: Data(report.svg.utf8)) else {
                throw CommandError("cannot write \(chart): \(String(cString: strerror(errno)))")
            }
            Console.info("chart: \(chart)")
        }
        return 0
    }
}

struct BenchStatsCommand: JanusCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats", abstract: "ROUGE-L between the bench's and the collection's system messages (paper C.2), and within the collection.")
    @OptionGroup var global: GlobalOptions
    @Flag(help: "Print as JSON on stdout.") var json = false

    func execute() async throws -> Int32 {
        let workspace = try Workspace.existing(try global.resolve())
        let bench = try workspace.benchState().items.map(\.system)
        let stats = BenchStats.compute(bench: bench, collection: try workspace.store.collectionSystemMessages(), seed: workspace.config.seed)
        if json { Console.out(stats.json.serialized()) } else { Console.out(stats.table) }
        return 0
    }
}
