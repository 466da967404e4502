import ArgumentParser
import Foundation
import JanusCore
import JanusIngest
import JanusLLM
import JanusStore
import JanusSupport

/// Options every command understands.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: "The config file (default: ./janus.yaml when present).")
    var config: String?

    @Option(name: .long, help: "The checkpoint store (default: ./janus.db).")
    var db: String?

    @Option(name: .long, help: "The seed of every random choice (default: 42).")
    var seed: Int?

    /// Defaults, then the config file, then these flags.
    func resolve() throws -> JanusConfig {
        var config = JanusConfig()
        if let path = self.config {
            guard FileManager.default.fileExists(atPath: path) else {
                throw ConfigError(file: path, message: "no such config file")
            }
            config = try ConfigLoader.load(path: path)
        } else if FileManager.default.fileExists(atPath: "janus.yaml") {
            config = try ConfigLoader.load(path: "janus.yaml")
        }
        if let db { config.db = db }
        if let seed {
            config.seed = seed
            config.given.insert("seed")
        }
        return config
    }
}

/// LLM options; flags override the config file.
struct LLMOptions: ParsableArguments {
    @Option(help: "openai (any OpenAI-compatible server) or offline (built-in, no network).")
    var provider: String?
    @Option(help: "The server's base URL, with or without /v1.")
    var baseURL: String?
    @Option(
        name: .customLong("endpoint"),
        help: "A server's base URL; repeat for several servers of the same model (replaces provider.endpoints and --base-url).")
    var endpoints: [String] = []
    @Option(help: "The model name sent with each request.")
    var model: String?
    @Option(help: "The environment variable that holds the API key (default: OPENAI_API_KEY).")
    var apiKeyEnv: String?
    @Option(help: "Requests in flight at once (per endpoint).")
    var concurrency: Int?
    @Option(help: "Requests per minute.")
    var rpm: Int?
    @Option(help: "Tokens per minute (prompt estimate + max_tokens).")
    var tpm: Int?
    @Option(help: "max_tokens for every stage.")
    var maxTokens: Int?
    @Option(help: "Sampling temperature (default: 1.0).")
    var temperature: Double?
    @Option(help: "Nucleus sampling top_p (default: 0.9).")
    var topP: Double?
    @Option(help: "Stop sending once this many US dollars are spent (exit code 3).")
    var maxCost: Double?
    @Option(help: "A PEM file of CA certificates to trust for https (default: SSL_CERT_FILE, else the system's).")
    var caBundle: String?
    @Flag(help: "Ask again for items whose earlier answers were quarantined.")
    var retryQuarantined = false
    @Flag(help: "Send requests online even while they sit in a live provider batch.")
    var release = false

    func validate() throws {
        if let provider, Provider(rawValue: provider) == nil {
            throw ValidationError("--provider must be one of \(Provider.names), not \"\(provider)\"")
        }
        if let concurrency, concurrency < 1 { throw ValidationError("--concurrency must be at least 1") }
        for endpoint in endpoints {
            if let problem = EndpointSettings.problem(with: endpoint) { throw ValidationError("--endpoint \(endpoint) \(problem)") }
        }
    }

    /// The configuration with the global options and these flags applied.
    func resolve(_ global: GlobalOptions) throws -> JanusConfig {
        var config = try global.resolve()
        apply(to: &config)
        return config
    }

