import CZlib

/// Gzip compression with the system zlib, in one call: for writing `.gz` files (tests, and
/// exports with `.jsonl.gz` shards).
public enum GzipCompressor {
    /// The gzip member holding `bytes`.
    public static func compress(_ bytes: [UInt8], level: Int32 = 6) -> [UInt8] {
        var stream = z_stream()
        guard janus_deflate_init_gzip(&stream, level) == Z_OK else { return [] }
        defer { deflateEnd(&stream) }
        var out = [UInt8](repeating: 0, count: Int(deflateBound(&stream, UInt(bytes.count))) + 32)
        var input = bytes
        let written: Int = input.withUnsafeMutableBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                stream.next_in = src.baseAddress
                stream.avail_in = UInt32(src.count)
                stream.next_out = dst.baseAddress
                stream.avail_out = UInt32(dst.count)
                guard deflate(&stream, Z_FINISH) == Z_STREAM_END else { return 0 }
                return dst.count - Int(stream.avail_out)
            }
        }
        return Array(out.prefix(written))
    }
}
