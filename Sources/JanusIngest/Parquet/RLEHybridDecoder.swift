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
            var header: UInt64 = 0
            var shift: UInt64 = 0
            while true {
                guard position < bytes.count else { throw ParquetFormatError("RLE data ends after \(out.count) of \(count) values") }
                let b = bytes[position]
                position += 1
                guard shift < 64 else { throw ParquetFormatError("RLE run header too long") }
                header |= UInt64(b & 0x7F) << shift
                if b & 0x80 == 0 { break }
                shift += 7
            }
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
                var bitPosition: UInt64 = 0
                for _ in 0..<values {
                    let byteIndex = Int(bitPosition >> 3)
                    guard byteIndex < runBytes else { throw ParquetFormatError("bit-packed run ends early") }
                    var word: UInt64 = 0
                    let last = min(Int(runBytes), byteIndex + 8)
                    for i in byteIndex..<last { word |= UInt64(bytes[position + i]) << UInt64(8 * (i - byteIndex)) }
                    out.append(UInt32((word >> (bitPosition & 7)) & mask))
                    bitPosition += UInt64(bitWidth)
                }
                position += Int(runBytes)
            }
        }
    }

    /// The bits needed for values up to `max` (0 for 0).
    static func bitWidth(_ max: Int) -> Int {
        max <= 0 ? 0 : Int.bitWidth - max.leadingZeroBitCount
    }
}
