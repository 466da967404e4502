import Foundation
@testable import JanusCore
@testable import JanusIngest
@testable import JanusStore
@testable import JanusSupport
import Testing

/// The paper's ingest order (sample, then filter; no near-dedup) against the clean one (filter,
/// near-dedup, then sample), on fixtures where the two give different counts.
@Suite(.removesTemporaryDirectories) struct IngestRecipeTests {
    static let directory = TestPaths.packageRoot.appendingPathComponent("Tests/JanusCoreTests/Fixtures/ingest/recipes")
    static let sources = [("dsp", "dsp.csv"), ("openhermes", "openhermes.jsonl")].map {
        SourceSpec(preset: $0.0, path: directory.appendingPathComponent($0.1).path)
    }

    /// DSP whole (6 rows, 3 of them filter hits), then OpenHermes up to 10 in all.
    static func settings(_ recipe: IngestRecipe) -> IngestSettings {
        var settings = IngestSettings()
        settings.recipe = recipe
        settings.quotas = ["dsp": 6]
        settings.total = 10
        settings.fillSource = "openhermes"
        return settings
    }

    static func ingest(_ settings: IngestSettings, store: CheckpointStore? = nil, runID: Int = 1) throws -> (IngestSummary, [StoredInstruction]) {
        let store = try store ?? memoryStore()
        let summary = try Ingestor(settings: settings, seed: 5).run(sources: sources, store: store, runID: runID)
        return (summary, try store.instructions())
    }

    static func steps(_ summary: IngestSummary) -> [String] {
        summary.steps.map { "\($0.step.rawValue) \($0.dropped) \($0.left)" }
    }

    @Test func thePaperSamplesFirstAndFiltersAfter() throws {
        let (summary, stored) = try Self.ingest(Self.settings(.paper))
        // 16 lines; one exact repeat; DSP whole (6) and OpenHermes up to exactly 10; then the
        // filter drops DSP's three hits. Near duplicates are kept.
        #expect(Self.steps(summary) == ["bad 0 16", "exact_dedup 1 15", "sample 5 10", "filter 3 7"])
        #expect(summary.totals.sampled == 10)
        #expect(summary.totals.nearDuplicate == 0)
        #expect(summary.added == 7)
        let dsp = try #require(summary.sources.first { $0.source == "dsp" })
        #expect((dsp.sampled, dsp.filtered, dsp.kept) == (6, 3, 3))
        let hermes = try #require(summary.sources.first { $0.source == "openhermes" })
        #expect((hermes.sampled, hermes.notSampled, hermes.filtered, hermes.kept) == (4, 5, 0, 4))
        let filter = try InstructionFilter(patterns: IngestSettings.paperFilter)
        #expect(stored.allSatisfy { filter.match($0.text) == nil })
    }

    @Test func theCleanRecipeFiltersAndNearDedupsBeforeSampling() throws {
        let (summary, stored) = try Self.ingest(Self.settings(.clean))
        // The same 15 distinct lines; the filter and near-dedup leave 11, of which DSP's 3 and
        // OpenHermes up to 10 in all are kept: 3 more than the paper's order keeps.
        #expect(Self.steps(summary) == ["bad 0 16", "exact_dedup 1 15", "filter 3 12", "near_dedup 1 11", "sample 1 10"])
        #expect(summary.added == 10)
        #expect(stored.count == 10)
        #expect(!stored.contains { $0.text.hasSuffix(", please") })  // the later of the near pair
    }

    @Test func nearDedupCanBeAskedForUnderThePapersOrder() throws {
        var settings = Self.settings(.paper)
        settings.nearDedup = true
        let (summary, _) = try Self.ingest(settings)
        #expect(Self.steps(summary) == ["bad 0 16", "exact_dedup 1 15", "near_dedup 1 14", "sample 4 10", "filter 3 7"])
    }

    @Test func aPaperRerunCountsWhatItFilteredAsSampled() throws {
        let store = try memoryStore()
        let (_, first) = try Self.ingest(Self.settings(.paper), store: store)
        // The filtered ones keep their ids, so the quotas and the total stay met: nothing is
        // sampled in their place.
        let filtered = try store.sampledThenFiltered()
        #expect(filtered.count == 3)
        #expect(Set(filtered.compactMap(\.duplicateOf)).isDisjoint(with: first.map(\.id)))
        let (again, after) = try Self.ingest(Self.settings(.paper), store: store, runID: 2)
        #expect(again.added == 0)
        #expect(again.totals.duplicate == 11)  // 7 kept, 3 sampled and filtered, 1 repeat
        #expect(again.totals.sampled == 0)  // the 5 left out last time stay out: the quotas are met
        #expect(after == first)
        #expect((again.examples["duplicate"] ?? []).contains { $0.hasSuffix("(sampled and filtered by an earlier ingest)") })
    }

    @Test func theSummaryListsStepsInTheOrderTheyRan() throws {
        let (paper, _) = try Self.ingest(Self.settings(.paper))
        let paperJSON = paper.json.serialized()
        #expect(paperJSON.hasPrefix("{\"recipe\":\"paper\",\"steps\":[{\"step\":\"read\",\"dropped\":0,\"left\":16},{\"step\":\"bad\""))
        #expect(paper.table.contains("steps (paper recipe): read 16 -> bad drops 0: 16 -> exact_dedup drops 1: 15 -> sample keeps 10: 10 -> filter drops 3: 7"))
        let header = try #require(paper.table.split(separator: "\n").first)
        #expect(header.split(separator: " ") == ["source", "read", "bad", "duplicate", "sampled", "filtered", "kept"])
        let (clean, _) = try Self.ingest(Self.settings(.clean))
        let cleanHeader = try #require(clean.table.split(separator: "\n").first)
        #expect(cleanHeader.split(separator: " ") == ["source", "read", "bad", "duplicate", "filtered", "near-dup", "sampled", "kept"])
        // Per source, the keys follow the same order.
        let keys = try JSONParser.parse(clean.json.serialized())["total"]?.objectValue?.map(\.0) ?? []
        #expect(keys == ["source", "read", "bad", "bad_reasons", "duplicate", "filtered", "near_duplicate", "sampled", "not_sampled", "kept"])
    }

    @Test(.tags(.endToEnd)) func theCommandTakesTheRecipe() throws {
        let dir = try TestPaths.temporaryDirectory()
        func run(_ extra: [String], db: String) throws -> JSONValue {
            let args = ["ingest", "--db", db, "--json", "--quota", "dsp=6", "--total", "10"] + extra
                + Self.sources.flatMap { ["--source", "\($0.preset)=\($0.path)"] }
            let result = try runJanus(args, in: dir)
            #expect(result.status == 0, "\(result.stderr)")
            return try JSONParser.parse(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        #expect(try run([], db: "paper.db")["added"] == 7)
        #expect(try run(["--recipe", "clean"], db: "clean.db")["added"] == 10)
        #expect(try run(["--recipe", "clean", "--no-near-dedup"], db: "flat.db")["added"] == 10)
        let bad = try runJanus(["ingest", "--db", "x.db", "--recipe", "tidy", "--source", "dsp=\(Self.sources[0].path)"], in: dir)
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("--recipe must be paper or clean, not \"tidy\""))
    }
}
