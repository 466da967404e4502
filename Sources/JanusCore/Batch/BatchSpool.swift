import Foundation
import JanusExport
import JanusHTTP
import JanusIngest
import JanusLLM
import JanusStore
import JanusSupport

/// The request lines of a prepare as the runner finds them (from many tasks at once), kept in a
/// scratch file rather than in memory (a stage of the paper's collection is about 200k
/// requests of a few kilobytes each), with an index to write them out in a fixed order.
final class BatchSpool: @unchecked Sendable {
    struct Entry {
        var record: BatchRequestRecord
        var offset: Int
        var length: Int
    }

    let url: URL
    private let lock = NSLock()
    private let handle: FileHandle
    private var size = 0
    private var entries: [Entry] = []
    private var failure: (any Error)?

    init(directory: URL) throws {
        url = directory.appendingPathComponent(".spool-\(UUID().uuidString)")
        guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
            throw BatchError("cannot write in \(directory.path)")
        }
        handle = try FileHandle(forWritingTo: url)
    }

    deinit {
        try? FileManager.default.removeItem(at: url)
    }

    /// Keeps one request's line and what the store records of it.
    func add(_ request: DivertedRequest, stage: Stage) {
        var line: [UInt8] = []
        BatchRequestLine.write(key: request.key, request: request.request, to: &line)
        let record = BatchRequestRecord(
            key: request.key, fileID: 0, stage: stage.rawValue, item: request.item, firstKey: request.firstKey,
            purpose: request.request.purpose, model: request.request.model, summary: CheckpointStore.requestSummary(request.request))
        lock.lock()
        defer { lock.unlock() }
        do {
            try handle.write(contentsOf: line)
        } catch {
            failure = failure ?? error
        }
        entries.append(Entry(record: record, offset: size, length: line.count))
        size += line.count
    }

    /// The entries in (instruction, variant, key) order, one per key.
    func finish() throws -> [Entry] {
        lock.lock()
        defer { lock.unlock() }
        if let failure { throw failure }
        try handle.close()
        var seen = Set<String>()
        return entries.sorted {
            ($0.record.item.instructionID, $0.record.item.variant, $0.record.key) < ($1.record.item.instructionID, $1.record.item.variant, $1.record.key)
        }.filter { seen.insert($0.record.key).inserted }
    }

    /// Reads the spooled lines back, in the order given (read, not mapped: the process keeps
    /// only the line in hand).
    func forEachLine(_ entries: [Entry], _ body: (Entry, Data) throws -> Void) throws {
        let reader = try FileHandle(forReadingFrom: url)
        defer { try? reader.close() }
        for entry in entries {
            try reader.seek(toOffset: UInt64(entry.offset))
            let line = try reader.read(upToCount: entry.length) ?? Data()
            guard line.count == entry.length else { throw BatchError("the scratch file \(url.path) was cut short") }
            try body(entry, line)
        }
    }
}
