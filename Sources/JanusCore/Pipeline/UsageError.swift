import JanusStore

/// The command cannot run as asked: the arguments or the store's contents do not allow it.
public struct UsageError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }
}
