import Foundation

/// Why the checkpoint store could not be used.
public enum StoreError: Error, LocalizedError, Sendable {
    case newerSchema(path: String, found: Int, supported: Int)
    case cannotOpen(path: String, reason: String)

    public var errorDescription: String? {
        switch self {
        case let .newerSchema(path, found, supported):
            return "\(path) was written by a newer janus-data (schema version \(found); this one knows up to \(supported)); upgrade janus-data or use another --db"
        case let .cannotOpen(path, reason):
            return "cannot open the store \(path): \(reason)"
        }
    }
}
