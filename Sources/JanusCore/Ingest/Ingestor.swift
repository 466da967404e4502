import Foundation

/// Reads sources into the store: extract, normalise, drop duplicates, near duplicates and
/// filter hits, then sample by seed. Every dropped line is counted and recorded with its reason.
public struct Ingestor {
    public var settings: IngestSettings
    public var seed: Int
    public var examplesPerReason = 5

    public init(settings: IngestSettings, seed: Int) {
        self.settings = settings
        self.seed = seed
    }

    struct Candidate {
        var instruction: StoredInstruction
        var rank: UInt64
    }

    public func run(sources: [SourceSpec], store: CheckpointStore, runID: Int) throws -> IngestSummary {
        var summary = IngestSummary()
        var drops: [IngestDrop] = []
        let filter = try InstructionFilter(patterns: settings.filterPatterns)
        var seen = try store.instructionIDs()
        var near = NearDuplicateIndex(threshold: settings.nearThreshold, seed: UInt64(truncatingIfNeeded: seed))
        if settings.nearDedup {
            for stored in try store.instructions() { _ = near.checkAndAdd(id: stored.id, text: stored.text) }
        }
        var candidates: [String: [Candidate]] = [:]

        func drop(_ counts: inout SourceCounts, _ spec: SourceSpec, line: Int, reason: String, detail: String, of: String? = nil) {
            drops.append(IngestDrop(sourceName: spec.preset, file: spec.path, line: line, reason: reason, detail: detail, duplicateOf: of))
            if summary.examples[reason, default: []].count < examplesPerReason {
                summary.examples[reason, default: []].append("\(spec.path):\(line): \(detail)")
            }
        }

        for spec in sources {
            let preset = try SourcePreset.named(spec.preset, settings: settings, path: spec.path)
            var counts = SourceCounts(source: spec.preset)
            try RecordReader.forEachRecord(path: spec.path, maxLineBytes: settings.maxLineBytes) { record in
                counts.read += 1
                let extracted: ExtractedInstruction
                do {
                    extracted = try preset.instruction(from: try record.value.get())
                } catch let bad as BadRecord {
                    if settings.strict { throw IngestError.badLine(file: spec.path, line: record.line, reason: bad.reason) }
                    counts.bad += 1
                    drop(&counts, spec, line: record.line, reason: "bad", detail: bad.reason)
                    return
                }
                let text = TextNormalizer.stored(extracted.text)
                let id = TextNormalizer.instructionID(text)
                if seen.contains(id) {
                    counts.duplicate += 1
                    drop(&counts, spec, line: record.line, reason: "duplicate", detail: "same text as \(id.prefix(12))", of: id)
                    return
                }
                seen.insert(id)
                if let pattern = filter.match(text) {
                    counts.filtered += 1
                    summary.filterHits[pattern, default: 0] += 1
                    drop(&counts, spec, line: record.line, reason: "filtered", detail: "\(pattern) in \"\(TextNormalizer.firstLine(text).prefix(60))\"")
                    return
                }
                if settings.nearDedup, let hit = near.checkAndAdd(id: id, text: text) {
                    counts.nearDuplicate += 1
                    drop(&counts, spec, line: record.line, reason: "near_duplicate",
                         detail: String(format: "%.2f similar to %@", hit.similarity, String(hit.duplicateOf.prefix(12))), of: hit.duplicateOf)
                    return
                }
                let instruction = StoredInstruction(
                    id: id, position: 0, text: text, mainSource: extracted.mainSource, originalSource: extracted.originalSource,
                    sourceName: spec.preset, sourceFile: spec.path, sourceLine: record.line)
                candidates[spec.preset, default: []].append(
                    Candidate(instruction: instruction, rank: Hashing.sha256Prefix64("\(seed)\u{1F}sample\u{1F}\(id)")))
            }
            summary.sources.append(counts)
        }

        let chosen = try sample(candidates, store: store, sourceOrder: sources.map(\.preset))
        for i in summary.sources.indices {
            let name = summary.sources[i].source
            // A source named twice reports its sample once, on its first row.
            guard summary.sources.firstIndex(where: { $0.source == name }) == i else { continue }
            summary.sources[i].sampled = chosen.filter { $0.sourceName == name }.count
            summary.sources[i].notSampled = (candidates[name]?.count ?? 0) - summary.sources[i].sampled
        }
        summary.added = try store.addInstructions(chosen, drops: drops, runID: runID)
        return summary
    }

    /// Seeded sampling: per source, the candidates with the lowest rank hash, up to the quota
    /// (less what the store already holds from that source); then the fill source up to the
    /// total. Depends only on the seed and the texts, never on file order.
    func sample(_ candidates: [String: [Candidate]], store: CheckpointStore, sourceOrder: [String]) throws -> [StoredInstruction] {
        let stored = try store.instructions()
        var storedBySource: [String: Int] = [:]
        for s in stored { storedBySource[s.sourceName, default: 0] += 1 }
        var order: [String] = []
        for name in sourceOrder where !order.contains(name) { order.append(name) }
        var chosen: [Candidate] = []
        for name in order where name != settings.fillSource || settings.total == nil {
            let ranked = (candidates[name] ?? []).sorted { $0.rank < $1.rank }
            if let quota = settings.quotas[name] {
                chosen += ranked.prefix(max(0, quota - storedBySource[name, default: 0]))
            } else {
                chosen += ranked
            }
        }
        if let total = settings.total, order.contains(settings.fillSource) {
            let room = max(0, total - stored.count - chosen.count)
            let ranked = (candidates[settings.fillSource] ?? []).sorted { $0.rank < $1.rank }
            chosen += ranked.prefix(room)
        }
        return chosen.sorted { $0.rank < $1.rank }.map(\.instruction)
    }
}
