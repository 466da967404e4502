/// The non-null values of one page (or a dictionary), PLAIN-decoded: byte ranges into the
/// page's bytes, interpreted by the column's physical type when written as JSON.
struct ParquetValueTable {
    let type: ParquetMetadata.PhysicalType
    private(set) var bytes: [UInt8]
    /// Variable-width values (BYTE_ARRAY): start and end of each in `bytes`.
    private var bounds: [Int] = []
    /// Fixed-width values: where the first starts, and the width.
    private var base = 0
    private var width = 0
    private(set) var count = 0

    /// Decodes `count` PLAIN values from `bytes[from...]`.
    init(plain bytes: [UInt8], from: Int, count: Int, leaf: ParquetLeaf) throws(ParquetFormatError) {
        type = leaf.type
        self.bytes = bytes
        self.count = count
        let available = bytes.count - from
        switch leaf.type {
        case .byteArray:
            guard count <= available / 4 else { throw ParquetFormatError("PLAIN strings end early") }
            bounds.reserveCapacity(2 * count)
            var position = from
            for _ in 0..<count {
                guard bytes.count - position >= 4 else { throw ParquetFormatError("PLAIN strings end early") }
                let length = Int(UInt32(bytes[position]) | UInt32(bytes[position + 1]) << 8 | UInt32(bytes[position + 2]) << 16
                    | UInt32(bytes[position + 3]) << 24)
                position += 4
                guard length <= bytes.count - position else { throw ParquetFormatError("a PLAIN string runs past its page") }
                bounds.append(position)
                bounds.append(position + length)
                position += length
            }
        case .boolean:
            guard (count + 7) / 8 <= available else { throw ParquetFormatError("PLAIN booleans end early") }
            var unpacked = [UInt8](repeating: 0, count: count)
            for i in 0..<count { unpacked[i] = (bytes[from + (i >> 3)] >> UInt8(i & 7)) & 1 }
            self.bytes = unpacked
            width = 1
        default:
            width = Self.width(of: leaf)
            guard width > 0 else { throw ParquetFormatError("fixed-length column with width \(width)") }
            guard count <= available / width else { throw ParquetFormatError("PLAIN values end early") }
            base = from
        }
    }

    /// Booleans already unpacked to one byte each (RLE-encoded pages).
    init(booleans: [UInt8]) {
        type = .boolean
        bytes = booleans
        width = 1
        count = booleans.count
    }

    /// Byte arrays already cut: value `i` is `bytes[bounds[2i]..<bounds[2i+1]]` (DELTA pages).
    init(byteArrays bytes: [UInt8], bounds: [Int]) {
        type = .byteArray
        self.bytes = bytes
        self.bounds = bounds
        count = bounds.count / 2
    }

    /// INT32 or INT64 values already decoded (DELTA_BINARY_PACKED pages), stored little-endian.
    init(integers: [Int64], leaf: ParquetLeaf) throws(ParquetFormatError) {
        guard leaf.type == .int32 || leaf.type == .int64 else {
            throw ParquetFormatError("DELTA_BINARY_PACKED on a \(leaf.type) column")
        }
        type = leaf.type
        width = leaf.type == .int32 ? 4 : 8
        count = integers.count
        var bytes = [UInt8]()
        bytes.reserveCapacity(width * integers.count)
        for v in integers {
            for i in 0..<width { bytes.append(UInt8(truncatingIfNeeded: v >> Int64(8 * i))) }
        }
        self.bytes = bytes
    }

    static func width(of leaf: ParquetLeaf) -> Int {
        switch leaf.type {
        case .int32, .float: return 4
        case .int64, .double: return 8
        case .int96: return 12
        case .boolean: return 1
        case .fixedLenByteArray: return leaf.typeLength
        case .byteArray: return 0
        }
    }

