import Foundation

/// One stage's stored result for one (instruction, variant).
public struct StageResult: Sendable, Hashable {
    public var requestKey: String
    public var output: String
    /// JSON with what produced it: the seed draw, the examples, the sampling parameters.
    public var meta: String
    /// A hash of everything the request was built from (see `StageRequests.recipe`); empty for
    /// results stored before it existed, which are checked by their request key instead.
    public var recipe: String
    /// The run that stored it (nil when read back, and for results stored before runs were kept).
    public var runID: Int?
    /// The recipe's digests (see `ResultStamp`); nil for results stored without them (bench
    /// stages, and results stored before store version 8), which are read the longer way.
    public var stamp: ResultStamp?
    /// The fields of an expand result's preference record (see `PreferenceRecords`) when the
    /// caller has the parsed set at hand, so that saving it does not parse the output again;
    /// nil otherwise (the store's maker parses it), and when read back.
    public var preferenceFields: [String]?

    public init(
        requestKey: String, output: String, meta: String, recipe: String = "", runID: Int? = nil, stamp: ResultStamp? = nil,
        preferenceFields: [String]? = nil
    ) {
        self.requestKey = requestKey
        self.output = output
        self.meta = meta
        self.recipe = recipe
        self.runID = runID
        self.stamp = stamp
        self.preferenceFields = preferenceFields
    }
}
