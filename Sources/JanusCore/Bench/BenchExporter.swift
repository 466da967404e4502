import Foundation
import JanusExport
import JanusHTTP
import JanusIngest
import JanusLLM
import JanusStore
import JanusSupport

/// What `bench export` wrote.
public struct BenchExportResult: Sendable {
    public var directory: String
    public var records: Int
    public var dropped: Int
    public var incomplete: [String: Int]
    public var bySource: [String: Int]
}

extension Workspace {
    /// Writes `<out>/bench/`: the complete items not marked in the review file as one JSONL shard
    /// in the published Multifaceted-Bench layout, `manifest.json`, a `README.md` card and a
    /// fresh `review.csv`. The review file read is `review` when given, else the one of the
    /// previous export in the same place. The directory is built beside its target and swapped
    /// in whole; the same store gives the same bytes.
    public func exportBench(out: String, review: String? = nil) throws -> BenchExportResult {
        let state = try benchState()
        let items = state.items
        let target = URL(fileURLWithPath: out).appendingPathComponent("bench")
        let reviewPath = review ?? target.appendingPathComponent("review.csv").path
        var dropped = Set<String>()
        if review != nil || FileManager.default.fileExists(atPath: reviewPath) {
            dropped = try BenchReview.dropped(path: reviewPath).intersection(items.map(\.id))
        }
        try store.setBenchMeta("review_dropped", JSONValue.array(dropped.sorted().map { .string($0) }).serialized())
        let kept = items.filter { !dropped.contains($0.id) }
        var bytes: [UInt8] = []
        var bySource: [String: Int] = [:]
        for item in kept {
            item.published.write(to: &bytes)
            bytes.append(0x0A)
            bySource[item.instruction.source, default: 0] += 1
        }
        try FileManager.default.createDirectory(at: URL(fileURLWithPath: out), withIntermediateDirectories: true)
        let staging = URL(fileURLWithPath: out).appendingPathComponent(".bench.tmp-\(getpid())")
        try? FileManager.default.removeItem(at: staging)
        try FileManager.default.createDirectory(at: staging, withIntermediateDirectories: true)
        let shard = "train-00000-of-00001.jsonl"
        let result = BenchExportResult(
            directory: target.path, records: kept.count, dropped: dropped.count, incomplete: state.incomplete, bySource: bySource)
        do {
            try FileOutput.writeSynced(Data(bytes), to: staging.appendingPathComponent(shard))
            let manifest = try benchManifest(result, shard: shard, bytes: bytes)
            try FileOutput.writeSynced(Data((manifest.serialized() + "\n").utf8), to: staging.appendingPathComponent("manifest.json"))
            try FileOutput.writeSynced(Data(try benchCard(result, shard: shard).utf8), to: staging.appendingPathComponent("README.md"))
            try FileOutput.writeSynced(Data(BenchReview.render(items, dropped: dropped).utf8), to: staging.appendingPathComponent("review.csv"))
            try FileOutput.replaceDirectory(target, with: staging)
        } catch {
            try? FileManager.default.removeItem(at: staging)
            throw error
        }
        return result
    }

    func benchSettings() throws -> [(String, JSONValue)] {
        let templates = try BenchTemplates.load(directory: config.generation.promptsDirectory)
        let usage = try store.usageTotals()
        let seed = try store.latestRun(command: "bench build")?.seed ?? config.seed
        return [
            ("seed", .integer(seed)),
            ("prompt_templates", .object(templates.hashes.keys.sorted().map { ($0, .string(templates.hashes[$0] ?? "")) })),
            ("usage", .object(Stage.bench.prefix(4).map { stage in
                let u = usage[stage.rawValue] ?? (0, 0, 0, 0)
                return (stage.rawValue, .object([
                    ("requests", .integer(u.requests)), ("prompt_tokens", .integer(u.promptTokens)),
                    ("completion_tokens", .integer(u.completionTokens)), ("cost_usd", .number(u.cost)),
                ]))
            })),
        ]
    }

    func benchManifest(_ result: BenchExportResult, shard: String, bytes: [UInt8]) throws -> JSONValue {
        let built = try store.latestRun(command: "bench build")
        return .object([
            ("format", .string("bench")), ("provider", .string(built?.provider ?? "-")), ("model", .string(built?.model ?? "-")),
            ("files", .array([.object([
                ("path", .string(shard)), ("split", .string("train")), ("records", .integer(result.records)),
                ("bytes", .integer(bytes.count)), ("sha256", .string(Hashing.sha256Hex(bytes))),
            ])])),
            ("total_records", .integer(result.records)), ("dropped_in_review", .integer(result.dropped)),
            ("left_out", .object(result.incomplete.keys.sorted().map { ("missing \($0)", .integer(result.incomplete[$0] ?? 0)) })),
        ] + (try benchSettings()))
    }

    func benchCard(_ result: BenchExportResult, shard: String) throws -> String {
        var lines = [
            "---", "configs:", "- config_name: default", "  data_files:", "  - split: train", "    path: \"\(shard)\"", "---", "",
            "# Multifaceted Bench, rebuilt with janus-data", "",
            "Benchmark instructions, each under three system messages whose preferences the training collection does not hold,",
            "with a reference answer per system message and four score rubrics (one per dimension: style, background knowledge,",
            "informativeness, harmlessness), in the layout of the published Multifaceted Bench:",
            "`source, system, prompt, reference_answer, rubrics` (`rubrics`: a list of `{criteria, score_descriptions: {\"1\"..\"5\"}}`).",
            "", "## Counts", "", "- items: \(result.records)", "- dropped in review: \(result.dropped)",
        ]
        for reason in result.incomplete.keys.sorted() { lines.append("- incomplete (missing \(reason)): \(result.incomplete[reason] ?? 0)") }
        lines += ["", "| source | items |", "|---|---|"]
        for source in result.bySource.keys.sorted() { lines.append("| \(source) | \(result.bySource[source] ?? 0) |") }
        let built = try store.latestRun(command: "bench build")
        lines += ["", "## Generation settings", "", "- provider: \(built?.provider ?? "-")", "- model: \(built?.model ?? "-")"]
        for (name, value) in try benchSettings() { lines.append("- \(name): \(value.serialized())") }
        return lines.joined(separator: "\n") + "\n"
    }
}
