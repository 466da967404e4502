import Foundation
import JanusExport
import JanusHTTP
import JanusIngest
import JanusLLM
import JanusStore
import JanusSupport

/// How `bench build` reads one `--source PRESET=PATH`: ingest's presets (their instruction
/// field and first-turn rules), or a benchmark preset. The benchmark presets read the layouts of
/// the paper's five benchmarks (AlpacaEval `instruction`, FLASK `text`, Koala `prompt`,
/// MT-Bench `turns[0]`, Self-Instruct `instruction` + `instances[0].input`); each takes the first
/// of those fields a record holds, so any of them reads any of these files. Its name becomes
/// the bench `source` column; `bench` names the source after the file.
public struct BenchSourcePreset: Sendable {
    public var name: String
    /// The `source` column of the export.
    public var source: String
    let extract: @Sendable (JSONValue) throws(BadRecord) -> String

    public static let benchmarkNames = ["alpaca_eval", "flask", "koala", "mt_bench", "self_instruct", "bench"]

    public static func named(_ name: String, settings: IngestSettings, path: String) throws -> BenchSourcePreset {
        if benchmarkNames.contains(name) {
            let stem = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
            let source = name == "bench" ? ((stem as NSString).pathExtension.isEmpty ? stem : (stem as NSString).deletingPathExtension) : name
            return BenchSourcePreset(name: name, source: source) { record throws(BadRecord) in try benchmarkInstruction(record) }
        }
        guard SourcePreset.names.contains(name) else {
            throw ConfigError(
                file: "--source", message: "unknown bench source preset \"\(name)\" (known: \((benchmarkNames + SourcePreset.names).joined(separator: ", ")))")
        }
        let preset = try SourcePreset.named(name, settings: settings, path: path)
        return BenchSourcePreset(name: name, source: preset.mainSource) { record throws(BadRecord) in try preset.instruction(from: record).text }
    }

    /// The instruction of a benchmark record: the first of `instruction`, `prompt`, `text`,
    /// `question`, `query` that is a non-empty string, else the first of `turns`, else the first
    /// user turn of `messages`/`conversation`; then the record's `input` (or that of its first
    /// instance), when there is one, after a blank line.
    static func benchmarkInstruction(_ record: JSONValue) throws(BadRecord) -> String {
        guard case .object = record else { throw BadRecord(.wrongType, "expected a JSON object, got a \(record.typeName)") }
        var text: String?
        for name in ["instruction", "prompt", "text", "question", "query"] {
            if let s = record[name]?.stringValue, !s.trimmedWhitespace().isEmpty {
                text = s
                break
            }
        }
        if text == nil, let turns = record["turns"]?.arrayValue, let first = turns.first {
            text = first.stringValue ?? first["content"]?.stringValue
        }
        if text == nil {
            for name in ["messages", "conversation"] {
                if let list = record[name] { text = try firstUserTurn(list, field: name) }
                if text != nil { break }
            }
        }
        guard let text else {
            throw BadRecord(.missingField, "no instruction: none of `instruction`, `prompt`, `text`, `question`, `query`, `turns`, `messages` holds one")
        }
        let input = record["input"]?.stringValue ?? record["instances"]?.arrayValue?.first?["input"]?.stringValue ?? ""
        let trimmedInput = input.trimmedWhitespace()
        if !trimmedInput.isEmpty, !text.contains(trimmedInput) { return text + "\n\n" + trimmedInput }
        return text
    }
}

/// What `bench build` made of its sources, per source and in all.
public struct BenchIntake: Sendable {
    public struct Counts: Sendable {
        public var source = ""
        public var read = 0
        public var bad = 0
        public var dropped: [String: Int] = [:]
        public var candidates = 0
    }

    public var perSource: [Counts] = []
    /// New instructions chosen this time (seeded).
    public var added: [BenchInstruction] = []
    public var drops: [IngestDrop] = []
    /// Bench instructions stored before this run.
    public var storedBefore = 0
    public var target = 0

    public var json: JSONValue {
        .object([
            ("sources", .array(perSource.map { c in
                .object([
                    ("source", .string(c.source)), ("read", .integer(c.read)), ("bad", .integer(c.bad)),
                    ("dropped", .object(c.dropped.keys.sorted().map { ($0, .integer(c.dropped[$0] ?? 0)) })),
                    ("candidates", .integer(c.candidates)),
                ])
            })),
            ("stored_before", .integer(storedBefore)), ("added", .integer(added.count)), ("target", .integer(target)),
        ])
    }

