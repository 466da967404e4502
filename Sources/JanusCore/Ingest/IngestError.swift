import Foundation

/// A fatal ingest problem (a bad line is not fatal unless `--strict`).
public enum IngestError: Error, LocalizedError, Sendable, Equatable {
    case cannotRead(path: String, reason: String)
    case unknownPreset(String)
    case badLine(file: String, line: Int, reason: String)
    case unsupportedFormat(path: String)

    public var errorDescription: String? {
        switch self {
        case let .cannotRead(path, reason): return "cannot read \(path): \(reason)"
        case let .unknownPreset(name):
            return "unknown source preset \"\(name)\" (known: \(SourcePreset.names.joined(separator: ", ")))"
        case let .badLine(file, line, reason): return "\(file):\(line): \(reason)"
        case let .unsupportedFormat(path):
            return "\(path): unknown file type (expected .jsonl, .json or .csv; Parquet: export it to JSONL first, see README)"
        }
    }
}

/// Why one record was skipped.
public struct BadRecord: Error, Sendable, Hashable {
    public var reason: String
    public init(_ reason: String) { self.reason = reason }
}
