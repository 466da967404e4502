import Foundation

extension JSONValue {
    /// Compact JSON text, keys in their stored order, no trailing newline.
    public func serialized() -> String {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        write(to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Compact JSON as UTF-8 bytes.
    public func serializedData() -> Data {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        write(to: &out)
        return Data(out)
    }

    /// Appends the compact JSON of this value to `out`.
    public func write(to out: inout [UInt8]) {
        switch self {
        case .null: out.append(contentsOf: JSONValue.nullBytes)
        case let .bool(b): out.append(contentsOf: b ? JSONValue.trueBytes : JSONValue.falseBytes)
        case let .integer(i): out.append(contentsOf: String(i).utf8)
        case let .number(d): out.append(contentsOf: JSONValue.format(d).utf8)
        case let .string(s): JSONValue.writeString(s, to: &out)
        case let .array(items):
            out.append(UInt8(ascii: "["))
            for (i, item) in items.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                item.write(to: &out)
            }
            out.append(UInt8(ascii: "]"))
        case let .object(pairs):
            out.append(UInt8(ascii: "{"))
            for (i, pair) in pairs.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                JSONValue.writeString(pair.0, to: &out)
                out.append(UInt8(ascii: ":"))
                pair.1.write(to: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    /// Whether any byte of `word` is below 0x20, a quote or a backslash (bit tricks: a byte
    /// equal to v gives a zero byte in word ^ (v * 0x01..01); "has a zero byte" and "has a byte
    /// below n" are the classic carry tests).
    @inline(__always) package static func needsEscape(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        func hasZero(_ x: UInt64) -> Bool { (x &- ones) & ~x & highs != 0 }
        let below = (word &- ones &* 0x20) & ~word & highs != 0
        return below || hasZero(word ^ (ones &* 0x22)) || hasZero(word ^ (ones &* 0x5C))
    }

    private static let nullBytes = Array("null".utf8)
    private static let trueBytes = Array("true".utf8)
    private static let falseBytes = Array("false".utf8)
    private static let hexDigits = Array("0123456789abcdef".utf8)

    package static func format(_ d: Double) -> String {
        guard d.isFinite else { return "null" }
        if d.rounded() == d, abs(d) < 1e15 { return String(Int(d)) }
        return "\(d)"
    }

    /// Escapes as JSON requires: quote, backslash and control characters; everything else,
    /// non-ASCII included, is written as UTF-8 (as Python's json.dumps with ensure_ascii=False).
    package static func writeString(_ s: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var s = s
        s.withUTF8 { bytes in
            guard let base = bytes.baseAddress else { return }
            let count = bytes.count
            var runStart = 0
            var i = 0
            while i < count {
                // Eight bytes at a time: skip words with no quote, backslash or control byte.
                if i + 8 <= count {
                    let word = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
                    if !needsEscape(word) {
                        i += 8
                        continue
                    }
                }
                let b = base[i]
                if b < 0x20 || b == 0x22 || b == 0x5C {
                    if runStart < i { out.append(contentsOf: UnsafeBufferPointer(start: base + runStart, count: i - runStart)) }
                    runStart = i + 1
                    out.append(UInt8(ascii: "\\"))
                    switch b {
                    case 0x22: out.append(0x22)
                    case 0x5C: out.append(0x5C)
                    case 0x0A: out.append(UInt8(ascii: "n"))
                    case 0x0D: out.append(UInt8(ascii: "r"))
                    case 0x09: out.append(UInt8(ascii: "t"))
                    case 0x08: out.append(UInt8(ascii: "b"))
                    case 0x0C: out.append(UInt8(ascii: "f"))
                    default:
                        out.append(contentsOf: [UInt8(ascii: "u"), 0x30, 0x30, hexDigits[Int(b >> 4)], hexDigits[Int(b & 0x0F)]])
                    }
                }
                i += 1
            }
            if runStart < count { out.append(contentsOf: UnsafeBufferPointer(start: base + runStart, count: count - runStart)) }
        }
        out.append(UInt8(ascii: "\""))
    }
}
