import Foundation
import JanusSupport

/// Why a store cannot be written now.
public struct StoreBusyError: Error, LocalizedError, Sendable {
    public var path: String
    public var holder: String
    public var errorDescription: String? {
        "\(path) is in use by \(holder); wait for it to finish or stop it (a stopped run loses nothing)"
    }
}
