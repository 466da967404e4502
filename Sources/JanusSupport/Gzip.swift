import CZlib

/// Streaming gzip compression with the system zlib. The header carries no time stamp, so the
/// same input always gives the same bytes (exports stay byte-identical across runs).
public final class GzipDeflater {
    private var stream = z_stream()
    private var finished = false
    private let ready: Bool

    public init(level: Int32 = 6) {
        ready = janus_deflate_init_gzip(&stream, level) == Z_OK
    }

    deinit {
        if ready { deflateEnd(&stream) }
    }

    /// Compresses `bytes` and returns what zlib has ready to write (maybe nothing yet).
    public func update(_ bytes: [UInt8]) -> [UInt8] {
        run(bytes, flush: Z_NO_FLUSH)
    }

    /// Ends the gzip member and returns the last bytes.
    public func finish() -> [UInt8] {
        guard !finished else { return [] }
        finished = true
        return run([], flush: Z_FINISH)
    }

    private func run(_ bytes: [UInt8], flush: Int32) -> [UInt8] {
        guard ready else { return [] }
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: max(1 << 16, bytes.count / 2))
        var input = bytes
        input.withUnsafeMutableBufferPointer { src in
            stream.next_in = src.baseAddress
            stream.avail_in = UInt32(src.count)
            repeat {
                let produced: Int = chunk.withUnsafeMutableBufferPointer { dst in
                    stream.next_out = dst.baseAddress
                    stream.avail_out = UInt32(dst.count)
                    _ = deflate(&stream, flush)
                    return dst.count - Int(stream.avail_out)
                }
                out.append(contentsOf: chunk[0..<produced])
            } while stream.avail_out == 0 || (flush == Z_FINISH && stream.avail_in > 0)
        }
        return out
    }
}

/// Gzip compression in one call: for writing `.gz` files.
public enum GzipCompressor {
    /// The gzip member holding `bytes`.
    public static func compress(_ bytes: [UInt8], level: Int32 = 6) -> [UInt8] {
        let deflater = GzipDeflater(level: level)
        return deflater.update(bytes) + deflater.finish()
    }
}
