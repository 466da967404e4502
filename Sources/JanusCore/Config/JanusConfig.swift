import Foundation

/// One configured input: a preset name and a file.
public struct SourceSpec: Sendable, Hashable {
    public var preset: String
    public var path: String
    public init(preset: String, path: String) {
        self.preset = preset
        self.path = path
    }

    /// Parses `NAME=PATH` as given to `--source`.
    public static func parse(_ text: String) throws -> SourceSpec {
        guard let eq = text.firstIndex(of: "="), eq != text.startIndex, text.index(after: eq) != text.endIndex else {
            throw ConfigError(file: "--source", message: "expected NAME=PATH, got \"\(text)\"")
        }
        return SourceSpec(preset: String(text[..<eq]), path: String(text[text.index(after: eq)...]))
    }
}

/// The order of the ingest steps after reading and exact dedup.
public enum IngestRecipe: String, Sendable, Hashable, CaseIterable {
    /// The paper's (Appendix A.1): sample (the quotas, then the fill source up to the total),
    /// then drop the filter's hits. Near-dedup off unless asked for.
    case paper
    /// Filter first, then near-dedup, then sample: the quotas are filled with usable,
    /// distinct instructions.
    case clean
}

/// Settings of the ingest stage.
public struct IngestSettings: Sendable, Hashable {
    public var recipe: IngestRecipe = .paper
    /// Instructions to keep per source preset; sources without a quota are kept whole unless
    /// `total` says otherwise.
    public var quotas: [String: Int] = ["nectar": 12_000, "ultrafeedback": 12_000, "arena": 12_000, "dsp": 12_000]
    /// Fill up to this total from `fillSource` after the quotas (the paper: OpenHermes to 100k).
    public var total: Int? = 100_000
    public var fillSource: String = "openhermes"
    /// Patterns matched against the first line of each instruction; a hit drops it.
    public var filterPatterns: [String] = IngestSettings.paperFilter
    /// Near-duplicate removal; nil: the recipe's choice (paper: off, clean: on).
    public var nearDedup: Bool?
    public var nearThreshold: Double = 0.75
    public var maxLineBytes: Int = 1 << 20
    public var strict: Bool = false
    public var promptField: String?
    public var originField: String?
    public var mainSource: String?

    public init() {}

    /// Whether near duplicates are dropped.
    public var nearDedupEnabled: Bool { nearDedup ?? (recipe == .clean) }

    /// The paper's filter (Appendix A.1) with the escapes its printed text lost restored: on the
    /// first line, a word-bounded "you are", "you're", "imagine", or "take" and "role" with only
    /// single-space-separated words between them. Case-insensitive, and "you're" with either
    /// apostrophe (' or ’): the printed pattern has ’ alone and no case flag.
    public static let paperFilter: [String] = [
        #"(?i)^(?:(?!\n).)*\b(you are|you['’]re|imagine|take \w*(?: \w+)* role)\b"#,
    ]
}

/// Settings of the generation stages.
public struct GenerationSettings: Sendable, Hashable {
    public var variants: Int = 3
    /// How many times an invalid answer is re-asked before the item is quarantined.
    public var validationAttempts: Int = 3
    public var temperature: Double? = 1.0
    public var topP: Double? = 0.9
    public var maxTokens: [String: Int] = ["expand": 1024, "systems": 1024, "respond": 4096]
    /// Passed through in every request body (vLLM's repetition_penalty, for one).
    public var extra: [String: JSONValue] = [:]
    /// Send a sampling `seed` derived from (run seed, stage, instruction, variant).
    public var sendSeed: Bool = true
    public var seedsDirectory: String?
    public var promptsDirectory: String?
    public var retryQuarantined: Bool = false
    /// Send requests online even while they sit in a live provider batch (`--release`).
    public var releaseBatched: Bool = false

    public init() {}
}

/// Settings of the export stage.
public struct ExportSettings: Sendable, Hashable {
    public var out: String = "out"
    public var formats: [String] = ["all"]
    public var shardSize: Int = 100_000
    public var maxShardMB: Int?
    public var gzip: Bool = false
    public var testSplit: Int = 0

    public init() {}
}

/// The resolved configuration: defaults, then janus.yaml, then flags.
public struct JanusConfig: Sendable, Hashable {
    public var seed: Int = 42
    public var db: String = "janus.db"
    public var client = ClientSettings()
    public var sources: [SourceSpec] = []
    public var ingest = IngestSettings()
    public var generation = GenerationSettings()
    public var export = ExportSettings()
    /// The file it was read from, if any.
    public var file: String?
    /// The settings given rather than defaulted: the keys janus.yaml sets and the flags given,
    /// as dotted paths (`seed`, `provider.model`, `generation.max_tokens.respond`). Commands
    /// that only read take the others from the store's most recent run.
    public var given: Set<String> = []

    public init() {}
}

/// A configuration problem, naming the file (or flag) and the key.
public struct ConfigError: Error, LocalizedError, Sendable, Equatable {
    public var file: String
    public var message: String
    public init(file: String, message: String) {
        self.file = file
        self.message = message
    }
    public var errorDescription: String? { "\(file): \(message)" }
}
