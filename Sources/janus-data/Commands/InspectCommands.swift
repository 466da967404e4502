import ArgumentParser
import Foundation
import JanusCore

struct PlanCommand: JanusCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan", abstract: "Show what build would send: requests, tokens and cost per stage. Sends nothing.")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var llm: LLMOptions
    @Flag(help: "Print the plan as JSON on stdout.") var json = false

    func execute() async throws -> Int32 {
        let config = try llm.resolve(global)
        let workspace = try Workspace(config: config)
        let plan = try Plan.make(
            status: try workspace.status(), store: workspace.store, generation: config.generation,
            price: workspace.price)
        if json { Console.out(plan.json.serialized()) } else { Console.info(plan.table) }
        return 0
    }
}

struct StatusCommand: JanusCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Per stage: done, pending, failed and quarantined items; tokens and cost so far.")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var llm: LLMOptions
    @Flag(help: "Print as JSON on stdout.") var json = false

    func execute() async throws -> Int32 {
        let config = try llm.resolve(global)
        let workspace = try Workspace(config: config)
        let status = try workspace.status()
        let usage = try workspace.store.usageTotals()
        let spent = usage.values.reduce(0) { $0 + $1.cost }
        let tokens = usage.values.reduce(0) { $0 + $1.promptTokens + $1.completionTokens }
        if json {
            var object = status.json.objectValue ?? []
            object.append(("tokens", .integer(tokens)))
            object.append(("cost_usd", .number(spent)))
            Console.out(JSONValue.object(object).serialized())
        } else {
            Console.out(status.table)
            Console.out("tokens stored: \(tokens), cost so far: $\(String(format: "%.4f", spent))")
        }
        return 0
    }
}

struct ExportCommand: JanusCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write the completed items as SFT, SFT-small, DPO, ORPO and RM JSONL shards with a manifest and a dataset card.")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var export: ExportOptions
    @OptionGroup var llm: LLMOptions

    func execute() async throws -> Int32 {
        var config = try global.resolve()
        llm.apply(to: &config)
        export.apply(to: &config)
        let workspace = try Workspace(config: config)
        if config.export.out == "-" {
            let formats = try ExportFormat.parse(config.export.formats)
            guard formats.count == 1 else { throw ArgumentParser.ValidationError("--out - writes one format; name it with --format") }
            try workspace.exportToStdout(format: formats[0])
            return 0
        }
        try exportFormats(workspace, config: config)
        return 0
    }
}

/// Exports every configured format and prints where the files went.
func exportFormats(_ workspace: Workspace, config: JanusConfig) throws {
    let results = try workspace.export(formats: try ExportFormat.parse(config.export.formats), settings: config.export)
    for result in results {
        Console.info("export \(result.format.rawValue): \(result.records) records in \(result.files) file(s) under \(result.directory)")
    }
}

struct StatsCommand: JanusCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats", abstract: "Counts per source and dimension, and the diversity of preferences (ROUGE-L, as in the paper).")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var llm: LLMOptions
    @Flag(help: "Print as JSON on stdout.") var json = false

    func execute() async throws -> Int32 {
        let stats = try DatasetStats.compute(Workspace(config: try llm.resolve(global)))
        if json { Console.out(stats.json.serialized()) } else { Console.out(stats.table) }
        return 0
    }
}
