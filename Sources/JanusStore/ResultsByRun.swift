import Foundation

/// Stored results of one stage, grouped by the run that stored them.
public struct ResultsByRun: Sendable, Hashable {
    /// Nil for results stored before results recorded their run.
    public var runID: Int?
    /// For results without a run: the model their answer came from, where the cache knows it.
    public var model: String?
    public var count: Int
}
