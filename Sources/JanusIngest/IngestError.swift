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
            return "\(path): unknown file type (expected .jsonl, .json or .csv, each optionally .gz, or .parquet)"
        }
    }
}

/// Why one record was skipped: a kind to count by, and a message for the user.
public struct BadRecord: Error, Sendable, Hashable {
    /// What is wrong, as counted in the summary (`bad_reasons`).
    public enum Kind: String, Sendable, CaseIterable {
        case invalidJSON = "invalid_json"
        case invalidUTF8 = "invalid_utf8"
        case missingField = "missing_field"
        case wrongType = "wrong_type"
        case empty = "empty_instruction"
        case tooLong = "too_long"
        case malformedRow = "malformed_row"
    }

    public var kind: Kind
    public var reason: String
    /// A bad record of `kind`, with a message for the user.
    public init(_ kind: Kind, _ reason: String) {
        self.kind = kind
        self.reason = reason
    }
}
