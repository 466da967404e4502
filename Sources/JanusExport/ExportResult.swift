import Foundation
import JanusSupport

/// What one format's export wrote.
public struct ExportResult: Sendable {
    public var format: ExportFormat
    public var directory: String
    public var splits: [(name: String, shards: [ShardInfo])]
    public var records: Int { splits.reduce(0) { $0 + $1.shards.reduce(0) { $0 + $1.records } } }
    public var files: Int { splits.reduce(0) { $0 + $1.shards.count } }
}
