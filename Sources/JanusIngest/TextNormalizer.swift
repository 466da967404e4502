import Foundation
import JanusSupport

/// Identity of an instruction: Unicode NFC, runs of white space folded to one space, trimmed.
/// Case and line breaks stay in the stored text; only the identity folds them.
///
/// Everything works on the UTF-8 bytes: NFC only runs when a quick check says the text may
/// change (`NFC`), and white space, line breaks and trimming are recognised byte by byte.
public enum TextNormalizer {
    /// The text as stored: NFC, trimmed, line breaks `\r\n` as `\n`.
    public static func stored(_ text: String) -> String {
        var copy = text
        let changed: [UInt8]?? = copy.withUTF8 { bytes in
            guard let nfc = NFC.normalized(bytes) else { return trimmedLines(bytes) }
            return .some(nfc.withUnsafeBufferPointer { trimmedLines($0) ?? Array($0) })
        }
        switch changed {
        case .some(.some(let bytes)): return String(decoding: bytes, as: UTF8.self)
        default: return text
        }
    }

    /// `bytes` trimmed with `\r\n` as `\n`, or nil when that changes nothing.
    private static func trimmedLines(_ bytes: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        let range = UTF8Bytes.trimmed(bytes)
        var crlf = false
        if range.count > 1, let base = bytes.baseAddress {
            var i = range.lowerBound
            let last = range.upperBound - 1
            while i < last, let found = memchr(base + i, 0x0D, last - i) {
                i = UnsafePointer(found.assumingMemoryBound(to: UInt8.self)) - base
                if bytes[i + 1] == 0x0A {
                    crlf = true
                    break
                }
                i += 1
            }
        }
        if range.count == bytes.count, !crlf { return nil }
        // Not through `unsafeUninitializedCapacity` when empty: with capacity 0 that initializer
        // sets the count of the shared empty-array storage, a write other threads' reads of any
        // empty array race with (ThreadSanitizer reports it; CI's c4146d8 run failed on it).
        if range.isEmpty { return [] }
        return [UInt8](unsafeUninitializedCapacity: range.count) { out, count in
            var n = 0
            var i = range.lowerBound
            while i < range.upperBound {
                if bytes[i] == 0x0D, i + 1 < range.upperBound, bytes[i + 1] == 0x0A { i += 1 }
                out[n] = bytes[i]
                n += 1
                i += 1
            }
            count = n
        }
    }

    /// The text that identity is computed from.
    public static func identity(_ text: String) -> String {
        var copy = NFC.normalize(text)
        return copy.withUTF8 { bytes in
            String(unsafeUninitializedCapacity: bytes.count) { foldWhitespace(bytes, into: $0) }
        }
    }

    /// The instruction id: SHA-256 of the identity text.
    public static func instructionID(_ text: String) -> String {
        digest(ofStored: stored(text)).hex
    }

    /// The digest of the identity of `text`, which is already as `stored(_:)` returns it (NFC).
    static func digest(ofStored text: String) -> InstructionDigest {
        var copy = text
        return copy.withUTF8 { bytes in
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: bytes.count) { out in
                let n = foldWhitespace(bytes, into: out)
                return InstructionDigest(hashing: UnsafeRawBufferPointer(UnsafeMutableBufferPointer(rebasing: out[0..<n])))
            }
        }
    }

    /// Writes `bytes` with every run of white space as one space, and none at the ends, to
    /// `out` (at least as long); returns the length written.
    private static func foldWhitespace(_ bytes: UnsafeBufferPointer<UInt8>, into out: UnsafeMutableBufferPointer<UInt8>) -> Int {
        guard let source = bytes.baseAddress, let target = out.baseAddress else { return 0 }
        var n = 0
        var pendingSpace = false
        var i = 0
        let count = bytes.count
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        while i < count {
            // Bytes 0x21-0x7F are copied eight at a time up to the first other one (white space,
            // a control character or a multi-byte scalar). The written length never passes the
            // read one (`n <= i`), so a whole word always fits in `out`.
            while i + 8 <= count {
                let w = UnsafeRawPointer(source + i).loadUnaligned(as: UInt64.self)
                let special = (((w &- ones &* 0x21) & ~w) | w) & highs
                let plain = special == 0 ? 8 : special.trailingZeroBitCount >> 3
                if plain == 0 { break }
                if pendingSpace {
                    target[n] = 0x20
                    n += 1
                    pendingSpace = false
                }
                UnsafeMutableRawPointer(target + n).storeBytes(of: w, as: UInt64.self)
                n += plain
                i += plain
                if plain < 8 { break }
            }
            guard i < count else { break }
            let b = bytes[i]
            var width = 1
            let space: Bool
            if b < 0x80 {
                space = isASCIISpace(b)
            } else {
                let scalar = UTF8Bytes.scalar(bytes, at: i)
                width = scalar.width
                space = UTF8Bytes.isWhitespace(scalar.value)
            }
            if space {
                pendingSpace = n > 0
            } else {
                if pendingSpace {
                    out[n] = 0x20
                    n += 1
                    pendingSpace = false
                }
                for k in 0..<width { out[n + k] = bytes[i + k] }
                n += width
            }
            i += width
        }
        return n
    }

    /// The first non-empty line, which the system-message filter looks at. A line is empty
    /// when it holds only white space; lines end at LF, VT, FF, CR, U+0085, U+2028 and U+2029.
    /// Found on the bytes; only a line whose first visible scalar is a non-ASCII one right after
    /// white space (a mark that may join it) is left to `Character`.
    public static func firstLine(_ text: String) -> Substring {
        var copy = text
        let (found, exact) = copy.withUTF8 { UTF8Bytes.firstNonBlankLine($0) }
        guard exact else { return text.split(whereSeparator: \.isNewline).first { !$0.allSatisfy(\.isWhitespace) } ?? "" }
        guard let range = found else { return "" }
        let utf8 = text.utf8
        return text[utf8.index(utf8.startIndex, offsetBy: range.lowerBound)..<utf8.index(utf8.startIndex, offsetBy: range.upperBound)]
    }
}
