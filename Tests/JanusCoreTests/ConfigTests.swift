@testable import JanusCore
@testable import JanusIngest
@testable import JanusLLM
@testable import JanusSupport
import Testing

@Suite struct ConfigTests {
    @Test func defaultConfigTextLoadsToTheDefaults() throws {
        let loaded = try ConfigLoader.parse(DefaultConfig.text, file: "janus.yaml")
        let defaults = JanusConfig()
        #expect(loaded.seed == defaults.seed)
        #expect(loaded.client.provider == defaults.client.provider)
        #expect(loaded.client.model == defaults.client.model)
        #expect(loaded.client.model == "gpt-4-0125-preview")  // the dataset cards' generator
        #expect(loaded.ingest.filterPatterns == IngestSettings.paperFilter)
        #expect(loaded.ingest.recipe == .paper && loaded.ingest.nearDedup == nil && !loaded.ingest.nearDedupEnabled)
        #expect(loaded.ingest.quotas == defaults.ingest.quotas)
        #expect(loaded.generation.maxTokens == defaults.generation.maxTokens)
        #expect(loaded.generation.temperature == 1.0 && loaded.generation.topP == 0.9)
        #expect(loaded.export.formats == ["all"])
    }

    @Test func recipeAndNearDedupAreRead() throws {
        let clean = try ConfigLoader.parse("ingest:\n  recipe: clean\n", file: "j.yaml")
        #expect(clean.ingest.recipe == .clean && clean.ingest.nearDedupEnabled)
        let paperNear = try ConfigLoader.parse("ingest:\n  near_dedup: true\n", file: "j.yaml")
        #expect(paperNear.ingest.recipe == .paper && paperNear.ingest.nearDedupEnabled)
        #expect(throws: ConfigError(file: "j.yaml", message: "line 2: `ingest.recipe` must be paper or clean, not tidy")) {
            try ConfigLoader.parse("ingest:\n  recipe: tidy\n", file: "j.yaml")
        }
    }

    @Test func theProviderIsOneOfTheKnownKinds() throws {
        #expect(try ConfigLoader.parse("provider:\n  name: openai\n", file: "j.yaml").client.provider == .openai)
        #expect(try ConfigLoader.parse("provider:\n  name: offline\n", file: "j.yaml").client.provider == .offline)
        #expect(throws: ConfigError(file: "j.yaml", message: "line 2: `provider.name` must be one of openai, offline, not vllm")) {
            try ConfigLoader.parse("provider:\n  name: vllm\n", file: "j.yaml")
        }
    }

    @Test func unknownKeyIsNamedWithFileAndLine() {
        #expect(throws: ConfigError(file: "cfg/janus.yaml", message: "line 3: `provider.modle` is not a known key (known here: name, base_url, model, api_key_env, concurrency, rpm, tpm, connect_timeout, timeout, max_attempts, max_cost, stall_timeout, unreachable_timeout, ca_bundle, endpoints)")) {
            try ConfigLoader.parse("seed: 1\nprovider:\n  modle: x\n", file: "cfg/janus.yaml")
        }
    }

    @Test func wrongTypeIsNamed() {
        do {
            _ = try ConfigLoader.parse("generation:\n  variants: three\n", file: "j.yaml")
            Issue.record("accepted")
        } catch let error as ConfigError {
            #expect(error.message == "line 2: `generation.variants` must be a whole number")
        } catch {
            Issue.record("\(error)")
        }
    }

    @Test func malformedYamlIsOneLine() {
        do {
            _ = try ConfigLoader.parse("seed: [1, 2\nprovider: {", file: "bad.yaml")
            Issue.record("accepted")
        } catch let error as ConfigError {
            #expect(error.message.hasPrefix("not valid YAML"))
            #expect(!error.message.contains("\n"))
        } catch {
            Issue.record("\(error)")
        }
    }

    @Test func sourcePathsAreRelativeToTheFile() throws {
        let config = try ConfigLoader.parse("sources:\n  - nectar=data/n.jsonl\n  - dsp=/abs/d.csv\n", file: "proj/janus.yaml")
        #expect(config.sources == [SourceSpec(preset: "nectar", path: "proj/data/n.jsonl"), SourceSpec(preset: "dsp", path: "/abs/d.csv")])
    }

    @Test func chatURLWithOrWithoutV1() {
        var settings = ClientSettings()
        settings.baseURL = "http://127.0.0.1:8000"
        #expect(settings.chatCompletionsURL == "http://127.0.0.1:8000/v1/chat/completions")
        settings.baseURL = "http://127.0.0.1:8000/v1/"
        #expect(settings.chatCompletionsURL == "http://127.0.0.1:8000/v1/chat/completions")
    }
}
