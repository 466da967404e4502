import Foundation

/// A recorded final failure or quarantine of one item at one stage.
public struct StageFailure: Sendable, Hashable {
    public enum Kind: String, Sendable { case failed, quarantined }
    public var requestKey: String
    public var kind: Kind
    public var reason: String
    public var raw: String
    public var attempts: Int

    public init(requestKey: String, kind: Kind, reason: String, raw: String, attempts: Int) {
        self.requestKey = requestKey
        self.kind = kind
        self.reason = reason
        self.raw = raw
        self.attempts = attempts
    }
}
