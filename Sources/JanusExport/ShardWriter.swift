import CSystem
import Foundation

/// What one written shard holds.
public struct ShardInfo: Sendable, Hashable {
    public var name: String
    public var records: Int
    public var bytes: Int
    public var sha256: String
}

/// Streams JSONL records into shards of at most `shardSize` records (or `maxBytes` bytes),
/// gzip-compressed or not, hashing the file as it writes. Shards are written under part names and renamed to
/// `<split>-00000-of-000NN.jsonl` by `finish()`, once their number is known; each is fsynced.
final class ShardWriter {
    let directory: URL
    let split: String
    let shardSize: Int
    let maxBytes: Int?
    let gzip: Bool
    private var finished: [(part: URL, records: Int, bytes: Int, sha256: String)] = []
    private var file: BackgroundFile?
    private var part: URL?
    private var records = 0
    private var bytes = 0
    /// Lines are gathered up to this many bytes, then handed to the file's queue.
    private static let flushBytes = 1 << 20
    private var buffer: [UInt8] = []

    /// `maxBytes` bounds a shard's uncompressed size; with `gzip` the shards are `.jsonl.gz`.
    init(directory: URL, split: String, shardSize: Int, maxBytes: Int?, gzip: Bool = false) {
        self.directory = directory
        self.split = split
        self.shardSize = max(1, shardSize)
        self.maxBytes = maxBytes
        self.gzip = gzip
        buffer.reserveCapacity(ShardWriter.flushBytes)
    }

    /// Appends `count` encoded lines; they are split across shards where a shard fills up, so
    /// every shard but the last holds exactly `shardSize` records (or fits `maxBytes`).
    func append(lines: [UInt8], records count: Int) throws {
        guard count > 0 else { return }
        if file != nil, (maxBytes.map { bytes + lines.count > $0 } ?? false) || records + count > shardSize {
            if count > 1 {
                // A shard fills up inside this item: place its lines one by one (rare: once a shard).
                var start = 0
                for (i, byte) in lines.enumerated() where byte == 0x0A {
                    try append(lines: Array(lines[start...i]), records: 1)
                    start = i + 1
                }
                return
            }
            try closeShard()
        }
        if file == nil { try openShard() }
        buffer.append(contentsOf: lines)
        records += count
        bytes += lines.count
        if buffer.count >= ShardWriter.flushBytes { try flush() }
    }

    private func openShard() throws {
        let url = directory.appendingPathComponent(".\(split)-part-\(finished.count)")
        file = try BackgroundFile(url: url, gzip: gzip)
        part = url
        records = 0
        bytes = 0
    }

    private func flush() throws {
        guard let file, !buffer.isEmpty else { return }
        try file.write(buffer)
        // A new buffer rather than the old one emptied: the file's queue may still be reading
        // the bytes just handed over (the old storage is freed when it is done with them).
        buffer = []
        buffer.reserveCapacity(ShardWriter.flushBytes)
    }

    private func closeShard() throws {
        guard let file, let part else { return }
        try flush()
        let (size, digest) = try file.close()
        finished.append((part, records, size, digest))
        self.file = nil
        self.part = nil
    }

    /// Closes the last shard and gives every shard its final name. A split with no records
    /// still gets one empty shard, so loaders find the split.
    func finish() throws -> [ShardInfo] {
        if file == nil && finished.isEmpty { try openShard() }
        try closeShard()
        let total = finished.count
        return try finished.enumerated().map { index, shard in
            let name = String(format: "%@-%05d-of-%05d.jsonl", split, index, total) + (gzip ? ".gz" : "")
            try FileManager.default.moveItem(at: shard.part, to: directory.appendingPathComponent(name))
            return ShardInfo(name: name, records: shard.records, bytes: shard.bytes, sha256: shard.sha256)
        }
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

    /// Puts `staging` in the place of `target`. Where `target` exists the two are exchanged in
    /// one `renameat2(RENAME_EXCHANGE)`, so a reader sees the old directory or the new one,
    /// never neither; the old one is then removed.
    public static func replaceDirectory(_ target: URL, with staging: URL) throws {
        let fm = FileManager.default
        guard fm.fileExists(atPath: target.path) else {
            try fm.moveItem(at: staging, to: target)
            return
        }
        if janus_rename_exchange(staging.path, target.path) == 0 {
            try fm.removeItem(at: staging)
            return
        }
        // A file system without RENAME_EXCHANGE: two renames.
        let old = target.deletingLastPathComponent().appendingPathComponent(".\(target.lastPathComponent).old-\(getpid())")
        try fm.moveItem(at: target, to: old)
        try fm.moveItem(at: staging, to: target)
        try fm.removeItem(at: old)
    }
}
