import ArgumentParser
import Foundation
import JanusCore
import JanusExport
import JanusIngest
import JanusLLM
import JanusStore
import JanusSupport

/// `janus-data batch ...`: the requests of a stage as batch files for provider batch APIs (at
/// half the price) or `vllm run-batch`, and their answers back into the store.
struct BatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "batch",
        abstract: "Send a stage's pending requests through a provider batch API or vllm run-batch files, and import the answers.",
        discussion: """
            Settings not given (flags or janus.yaml) are those of the store's most recent generation run, \
            so every batch command builds the same request keys as the prepare before it.
            """,
        subcommands: [
            BatchPrepareCommand.self, BatchImportCommand.self, BatchSubmitCommand.self, BatchStatusCommand.self,
            BatchCollectCommand.self, BatchCancelCommand.self,
        ])
}

/// Options of the commands that write batch files.
struct BatchFileOptions: ParsableArguments {
    @Option(help: "The stage whose pending requests are written: expand, systems or respond.")
    var stage: String
    @Option(help: "Requests per file at most.")
    var maxLines = 50_000
    @Option(help: "Megabytes per file at most.")
    var maxMb = 190

    func validate() throws {
        guard Stage(rawValue: stage) != nil else { throw ValidationError("--stage must be expand, systems or respond, not \"\(stage)\"") }
        if maxLines < 1 { throw ValidationError("--max-lines must be at least 1") }
        if maxMb < 1 { throw ValidationError("--max-mb must be at least 1") }
    }

    var parsedStage: Stage { Stage(rawValue: stage) ?? .expand }
    var limits: BatchFileLimits { BatchFileLimits(maxLines: maxLines, maxBytes: maxMb * 1_000_000) }
}

/// The workspace of a batch command: the settings given, the rest from the store's most recent
/// generation run, and the store's run lock held.
func batchWorkspace(_ global: GlobalOptions, _ llm: LLMOptions, command: String) throws -> Workspace {
    let given = try llm.resolve(global)
    let effective = try Workspace.reading(given).0.config
    guard effective.client.provider == .openai else {
        throw ValidationError("batch files are for OpenAI-compatible servers: give --provider openai (and --model, --base-url as for build)")
    }
    let workspace = try Workspace(config: effective, writer: command)
    guard try workspace.store.instructionCount() > 0 else {
        throw ValidationError("the store \(effective.db) holds no instructions: run `janus-data ingest --source PRESET=PATH` first")
    }
    return workspace
}

struct BatchPrepareCommand: JanusCommand {
    static let configuration = CommandConfiguration(
        commandName: "prepare",
        abstract: "Write the stage's pending requests as batch request lines (custom_id, method, url, body) with manifest.json.")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var llm: LLMOptions
    @OptionGroup var files: BatchFileOptions
    @Option(help: "A new or empty directory for the files.") var out: String
    @Flag(help: "Print the manifest as JSON on stdout.") var json = false

    func execute() async throws -> Int32 {
        let workspace = try batchWorkspace(global, llm, command: "batch prepare")
        let summary = try await workspace.prepareBatch(
            stage: files.parsedStage, directory: URL(fileURLWithPath: out), limits: files.limits)
        Console.info(summary.text)
        if json { Console.out(summary.manifest.serialized()) }
        return 0
    }
}

struct BatchImportCommand: JanusCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import batch output and error files (OpenAI-style or vllm run-batch): validate and store every answer.",
        discussion: "Exit code 3 when some lines were refused (unknown custom_id) or unreadable, or items were quarantined.")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var llm: LLMOptions
    @Argument(help: "Output or error files (JSONL).") var files: [String]
    @Flag(help: "Print the counts as JSON on stdout.") var json = false

    func validate() throws {
        if files.isEmpty { throw ValidationError("give at least one output or error file") }
    }

    func execute() async throws -> Int32 {
        let workspace = try batchWorkspace(global, llm, command: "batch import")
        let summary = try await workspace.importBatchFiles(files)
        return report(summary, json: json)
    }
}

/// Prints an import summary; the exit code: 3 when lines were refused or unreadable, or items
/// quarantined.
func report(_ summary: BatchImportSummary, json: Bool) -> Int32 {
    Console.info(summary.text)
    if json { Console.out(summary.json.serialized()) }
    let total = summary.total
    return total.unknown + total.malformed + summary.quarantined.values.reduce(0, +) > 0 ? 3 : 0
}

struct BatchSubmitCommand: JanusCommand {
    static let configuration = CommandConfiguration(
        commandName: "submit",
        abstract: "Prepare the stage's pending requests, upload each file and create a batch over it (/v1/files, /v1/batches).")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var llm: LLMOptions
    @OptionGroup var files: BatchFileOptions
    @Option(help: "Where the request files go (default: <db>.batches/<stage>-<time>).") var out: String?
    @Flag(help: "Print the submitted batches as JSON on stdout.") var json = false

