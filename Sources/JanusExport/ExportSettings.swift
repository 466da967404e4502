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
