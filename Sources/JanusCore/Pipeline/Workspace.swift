import Foundation
import JanusExport
import JanusIngest
import JanusLLM
import JanusStore
import JanusSupport

/// Everything one command works with: the resolved configuration, the open store, the seeds
/// and the templates. Commands build one, call a method, print the result.
public final class Workspace: @unchecked Sendable {
    public let config: JanusConfig
    public let store: CheckpointStore
    public let seeds: SeedLibrary
    public let templates: PromptTemplates
    /// Held by commands that write to the store, for as long as the workspace lives.
    let lock: RunLock?

    /// Opens the store; `writer` names a command that will write to it and so must hold the
    /// store's run lock (a second writer is refused with the name of the first).
    public convenience init(config: JanusConfig, writer: String? = nil) throws {
        var lock: RunLock?
        if let writer, config.db != ":memory:" {
            if !FileManager.default.fileExists(atPath: config.db) {
                let dir = (config.db as NSString).deletingLastPathComponent
                if !dir.isEmpty, !FileManager.default.fileExists(atPath: dir) {
                    throw StoreError.cannotOpen(path: config.db, reason: "directory \(dir) does not exist")
                }
            }
            lock = try RunLock(storePath: config.db, command: writer)
        }
        try self.init(config: config, store: try CheckpointStore(path: config.db), lock: lock)
    }

    /// A workspace on a store that is already open (a reader's second view of it).
    init(config: JanusConfig, store: CheckpointStore, lock: RunLock? = nil) throws {
        self.config = config
        self.store = store
        self.lock = lock
        store.makePreferenceRecords(with: PreferenceRecord.maker)
        // A writer upgrades a store made before the preference records (once; see PreferenceRecords).
        if lock != nil, try store.preferenceRecordsPending() {
            try store.fillPreferenceRecords(PreferenceRecord.maker)
        }
        if lock != nil { store.ownAnswers() }
        seeds = try SeedLibrary.load(directory: config.generation.seedsDirectory.map { URL(fileURLWithPath: $0) })
        templates = try PromptTemplates.load(directory: config.generation.promptsDirectory)
    }

    /// The client the configuration names. The offline provider needs nothing; `openai` needs
    /// its API key in the environment, checked here before any request.
    public func makeClient() throws -> any ChatClient {
        switch config.client.provider {
        case .offline:
            return OfflineProvider(taxonomy: seeds.taxonomy)
        case .openai:
            if config.client.maxCost != nil, price == nil {
                throw ConfigError(
                    file: config.file ?? "--max-cost",
                    message: "max_cost is set but no price is known for model \(config.client.model): add it under `prices` (US dollars per million prompt and completion tokens), or drop max_cost")
            }
            return try OpenAIClient(settings: config.client, recorder: store)
        }
    }

    /// The price of the configured model (nothing for the offline provider); nil when no
    /// price is known for it (see `ModelPrice.lookup`).
    public var price: ModelPrice? {
        config.client.provider == .offline ? ModelPrice(prompt: 0, completion: 0)
            : ModelPrice.lookup(config.client.model, in: config.client.prices)
    }

    /// The effective settings of this workspace, as a generation run records them.
    public var runSettings: RunSettings {
        RunSettings(config: config, templates: templates, seeds: seeds)
    }

    /// The provider kind that request keys are made with.
    public var providerKind: Provider { config.client.provider }

    public var stageRequests: StageRequests {
        StageRequests(
            seeds: seeds, templates: templates, generation: config.generation, model: config.client.model,
            providerKind: providerKind, seed: config.seed)
    }

    /// Reads the sources into the store.
    public func ingest(_ sources: [SourceSpec]) throws -> IngestSummary {
        let runID = try store.beginRun(command: "ingest", seed: config.seed, provider: config.client.provider.rawValue, model: config.client.model)
        do {
            let summary = try Ingestor(settings: config.ingest, seed: config.seed).run(sources: sources, store: store, runID: runID)
            try store.finishRun(id: runID, status: "done", summary: summary.json.serialized())
            return summary
        } catch {
            store.finishRun(id: runID, failedWith: error)
            throw error
        }
    }

    /// Requests under way at once. The offline provider answers in-process at no cost, so a
    /// server's limit means nothing to it; what bounds its run is each answer waiting for its
    /// group commit, so it keeps at least `offlineSendWindow` under way: commits are then full.
    var sendWindow: Int {
        let configured = config.client.totalConcurrency
        return config.client.provider == .offline ? max(configured, Self.offlineSendWindow) : configured
    }

    static let offlineSendWindow = 1024

    /// Runs the given stages until nothing more can be done. Requests sitting in a live
    /// provider batch are not sent (unless `generation.releaseBatched`); `divert`, when given,
    /// decides instead (batch files are written through it).
    public func generate(
        stages: Set<Stage>, client: any ChatClient, stats: RunStats, command: String? = nil,
        divert: (@Sendable (DivertedRequest) -> Bool)? = nil
    ) async throws {
        let runID = try store.beginRun(
            command: command ?? (stages.count == 3 ? "build" : stages.map(\.rawValue).sorted().joined(separator: ",")),
            seed: config.seed, provider: config.client.provider.rawValue, model: config.client.model,
            settings: runSettings.json.serialized())
        if price == nil { stats.setUnpriced(model: config.client.model) }
        stats.attach(client)
        let runner = GenerationRunner(
            store: store, client: client, requests: stageRequests, settings: config.generation,
            price: price, stages: stages, stats: stats, width: max(8, 2 * sendWindow), sendLimit: sendWindow, runID: runID,  // see GenerationRunner.run
            divert: try divert ?? batchHold())
        do {
            try await runner.run()
            let status = stats.interrupted ? "interrupted" : stats.stopReason == nil ? "done" : "stopped"
            try store.finishRun(id: runID, status: status, summary: RunSummary(stats: stats).json.serialized())
        } catch {
            store.finishRun(id: runID, failedWith: error)
            throw error
        }
    }

