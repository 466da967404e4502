import Foundation

/// A command run as the store recorded it.
public struct RecordedRun: Sendable, Hashable {
    public var id: Int
    public var command: String
    public var startedAt: String
    public var seed: Int
    public var provider: String
    public var model: String
    /// The run's effective settings as JSON; nil for runs recorded before settings were kept.
    public var settings: String?
}