    func execute() async throws -> Int32 {
        let workspace = try batchWorkspace(global, llm, command: "batch submit")
        let api = try workspace.batchAPI()
        let stamp = ISO8601DateFormatter().string(from: Date()).replacingOccurrences(of: ":", with: "")
        var directory = out ?? "\(workspace.config.db).batches/\(files.stage)-\(stamp)"
        if out == nil {
            // Two submits within a second: the second gets a folder of its own.
            let first = directory
            var n = 1
            while FileManager.default.fileExists(atPath: directory) {
                n += 1
                directory = "\(first)-\(n)"
            }
        }
        let (prepared, submitted) = try await workspace.submitBatch(
            stage: files.parsedStage, directory: URL(fileURLWithPath: directory), limits: files.limits, api: api)
        Console.info(prepared.text)
        for record in submitted {
            Console.info("submitted \(URL(fileURLWithPath: record.path).lastPathComponent): batch \(record.batchID ?? "?") (\(record.status))")
        }
        if !submitted.isEmpty { Console.info("`janus-data batch collect` waits for them and imports the answers") }
        if json { Console.out(JSONValue.array(submitted.map(batchJSON)).serialized()) }
        return 0
    }
}

struct BatchStatusCommand: JanusCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Every batch file of the store; the live batches' status asked of the provider.")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var llm: LLMOptions
    @Flag(help: "Print as JSON on stdout.") var json = false

    func execute() async throws -> Int32 {
        let workspace = try batchWorkspace(global, llm, command: "batch status")
        if try workspace.store.batchFiles().contains(where: \.isLive) {
            _ = try await workspace.refreshBatches(api: try workspace.batchAPI())
        }
        let records = try workspace.store.batchFiles()
        var rows = [["id", "stage", "file", "lines", "answered", "batch", "status"]]
        var objects: [JSONValue] = []
        for record in records {
            let answered = try workspace.store.answeredCount(fileID: record.id).answered
            rows.append([
                "\(record.id)", record.stage, URL(fileURLWithPath: record.path).lastPathComponent, "\(record.lines)", "\(answered)",
                record.batchID ?? "-", record.status,
            ])
            var object = batchJSON(record).objectValue ?? []
            object.append(("answered", .integer(answered)))
            objects.append(.object(object))
        }
        if records.isEmpty { Console.info("no batch files in \(workspace.config.db)") } else { Console.info(TextTable.render(rows)) }
        if json { Console.out(JSONValue.array(objects).serialized()) }
        return 0
    }
}

struct BatchCollectCommand: JanusCommand {
    static let configuration = CommandConfiguration(
        commandName: "collect",
        abstract: "Wait for the live batches to end, download their output and error files and import them.",
        discussion: "Killed or stopped by --timeout, run it again: the batch ids are in the store.")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var llm: LLMOptions
    @Option(help: "Seconds before the first poll; each wait then doubles.") var poll = 30.0
    @Option(help: "The longest wait between polls, in seconds.") var maxPoll = 600.0
    @Option(help: "Stop waiting after this many seconds (the batches still running are collected later).") var timeout: Double?
    @Flag(help: "Delete the provider's input, output and error files once imported.") var cleanup = false
    @Flag(help: "Print the counts as JSON on stdout.") var json = false

    func execute() async throws -> Int32 {
        let workspace = try batchWorkspace(global, llm, command: "batch collect")
        let result = try await workspace.collectBatches(
            api: try workspace.batchAPI(), polling: BatchPolling(initial: poll, maximum: maxPoll, timeout: timeout), cleanup: cleanup
        ) { Console.info($0) }
        for record in result.imported { Console.info("imported batch \(record.batchID ?? "?") (\(record.lines) requests)") }
        var code: Int32 = 0
        if let summary = result.summary { code = report(summary, json: json) } else if json { Console.out("{}") }
        if !result.stillRunning.isEmpty {
            Console.info("\(result.stillRunning.count) batch(es) still running; run `janus-data batch collect` again later")
            return 3
        }
        if result.imported.isEmpty { Console.info("no live batches in \(workspace.config.db)") }
        return code
    }
}

struct BatchCancelCommand: JanusCommand {
    static let configuration = CommandConfiguration(
        commandName: "cancel", abstract: "Cancel live batches (all, or those named); `collect` then imports what they answered.")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var llm: LLMOptions
    @Argument(help: "Batch ids (default: every live batch).") var ids: [String] = []

    func execute() async throws -> Int32 {
        let workspace = try batchWorkspace(global, llm, command: "batch cancel")
        let cancelled = try await workspace.cancelBatches(ids: ids, api: try workspace.batchAPI())
        for (record, info) in cancelled { Console.info("batch \(record.batchID ?? "?"): \(info.status)") }
        if cancelled.isEmpty { Console.info("no live batches in \(workspace.config.db)") }
        return 0
    }
}

func batchJSON(_ record: BatchFileRecord) -> JSONValue {
    .object([
        ("id", .integer(record.id)), ("stage", .string(record.stage)), ("path", .string(record.path)), ("lines", .integer(record.lines)),
        ("sha256", .string(record.sha256)), ("input_file_id", record.inputFileID.map { .string($0) } ?? .null),
        ("batch_id", record.batchID.map { .string($0) } ?? .null), ("status", .string(record.status)),
        ("output_file_id", record.outputFileID.map { .string($0) } ?? .null),
        ("error_file_id", record.errorFileID.map { .string($0) } ?? .null),
    ])
}
