import Foundation
@testable import JanusCore
@testable import JanusIngest
@testable import JanusSupport
import Testing

@Suite(.removesTemporaryDirectories) struct IngestTests {
    static let sampleSources = ["nectar=nectar.jsonl", "ultrafeedback=ultrafeedback.jsonl", "arena=arena.json", "dsp=dsp.csv", "openhermes=openhermes.jsonl"]
        .map { spec -> SourceSpec in
            let s = try? SourceSpec.parse(spec)
            return SourceSpec(preset: s?.preset ?? "", path: TestPaths.sample.appendingPathComponent(s?.path ?? "").path)
        }

    @Test func sampleCountsMatchWhatWasPlanted() throws {
        // sample/PLANTED.md: 200 records, 8 exact duplicates, 9 filter hits, 183 kept.
        let store = try memoryStore()
        let summary = try Ingestor(settings: IngestSettings(), seed: 42).run(sources: Self.sampleSources, store: store, runID: 1)
        let total = summary.totals
        #expect(total.read == 200)
        #expect(total.bad == 0)
        #expect(total.duplicate == 8)
        #expect(total.filtered == 9)
        #expect(total.nearDuplicate == 0)
        #expect(total.sampled == 192)  // the paper's order: sampled, then filtered
        #expect(total.kept == 183)
        #expect(try store.instructionCount() == 183)
        // Ingesting again adds nothing: every line repeats one kept or one sampled and filtered.
        let again = try Ingestor(settings: IngestSettings(), seed: 42).run(sources: Self.sampleSources, store: store, runID: 2)
        #expect(again.added == 0)
        #expect(again.totals.duplicate == 200)
        #expect(again.totals.filtered == 0)
    }

    @Test func presetsTakeTheFirstUserTurnAndOrigins() throws {
        let store = try memoryStore()
        _ = try Ingestor(settings: IngestSettings(), seed: 42).run(sources: Self.sampleSources, store: store, runID: 1)
        let stored = try store.instructions()
        for item in stored {
            #expect(!item.text.contains("Human:"))
            #expect(!item.text.contains("Assistant:"))
        }
        let mains = Set(stored.map(\.mainSource))
        #expect(mains == ["Nectar", "OpenHermesPreferences", "ultrafeedback_binarized_cleaned", "chatbot_arena_conversations", "domain_specific_preference"])
        #expect(stored.contains { $0.mainSource == "OpenHermesPreferences" && $0.originalSource == "-" })
        #expect(stored.filter { $0.mainSource == "domain_specific_preference" }.allSatisfy { $0.originalSource == "alpaca" })
    }

    @Test func samplingDependsOnSeedAndContentNotFileOrder() throws {
        let dir = try TestPaths.temporaryDirectory()
        let lines = (0..<60).map { "{\"prompt\": \"Question number \($0) about a distinct topic \($0 * 7919) here\"}" }
        let a = dir.appendingPathComponent("a.jsonl")
        let b = dir.appendingPathComponent("b.jsonl")
        try lines.joined(separator: "\n").write(to: a, atomically: true, encoding: .utf8)
        try lines.reversed().joined(separator: "\n").write(to: b, atomically: true, encoding: .utf8)
        var settings = IngestSettings()
        settings.quotas = ["jsonl": 10]
        settings.total = nil
        func sampled(_ url: URL, seed: Int) throws -> Set<String> {
            let store = try memoryStore()
            _ = try Ingestor(settings: settings, seed: seed).run(sources: [SourceSpec(preset: "jsonl", path: url.path)], store: store, runID: 1)
            return Set(try store.instructions().map(\.text))
        }
        let first = try sampled(a, seed: 1)
        #expect(first.count == 10)
        #expect(try sampled(b, seed: 1) == first)
        #expect(try sampled(a, seed: 2) != first)
    }

