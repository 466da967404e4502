import CZlib
import Foundation

/// Inflates a gzip (or zlib) stream with the system zlib while it is read: memory stays at one
/// compressed and one inflated chunk whatever the file size. Concatenated gzip members (what
/// `cat a.gz b.gz` and some writers produce) are read one after another.
public final class GzipByteSource: ByteSource {
    private let input: any ByteSource
    private let stream: UnsafeMutablePointer<z_stream>
    private let inputBuffer: UnsafeMutablePointer<UInt8>
    private let inputCapacity = 1 << 18
    private var inputEnded = false
    /// Inside a member: the input may not end here.
    private var inMember = false
    private var finished = false
    public var path: String { input.path }

    /// Inflates what `input` holds.
    public init(_ input: any ByteSource) throws {
        self.input = input
        stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        inputBuffer = UnsafeMutablePointer<UInt8>.allocate(capacity: inputCapacity)
        guard janus_inflate_init_auto(stream) == Z_OK else {
            stream.deallocate()
            inputBuffer.deallocate()
            throw IngestError.cannotRead(path: input.path, reason: "zlib could not start inflating")
        }
    }

    deinit {
        inflateEnd(stream)
        stream.deallocate()
        inputBuffer.deallocate()
    }

    public func read(into buffer: UnsafeMutableRawPointer, count: Int) throws -> Int {
        guard !finished, count > 0 else { return 0 }
        stream.pointee.next_out = buffer.assumingMemoryBound(to: UInt8.self)
        stream.pointee.avail_out = UInt32(clamping: count)
        let requested = stream.pointee.avail_out
        while stream.pointee.avail_out == requested {
            if stream.pointee.avail_in == 0 {
                if !inputEnded {
                    let n = try input.read(into: inputBuffer, count: inputCapacity)
                    if n == 0 { inputEnded = true }
                    stream.pointee.next_in = inputBuffer
                    stream.pointee.avail_in = UInt32(n)
                }
                if stream.pointee.avail_in == 0 {
                    if inMember { throw corrupt("the compressed data ends early (truncated file?)") }
                    finished = true
                    break
                }
            }
            let status = inflate(stream, Z_NO_FLUSH)
            switch status {
            case Z_STREAM_END:
                // One member done; another may follow.
                inMember = false
                inflateReset(stream)
            case Z_OK, Z_BUF_ERROR:
                inMember = true
            default:
                let message = stream.pointee.msg.map { String(cString: $0) } ?? "zlib error \(status)"
                throw corrupt(message)
            }
        }
        return Int(requested - stream.pointee.avail_out)
    }

    private func corrupt(_ reason: String) -> IngestError {
        .cannotRead(path: path, reason: "not a valid gzip file: \(reason)")
    }
}
