import Foundation
import JanusSupport

/// Writes each format into its own directory under `out`: shards, `manifest.json` and a
/// `README.md` dataset card. Items are streamed: memory does not grow with the dataset. Each
/// directory is built beside its target and swapped into place, so an interrupted export never
/// leaves a partial file under a final name, and exporting over a directory replaces it whole.
public struct Exporter {
    public var settings: ExportSettings
    public var context: ExportContext

    public init(settings: ExportSettings, context: ExportContext) {
        self.settings = settings
        self.context = context
    }

    /// The `testSplit` instructions held out as the test split: the lowest seeded hashes.
    public func testIDs(_ ids: [String]) -> Set<String> {
        guard settings.testSplit > 0 else { return [] }
        let ranked = ids.map { (Hashing.sha256Prefix64("\(context.seed)\u{1F}test\u{1F}\($0)"), $0) }.sorted { $0.0 < $1.0 }
        return Set(ranked.prefix(settings.testSplit).map(\.1))
    }

    /// One item's records in every format, already encoded as JSONL (the costly part, done on
    /// every core before the single writer appends them in order).
    public struct EncodedItem: Sendable {
        public var item: ExportItem
        /// Per format, in `formats` order: the lines and how many records they hold.
        public var lines: [(bytes: [UInt8], records: Int)]
    }

    /// Encodes an item for `formats`.
    public func encoder(formats: [ExportFormat]) -> @Sendable (ExportItem) -> EncodedItem {
        let builder = RecordBuilder(seed: context.seed)
        return { item in
            EncodedItem(item: item, lines: formats.map { format in
                var bytes: [UInt8] = []
                let records = builder.records(format, item)
                for record in records {
                    record.write(to: &bytes)
                    bytes.append(0x0A)
                }
                return (bytes, records.count)
            })
        }
    }

    /// Exports the encoded items that `items` hands out (made by `encoder(formats:)` for the
    /// same formats), in every format at once, in one pass. `leftOut` is called once every item
    /// is written and before anything is moved into place: if it throws, every target is left
    /// as it was.
    public func export(
        formats: [ExportFormat], testIDs: Set<String>, leftOut: () throws -> LeftOut,
        items: ((EncodedItem) throws -> Void) throws -> Void
    ) throws -> [ExportResult] {
        let out = URL(fileURLWithPath: settings.out)
        let outExisted = FileManager.default.fileExists(atPath: out.path)
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        let splitNames = settings.testSplit > 0 ? ["train", "test"] : ["train"]
        var sinks: [(format: ExportFormat, staging: URL, writers: [String: ShardWriter])] = []
        for format in formats {
            let staging = out.appendingPathComponent(".\(format.rawValue).tmp-\(getpid())")
            try? FileManager.default.removeItem(at: staging)
            try FileManager.default.createDirectory(at: staging, withIntermediateDirectories: true)
            var writers: [String: ShardWriter] = [:]
            for split in splitNames {
                writers[split] = ShardWriter(
                    directory: staging, split: split, shardSize: settings.shardSize, maxBytes: settings.maxShardMB.map { $0 << 20 },
                    gzip: settings.gzip)
            }
            sinks.append((format, staging, writers))
        }
        var card = CardStats()
        let left: LeftOut
        do {
            try items { encoded in
                card.add(encoded.item)
                let split = testIDs.contains(encoded.item.instruction.id) ? "test" : "train"
                for (sink, lines) in zip(sinks, encoded.lines) {
                    try sink.writers[split]?.append(lines: lines.bytes, records: lines.records)
                }
            }
            left = try leftOut()
        } catch {
            for sink in sinks { try? FileManager.default.removeItem(at: sink.staging) }
            // A refused or failed export leaves no trace, not even an empty folder it made.
            if !outExisted, (try? FileManager.default.contentsOfDirectory(atPath: out.path))?.isEmpty == true {
                try? FileManager.default.removeItem(at: out)
            }
            throw error
        }
        var results: [ExportResult] = []
        for sink in sinks {
            let target = out.appendingPathComponent(sink.format.rawValue)
            var splits: [(name: String, shards: [ShardInfo])] = []
            for split in splitNames {
                if let writer = sink.writers[split] { splits.append((split, try writer.finish())) }
            }
            let result = ExportResult(format: sink.format, directory: target.path, splits: splits)
            try FileOutput.writeSynced(
                Data((manifest(result, leftOut: left).serialized() + "\n").utf8), to: sink.staging.appendingPathComponent("manifest.json"))
            try FileOutput.writeSynced(
                Data(DatasetCard.render(result, stats: card, leftOut: left, context: context).utf8),
                to: sink.staging.appendingPathComponent("README.md"))
            try FileOutput.replaceDirectory(target, with: sink.staging)
            results.append(result)
        }
        return results
    }

    /// `manifest.json`: files with records, bytes and sha256; totals; seed; model; templates.
    func manifest(_ result: ExportResult, leftOut: LeftOut) -> JSONValue {
        let files = result.splits.flatMap { split in
            split.shards.map { shard -> JSONValue in
                .object([
                    ("path", .string(shard.name)), ("split", .string(split.name)), ("records", .integer(shard.records)),
                    ("bytes", .integer(shard.bytes)), ("sha256", .string(shard.sha256)),
                ])
            }
        }
        let all = result.splits.flatMap(\.shards)
        return .object([
            ("format", .string(result.format.rawValue)), ("files", .array(files)),
            ("total_records", .integer(all.reduce(0) { $0 + $1.records })),
            ("total_bytes", .integer(all.reduce(0) { $0 + $1.bytes })),
            ("seed", .integer(context.seed)), ("provider", .string(context.provider)), ("model", .string(context.model)),
            ("prompt_templates", .object(context.templateHashes.keys.sorted().map { ($0, .string(context.templateHashes[$0] ?? "")) })),
            ("sampling", .object(context.sampling)),
            ("left_out", .object(leftOut.pairs.map { ($0.0, .integer($0.1)) })),
        ] + (context.hubRevisions.isEmpty ? [] : [
            ("hub_revisions", .object(context.hubRevisions.map { ($0.dataset, .array($0.commits.map { .string($0) })) })),
        ]))
    }
}

/// What the dataset card counts, gathered while the items stream past.
struct CardStats {
    var sources: [String: Int] = [:]
    var subdimensions: [String: [String: Int]] = [:]

    mutating func add(_ item: ExportItem) {
        guard !item.variants.isEmpty else { return }
        sources["\(item.instruction.mainSource) / \(item.instruction.originalSource)", default: 0] += 1
        for variant in item.variants {
            for preference in variant.preferenceSet.arrayValue ?? [] {
                let dimension = preference["dimension"]?.stringValue ?? "?"
                subdimensions[dimension, default: [:]][preference["subdimension"]?.stringValue ?? "?", default: 0] += 1
            }
        }
    }
}
