import Foundation

/// A window over a byte source that splitters scan: bytes `[start, end)` of `base` are read and
/// not yet consumed. `refill()` moves them to the front and reads more, growing the buffer only
/// when one record is larger than it.
final class ByteWindow {
    let source: any ByteSource
    private(set) var base: UnsafeMutablePointer<UInt8>
    private(set) var capacity: Int
    var start = 0
    private(set) var end = 0
    private(set) var atEnd = false

    init(_ source: any ByteSource, chunkSize: Int = 1 << 20) {
        self.source = source
        capacity = max(64, chunkSize)
        base = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
    }

    deinit {
        base.deallocate()
    }

    var path: String { source.path }
    var available: Int { end - start }

    subscript(offset: Int) -> UInt8 { base[start + offset] }

    /// Skips a UTF-8 byte-order mark at the start of the source (files saved on Windows
    /// begin with one); call before anything is consumed.
    func skipByteOrderMark() throws {
        while available < 3, try refill() {}
        if available >= 3, self[0] == 0xEF, self[1] == 0xBB, self[2] == 0xBF { start += 3 }
    }

    /// Drops every buffered byte (a too-long record being skipped).
    func discardAll() {
        start = end
    }

    /// Reads more bytes after the buffered ones. False when the source has nothing more.
    func refill() throws -> Bool {
        if atEnd { return false }
        if start > 0 {
            let remaining = end - start
            if remaining > 0 { memmove(base, base + start, remaining) }
            start = 0
            end = remaining
        }
        if end == capacity {
            let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity * 2)
            bigger.update(from: base, count: end)
            base.deallocate()
            base = bigger
            capacity *= 2
        }
        let n = try source.read(into: base + end, count: capacity - end)
        if n == 0 {
            atEnd = true
            return false
        }
        end += n
        return true
    }
}

/// Bytes held in memory, as a byte source (tests, CSV given as `Data`).
public final class MemoryByteSource: ByteSource {
    private let bytes: [UInt8]
    private var offset = 0
    public let path: String

    /// Serves `bytes`; `path` names them in messages.
    public init(_ bytes: [UInt8], path: String = "<memory>") {
        self.bytes = bytes
        self.path = path
    }

    public func read(into buffer: UnsafeMutableRawPointer, count: Int) throws -> Int {
        let n = min(count, bytes.count - offset)
        if n > 0 {
            bytes.withUnsafeBytes { all in
                guard let from = all.baseAddress else { return }
                buffer.copyMemory(from: from + offset, byteCount: n)
            }
            offset += n
        }
        return n
    }
}
