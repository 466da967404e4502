import Foundation
import JanusStore

/// Reads sources into the store: extract, normalise, drop duplicates, then, in the order of
/// `settings.recipe`, sample by seed and drop the filter's hits (paper: sample, then filter;
/// clean: filter, near-dedup, then sample). Every dropped line is counted and recorded with its
/// reason.
///
/// Each source is streamed in batches of records. Worker threads do the per-record work
/// (decode, preset, normalise, hash, filter, sketch); the calling thread takes their results in
/// file order for everything that depends on earlier records, so the outcome is the same for
/// any number of workers.
public struct Ingestor {
    public var settings: IngestSettings
    public var seed: Int
    public var examplesPerReason = 5
    /// Worker threads for the per-record work (default: one per core, at most 8: past that the
    /// merge in file order is the limit); 1 runs everything on the calling thread.
    public var workers = min(8, max(1, ProcessInfo.processInfo.activeProcessorCount))
    /// About how many bytes of records go to a worker at a time.
    public var batchBytes = 1 << 20
    /// Where `hf://` sources are fetched from and cached (the environment's Hub settings).
    public var hub = HubSource()

    public init(settings: IngestSettings, seed: Int) {
        self.settings = settings
        self.seed = seed
    }

    public func run(sources: [SourceSpec], store: CheckpointStore, runID: Int) throws -> IngestSummary {
        let sources = try hub.expand(sources)
        let filterFirst = settings.recipe == .clean
        let filter = try InstructionFilter(patterns: settings.filterPatterns)
        let hasher = settings.nearDedupEnabled ? MinHasher(bins: 14 * 8, shingleSize: 5, seed: UInt64(truncatingIfNeeded: seed)) : nil
        let ranker = SampleRanker(seed: seed)
        let stored = try store.instructions()
        // Under the paper's recipe, what earlier runs sampled and then filtered counts as sampled.
        let earlierFiltered = filterFirst ? [] : try store.sampledThenFiltered()
        var sampledBySource: [String: Int] = [:]
        for s in stored { sampledBySource[s.sourceName, default: 0] += 1 }
        for d in earlierFiltered { sampledBySource[d.sourceName, default: 0] += 1 }
        let sampledBefore = stored.count + earlierFiltered.count
        // Records of the real sources average over 2 KB; sources of shorter ones grow the tables.
        let inputBytes = sources.reduce(0) { total, spec in
            total + ((try? FileManager.default.attributesOfItem(atPath: spec.path)[.size] as? Int) ?? 0)
        }
        var ledger = IngestLedger(
            settings: settings, seed: seed, examplesPerReason: examplesPerReason, filterPatterns: settings.filterPatterns,
            expectedRecords: stored.count + inputBytes / 2048)
        ledger.seed(with: stored, hasher: hasher)
        ledger.seed(withFiltered: earlierFiltered)

        for spec in sources {
            let preset = try SourcePreset.named(spec.preset, settings: settings, path: spec.path)
            var input = try RecordSource(path: spec.path, maxBytes: settings.maxLineBytes, fields: preset.fields, inRanges: workers > 1)
            let processor = RecordProcessor(
                preset: preset, decoder: input.decoder, filter: filterFirst ? filter : nil, hasher: hasher, ranker: ranker)
            let capacity = reservoirCapacity(spec.preset, stored: sampledBefore, storedBySource: sampledBySource, others: ledger.reservoirs)
            let reservoir = ledger.reservoir(spec.preset, capacity: capacity)
            var counts = SourceCounts(source: spec.preset)
            let target = batchBytes
            // Lines of a range count from its start: the ranges before it give the offset.
            var lineBase = 0
            try OrderedWorkQueue.run(
                workers: workers, inFlight: workers * 3,
                next: { try input.nextBatch(targetBytes: target) },
                transform: { processor.process($0) },
                consume: { batch in
                    if let failure = batch.failure { throw failure }
                    let base = batch.newlines == nil ? 0 : lineBase
                    try ledger.take(batch, lineBase: base, spec: spec, mainSource: preset.mainSource, counts: &counts, reservoir: reservoir)
                    lineBase += batch.newlines ?? 0
                })
            ledger.finishSource(counts)
        }

        let order = sources.map(\.preset).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        let chosen = sample(ledger.reservoirs, order: order, stored: sampledBefore)
        var kept: [StoredInstruction] = []
        var filteredBySource: [String: Int] = [:]
        if filterFirst {
            kept = chosen
        } else {
            kept.reserveCapacity(chosen.count)
            for instruction in chosen {
                if let hit = filter.matchIndex(instruction.text) {
                    ledger.dropSampled(instruction, pattern: hit)
                    filteredBySource[instruction.sourceName, default: 0] += 1
                } else {
                    kept.append(instruction)
                }
            }
        }
        var summary = ledger.summary
        summary.recipe = settings.recipe
        summary.nearDedup = settings.nearDedupEnabled
        for i in summary.sources.indices {
            let name = summary.sources[i].source
            // A source named twice reports its sample once, on its first row.
            guard summary.sources.firstIndex(where: { $0.source == name }) == i else { continue }
            summary.sources[i].sampled = chosen.filter { $0.sourceName == name }.count
            summary.sources[i].notSampled = (ledger.reservoirs[name]?.offered ?? 0) - summary.sources[i].sampled
            if !filterFirst { summary.sources[i].filtered = filteredBySource[name, default: 0] }
            summary.sources[i].kept = kept.filter { $0.sourceName == name }.count
        }
        summary.added = try store.addInstructions(kept, drops: ledger.drops, runID: runID)
        return summary
    }

    /// How many of a source's candidates could end up in the sample: its quota less what the
    /// store holds from it; for the fill source (when there is a total) the total less what
    /// the store holds and what the other sources read so far already keep (they can only
    /// keep more); otherwise all of them.
    func reservoirCapacity(_ name: String, stored: Int, storedBySource: [String: Int], others: [String: SampleReservoir]) -> Int {
        if let total = settings.total, name == settings.fillSource {
            let kept = others.filter { $0.key != name }.values.reduce(0) { $0 + $1.count }
            return max(0, total - stored - kept)
        }
        if let quota = settings.quotas[name] { return max(0, quota - storedBySource[name, default: 0]) }
        return Int.max
    }

    /// Seeded sampling: per source, the candidates with the lowest rank hash, up to the quota
    /// (less what the store already holds from that source); then the fill source up to the
    /// total. Depends only on the seed and the texts, never on file order.
    func sample(_ reservoirs: [String: SampleReservoir], order: [String], stored: Int) -> [StoredInstruction] {
        var chosen: [SampleReservoir.Entry] = []
        for name in order where name != settings.fillSource || settings.total == nil {
            chosen += reservoirs[name]?.sorted() ?? []
        }
        if let total = settings.total, order.contains(settings.fillSource) {
            let room = max(0, total - stored - chosen.count)
            chosen += (reservoirs[settings.fillSource]?.sorted() ?? []).prefix(room)
        }
        return chosen.sorted { $0.precedes($1) }.map(\.instruction)
    }
}
