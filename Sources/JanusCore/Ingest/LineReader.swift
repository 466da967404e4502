import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Streams a file line by line in large reads, never holding the whole file. Lines are handed
/// out as byte buffers without the line break (`\n` or `\r\n`).
public final class LineReader {
    private let fd: Int32
    private var buffer: [UInt8]
    private var start = 0
    private var end = 0
    private var eof = false
    public private(set) var lineNumber = 0
    public let path: String

    public init(path: String, chunkSize: Int = 1 << 20) throws {
        self.path = path
        fd = open(path, O_RDONLY)
        guard fd >= 0 else {
            throw IngestError.cannotRead(path: path, reason: String(cString: strerror(errno)))
        }
        buffer = [UInt8](repeating: 0, count: chunkSize)
    }

    deinit {
        close(fd)
    }

    /// Calls `body` with each line and its 1-based number.
    public func forEachLine(_ body: (UnsafeBufferPointer<UInt8>, Int) throws -> Void) throws {
        while true {
            // Find the next newline in what is buffered.
            var newline: Int?
            var i = start
            while i < end {
                if buffer[i] == 0x0A {
                    newline = i
                    break
                }
                i += 1
            }
            if let nl = newline {
                lineNumber += 1
                var lineEnd = nl
                if lineEnd > start, buffer[lineEnd - 1] == 0x0D { lineEnd -= 1 }
                let lineStart = start
                try buffer.withUnsafeBufferPointer { all in
                    try body(UnsafeBufferPointer(rebasing: all[lineStart..<lineEnd]), lineNumber)
                }
                start = nl + 1
                continue
            }
            if eof {
                if start < end {
                    lineNumber += 1
                    let (s, e) = (start, end)
                    try buffer.withUnsafeBufferPointer { all in
                        try body(UnsafeBufferPointer(rebasing: all[s..<e]), lineNumber)
                    }
                }
                start = end
                return
            }
            try fill()
        }
    }

    /// Moves the unread tail to the front and reads more, growing the buffer for long lines.
    private func fill() throws {
        if start > 0 {
            let remaining = end - start
            if remaining > 0 {
                buffer.withUnsafeMutableBufferPointer { b in
                    guard let base = b.baseAddress else { return }
                    memmove(base, base + start, remaining)
                }
            }
            start = 0
            end = remaining
        }
        if end == buffer.count {
            buffer.append(contentsOf: [UInt8](repeating: 0, count: buffer.count))
        }
        let n = buffer.withUnsafeMutableBufferPointer { b in
            read(fd, (b.baseAddress ?? UnsafeMutablePointer<UInt8>.allocate(capacity: 0)) + end, b.count - end)
        }
        if n < 0 { throw IngestError.cannotRead(path: path, reason: String(cString: strerror(errno))) }
        if n == 0 { eof = true }
        end += n
    }
}
