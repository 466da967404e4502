import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Bytes read at any offset: a file (`pread`), or bytes in memory (tests, fuzzing).
protocol RandomAccessBytes: AnyObject, Sendable {
    var size: Int { get }
    /// Exactly `count` bytes from `offset`; the caller keeps within `size`.
    func read(at offset: Int, count: Int) throws -> [UInt8]
}

final class FileRandomAccess: RandomAccessBytes {
    private let fd: Int32
    let path: String
    let size: Int

    init(path: String) throws {
        self.path = path
        fd = Glibc.open(path, O_RDONLY)
        guard fd >= 0 else { throw IngestError.cannotRead(path: path, reason: String(cString: strerror(errno))) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw IngestError.cannotRead(path: path, reason: reason)
        }
        size = Int(info.st_size)
    }

    deinit {
        close(fd)
    }

    func read(at offset: Int, count: Int) throws -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        let done = try out.withUnsafeMutableBytes { buffer -> Int in
            guard let base = buffer.baseAddress else { return 0 }
            return try read(into: base, count: count, at: offset)
        }
        if done < count { throw IngestError.cannotRead(path: path, reason: "the file ends early (truncated while being read?)") }
        return out
    }

    /// Reads up to `count` bytes at `offset` into `buffer`; fewer only at the end of the file.
    func read(into buffer: UnsafeMutableRawPointer, count: Int, at offset: Int) throws -> Int {
        var done = 0
        while done < count {
            let n = pread(fd, buffer + done, count - done, off_t(offset + done))
            if n > 0 {
                done += n
            } else if n == 0 {
                break
            } else if errno != EINTR {
                throw IngestError.cannotRead(path: path, reason: String(cString: strerror(errno)))
            }
        }
        return done
    }
}

final class MemoryRandomAccess: RandomAccessBytes {
    private let bytes: [UInt8]
    var size: Int { bytes.count }

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    func read(at offset: Int, count: Int) throws -> [UInt8] {
        guard offset >= 0, count >= 0, count <= bytes.count - offset else {
            throw IngestError.cannotRead(path: "<memory>", reason: "read past the end")
        }
        return Array(bytes[offset..<(offset + count)])
    }
}

/// An open Parquet file: its footer and schema. Pages are read by `ParquetColumnCursor`.
final class ParquetFile: Sendable {
    let path: String
    let bytes: any RandomAccessBytes
    let metadata: ParquetMetadata
    let schema: ParquetSchema

    private static let magic: [UInt8] = Array("PAR1".utf8)

    /// Reads the footer of `bytes`; `path` names the file in errors.
    init(bytes: any RandomAccessBytes, path: String) throws {
        self.path = path
        self.bytes = bytes
        let size = bytes.size
        guard size >= 12 else { throw IngestError.cannotRead(path: path, reason: "not a Parquet file (only \(size) bytes)") }
        let tail = try bytes.read(at: size - 8, count: 8)
        guard try bytes.read(at: 0, count: 4) == Self.magic, Array(tail[4...]) == Self.magic else {
            throw IngestError.cannotRead(path: path, reason: "not a Parquet file (no PAR1 marks at both ends)")
        }
        let length = Int(UInt32(tail[0]) | UInt32(tail[1]) << 8 | UInt32(tail[2]) << 16 | UInt32(tail[3]) << 24)
        guard length <= size - 12 else { throw IngestError.cannotRead(path: path, reason: "Parquet footer length \(length) is past the file") }
        let footer = try bytes.read(at: size - 8 - length, count: length)
        do {
            metadata = try footer.withUnsafeBufferPointer { buffer throws(ParquetFormatError) in try ParquetMetadata(buffer) }
            schema = try ParquetSchema(metadata.schema)
        } catch {
            throw IngestError.cannotRead(path: path, reason: "Parquet footer: \(error.message)")
        }
        for (g, group) in metadata.rowGroups.enumerated() {
            guard group.columns.count == schema.leaves.count else {
                throw IngestError.cannotRead(
                    path: path, reason: "row group \(g + 1): \(group.columns.count) column chunks for \(schema.leaves.count) schema columns")
            }
            guard group.numRows >= 0 else { throw IngestError.cannotRead(path: path, reason: "row group \(g + 1): negative row count") }
        }
    }

    convenience init(path: String) throws {
        try self.init(bytes: try FileRandomAccess(path: path), path: path)
    }
}
