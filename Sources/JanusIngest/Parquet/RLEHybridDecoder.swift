/// Parquet's RLE / bit-packed hybrid encoding (definition and repetition levels, dictionary
/// indices, RLE booleans): runs of one repeated value, and groups of 8 values packed
/// `bitWidth` bits each, least significant bit first.
enum RLEHybridDecoder {
    /// Decodes `count` values from `bytes` into `out` (cleared first). Values past the end of
    /// the data are an error; bit widths over 32 are rejected.
    static func decode(
        _ bytes: UnsafeBufferPointer<UInt8>, bitWidth: Int, count: Int, into out: inout [UInt32]
    ) throws(ParquetFormatError) {
        out.removeAll(keepingCapacity: true)
        guard count > 0 else { return }
        guard (0...32).contains(bitWidth) else { throw ParquetFormatError("bit width \(bitWidth) out of range") }
        out.reserveCapacity(count)
        if bitWidth == 0 {
            out.append(contentsOf: repeatElement(0, count: count))
            return
        }
        let valueBytes = (bitWidth + 7) / 8
        let mask: UInt64 = bitWidth == 32 ? 0xFFFF_FFFF : (1 << UInt64(bitWidth)) - 1
        var position = 0
        while out.count < count {
            guard position < bytes.count else { throw ParquetFormatError("RLE data ends after \(out.count) of \(count) values") }
            let header = try unsignedVarint(bytes, &position, what: "RLE run header")
            if header & 1 == 0 {
                let run = header >> 1
                guard valueBytes <= bytes.count - position else { throw ParquetFormatError("RLE run ends early") }
                var value: UInt64 = 0
                for i in 0..<valueBytes { value |= UInt64(bytes[position + i]) << UInt64(8 * i) }
                position += valueBytes
                guard value <= mask else { throw ParquetFormatError("RLE value wider than \(bitWidth) bits") }
                let take = Int(min(run, UInt64(count - out.count)))
                out.append(contentsOf: repeatElement(UInt32(value), count: take))
            } else {
                let groups = header >> 1
                let needed = groups.multipliedReportingOverflow(by: UInt64(bitWidth))
                // A final group may be cut short by the page end when its trailing values are padding.
                let available = UInt64(bytes.count - position)
                guard !needed.overflow else { throw ParquetFormatError("bit-packed run too long") }
                let runBytes = min(needed.partialValue, available)
                let values = Int(min(groups * 8, UInt64(count - out.count)))
                guard (values - 1) * bitWidth / 8 < Int(runBytes) else { throw ParquetFormatError("bit-packed run ends early") }
                let run = UnsafeBufferPointer(rebasing: bytes[position..<(position + Int(runBytes))])
                var bitPosition = 0
                for _ in 0..<values {
                    // A value of up to 32 bits at any bit offset lies within one 8-byte word.
                    let word = BitUnpacker.word(run, at: bitPosition >> 3)
                    out.append(UInt32(truncatingIfNeeded: (word >> UInt64(bitPosition & 7)) & mask))
                    bitPosition += bitWidth
                }
                position += Int(runBytes)
            }
        }
    }

    /// An unsigned LEB128 varint at `position`, which it moves past; `what` names it in errors.
    static func unsignedVarint(_ bytes: UnsafeBufferPointer<UInt8>, _ position: inout Int, what: String) throws(ParquetFormatError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard position < bytes.count else { throw ParquetFormatError("\(what) ends early") }
            let b = bytes[position]
            position += 1
            guard shift < 64 else { throw ParquetFormatError("\(what) too long") }
            result |= UInt64(b & 0x7F) << shift
            if b & 0x80 == 0 { return result }
            shift += 7
        }
    }

    /// The bits needed for values up to `max` (0 for 0).
    static func bitWidth(_ max: Int) -> Int {
        max <= 0 ? 0 : Int.bitWidth - max.leadingZeroBitCount
    }
}