    public var text: String {
        var lines = perSource.map { c in
            let dropped = c.dropped.keys.sorted().map { "\($0) \(c.dropped[$0] ?? 0)" }.joined(separator: ", ")
            return "\(c.source): read \(c.read), bad \(c.bad)" + (dropped.isEmpty ? "" : ", dropped \(dropped)") + ", candidates \(c.candidates)"
        }
        lines.append("bench instructions: \(storedBefore) stored before, \(added.count) added (target \(target))")
        return lines.joined(separator: "\n")
    }
}

/// Chooses the bench instructions: reads every source, drops what the collection holds (same
/// identity, or a near duplicate by MinHash) and what repeats an earlier bench line (exactly or
/// nearly; the first one is kept), then takes the `count` candidates with the lowest seeded
/// hashes, less those already stored. The choice depends on the texts and the seed only, not on
/// the order of the files, so a rerun with the same sources adds nothing.
public enum BenchSelector {
    public static func select(
        sources: [SourceSpec], settings: IngestSettings, seed: Int, count: Int, store: CheckpointStore
    ) throws -> BenchIntake {
        var intake = BenchIntake()
        intake.target = count
        let stored = try store.benchInstructions()
        intake.storedBefore = stored.count
        let storedIDs = Set(stored.map(\.id))
        let collection = try store.instructions()
        let collectionIDs = Set(collection.map(\.id))
        var near = NearDuplicateIndex(threshold: settings.nearThreshold, seed: UInt64(truncatingIfNeeded: seed))
        for instruction in collection { _ = near.checkAndAdd(id: "c:" + instruction.id, text: instruction.text) }
        for instruction in stored { _ = near.checkAndAdd(id: "b:" + instruction.id, text: instruction.text) }
        var seen = storedIDs
        var candidates: [(rank: UInt64, order: Int, instruction: BenchInstruction)] = []
        for (index, spec) in sources.enumerated() {
            let preset = try BenchSourcePreset.named(spec.preset, settings: settings, path: spec.path)
            var counts = BenchIntake.Counts()
            counts.source = preset.source
            func drop(_ line: Int, _ reason: String, _ detail: String, of other: String? = nil) {
                counts.dropped[reason, default: 0] += 1
                intake.drops.append(IngestDrop(sourceName: preset.source, file: spec.path, line: line, reason: reason, detail: detail, duplicateOf: other))
            }
            try RecordReader.forEachRecord(path: spec.path, maxLineBytes: settings.maxLineBytes) { raw in
                counts.read += 1
                let text: String
                do {
                    text = TextNormalizer.stored(try preset.extract(raw.value.get()))
                    guard !text.isEmpty else { throw BadRecord(.empty, "instruction is empty") }
                } catch let bad as BadRecord {
                    counts.bad += 1
                    drop(raw.line, "bad", "\(spec.path):\(raw.line): \(bad.reason)")
                    return
                }
                let id = TextNormalizer.instructionID(text)
                if collectionIDs.contains(id) { return drop(raw.line, "in_collection", "the collection holds it", of: id) }
                if storedIDs.contains(id) { return }  // already in the bench
                if !seen.insert(id).inserted { return drop(raw.line, "repeated", "an earlier bench line holds it", of: id) }
                if let hit = near.checkAndAdd(id: "b:" + id, text: text) {
                    let inCollection = hit.duplicateOf.hasPrefix("c:")
                    let detail = String(format: "similarity %.2f", hit.similarity)
                    return drop(raw.line, inCollection ? "near_collection" : "near_repeated", detail, of: String(hit.duplicateOf.dropFirst(2)))
                }
                counts.candidates += 1
                let rank = Hashing.sha256Prefix64("\(seed)\u{1F}bench\u{1F}\(id)")
                candidates.append((rank, index * (1 << 40) + raw.line, BenchInstruction(
                    id: id, position: 0, text: text, source: preset.source, sourceFile: spec.path, sourceLine: raw.line)))
            }
            intake.perSource.append(counts)
        }
        let need = max(0, count - stored.count)
        let chosen = candidates.sorted { ($0.rank, $0.instruction.id) < ($1.rank, $1.instruction.id) }.prefix(need)
        intake.added = chosen.sorted { $0.order < $1.order }.map(\.instruction)
        return intake
    }
}
