import Foundation
@testable import JanusCore
@testable import JanusIngest
@testable import JanusStore
@testable import JanusSupport
import Testing

/// Ingest on the small fixtures in each preset's schema (Fixtures/ingest), plain and gzipped.
@Suite(.removesTemporaryDirectories) struct IngestFixtureTests {
    static let directory = TestPaths.packageRoot.appendingPathComponent("Tests/JanusCoreTests/Fixtures/ingest")
    static let files = [("nectar", "nectar.jsonl"), ("openhermes", "openhermes.jsonl"), ("ultrafeedback", "ultrafeedback.jsonl"),
                        ("arena", "arena.json"), ("dsp", "dsp.csv")]

    static func sources(in dir: URL = directory, suffix: String = "") -> [SourceSpec] {
        files.map { SourceSpec(preset: $0.0, path: dir.appendingPathComponent($0.1 + suffix).path) }
    }

    /// The fixtures, gzip-compressed, in a new folder.
    static func gzipped() throws -> URL {
        let dir = try TestPaths.temporaryDirectory()
        for (_, name) in files {
            let bytes = try [UInt8](Data(contentsOf: directory.appendingPathComponent(name)))
            try Data(GzipCompressor.compress(bytes)).write(to: dir.appendingPathComponent(name + ".gz"))
        }
        return dir
    }

    static func ingest(_ sources: [SourceSpec], workers: Int = 2, batchBytes: Int = 64) throws -> (IngestSummary, [StoredInstruction]) {
        let store = try memoryStore()
        var ingestor = Ingestor(settings: IngestSettings(), seed: 3)
        ingestor.workers = workers
        ingestor.batchBytes = batchBytes
        let summary = try ingestor.run(sources: sources, store: store, runID: 1)
        return (summary, try store.instructions())
    }

    @Test func everyPresetCountsWhatWasPlanted() throws {
        let (summary, stored) = try Self.ingest(Self.sources())
        let rows = Dictionary(uniqueKeysWithValues: summary.sources.map { ($0.source, $0) })
        // (read, bad, duplicate, filtered, kept) per file. nectar: 7 lines, one blank; line 4 has
        // a number for a prompt, line 7 an empty first turn, line 3 "You are". openhermes: line 1
        // repeats nectar:1 in other white space, 2 is "You are given ..." (the known false
        // positive), 4 is cut-off JSON, 6 a list for a prompt. ultrafeedback: 2 "Imagine".
        // arena: 3 lacks conversation_a, 4 has no user turn, 5 repeats ultrafeedback:1 in NFD.
        // dsp: line 4 repeats ultrafeedback:3, 5 is blank, 6 "Take on the role", 7 has 2 fields.
        let expected: [String: (Int, Int, Int, Int, Int)] = [
            "nectar": (6, 2, 0, 1, 3), "openhermes": (6, 2, 1, 1, 2), "ultrafeedback": (3, 0, 0, 1, 2),
            "arena": (5, 2, 1, 0, 2), "dsp": (6, 2, 1, 1, 2),
        ]
        for (name, e) in expected {
            let r = try #require(rows[name])
            #expect((r.read, r.bad, r.duplicate, r.filtered, r.kept) == e, "\(name)")
            #expect(r.sampled == r.kept + r.filtered, "\(name)")  // the paper's order: sampled, then filtered
            #expect(r.nearDuplicate == 0)
        }
        #expect(summary.totals.badReasons == ["wrong_type": 2, "empty_instruction": 2, "invalid_json": 1, "missing_field": 2, "malformed_row": 1])
        #expect(stored.count == 11)
        let texts = Set(stored.map(\.text))
        #expect(texts.contains("What is the capital of France?"))  // first turn of a multi-turn transcript
        #expect(texts.contains("Name three primary colours."))  // first user turn of a conversation list
        #expect(texts.contains("Summarise this text.\nIf you are unsure, say so."))  // "you are" on line 2 only
        #expect(texts.contains("What role does the liver play in digestion?"))  // "role" without "take"
        #expect(texts.contains("Write a short poem about the sea,\nin two lines."))  // quoted CSV field over two lines
        #expect(!texts.contains { $0.hasPrefix("You are") || $0.hasPrefix("Imagine") || $0.hasPrefix("Take on") })
        let byText = Dictionary(uniqueKeysWithValues: stored.map { ($0.text, $0) })
        #expect(byText["What is the capital of France?"]?.originalSource == "anthropic-hh")
        #expect(byText["Explain recursion to a child."]?.originalSource == "-")  // null source
        #expect(byText["Summarise this text.\nIf you are unsure, say so."]?.originalSource == "-")
        #expect(byText["Give me a café au lait recipe."]?.mainSource == "ultrafeedback_binarized_cleaned")
        #expect(byText["List the planets in order."]?.originalSource == "alpaca")
        #expect(byText["List the planets in order."]?.sourceLine == 8)
        #expect(byText["Name three primary colours."]?.sourceLine == 2)
    }

