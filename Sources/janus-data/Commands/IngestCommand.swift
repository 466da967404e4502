import ArgumentParser
import Foundation
import JanusCore
import JanusIngest

struct IngestCommand: JanusCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Read sources, drop duplicates, sample by seed, then drop system-message-like instructions (the paper's order).",
        discussion: "Example: janus-data ingest --source nectar=nectar.jsonl --source dsp=dsp.csv --quota nectar=500")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var sources: SourceOptions
    @Flag(help: "Print the summary as JSON on stdout.")
    var json = false

    func execute() async throws -> Int32 {
        var config = try global.resolve()
        try sources.apply(to: &config)
        guard !config.sources.isEmpty else {
            throw ArgumentParser.ValidationError("no sources: give --source PRESET=PATH or list them under `sources` in janus.yaml")
        }
        try ingest(config, json: json)
        return 0
    }
}

/// Checks that every source exists before reading any, then ingests and prints the summary.
@discardableResult
func ingest(_ config: JanusConfig, into existing: Workspace? = nil, json: Bool) throws -> IngestSummary {
    for source in config.sources { try source.checkAvailable() }
    let workspace = try existing ?? Workspace(config: config, writer: "ingest")
    let summary = try workspace.ingest(config.sources)
    Console.info(summary.table)
    Console.info("added \(summary.added) instructions to \(config.db)")
    if json { Console.out(summary.json.serialized()) }
    return summary
}
