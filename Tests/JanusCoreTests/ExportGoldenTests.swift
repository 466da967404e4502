import Foundation
@testable import JanusCore
@testable import JanusExport
@testable import JanusIngest
@testable import JanusStore
import Testing

/// Exports a small fixed store and compares every file with the committed reference under
/// Fixtures/golden. Re-record after an intended change with JANUS_RECORD_GOLDEN=1.
@Suite(.serialized, .removesTemporaryDirectories) struct ExportGoldenTests {
    static let golden = TestPaths.packageRoot.appendingPathComponent("Tests/JanusCoreTests/Fixtures/golden")

    /// Four instructions: two complete, one with a quarantined variant, one not yet responded.
    static func fixedWorkspace(in dir: URL) throws -> Workspace {
        var config = JanusConfig()
        config.db = dir.appendingPathComponent("g.db").path
        config.seed = 7
        config.client.model = "fixture-model"
        let workspace = try Workspace(config: config)
        let store = workspace.store
        let texts = [
            "How do tides work?", "Write a haiku about rust.", "Explain SQL joins with an example.", "What is a prime number?",
        ]
        let instructions = texts.enumerated().map { i, text in
            StoredInstruction(
                id: TextNormalizer.instructionID(text), position: i, text: text, mainSource: ["Nectar", "dsp", "Nectar", "arena"][i],
                originalSource: i == 1 ? "alpaca" : "-", sourceName: "fixture", sourceFile: "fixture.jsonl", sourceLine: i + 1)
        }
        try store.addInstructions(instructions, drops: [], runID: 1)
        let requests = workspace.stageRequests
        let seeds = workspace.seeds
        for (i, instruction) in try store.instructions().enumerated() {
            for variant in 0..<3 {
                let item = ItemKey(instruction.id, variant)
                let set = seeds.preferenceSets[(i * 3 + variant) % seeds.preferenceSets.count]
                let expand = try requests.expand(instruction, variant: variant)
                try store.saveStageResult(stage: .expand, item: item, result: StageResult(requestKey: expand.key, output: set.json.serialized(), meta: "{}"))
                let systems = try requests.systems(instruction, variant: variant, preferenceSet: set)
                if i == 2 && variant == 1 {
                    try store.recordFailure(stage: .systems, item: item, failure: StageFailure(requestKey: systems.key, kind: .quarantined, reason: "JSON", raw: "{}", attempts: 3))
                    continue
                }
                let system = "You are assistant \(i)-\(variant). Answer with care for: \(set.preferences.map(\.preference).joined(separator: ", "))."
                try store.saveStageResult(stage: .systems, item: item, result: StageResult(requestKey: systems.key, output: system, meta: "{}"))
                if i == 3 && variant == 2 { continue }
                let respond = try requests.respond(instruction, variant: variant, systemMessage: system)
                try store.saveStageResult(
                    stage: .respond, item: item,
                    result: StageResult(requestKey: respond.key, output: "Answer \(i)-\(variant) to \"\(instruction.text)\"\nwith a line break and a \"quote\".", meta: "{}"))
            }
        }
        return workspace
    }

    @Test func everyFormatMatchesItsReference() throws {
        let dir = try TestPaths.temporaryDirectory()
        let workspace = try Self.fixedWorkspace(in: dir)
        var settings = ExportSettings()
        settings.out = dir.appendingPathComponent("out").path
        let results = try workspace.export(formats: ExportFormat.allCases, settings: settings)
        #expect(results.map(\.records) == [10, 4, 2, 2, 2])
        let record = ProcessInfo.processInfo.environment["JANUS_RECORD_GOLDEN"] == "1"
        for format in ExportFormat.allCases {
            for name in ["train-00000-of-00001.jsonl", "manifest.json"] {
                let produced = try Data(contentsOf: dir.appendingPathComponent("out/\(format.rawValue)/\(name)"))
                let reference = Self.golden.appendingPathComponent("\(format.rawValue)/\(name)")
                if record {
                    try FileManager.default.createDirectory(at: reference.deletingLastPathComponent(), withIntermediateDirectories: true)
                    try produced.write(to: reference)
                }
                let expected = try Data(contentsOf: reference)
                #expect(produced == expected, "\(format.rawValue)/\(name) differs from its reference")
            }
        }
    }

