import Foundation

/// Facts about the run that the manifest and the dataset card report.
public struct ExportContext: Sendable {
    public var seed: Int
    public var model: String
    public var provider: String
    public var templateHashes: [String: String]
    public var sampling: [(String, JSONValue)]
    public var usage: [String: (requests: Int, promptTokens: Int, completionTokens: Int, cost: Double)]
    /// Why items were left out, with counts (incomplete variants, failed, quarantined).
    public var leftOut: [(String, Int)]

    public init(
        seed: Int, model: String, provider: String, templateHashes: [String: String], sampling: [(String, JSONValue)],
        usage: [String: (requests: Int, promptTokens: Int, completionTokens: Int, cost: Double)], leftOut: [(String, Int)]
    ) {
        self.seed = seed
        self.model = model
        self.provider = provider
        self.templateHashes = templateHashes
        self.sampling = sampling
        self.usage = usage
        self.leftOut = leftOut
    }
}

/// What one format's export wrote.
public struct ExportResult: Sendable {
    public var format: ExportFormat
    public var directory: String
    public var shards: [String: [ShardInfo]]
    public var records: Int { shards.values.joined().reduce(0) { $0 + $1.records } }
}

/// Writes each format into its own directory under `out`: shards, `manifest.json` and a
/// `README.md` dataset card. Each directory is built beside the target and renamed into
/// place, so an interrupted export never leaves a partial file under a final name.
public struct Exporter {
    public var settings: ExportSettings
    public var context: ExportContext

    public init(settings: ExportSettings, context: ExportContext) {
        self.settings = settings
        self.context = context
    }

    /// The instructions held out as the test split (seeded, `testSplit` of them).
    func testIDs(_ items: [ExportItem]) -> Set<String> {
        guard settings.testSplit > 0 else { return [] }
        let ranked = items.sorted {
            Hashing.sha256Prefix64("\(context.seed)\u{1F}test\u{1F}\($0.instruction.id)")
                < Hashing.sha256Prefix64("\(context.seed)\u{1F}test\u{1F}\($1.instruction.id)")
        }
        return Set(ranked.prefix(settings.testSplit).map(\.instruction.id))
    }

    /// Records per split for one format.
    public func splits(_ format: ExportFormat, _ items: [ExportItem]) -> [(String, [JSONValue])] {
        let builder = RecordBuilder(seed: context.seed)
        let test = testIDs(items)
        var train: [JSONValue] = []
        var held: [JSONValue] = []
        for item in items {
            let records = builder.records(format, item)
            if test.contains(item.instruction.id) { held += records } else { train += records }
        }
        return settings.testSplit > 0 ? [("train", train), ("test", held)] : [("train", train)]
    }

    public func export(_ items: [ExportItem], formats: [ExportFormat]) throws -> [ExportResult] {
        let out = URL(fileURLWithPath: settings.out)
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        var results: [ExportResult] = []
        for format in formats {
            let target = out.appendingPathComponent(format.rawValue)
            let staging = out.appendingPathComponent(".\(format.rawValue).tmp-\(getpid())")
            try? FileManager.default.removeItem(at: staging)
            try FileManager.default.createDirectory(at: staging, withIntermediateDirectories: true)
            var shards: [String: [ShardInfo]] = [:]
            var order: [String] = []
            for (split, records) in splits(format, items) {
                let writer = ShardWriter(
                    directory: staging, split: split, shardSize: settings.shardSize, maxBytes: settings.maxShardMB.map { $0 << 20 })
                shards[split] = try writer.write(records)
                order.append(split)
            }
            let result = ExportResult(format: format, directory: target.path, shards: shards)
            try FileOutput.writeSynced(Data((manifest(result, splitOrder: order).serialized() + "\n").utf8),
                                       to: staging.appendingPathComponent("manifest.json"))
            try FileOutput.writeSynced(Data(DatasetCard.render(result, items: items, context: context).utf8),
                                       to: staging.appendingPathComponent("README.md"))
            try FileOutput.replaceDirectory(target, with: staging)
            results.append(result)
        }
        return results
    }

    /// `manifest.json`: files with records, bytes and sha256; totals; seed; model; templates.
    func manifest(_ result: ExportResult, splitOrder: [String]) -> JSONValue {
        let files = splitOrder.flatMap { split in
            (result.shards[split] ?? []).map { shard -> JSONValue in
                .object([
                    ("path", .string(shard.name)), ("split", .string(split)), ("records", .integer(shard.records)),
                    ("bytes", .integer(shard.bytes)), ("sha256", .string(shard.sha256)),
                ])
            }
        }
        let all = result.shards.values.joined()
        return .object([
            ("format", .string(result.format.rawValue)), ("files", .array(files)),
            ("total_records", .integer(all.reduce(0) { $0 + $1.records })),
            ("total_bytes", .integer(all.reduce(0) { $0 + $1.bytes })),
            ("seed", .integer(context.seed)), ("provider", .string(context.provider)), ("model", .string(context.model)),
            ("prompt_templates", .object(context.templateHashes.keys.sorted().map { ($0, .string(context.templateHashes[$0] ?? "")) })),
            ("sampling", .object(context.sampling)),
            ("left_out", .object(context.leftOut.map { ($0.0, .integer($0.1)) })),
        ])
    }

    /// Writes one format's train records to standard output (`--out -`).
    public func writeToStdout(_ format: ExportFormat, _ items: [ExportItem]) {
        let builder = RecordBuilder(seed: context.seed)
        var buffer = ""
        for item in items {
            for record in builder.records(format, item) {
                buffer += record.serialized()
                buffer += "\n"
                if buffer.utf8.count > 1 << 20 {
                    FileHandle.standardOutput.write(Data(buffer.utf8))
                    buffer = ""
                }
            }
        }
        FileHandle.standardOutput.write(Data(buffer.utf8))
    }
}
