import Crypto
import Dispatch
import Foundation
import JanusSupport

/// A file written on a thread of its own: `write` hands a chunk over and returns, so the caller
/// goes on encoding while the kernel copies the last chunk (on a virtual disk that copy is a
/// third of an export's time). Compression (gzip) and the SHA-256 of the file's bytes happen on
/// that thread too. At most a few chunks wait at once, so memory stays bounded.
final class BackgroundFile: @unchecked Sendable {
    private let handle: FileHandle
    private let queue = DispatchQueue(label: "janus.export.file")
    private let room = DispatchSemaphore(value: 8)
    // Touched only on `queue`.
    private var hasher = SHA256()
    private var deflater: GzipDeflater?
    private var written = 0
    private var failure: (any Error)?

    init(url: URL, gzip: Bool) throws {
        guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path])
        }
        handle = try FileHandle(forWritingTo: url)
        deflater = gzip ? GzipDeflater() : nil
    }

    /// Queues `chunk`; an error surfaces from the next `write` or from `close`.
    func write(_ chunk: [UInt8]) throws {
        if let failure = queue.sync(execute: { self.failure }) { throw failure }
        room.wait()
        queue.async {
            defer { self.room.signal() }
            guard self.failure == nil else { return }
            self.store(self.deflater.map { $0.update(chunk) } ?? chunk)
        }
    }

    private func store(_ bytes: [UInt8]) {
        guard !bytes.isEmpty else { return }
        do {
            let data = Data(bytes)
            hasher.update(data: data)
            try handle.write(contentsOf: data)
            written += bytes.count
        } catch {
            failure = error
        }
    }

    /// Waits for every chunk, ends the gzip member, fsyncs and closes; returns the file's size
    /// and SHA-256.
    func close() throws -> (bytes: Int, sha256: String) {
        try queue.sync {
            if let deflater { store(deflater.finish()) }
            if let failure { throw failure }
            try handle.synchronize()
            try handle.close()
            return (written, hasher.finalize().map { String(format: "%02x", $0) }.joined())
        }
    }
}