    /// DPO/ORPO read as axolotl's orpo.chat_template and TRL's conversational preference format
    /// read them: the answers they train on must be the responses, and differ.
    @Test(.needsDatasets) func preferencePairsReadAsTrainersReadThem() throws {
        let dir = try TestPaths.temporaryDirectory()
        let workspace = try Self.fixedWorkspace(in: dir)
        var settings = ExportSettings()
        settings.out = dir.appendingPathComponent("out").path
        settings.gzip = true
        _ = try workspace.export(formats: [.sft, .dpo, .orpo], settings: settings)
        let read = try runPythonScript("read_preference_pairs.py", ["out"], in: dir)
        #expect(read.status == 0, "\(read.stdout)\(read.stderr)")
        #expect(read.stdout.hasPrefix("OK: 4 preference pairs"), "\(read.stdout)")
    }

    @Test func exportIsDeterministicShardedAndReplacesWhole() throws {
        let dir = try TestPaths.temporaryDirectory()
        let workspace = try Self.fixedWorkspace(in: dir)
        var settings = ExportSettings()
        settings.out = dir.appendingPathComponent("out").path
        settings.shardSize = 3
        settings.testSplit = 1
        _ = try workspace.export(formats: [.sft], settings: settings)
        let sft = dir.appendingPathComponent("out/sft")
        let first = try FileManager.default.contentsOfDirectory(atPath: sft.path).sorted()
        #expect(first == ["README.md", "manifest.json", "test-00000-of-00001.jsonl", "train-00000-of-00003.jsonl", "train-00001-of-00003.jsonl", "train-00002-of-00003.jsonl"])
        let bytes = try first.map { try Data(contentsOf: sft.appendingPathComponent($0)) }
        // A stray file in the old directory does not survive a new export: it is replaced whole.
        try Data("stale".utf8).write(to: sft.appendingPathComponent("train-00009-of-00010.jsonl"))
        _ = try workspace.export(formats: [.sft], settings: settings)
        let second = try FileManager.default.contentsOfDirectory(atPath: sft.path).sorted()
        #expect(second == first)
        #expect(try second.map { try Data(contentsOf: sft.appendingPathComponent($0)) } == bytes)
        // Nothing is left beside it.
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("out").path) == ["sft"])
    }

    @Test func gzipShardsHoldTheSameRecordsAndLoad() throws {
        let dir = try TestPaths.temporaryDirectory()
        let workspace = try Self.fixedWorkspace(in: dir)
        var settings = ExportSettings()
        settings.out = dir.appendingPathComponent("plain").path
        _ = try workspace.export(formats: ExportFormat.allCases, settings: settings)
        settings.out = dir.appendingPathComponent("gz").path
        settings.gzip = true
        let results = try workspace.export(formats: ExportFormat.allCases, settings: settings)
        #expect(results.allSatisfy { $0.splits.allSatisfy { $0.shards.allSatisfy { $0.name.hasSuffix(".jsonl.gz") } } })
        for format in ExportFormat.allCases {
            let plain = try Data(contentsOf: dir.appendingPathComponent("plain/\(format.rawValue)/train-00000-of-00001.jsonl"))
            let unzipped = try runProgram("/bin/gzip", ["-dc", "gz/\(format.rawValue)/train-00000-of-00001.jsonl.gz"], in: dir)
            #expect(unzipped.status == 0)
            #expect(Data(unzipped.stdout.utf8) == plain, "\(format.rawValue)")
        }
    }

    @Test(.needsDatasets) func gzipShardsLoadWithDatasets() throws {
        let dir = try TestPaths.temporaryDirectory()
        var settings = ExportSettings()
        settings.out = dir.appendingPathComponent("gz").path
        settings.gzip = true
        _ = try Self.fixedWorkspace(in: dir).export(formats: ExportFormat.allCases, settings: settings)
        let loaded = try runPythonScript("check_exports.py", ["gz"], in: dir)
        #expect(loaded.status == 0, "\(loaded.stdout)\(loaded.stderr)")
    }
}
