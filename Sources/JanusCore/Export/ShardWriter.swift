import Foundation

/// What one written shard holds.
public struct ShardInfo: Sendable, Hashable {
    public var name: String
    public var records: Int
    public var bytes: Int
    public var sha256: String
}

/// Writes JSONL records into shards of at most `shardSize` records (or `maxBytes`), named
/// `<split>-00000-of-000NN.jsonl` once the count is known, each fsynced.
public struct ShardWriter {
    public var directory: URL
    public var split: String
    public var shardSize: Int
    public var maxBytes: Int?

    public init(directory: URL, split: String, shardSize: Int, maxBytes: Int?) {
        self.directory = directory
        self.split = split
        self.shardSize = max(1, shardSize)
        self.maxBytes = maxBytes
    }

    /// Writes `records`; an empty split still gets one empty shard so loaders find the split.
    public func write(_ records: [JSONValue]) throws -> [ShardInfo] {
        var shards: [[UInt8]] = [[]]
        var counts: [Int] = [0]
        for record in records {
            var line = Array(record.serialized().utf8)
            line.append(0x0A)
            let full = counts[counts.count - 1] >= shardSize
                || (maxBytes.map { shards[shards.count - 1].count + line.count > $0 && counts[counts.count - 1] > 0 } ?? false)
            if full {
                shards.append([])
                counts.append(0)
            }
            shards[shards.count - 1].append(contentsOf: line)
            counts[counts.count - 1] += 1
        }
        let total = shards.count
        var infos: [ShardInfo] = []
        for (index, bytes) in shards.enumerated() {
            let name = String(format: "%@-%05d-of-%05d.jsonl", split, index, total)
            let url = directory.appendingPathComponent(name)
            let data = Data(bytes)
            try FileOutput.writeSynced(data, to: url)
            infos.append(ShardInfo(name: name, records: counts[index], bytes: bytes.count, sha256: Hashing.sha256Hex(data)))
        }
        return infos
    }
}

/// File writes that reach the disk before they are renamed into place.
public enum FileOutput {
    public static func writeSynced(_ data: Data, to url: URL) throws {
        guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path])
        }
        let handle = try FileHandle(forWritingTo: url)
        defer { try? handle.close() }
        try handle.write(contentsOf: data)
        try handle.synchronize()
    }

    /// Replaces `target` by `staging` in one rename (the old one is removed after).
    public static func replaceDirectory(_ target: URL, with staging: URL) throws {
        let fm = FileManager.default
        if fm.fileExists(atPath: target.path) {
            let old = target.deletingLastPathComponent().appendingPathComponent(".\(target.lastPathComponent).old-\(getpid())")
            try fm.moveItem(at: target, to: old)
            try fm.moveItem(at: staging, to: target)
            try fm.removeItem(at: old)
        } else {
            try fm.moveItem(at: staging, to: target)
        }
    }
}