    @Test func badLinesAreCountedWithTheirLineNumbers() throws {
        let dir = try TestPaths.temporaryDirectory()
        let file = dir.appendingPathComponent("mixed.jsonl")
        var bytes = Data("{\"prompt\": \"good one\"}\n{not json}\n{\"prompt\": 5}\n\n{\"other\": 1}\n".utf8)
        bytes.append(contentsOf: [0x7B, 0x22, 0x70, 0x72, 0x6F, 0x6D, 0x70, 0x74, 0x22, 0x3A, 0x22, 0xFF, 0x22, 0x7D, 0x0A])
        bytes.append(Data("{\"prompt\": \"good two\"}\n".utf8))
        try bytes.write(to: file)
        let store = try memoryStore()
        var settings = IngestSettings()
        settings.total = nil
        let summary = try Ingestor(settings: settings, seed: 1).run(sources: [SourceSpec(preset: "jsonl", path: file.path)], store: store, runID: 1)
        #expect(summary.totals.read == 6)
        #expect(summary.totals.bad == 4)
        #expect(summary.totals.sampled == 2)
        let examples = summary.examples["bad"] ?? []
        #expect(examples.contains { $0.hasSuffix("mixed.jsonl:2: invalid JSON (expected a string key at byte 1)") })
        #expect(examples.contains { $0.hasSuffix("mixed.jsonl:3: field `prompt` is a number, expected a string or a message list") })
        #expect(examples.contains { $0.hasSuffix("mixed.jsonl:5: field `prompt` missing") })
        #expect(examples.contains { $0.hasSuffix("mixed.jsonl:6: invalid UTF-8") })
        settings.strict = true
        #expect(throws: IngestError.badLine(file: file.path, line: 2, reason: "invalid JSON (expected a string key at byte 1)")) {
            try Ingestor(settings: settings, seed: 1).run(sources: [SourceSpec(preset: "jsonl", path: file.path)], store: try memoryStore(), runID: 1)
        }
    }

    @Test func filterLooksAtTheFirstLineOnly() throws {
        let filter = try InstructionFilter(patterns: IngestSettings.paperFilter)
        #expect(filter.match("You are a chef. Plan a menu.") != nil)
        #expect(filter.match("Pretend you're a guide") != nil)
        #expect(filter.match("IMAGINE a world without rain") != nil)
        #expect(filter.match("Please take on the role of a judge") != nil)
        #expect(filter.match("Summarise this.\nYou are free to be brief.") == nil)
        #expect(filter.match("What role does the liver play?") == nil)
        #expect(filter.match("Are you youthful?") == nil)
    }

    /// The published structure: between "take" and "role" only words, each after one space.
    @Test func filterTakesRoleAsPublished() throws {
        let filter = try InstructionFilter(patterns: IngestSettings.paperFilter)
        #expect(filter.match("Take the role of a judge.") != nil)
        #expect(filter.match("Now take on the role of a pirate") != nil)
        #expect(filter.match("take up the  role") == nil)  // two spaces
        #expect(filter.match("Take, for example, the role of bees.") == nil)  // punctuation between
        #expect(filter.match("Retake the role of the lead.") == nil)  // "take" inside a word
        #expect(filter.match("Take the roles apart.") == nil)  // "role" inside a word
        #expect(filter.match("take the role-play seriously") != nil)
        #expect(filter.match("take role") == nil)  // as published: `take \w*` needs a second space
        // Case-insensitive, and "you're" with either apostrophe.
        #expect(filter.match("YOU'RE a teacher") != nil)
        #expect(filter.match("you’re a teacher") != nil)
        #expect(filter.match("You`re a teacher") == nil)
        #expect(filter.match("Was it you, Aren?") == nil)
    }

    @Test func nearDuplicatesAreCaughtAndDistinctTextsKept() {
        var index = NearDuplicateIndex(threshold: 0.75, seed: 9)
        let base = "Write a detailed guide on how to grow tomatoes on a small city balcony with limited sunlight and only a few pots available for the whole summer season"
        #expect(index.checkAndAdd(id: "a", text: base) == nil)
        #expect(index.checkAndAdd(id: "b", text: base + " please")?.duplicateOf == "a")
        #expect(index.checkAndAdd(id: "c", text: "Explain the difference between TCP and UDP with examples of when each protocol is the better choice for an application") == nil)
    }

    @Test func csvHandlesQuotesCommasAndLineBreaks() throws {
        var rows: [(Result<JSONValue, BadRecord>, Int)] = []
        try CSVReader.forEachRow(Data("query,b\n\"a, \"\"quoted\"\"\nline\",x\nplain,y\nshort\n".utf8)) { rows.append(($0, $1)) }
        #expect(rows.count == 3)
        #expect(try rows[0].0.get()["query"]?.stringValue == "a, \"quoted\"\nline")
        #expect(rows[1].1 == 4)
        #expect(try rows[1].0.get()["b"]?.stringValue == "y")
        if case let .failure(bad) = rows[2].0 { #expect(bad.reason.contains("expected 2 fields")) } else { Issue.record("short row accepted") }
    }
}
