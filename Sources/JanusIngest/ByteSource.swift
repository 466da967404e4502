import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A stream of bytes read front to back once: a plain file, or a gzip-compressed one that is
/// inflated as it is read. Neither ever holds more than one chunk of the file.
public protocol ByteSource: AnyObject {
    /// The file the bytes come from, for messages.
    var path: String { get }
    /// Reads up to `count` bytes into `buffer`; returns 0 at the end of the stream.
    func read(into buffer: UnsafeMutableRawPointer, count: Int) throws -> Int
}

/// Opens byte sources by file name.
public enum ByteSources {
    /// True when `path` names a gzip-compressed file (`.gz`).
    public static func isGzip(_ path: String) -> Bool {
        path.lowercased().hasSuffix(".gz")
    }

    /// The bytes of `path`, inflated when its name ends in `.gz`.
    public static func open(_ path: String) throws -> any ByteSource {
        let file = try FileByteSource(path: path)
        return isGzip(path) ? try GzipByteSource(file) : file
    }
}

/// The bytes of a file, read with `read(2)`.
public final class FileByteSource: ByteSource {
    private let fd: Int32
    public let path: String

    /// Opens `path` for reading; throws `IngestError.cannotRead` when it cannot.
    public init(path: String) throws {
        self.path = path
        fd = Glibc.open(path, O_RDONLY)
        guard fd >= 0 else {
            throw IngestError.cannotRead(path: path, reason: String(cString: strerror(errno)))
        }
    }

    deinit {
        close(fd)
    }

    public func read(into buffer: UnsafeMutableRawPointer, count: Int) throws -> Int {
        while true {
            let n = Glibc.read(fd, buffer, count)
            if n >= 0 { return n }
            if errno == EINTR { continue }
            throw IngestError.cannotRead(path: path, reason: String(cString: strerror(errno)))
        }
    }
}
