import CSnappy
import CZlib
import CZstd

/// Parquet page compression: uncompressed, Snappy, GZIP and ZSTD, each through its system
/// library. A page declares its uncompressed size, so every call decompresses into exactly
/// that many bytes and anything else is an error.
enum ParquetCodec {
    static let uncompressed: Int32 = 0
    static let snappy: Int32 = 1
    static let gzip: Int32 = 2
    static let zstd: Int32 = 6

    static func name(_ codec: Int32) -> String {
        let names = [0: "UNCOMPRESSED", 1: "SNAPPY", 2: "GZIP", 3: "LZO", 4: "BROTLI", 5: "LZ4", 6: "ZSTD", 7: "LZ4_RAW"]
        return names[Int(codec)] ?? "codec \(codec)"
    }

    /// Decompresses `input` into `output`, which must be filled exactly.
    static func decompress(
        _ codec: Int32, _ input: UnsafeBufferPointer<UInt8>, into output: UnsafeMutableBufferPointer<UInt8>
    ) throws(ParquetFormatError) {
        switch codec {
        case uncompressed:
            guard input.count == output.count else { throw ParquetFormatError("page size \(input.count) differs from its declared \(output.count)") }
            if let from = input.baseAddress, let to = output.baseAddress { to.update(from: from, count: input.count) }
        case snappy:
            try decompressSnappy(input, into: output)
        case zstd:
            guard let to = output.baseAddress, let from = input.baseAddress else {
                if output.isEmpty { return }
                throw ParquetFormatError("ZSTD page is empty")
            }
            let n = ZSTD_decompress(to, output.count, from, input.count)
            if ZSTD_isError(n) != 0 { throw ParquetFormatError("ZSTD: \(String(cString: ZSTD_getErrorName(n)))") }
            guard n == output.count else { throw ParquetFormatError("ZSTD page gave \(n) bytes, declared \(output.count)") }
        case gzip:
            try inflate(input, into: output)
        default:
            throw ParquetFormatError("unsupported compression \(name(codec)) (supported: UNCOMPRESSED, SNAPPY, GZIP, ZSTD)")
        }
    }

    private static func decompressSnappy(_ input: UnsafeBufferPointer<UInt8>, into output: UnsafeMutableBufferPointer<UInt8>) throws(ParquetFormatError) {
        guard let from = input.baseAddress else {
            if output.isEmpty { return }
            throw ParquetFormatError("Snappy page is empty")
        }
        let compressed = UnsafeRawPointer(from).assumingMemoryBound(to: CChar.self)
        var length = 0
        guard snappy_uncompressed_length(compressed, input.count, &length) == SNAPPY_OK, length == output.count else {
            throw ParquetFormatError("Snappy page is corrupt or not of its declared size \(output.count)")
        }
        guard let to = output.baseAddress else { return }
        let status = snappy_uncompress(compressed, input.count, UnsafeMutableRawPointer(to).assumingMemoryBound(to: CChar.self), &length)
        guard status == SNAPPY_OK, length == output.count else { throw ParquetFormatError("Snappy page is corrupt") }
    }

    /// GZIP pages are gzip members (zlib streams are accepted too).
    private static func inflate(_ input: UnsafeBufferPointer<UInt8>, into output: UnsafeMutableBufferPointer<UInt8>) throws(ParquetFormatError) {
        var stream = z_stream()
        guard janus_inflate_init_auto(&stream) == Z_OK else { throw ParquetFormatError("zlib could not start inflating") }
        defer { inflateEnd(&stream) }
        stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
        stream.avail_in = UInt32(clamping: input.count)
        stream.next_out = output.baseAddress
        stream.avail_out = UInt32(clamping: output.count)
        let status = CZlib.inflate(&stream, Z_FINISH)
        guard status == Z_STREAM_END, stream.avail_out == 0 else {
            throw ParquetFormatError("GZIP page is corrupt or not of its declared size \(output.count)")
        }
    }
}
