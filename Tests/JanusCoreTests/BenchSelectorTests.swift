import Foundation
@testable import JanusCore
@testable import JanusExport
@testable import JanusHTTP
@testable import JanusIngest
@testable import JanusLLM
@testable import JanusStore
@testable import JanusSupport
import Testing

/// Which benchmark instructions become the bench: not the collection's (exactly or nearly), not
/// repeated across sources, a seeded sample of the rest that does not depend on the file order.
@Suite struct BenchSelectorTests {
    static let files = ["alpaca_eval=alpaca_eval.json", "mt_bench=mt_bench.jsonl", "koala=koala.jsonl", "flask=flask.jsonl", "self_instruct=self_instruct.jsonl"]
    static var sources: [SourceSpec] {
        files.compactMap { try? SourceSpec.parse($0) }.map { SourceSpec(preset: $0.preset, path: TestPaths.sample.path + "/bench/" + $0.path) }
    }

    /// A store whose collection holds one bench instruction exactly and one nearly.
    func store() throws -> CheckpointStore {
        let store = try memoryStore()
        let texts = [
            "What are some tips for keeping cut flowers fresh longer?",
            "Compose an engaging travel blog post about a recent trip to Hawaii, highlighting cultural experiences and must-see attraction.",
        ]
        let list = texts.enumerated().map { i, text in
            StoredInstruction(
                id: TextNormalizer.instructionID(text), position: i, text: text, mainSource: "m", originalSource: "-", sourceName: "jsonl",
                sourceFile: "f", sourceLine: i + 1)
        }
        try store.addInstructions(list, drops: [], runID: 1)
        return store
    }

    @Test func dropsTheCollectionsAndRepeatsAndCountsEachReason() throws {
        let intake = try BenchSelector.select(sources: Self.sources, settings: IngestSettings(), seed: 1, count: 100, store: try store())
        let dropped = intake.perSource.reduce(into: [String: Int]()) { all, c in all.merge(c.dropped, uniquingKeysWith: +) }
        #expect(dropped == ["in_collection": 1, "near_collection": 1, "repeated": 2, "bad": 1])
        #expect(intake.added.count == 26)
        #expect(intake.perSource.map(\.source) == ["alpaca_eval", "mt_bench", "koala", "flask", "self_instruct"])
        // Self-Instruct's input follows its instruction; MT-Bench gives its first turn.
        #expect(intake.added.contains { $0.text == "Classify the sentiment of the tweet.\n\nJust missed the bus again... great start to Monday 🙃" })
        #expect(!intake.added.contains { $0.text.contains("Rewrite your previous response") })
        // Stored in NFC, whatever the file held.
        #expect(intake.added.contains { $0.text.hasPrefix("Décris un café") && $0.text.unicodeScalars.count == $0.text.precomposedStringWithCanonicalMapping.unicodeScalars.count })
    }

    @Test func theSampleIsSeededAndIndependentOfFileOrder() throws {
        let a = try BenchSelector.select(sources: Self.sources, settings: IngestSettings(), seed: 3, count: 10, store: try store())
        let b = try BenchSelector.select(sources: Self.sources.reversed(), settings: IngestSettings(), seed: 3, count: 10, store: try store())
        let c = try BenchSelector.select(sources: Self.sources, settings: IngestSettings(), seed: 4, count: 10, store: try store())
        #expect(a.added.count == 10)
        #expect(Set(a.added.map(\.id)) == Set(b.added.map(\.id)))
        #expect(Set(a.added.map(\.id)) != Set(c.added.map(\.id)))
    }

    @Test func aRerunAddsOnlyWhatTheCountStillLacks() throws {
        let store = try store()
        let first = try BenchSelector.select(sources: Self.sources, settings: IngestSettings(), seed: 3, count: 10, store: store)
        try store.addBenchInstructions(first.added, drops: first.drops, runID: 2)
        let same = try BenchSelector.select(sources: Self.sources, settings: IngestSettings(), seed: 3, count: 10, store: store)
        #expect(same.added.isEmpty)
        let more = try BenchSelector.select(sources: Self.sources, settings: IngestSettings(), seed: 3, count: 14, store: store)
        #expect(more.added.count == 4)
        #expect(Set(more.added.map(\.id)).isDisjoint(with: first.added.map(\.id)))
        try store.addBenchInstructions(more.added, drops: [], runID: 3)
        #expect(try store.benchInstructions().map(\.position) == Array(0..<14))
    }

    @Test func anUnknownPresetIsNamed() {
        #expect(throws: ConfigError.self) {
            try BenchSelector.select(
                sources: [SourceSpec(preset: "alpacaeval", path: "x.json")], settings: IngestSettings(), seed: 1, count: 1, store: try memoryStore())
        }
    }
}
