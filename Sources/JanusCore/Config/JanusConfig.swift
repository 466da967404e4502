import Foundation
import JanusExport
import JanusIngest
import JanusLLM

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
