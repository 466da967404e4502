import Foundation
@testable import JanusCore
@testable import JanusStore
import Testing

/// What a store remembers of its runs, and how readers take settings from it.
@Suite(.removesTemporaryDirectories) struct RunSettingsTests {
    func config(db: String) -> JanusConfig {
        var config = JanusConfig()
        config.db = db
        return config
    }

    @Test func aStoreFromBeforeSettingsWereKeptOffersItsLastRunsModelAndSeed() throws {
        let path = try TestPaths.temporaryDirectory().appendingPathComponent("v3.db").path
        do {
            let db = try SQLiteDatabase(.path(path))
            try db.execute("CREATE TABLE schema_migrations(version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)")
            for migration in Migrations.all where migration.version <= 3 {
                try db.execute(migration.sql)
                try db.run("INSERT INTO schema_migrations VALUES (?, ?, 'then')", [.int(migration.version), .text(migration.name)])
            }
            try db.run("INSERT INTO runs(command, started_at, seed, provider, model) VALUES ('ingest', 't0', 3, 'offline', 'x')")
            try db.run("INSERT INTO runs(command, started_at, seed, provider, model) VALUES ('build', 't1', 3, 'openai', 'm')")
        }
        let (workspace, read) = try Workspace.reading(config(db: path))
        #expect(workspace.config.client.model == "m")
        #expect(workspace.config.client.provider == .openai)
        #expect(workspace.config.seed == 3)
        #expect(read.differences.isEmpty)
        #expect(read.run?.id == 2)

        var given = config(db: path)
        given.client.model = "m2"
        given.given = ["provider.model"]
        let (_, other) = try Workspace.reading(given)
        #expect(other.sentence == "model m2 differs from the stored run's m")
    }

    @Test func readersTakeTheMostRecentRunThatStoredAResult() throws {
        let store = try memoryStore()
        func begin(_ model: String) throws -> Int {
            var c = JanusConfig()
            c.client.model = model
            let settings = RunSettings(config: c, templates: try PromptTemplates.load(directory: nil), seeds: try SeedLibrary.load(directory: nil))
            return try store.beginRun(command: "build", seed: 42, provider: "openai", model: model, settings: settings.json.serialized())
        }
        let made = try begin("m")
        try store.saveStageResult(stage: .respond, item: ItemKey("i", 0), result: StageResult(requestKey: "k", output: "o", meta: "{}", runID: made))
        // A later run that stored nothing (an unknown model, stopped at once) is passed over.
        _ = try begin("typo")
        #expect(try store.latestGenerationRun()?.id == made)
        #expect(try store.resultsByRun(stage: .respond) == [ResultsByRun(runID: made, model: nil, count: 1)])
    }

    /// The run that stored the collection's last result is read from the end of the results
    /// (store version 11 has no index by run): later bench results, a result stored again by a
    /// later run, and one written under an ingest run by hand do not mislead it.
    @Test func theRunThatStoredTheLastResultIsTheLatest() throws {
        let store = try memoryStore()
        func begin(_ command: String) throws -> Int {
            try store.beginRun(command: command, seed: 42, provider: "openai", model: "m")
        }
        func save(_ stage: Stage, _ id: String, _ run: Int) throws {
            try store.saveStageResult(stage: stage, item: ItemKey(id, 0), result: StageResult(requestKey: "k\(id)", output: "o", meta: "{}", runID: run))
        }
        #expect(try store.latestGenerationRun() == nil)
        let first = try begin("build")
        try save(.expand, "a", first)
        try save(.respond, "a", first)
        let second = try begin("build")
        try save(.systems, "b", second)
        let bench = try begin("bench build")
        try save(.benchExpand, "x", bench)
        #expect(try store.latestGenerationRun()?.id == second)
        let third = try begin("generate")
        try save(.expand, "a", third)
        #expect(try store.latestGenerationRun()?.id == third)
        try save(.respond, "z", try begin("ingest"))
        #expect(try store.latestGenerationRun()?.id == third)
        #expect(try store.resultsByRun(stage: .respond).map(\.count) == [1, 1])
        #expect(try store.appliedVersions().last == Migrations.latest)
    }

    @Test func givenSettingsWinAndTheRestComeFromTheStoredRun() throws {
        var built = JanusConfig()
        built.client.provider = .openai
        built.client.model = "m"
        built.seed = 3
        built.generation.temperature = 0.7
        built.generation.maxTokens["respond"] = 512
        built.generation.extra = ["repetition_penalty": .number(1.03)]
        let templates = try PromptTemplates.load(directory: nil)
        let seeds = try SeedLibrary.load(directory: nil)
        let stored = RunSettings(config: built, templates: templates, seeds: seeds)
        let recorded = try #require(RunSettings(recorded: RecordedRun(
            id: 1, command: "build", startedAt: "t", seed: 3, provider: "openai", model: "m", settings: stored.json.serialized())))
        #expect(recorded == stored)

        var reader = JanusConfig()
        reader.seed = 3
        reader.generation.temperature = 0.2
        reader.given = ["seed", "generation.temperature"]
        let applied = recorded.applied(to: reader)
        #expect(applied.client.model == "m" && applied.client.provider == .openai)
        #expect(applied.generation.temperature == 0.2)
        #expect(applied.generation.maxTokens["respond"] == 512)
        #expect(applied.generation.extra == ["repetition_penalty": .number(1.03)])
        let differences = RunSettings(config: applied, templates: templates, seeds: seeds).differences(from: recorded)
        #expect(differences.map(\.name) == ["temperature"])
        #expect(SettingDifference.flagsForStored(differences) == "--temperature 0.7")
    }
}