    @Test func droppedLinesSayWhereAndWhatTheyDuplicated() throws {
        let (summary, _) = try Self.ingest(Self.sources())
        let bad = summary.examples["bad"] ?? []
        #expect(bad.contains { $0.hasSuffix("nectar.jsonl:4: field `prompt` is a number, expected a string") })
        #expect(bad.contains { $0.hasSuffix("nectar.jsonl:7: field `prompt` is empty") || $0.hasSuffix("nectar.jsonl:7: instruction is empty") })
        #expect(bad.contains { $0.contains("openhermes.jsonl:4: invalid JSON") })
        #expect(bad.contains { $0.hasSuffix("arena.json:3: field `conversation_a` missing") })
        #expect(bad.contains { $0.hasSuffix("arena.json:4: field `conversation_a` has no user turn") })
        #expect(bad.contains { $0.hasSuffix("dsp.csv:7: expected 5 fields, found 2") })
        let duplicates = summary.examples["duplicate"] ?? []
        #expect(duplicates.contains { $0.contains("openhermes.jsonl:1: same text as ") && $0.hasSuffix("nectar.jsonl:1") })
        #expect(duplicates.contains { $0.contains("arena.json:5: same text as ") && $0.hasSuffix("ultrafeedback.jsonl:1") })
        #expect(duplicates.contains { $0.contains("dsp.csv:4: same text as ") && $0.hasSuffix("ultrafeedback.jsonl:3") })
        #expect(summary.filterHits.values.reduce(0, +) == 4)
    }

    @Test func gzippedFixturesGiveTheSameResult() throws {
        let (plain, plainStored) = try Self.ingest(Self.sources())
        let dir = try Self.gzipped()
        let (gz, gzStored) = try Self.ingest(Self.sources(in: dir, suffix: ".gz"))
        #expect(gz.sources.map { $0.json(.paper) } == plain.sources.map { $0.json(.paper) })
        #expect(gzStored.map(\.id) == plainStored.map(\.id))
        #expect(gzStored.map(\.sourceLine) == plainStored.map(\.sourceLine))
        #expect((gz.examples["bad"] ?? []).contains { $0.hasSuffix("dsp.csv.gz:7: expected 5 fields, found 2") })
    }

    @Test func resultsDoNotDependOnWorkersOrBatchSize() throws {
        let (one, oneStored) = try Self.ingest(Self.sources(), workers: 1, batchBytes: 1 << 20)
        for (workers, batch) in [(2, 1), (3, 40), (4, 1 << 20)] {
            let (other, otherStored) = try Self.ingest(Self.sources(), workers: workers, batchBytes: batch)
            #expect(other.json == one.json)
            #expect(otherStored == oneStored)
        }
    }

    @Test func theSampleCorpusStillMatchesPlantedMd() throws {
        let (summary, _) = try Self.ingest(IngestTests.sampleSources)
        #expect(summary.totals.read == 200)
        #expect(summary.totals.duplicate == 8)
        #expect(summary.totals.filtered == 9)
        #expect(summary.totals.kept == 183)
    }

    @Test(.tags(.endToEnd)) func theCommandPrintsTheTableOnStderrAndJSONOnStdout() throws {
        let dir = try Self.gzipped()
        let args = ["ingest", "--db", dir.appendingPathComponent("janus.db").path, "--json"]
            + Self.sources(in: dir, suffix: ".gz").flatMap { ["--source", "\($0.preset)=\($0.path)"] }
        let result = try runJanus(args, in: dir)
        #expect(result.status == 0)
        #expect(result.stderr.contains("bad lines by reason: empty_instruction 2, invalid_json 1, malformed_row 1, missing_field 2, wrong_type 2"))
        #expect(result.stderr.contains("dsp.csv.gz:7: expected 5 fields, found 2"))
        let json = try JSONParser.parse(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(json["total"]?["read"] == 26)
        #expect(json["total"]?["bad_reasons"]?["missing_field"] == 2)
        #expect(json["added"] == 11)
        let strict = try runJanus(args + ["--strict"], in: dir)
        #expect(strict.status == 1)
        #expect(strict.stderr.contains("nectar.jsonl.gz:4: field `prompt` is a number, expected a string"))
    }
}
