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
