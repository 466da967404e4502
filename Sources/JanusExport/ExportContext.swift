import Foundation
import JanusSupport

/// Facts about the run that the manifest and the dataset card report.
public struct ExportContext: Sendable {
    public var seed: Int
    public var model: String
    public var provider: String
    public var templateHashes: [String: String]
    public var sampling: [(String, JSONValue)]
    public var usage: [String: (requests: Int, promptTokens: Int, completionTokens: Int, cost: Double)]
    /// Hub datasets the instructions came from, with the commit(s) read (`hf://` sources).
    public var hubRevisions: [(dataset: String, commits: [String])] = []
    /// The preference dimensions, in the order the dataset card lists them.
    public var dimensions: [String] = []

    public init(
        seed: Int, model: String, provider: String, templateHashes: [String: String], sampling: [(String, JSONValue)],
        usage: [String: (requests: Int, promptTokens: Int, completionTokens: Int, cost: Double)]
    ) {
        self.seed = seed
        self.model = model
        self.provider = provider
        self.templateHashes = templateHashes
        self.sampling = sampling
        self.usage = usage
    }
}