    /// Appends value `index` as JSON: strings (escaped; invalid UTF-8 is left for the JSON
    /// parser to report), numbers, booleans; INT96 and non-finite floats as null.
    func writeJSON(_ index: Int, into out: inout [UInt8]) {
        switch type {
        case .byteArray:
            writeJSONString(bounds[2 * index]..<bounds[2 * index + 1], into: &out)
        case .fixedLenByteArray:
            writeJSONString((base + index * width)..<(base + (index + 1) * width), into: &out)
        case .boolean:
            out.append(contentsOf: bytes[index] != 0 ? trueBytes : falseBytes)
        case .int32:
            out.append(contentsOf: String(Int32(bitPattern: UInt32(truncatingIfNeeded: little(index, 4)))).utf8)
        case .int64:
            out.append(contentsOf: String(Int64(bitPattern: little(index, 8))).utf8)
        case .float:
            writeNumber(Double(Float(bitPattern: UInt32(truncatingIfNeeded: little(index, 4)))), into: &out)
        case .double:
            writeNumber(Double(bitPattern: little(index, 8)), into: &out)
        case .int96:
            out.append(contentsOf: jsonNull)
        }
    }

    private func little(_ index: Int, _ size: Int) -> UInt64 {
        var v: UInt64 = 0
        let start = base + index * width
        for i in 0..<size { v |= UInt64(bytes[start + i]) << UInt64(8 * i) }
        return v
    }

    private func writeNumber(_ value: Double, into out: inout [UInt8]) {
        if value.isFinite {
            out.append(contentsOf: String(value).utf8)
        } else {
            out.append(contentsOf: jsonNull)
        }
    }

    private func writeJSONString(_ range: Range<Int>, into out: inout [UInt8]) {
        bytes.withUnsafeBufferPointer { all in appendJSONString(UnsafeBufferPointer(rebasing: all[range]), into: &out) }
    }
}

/// Appends `bytes` as a JSON string: quotes, backslashes and control characters escaped, other
/// bytes as they are (invalid UTF-8 is left for the JSON parser to report).
func appendJSONString(_ bytes: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) {
    out.append(UInt8(ascii: "\""))
    var runStart = 0
    var i = 0
    while i < bytes.count {
        // Eight bytes at a time while none needs escaping.
        if let base = bytes.baseAddress, bytes.count - i >= 8 {
            let w = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
            if !needsEscape(w) {
                i += 8
                continue
            }
        }
        let b = bytes[i]
        i += 1
        guard b < 0x20 || b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") else { continue }
        let at = i - 1
        out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<at]))
        switch b {
        case UInt8(ascii: "\""): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
        case UInt8(ascii: "\\"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
        case 0x0A: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
        case 0x0D: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
        case 0x09: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
        default: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hexDigits[Int(b >> 4)], hexDigits[Int(b & 15)]])
        }
        runStart = i
    }
    out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<bytes.count]))
    out.append(UInt8(ascii: "\""))
}

/// Whether any of the eight bytes of `w` is a control character, `"` or `\\` (exact: bytes
/// of 0x80 and up never match).
@inline(__always) private func needsEscape(_ w: UInt64) -> Bool {
    let ones: UInt64 = 0x0101_0101_0101_0101
    let high: UInt64 = 0x8080_8080_8080_8080
    let control = (w &- ones &* 0x20) & ~w & high
    let quote = w ^ (ones &* 0x22)
    let backslash = w ^ (ones &* 0x5C)
    return control | ((quote &- ones) & ~quote & high) | ((backslash &- ones) & ~backslash & high) != 0
}

/// Appends `"key":`.
func appendJSONKey(_ key: String, into out: inout [UInt8]) {
    var key = key
    key.withUTF8 { appendJSONString($0, into: &out) }
    out.append(UInt8(ascii: ":"))
}

private let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)
let jsonNull: [UInt8] = Array("null".utf8)
private let trueBytes: [UInt8] = Array("true".utf8)
private let falseBytes: [UInt8] = Array("false".utf8)
