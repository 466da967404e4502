import ArgumentParser
import Foundation
import JanusCore
import JanusStore

struct BuildCommand: JanusCommand {
    static let configuration = CommandConfiguration(
        commandName: "build",
        abstract: "Ingest (when sources are configured), run every stage until nothing is pending, export.",
        discussion: "Example: janus-data build --provider offline --source nectar=sample/nectar.jsonl --out out")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var llm: LLMOptions
    @OptionGroup var sources: SourceOptions
    @OptionGroup var export: ExportOptions
    @Flag(help: "Skip the export at the end.") var noExport = false
    @Flag(help: "Print the run summary as JSON on stdout.") var json = false

    func execute() async throws -> Int32 {
        var config = try global.resolve()
        llm.apply(to: &config)
        try sources.apply(to: &config)
        export.apply(to: &config)
        let workspace = try Workspace(config: config, writer: "build")
        if !config.sources.isEmpty { try ingest(config, into: workspace, json: false) }
        guard try workspace.store.instructionCount() > 0 else {
            throw ArgumentParser.ValidationError("the store \(config.db) holds no instructions: give --source PRESET=PATH or list sources in janus.yaml")
        }
        let code = try await runStages(workspace, stages: Set(Stage.allCases), json: json)
        if code == 130 { return code }  // interrupted: no export of a part-made run
        if !noExport, config.export.out != "-" {
            try exportFormats(workspace, config: config)
        }
        return code
    }
}
