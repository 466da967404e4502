import Foundation

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
