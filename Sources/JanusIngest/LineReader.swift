import Foundation

/// Streams a file line by line in large reads, never holding the whole file; a `.gz` file is
/// inflated as it is read. Lines are handed out as byte buffers without the line break
/// (`\n` or `\r\n`). (Ingest itself cuts records with `RecordSplitter`s; this is the simple
/// sequential reader for other callers.)
public final class LineReader {
    private let window: ByteWindow
    public private(set) var lineNumber = 0
    public let path: String

    /// Opens `path` (gzip when it ends in `.gz`), reading `chunkSize` bytes at a time.
    public init(path: String, chunkSize: Int = 1 << 20) throws {
        self.path = path
        window = ByteWindow(try ByteSources.open(path), chunkSize: chunkSize)
    }

    /// Calls `body` with each line and its 1-based number.
    public func forEachLine(_ body: (UnsafeBufferPointer<UInt8>, Int) throws -> Void) throws {
        while true {
            let start = window.base + window.start
            if window.available > 0, let found = memchr(start, 0x0A, window.available) {
                var length = UnsafePointer(found.assumingMemoryBound(to: UInt8.self)) - UnsafePointer(start)
                window.start += length + 1
                if length > 0, start[length - 1] == 0x0D { length -= 1 }
                lineNumber += 1
                try body(UnsafeBufferPointer(start: start, count: length), lineNumber)
                continue
            }
            if try !window.refill() {
                if window.available > 0 {
                    let tail = UnsafeBufferPointer(start: window.base + window.start, count: window.available)
                    window.discardAll()
                    lineNumber += 1
                    try body(tail, lineNumber)
                }
                return
            }
        }
    }
}
