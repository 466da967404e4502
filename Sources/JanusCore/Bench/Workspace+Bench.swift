import Foundation
import JanusExport
import JanusHTTP
import JanusIngest
import JanusLLM
import JanusStore
import JanusSupport

/// What `bench answer --responses FILE` brought in.
public struct ImportedAnswers: Sendable {
    public var imported = 0
    public var unchanged = 0
    /// Lines that name no bench item.
    public var unknown = 0
    /// "file:line: what is wrong", the first few.
    public var problems: [String] = []
    public var bad = 0

    public var text: String {
        var s = "imported \(imported) answers (\(unchanged) already stored), \(unknown) lines name no bench item, \(bad) bad lines"
        for p in problems { s += "\n  " + p }
        return s
    }
}

extension Workspace {
    /// The collection's preferences to avoid; the listing shown to the model is fixed at the
    /// first bench build, so later builds send the same requests.
    public func collectionPreferences() throws -> CollectionPreferences {
        var preferences = CollectionPreferences(storedSets: try store.collectionPreferenceSets())
        preferences.listing = try store.setBenchMetaOnce("avoid", preferences.listing)
        return preferences
    }

    public func benchRequests(avoid: String) throws -> BenchRequests {
        BenchRequests(
            seeds: seeds, templates: try BenchTemplates.load(directory: config.generation.promptsDirectory), generation: config.generation,
            model: config.client.model, providerKind: providerKind, seed: config.seed, avoid: avoid)
    }

    /// Every complete bench item (before review).
    public func benchState() throws -> BenchState {
        try BenchState.load(store, variants: config.generation.variants)
    }

    /// Chooses and stores the bench instructions from `sources` (see `BenchSelector`).
    public func benchIntake(_ sources: [SourceSpec], count: Int) throws -> BenchIntake {
        let runID = try store.beginRun(command: "bench intake", seed: config.seed, provider: config.client.provider.rawValue, model: config.client.model)
        do {
            let intake = try BenchSelector.select(sources: sources, settings: config.ingest, seed: config.seed, count: count, store: store)
            try store.addBenchInstructions(intake.added, drops: intake.drops, runID: runID)
            try store.finishRun(id: runID, status: "done", summary: intake.json.serialized())
            return intake
        } catch {
            store.finishRun(id: runID, failedWith: error)
            throw error
        }
    }

    /// Runs one bench command's requests (`body`) as a recorded run.
    public func benchRun(
        _ command: String, client: any ChatClient, stats: RunStats, judgeTemperature: Double = 1.0,
        _ body: (BenchRunner) async throws -> Void
    ) async throws {
        let runID = try store.beginRun(
            command: "bench \(command)", seed: config.seed, provider: config.client.provider.rawValue, model: config.client.model,
            settings: runSettings.json.serialized())
        if price == nil { stats.setUnpriced(model: config.client.model) }
        stats.attach(client)
        let runner = GenerationRunner(
            store: store, client: client, requests: stageRequests, settings: config.generation, price: price, stages: Set(Stage.bench),
            stats: stats, width: max(8, sendWindow), sendLimit: sendWindow, runID: runID)
        let collection = try collectionPreferences()
        var requests = try benchRequests(avoid: collection.listing)
        requests.judgeTemperature = judgeTemperature
        let bench = BenchRunner(runner: runner, requests: requests, collection: collection, variants: config.generation.variants)
        do {
            try await body(bench)
            let status = stats.interrupted ? "interrupted" : stats.stopReason == nil ? "done" : "stopped"
            try store.finishRun(id: runID, status: status, summary: RunSummary(stats: stats, stages: Stage.bench).json.serialized())
        } catch {
            store.finishRun(id: runID, failedWith: error)
            throw error
        }
    }

    /// Stores answers made elsewhere under the answer set `set`: JSONL (or a JSON array) with
    /// the item's `id` (as in the review file) or its `system` and `prompt`, and the answer in
    /// `response` (or `output`, `answer`, `generation`).
    public func importBenchAnswers(_ path: String, set: String, items: [BenchItem]) throws -> ImportedAnswers {
        var byID: [String: BenchItem] = [:]
        var byText: [String: BenchItem] = [:]
        for item in items {
            byID[item.id] = item
            byText[item.system + "\u{1F}" + item.instruction.text] = item
        }
        let existing = try store.stageResults(stage: Stage.benchAnswer, idPrefix: set + "|")
        var out = ImportedAnswers()
        func problem(_ line: Int, _ message: String) {
            out.bad += 1
            if out.problems.count < 10 { out.problems.append("\(path):\(line): \(message)") }
        }
        try RecordReader.forEachRecord(path: path, maxLineBytes: config.ingest.maxLineBytes) { raw in
            guard case let .success(record) = raw.value else {
                if case let .failure(bad) = raw.value { problem(raw.line, bad.reason) }
                return
            }
            guard let response = ["response", "output", "answer", "generation"].lazy.compactMap({ record[$0]?.stringValue }).first else {
                return problem(raw.line, "no `response` (or `output`, `answer`, `generation`) string")
            }
            let item: BenchItem?
            if let id = record["id"]?.stringValue ?? record["item_id"]?.stringValue {
                item = byID[id]
            } else if let system = record["system"]?.stringValue, let prompt = record["prompt"]?.stringValue {
                item = byText[system + "\u{1F}" + TextNormalizer.stored(prompt)] ?? byText[system + "\u{1F}" + prompt]
            } else {
                return problem(raw.line, "no `id`, nor `system` and `prompt`, to name the bench item")
            }
            guard let item else {
                out.unknown += 1
                return
            }
            let key = BenchKeys.answer(set, item)
            let requestKey = "file:" + Hashing.sha256Hex(response)
            if existing[key]?.requestKey == requestKey {
                out.unchanged += 1
                return
            }
            let meta = JSONValue.object([("origin", .string("file")), ("file", .string(path)), ("line", .integer(raw.line))])
            try store.saveStageResult(
                stage: Stage.benchAnswer, item: key, result: StageResult(requestKey: requestKey, output: response, meta: meta.serialized()))
            out.imported += 1
        }
        return out
    }
}