    public func status() throws -> PipelineStatus {
        try PipelineStatus.compute(store: store, requests: stageRequests, variants: config.generation.variants)
    }

    /// Exports the completed items in the given formats (into `settings.out`), streaming.
    /// `accept` is told how many variants are complete and what was left out once every item is
    /// written, before anything is moved into place; if it throws, nothing is replaced.
    public func export(
        formats: [ExportFormat], settings: ExportSettings, accept: (_ complete: Int, _ leftOut: LeftOut) throws -> Void = { _, _ in }
    ) throws -> [ExportResult] {
        let exporter = Exporter(settings: settings, context: try exportContext())
        let encode = exporter.encoder(formats: formats)
        let testIDs = exporter.testIDs(Array(try store.instructionIDs()))
        func run(outputsOnly: Bool) throws -> [ExportResult] {
            var leftOut = LeftOut()
            var complete = 0
            return try exporter.export(
                formats: formats, testIDs: testIDs,
                leftOut: {
                    try accept(complete, leftOut)
                    return leftOut
                }
            ) { visit in
                try forEachExportItem(leftOut: &leftOut, outputsOnly: outputsOnly, transform: encode) { encoded in
                    complete += encoded.item.variants.count
                    try visit(encoded)
                }
            }
        }
        // Settled instructions are read with their outputs only. Should one of them not export
        // as it is, the staged files are dropped and the export runs again reading everything.
        do {
            return try run(outputsOnly: true)
        } catch is ItemWalker.NeedsWholeState {
            return try run(outputsOnly: false)
        }
    }

    /// One format's train records on standard output, streamed; `accept` as for `export`,
    /// called before the first byte is written when nothing is complete.
    public func exportToStdout(
        format: ExportFormat, accept: (_ complete: Int, _ leftOut: LeftOut) throws -> Void = { _, _ in }
    ) throws {
        let builder = RecordBuilder(seed: config.seed)
        var leftOut = LeftOut()
        var complete = 0
        var buffer: [UInt8] = []
        try forEachExportItem(leftOut: &leftOut) { item in
            complete += item.variants.count
            for record in builder.records(format, item) {
                record.write(to: &buffer)
                buffer.append(0x0A)
            }
            if buffer.count > 1 << 20 {
                FileHandle.standardOutput.write(Data(buffer))
                buffer.removeAll(keepingCapacity: true)
            }
        }
        try accept(complete, leftOut)
        FileHandle.standardOutput.write(Data(buffer))
    }

    /// Every instruction with its completed variants, in position order. The store is read
    /// one batch at a time (memory stays flat) and each batch is checked on every core.
    public func forEachExportItem(leftOut: inout LeftOut, _ visit: (ExportItem) throws -> Void) throws {
        try forEachExportItem(leftOut: &leftOut, transform: { $0 }, visit)
    }

    /// As `forEachExportItem(leftOut:_:)`, with `transform` applied to each item on the
    /// worker threads before `visit` sees it in order. `outputsOnly`: read the settled
    /// instructions' outputs alone; the walk then throws `ItemWalker.NeedsWholeState` for one
    /// that does not export as it is, and the caller is to start again without.
    public func forEachExportItem<T: Sendable>(
        leftOut: inout LeftOut, outputsOnly: Bool = false, transform: @escaping @Sendable (ExportItem) -> T,
        _ visit: (T) throws -> Void
    ) throws {
        let walker = ItemWalker(requests: stageRequests, variants: config.generation.variants)
        let settled = try store.settledPositions(variants: config.generation.variants, settings: stageRequests.settingsDigests)
        try orderedBatches(
            transform: { (entry: (StoredInstruction, StoredState)) -> (T, LeftOut) in
                var left = LeftOut()
                let item = try walker.exportItem(entry.0, state: entry.1, settled: settled.contains(entry.0.position), leftOut: &left)
                return (transform(item), left)
            },
            visit: { value, left in
                leftOut.add(left)
                try visit(value)
            },
            produce: { add in
                if outputsOnly {
                    try store.forEachInstruction(outputsOnlyAt: settled) { instruction, state in try add((instruction, state)) }
                } else {
                    try store.forEachInstruction { instruction, state in try add((instruction, state)) }
                }
            })
    }

    func exportContext() throws -> ExportContext {
        var sampling: [(String, JSONValue)] = []
        if let t = config.generation.temperature { sampling.append(("temperature", .number(t))) }
        if let p = config.generation.topP { sampling.append(("top_p", .number(p))) }
        for stage in Stage.allCases {
            if let m = config.generation.maxTokens[stage.rawValue] { sampling.append(("max_tokens_\(stage.rawValue)", .integer(m))) }
        }
        for key in config.generation.extra.keys.sorted() { sampling.append((key, config.generation.extra[key] ?? .null)) }
        var context = ExportContext(
            seed: config.seed, model: config.client.model, provider: config.client.provider.rawValue,
            templateHashes: Dictionary(uniqueKeysWithValues: Stage.allCases.map { ($0.rawValue, templates[$0].hash) }),
            sampling: sampling, usage: try store.usageTotals())
        context.hubRevisions = try store.hubRevisions()
        context.dimensions = Dimension.allCases.map(\.rawValue)
        return context
    }
}