    func apply(to config: inout JanusConfig) {
        if let provider = provider.flatMap(Provider.init(rawValue:)) { config.client.provider = provider }
        if let baseURL {
            config.client.baseURL = baseURL
            config.client.endpoints = []
        }
        if !endpoints.isEmpty { config.client.endpoints = endpoints.map { EndpointSettings(baseURL: $0) } }
        if let model { config.client.model = model }
        // The settings that decide which results are current, as given (see JanusConfig.given).
        let given: [(Bool, String)] = [
            (provider != nil, "provider.name"), (baseURL != nil, "provider.base_url"), (model != nil, "provider.model"),
            (temperature != nil, "generation.temperature"), (topP != nil, "generation.top_p"),
            (maxTokens != nil, "generation.max_tokens"),
        ]
        config.given.formUnion(given.filter(\.0).map(\.1))
        if let apiKeyEnv { config.client.apiKeyEnv = apiKeyEnv }
        if let concurrency { config.client.concurrency = concurrency }
        if let rpm { config.client.requestsPerMinute = rpm }
        if let tpm { config.client.tokensPerMinute = tpm }
        if let maxCost { config.client.maxCost = maxCost }
        if let caBundle { config.client.caBundle = caBundle }
        if let temperature { config.generation.temperature = temperature }
        if let topP { config.generation.topP = topP }
        if let maxTokens { for stage in Stage.allCases { config.generation.maxTokens[stage.rawValue] = maxTokens } }
        if retryQuarantined { config.generation.retryQuarantined = true }
        if release { config.generation.releaseBatched = true }
    }
}

/// Ingest options.
struct SourceOptions: ParsableArguments {
    @Option(
        name: .customLong("source"),
        help: "A source as PRESET=PATH (nectar, openhermes, ultrafeedback, arena, dsp, jsonl; PATH: .jsonl, .json, .csv, each optionally .gz, .parquet, or hf://owner/name[@revision][/glob]); repeatable.")
    var sources: [String] = []
    @Option(name: .customLong("quota"), help: "Instructions to sample from a source, as PRESET=N; repeatable.")
    var quotas: [String] = []
    @Option(help: "Fill up to this many instructions in all (from the fill source).")
    var total: Int?
    @Option(help: "jsonl preset: the dotted path of the instruction field.")
    var promptField: String?
    @Option(help: "jsonl preset: the dotted path of the original-source field.")
    var originField: String?
    @Option(help: "jsonl preset: the main_source to record (default: the file name).")
    var mainSource: String?
    @Flag(help: "Stop at the first bad line instead of skipping and counting it.")
    var strict = false
    @Option(help: "paper (sample, then filter; the default) or clean (filter and near-dedup, then sample).")
    var recipe: String?
    @Flag(name: .customLong("no-near-dedup"), help: "Keep near duplicates.")
    var noNearDedup = false

    func apply(to config: inout JanusConfig) throws {
        if !sources.isEmpty { config.sources = try sources.map { try SourceSpec.parse($0) } }
        for quota in quotas {
            let parts = quota.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, let n = Int(parts[1]), n >= 0 else {
                throw ValidationError("--quota expects PRESET=N, got \"\(quota)\"")
            }
            config.ingest.quotas[String(parts[0])] = n
        }
        if let total { config.ingest.total = total }
        if let recipe {
            guard let parsed = IngestRecipe(rawValue: recipe) else {
                throw ValidationError("--recipe must be paper or clean, not \"\(recipe)\"")
            }
            config.ingest.recipe = parsed
        }
        if let promptField { config.ingest.promptField = promptField }
        if let originField { config.ingest.originField = originField }
        if let mainSource { config.ingest.mainSource = mainSource }
        if strict { config.ingest.strict = true }
        if noNearDedup { config.ingest.nearDedup = false }
    }
}

/// Export options.
struct ExportOptions: ParsableArguments {
    @Option(name: .customLong("format"), help: "sft, sft-small, dpo, orpo, rm or all; repeatable.")
    var formats: [String] = []
    @Option(help: "The output directory (one folder per format), or - for one format's JSONL on stdout.")
    var out: String?
    @Option(help: "Records per shard.")
    var shardSize: Int?
    @Option(help: "Megabytes per shard at most.")
    var maxShardMb: Int?
    @Option(help: "Instructions held out as a test split in every format.")
    var testSplit: Int?
    @Flag(help: "Write gzip-compressed shards (.jsonl.gz).")
    var gzip = false

    func apply(to config: inout JanusConfig) {
        if !formats.isEmpty { config.export.formats = formats }
        if let out { config.export.out = out }
        if let shardSize { config.export.shardSize = shardSize }
        if let maxShardMb { config.export.maxShardMB = maxShardMb }
        if let testSplit { config.export.testSplit = testSplit }
        if gzip { config.export.gzip = true }
    }
}
