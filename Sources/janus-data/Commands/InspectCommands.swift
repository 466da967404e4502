import ArgumentParser
import Foundation
import JanusCore
import JanusExport
import JanusLLM
import JanusStore
import JanusSupport

// The commands that only read. Each reads the store with the settings of its most recent
// generation run, except where flags or janus.yaml give others; then it says, in one line,
// what differs and what that means for its output.

struct PlanCommand: JanusCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan", abstract: "Show what build would send: requests, tokens and cost per stage. Sends nothing.")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var llm: LLMOptions
    @Flag(help: "Print the plan as JSON on stdout.") var json = false

    func execute() async throws -> Int32 {
        let (workspace, read) = try Workspace.reading(try llm.resolve(global))
        let status = try workspace.status()
        let plan = try Plan.make(
            status: status, store: workspace.store, generation: workspace.config.generation, price: workspace.price,
            model: workspace.config.client.model)
        if let note = read.note(complete: status.completeVariants, of: status.totalVariants, then: "the plan is for the settings in use") {
            Console.info(note)
        }
        if json { Console.out(plan.json.serialized()) } else { Console.info(plan.table) }
        return 0
    }
}

struct StatusCommand: JanusCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Per stage: done, pending, failed and quarantined items as the store's last run made them; tokens and cost so far.")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var llm: LLMOptions
    @Flag(help: "Print as JSON on stdout.") var json = false

    func execute() async throws -> Int32 {
        let (workspace, read) = try Workspace.reading(try llm.resolve(global))
        // What the store holds, under the stored run's settings; then what the given ones change.
        let asBuilt = try workspace.asStored(read)
        let status = try asBuilt.status()
        let given = read.differences.isEmpty ? nil : asBuilt === workspace ? status : try workspace.status()
        let note = given.flatMap {
            read.note(complete: $0.completeVariants, of: $0.totalVariants, then: "build with them would send \($0.pendingRequests) requests")
        }
        let spend = try SpendSummary(store: workspace.store)
        // Per endpoint, once more than one has been used.
        let endpoints = try workspace.store.endpointTallies()
        let shownEndpoints = endpoints.count > 1 ? endpoints : []
        if json {
            var object = status.json.objectValue ?? []
            object += spend.jsonFields
            object.append(("stored_run", read.json))
            if !shownEndpoints.isEmpty { object.append(("endpoints", .array(shownEndpoints.map(\.json)))) }
            if let given, let note {
                object.append(("given", .object([("message", .string(note)), ("stages", given.json["stages"] ?? .null)])))
            }
            Console.out(JSONValue.object(object).serialized())
        } else {
            if let run = read.runDescription { Console.out("as made by the store's most recent \(run)") }
            Console.out(status.table)
            Console.out(spend.line)
            if !shownEndpoints.isEmpty { Console.out("attempts per endpoint:\n" + EndpointTally.table(shownEndpoints)) }
            if let note { Console.out(note) }
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
        let (workspace, read) = try Workspace.reading(config)
        let total = try workspace.store.instructionCount() * workspace.config.generation.variants
        let accept: (Int, LeftOut) throws -> Void = { complete, _ in
            try workspace.refuseEmptyExport(complete: complete, read: read)
            if let note = read.note(complete: complete, of: total, then: "exporting those") { Console.info(note) }
        }
        if workspace.config.export.out == "-" {
            let formats = try ExportFormat.parse(workspace.config.export.formats)
            guard formats.count == 1 else { throw ArgumentParser.ValidationError("--out - writes one format; name it with --format") }
            try workspace.exportToStdout(format: formats[0], accept: accept)
            return 0
        }
        try exportFormats(workspace, config: workspace.config, accept: accept)
        return 0
    }
}

/// Exports every configured format and prints where the files went.
func exportFormats(_ workspace: Workspace, config: JanusConfig, accept: (Int, LeftOut) throws -> Void = { _, _ in }) throws {
    let results = try workspace.export(formats: try ExportFormat.parse(config.export.formats), settings: config.export, accept: accept)
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
        let (workspace, read) = try Workspace.reading(try llm.resolve(global))
        let stats = try DatasetStats.compute(workspace)
        let total = stats.instructions * workspace.config.generation.variants
        if let note = read.note(complete: stats.completeVariants, of: total, then: "the statistics cover those") {
            Console.info(note)
        }
        if json { Console.out(stats.json.serialized()) } else { Console.out(stats.table) }
        return 0
    }
}
