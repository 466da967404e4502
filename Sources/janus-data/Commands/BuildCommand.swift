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
        let status = try await BuildSequence(workspace: workspace, export: !noExport).run(
            ingest: { try ingest(config, into: workspace, json: false) },
            stages: { try await runStages(workspace, stages: $0, json: json) },
            export: { try exportFormats(workspace, config: config) })
        return status.rawValue
    }
}
