import JanusHTTP
import JanusStore
import JanusSupport
/// Parquet's DELTA encodings: DELTA_BINARY_PACKED (integers, and the lengths the other two
/// use), DELTA_LENGTH_BYTE_ARRAY (lengths, then the bytes one after another) and
/// DELTA_BYTE_ARRAY (each value as the length of the prefix it shares with the value before,
/// and its suffix). Every read is bounds checked; wrapping arithmetic, as the format defines.
enum ParquetDeltaDecoder {
    /// Decodes one DELTA_BINARY_PACKED run of `count` values starting at `position`, leaving
    /// `position` just past it. A header that declares fewer values than `count` is an error.
    static func integers(
        _ bytes: UnsafeBufferPointer<UInt8>, at position: inout Int, count: Int, into out: inout [Int64]
    ) throws(ParquetFormatError) {
        out.removeAll(keepingCapacity: true)
        let blockSize = try varint(bytes, &position)
        let miniblocks = try varint(bytes, &position)
        let total = try varint(bytes, &position)
        var last = try zigzag(bytes, &position)
        guard blockSize > 0, blockSize % 128 == 0, blockSize <= 1 << 20, miniblocks > 0, blockSize % miniblocks == 0,
              (blockSize / miniblocks) % 32 == 0
        else { throw ParquetFormatError("DELTA_BINARY_PACKED header: block of \(blockSize) in \(miniblocks) miniblocks") }
        guard total == UInt64(count) else { throw ParquetFormatError("DELTA_BINARY_PACKED holds \(total) values, the page has \(count)") }
        guard count > 0 else { return }
        out.reserveCapacity(count)
        out.append(last)
        let perMiniblock = Int(blockSize / miniblocks)
        var deltas = [UInt64](repeating: 0, count: perMiniblock)
        while out.count < count {
            let minDelta = try zigzag(bytes, &position)
            guard Int(miniblocks) <= bytes.count - position else { throw ParquetFormatError("DELTA_BINARY_PACKED block ends early") }
            let widths = position
            position += Int(miniblocks)
            for m in 0..<Int(miniblocks) where out.count < count {
                let width = Int(bytes[widths + m])
                guard width <= 64 else { throw ParquetFormatError("DELTA_BINARY_PACKED miniblock width \(width)") }
                let size = perMiniblock * width / 8
                let take = min(perMiniblock, count - out.count)
                // The last miniblock may stop at the last value's byte (writers pad it; some do not).
                let needed = (take * width + 7) / 8
                guard needed <= bytes.count - position else { throw ParquetFormatError("DELTA_BINARY_PACKED miniblock ends early") }
                BitUnpacker.unpack(UnsafeBufferPointer(rebasing: bytes[position..<min(bytes.count, position + size)]), width: width, count: take, into: &deltas)
                position = min(bytes.count, position + size)
                for i in 0..<take {
                    last = last &+ minDelta &+ Int64(bitPattern: deltas[i])
                    out.append(last)
                }
            }
        }
    }

    /// DELTA_LENGTH_BYTE_ARRAY: `count` values as start/end pairs into `bytes`, appended to `bounds`.
    static func lengthPrefixed(
        _ bytes: UnsafeBufferPointer<UInt8>, at position: inout Int, count: Int, bounds: inout [Int]
    ) throws(ParquetFormatError) {
        var lengths: [Int64] = []
        try integers(bytes, at: &position, count: count, into: &lengths)
        bounds.removeAll(keepingCapacity: true)
        bounds.reserveCapacity(2 * count)
        for length in lengths {
            guard length >= 0, length <= Int64(bytes.count - position) else { throw ParquetFormatError("a DELTA_LENGTH_BYTE_ARRAY value runs past its page") }
            bounds.append(position)
            position += Int(length)
            bounds.append(position)
        }
    }

    /// DELTA_BYTE_ARRAY: `count` values rebuilt into `out`, with their start/end pairs in `bounds`.
    static func prefixed(
        _ bytes: UnsafeBufferPointer<UInt8>, at position: inout Int, count: Int, into out: inout [UInt8], bounds: inout [Int]
    ) throws(ParquetFormatError) {
        var prefixes: [Int64] = []
        try integers(bytes, at: &position, count: count, into: &prefixes)
        var suffixes: [Int] = []
        try lengthPrefixed(bytes, at: &position, count: count, bounds: &suffixes)
        out.removeAll(keepingCapacity: true)
        bounds.removeAll(keepingCapacity: true)
        bounds.reserveCapacity(2 * count)
        var previous = 0..<0
        for i in 0..<count {
            let prefix = prefixes[i]
            guard prefix >= 0, prefix <= Int64(previous.count) else {
                throw ParquetFormatError("a DELTA_BYTE_ARRAY prefix of \(prefix) is longer than the value before (\(previous.count))")
            }
            let start = out.count
            // `out` may reallocate while it grows: copy the prefix through indices.
            for j in previous.lowerBound..<(previous.lowerBound + Int(prefix)) { out.append(out[j]) }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[suffixes[2 * i]..<suffixes[2 * i + 1]]))
            previous = start..<out.count
            bounds.append(start)
            bounds.append(out.count)
        }
    }

    private static func varint(_ bytes: UnsafeBufferPointer<UInt8>, _ position: inout Int) throws(ParquetFormatError) -> UInt64 {
        try RLEHybridDecoder.unsignedVarint(bytes, &position, what: "DELTA header")
    }

    private static func zigzag(_ bytes: UnsafeBufferPointer<UInt8>, _ position: inout Int) throws(ParquetFormatError) -> Int64 {
        let v = try varint(bytes, &position)
        return Int64(bitPattern: (v >> 1) ^ (0 &- (v & 1)))
    }
}

/// Unpacks values of `width` bits (0...64), least significant bit first, as Parquet packs them.
enum BitUnpacker {
    /// Fills `out[0..<count]` (which must have room); bits past the end of `bytes` read as 0.
    static func unpack(_ bytes: UnsafeBufferPointer<UInt8>, width: Int, count: Int, into out: inout [UInt64]) {
        out.withUnsafeMutableBufferPointer { out in
            guard width > 0 else {
                for i in 0..<count { out[i] = 0 }
                return
            }
            let mask: UInt64 = width == 64 ? ~0 : (1 << UInt64(width)) - 1
            var bit = 0
            for i in 0..<count {
                let byte = bit >> 3
                let shift = UInt64(bit & 7)
                var value = word(bytes, at: byte) >> shift
                if Int(shift) + width > 64 { value |= UInt64(byteAt(bytes, byte + 8)) << (64 - shift) }
                out[i] = value & mask
                bit += width
            }
        }
    }

    /// Eight bytes from `at`, little-endian; missing bytes are 0.
    @inline(__always) static func word(_ bytes: UnsafeBufferPointer<UInt8>, at: Int) -> UInt64 {
        if at + 8 <= bytes.count, let base = bytes.baseAddress {
            return UInt64(littleEndian: UnsafeRawPointer(base + at).loadUnaligned(as: UInt64.self))
        }
        var v: UInt64 = 0
        var i = at
        while i < bytes.count, i < at + 8 {
            v |= UInt64(bytes[i]) << UInt64(8 * (i - at))
            i += 1
        }
        return v
    }

    @inline(__always) private static func byteAt(_ bytes: UnsafeBufferPointer<UInt8>, _ i: Int) -> UInt8 {
        i < bytes.count ? bytes[i] : 0
    }
}
