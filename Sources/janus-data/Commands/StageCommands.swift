import ArgumentParser
import JanusCore
import JanusStore

struct ExpandCommand: JanusCommand {
    static let configuration = CommandConfiguration(
        commandName: "expand", abstract: "Write preference sets for every instruction until nothing is pending.")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var llm: LLMOptions
    @Flag(help: "Print the run summary as JSON on stdout.") var json = false

    func execute() async throws -> Int32 { try await runStage(.expand, global, llm, json) }
}

struct SystemsCommand: JanusCommand {
    static let configuration = CommandConfiguration(
        commandName: "systems", abstract: "Write a system message for every stored preference set until nothing is pending.")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var llm: LLMOptions
    @Flag(help: "Print the run summary as JSON on stdout.") var json = false

    func execute() async throws -> Int32 { try await runStage(.systems, global, llm, json) }
}

struct RespondCommand: JanusCommand {
    static let configuration = CommandConfiguration(
        commandName: "respond", abstract: "Write the gold response for every stored system message until nothing is pending.")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var llm: LLMOptions
    @Flag(help: "Print the run summary as JSON on stdout.") var json = false

    func execute() async throws -> Int32 { try await runStage(.respond, global, llm, json) }
}

func runStage(_ stage: Stage, _ global: GlobalOptions, _ llm: LLMOptions, _ json: Bool) async throws -> Int32 {
    let config = try llm.resolve(global)
    let workspace = try Workspace(config: config, writer: stage.rawValue)
    try workspace.requireInstructions("run `janus-data ingest --source PRESET=PATH` first")
    return try await runStages(workspace, stages: [stage], json: json).rawValue
}
