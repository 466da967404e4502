import Foundation

/// Identity of an instruction: Unicode NFC, runs of white space folded to one space, trimmed.
/// Case and line breaks stay in the stored text; only the identity folds them.
///
/// Pure-ASCII text (most of it) takes byte-level paths that give exactly what the general
/// Unicode paths give (ASCII is already NFC), without going through Foundation.
public enum TextNormalizer {
    /// The text as stored: NFC, trimmed, line breaks `\r\n` as `\n`.
    public static func stored(_ text: String) -> String {
        var copy = text
        let fast: String?? = copy.withUTF8 { bytes in
            guard isASCII(bytes) else { return nil }
            var lo = 0
            var hi = bytes.count
            while lo < hi, isASCIISpace(bytes[lo]) { lo += 1 }
            while hi > lo, isASCIISpace(bytes[hi - 1]) { hi -= 1 }
            var crlf = false
            if lo < hi {
                for i in lo..<(hi - 1) where bytes[i] == 0x0D && bytes[i + 1] == 0x0A {
                    crlf = true
                    break
                }
            }
            if lo == 0, hi == bytes.count, !crlf { return .some(nil) }
            return String(unsafeUninitializedCapacity: hi - lo) { out in
                var n = 0
                var i = lo
                while i < hi {
                    if bytes[i] == 0x0D, i + 1 < hi, bytes[i + 1] == 0x0A { i += 1 }
                    out[n] = bytes[i]
                    n += 1
                    i += 1
                }
                return n
            }
        }
        switch fast {
        case .some(.some(let changed)): return changed
        case .some(.none): return text
        case .none:
            return text.precomposedStringWithCanonicalMapping
                .replacingOccurrences(of: "\r\n", with: "\n")
                .trimmingCharacters(in: .whitespacesAndNewlines)
        }
    }

    /// The text that identity is computed from.
    public static func identity(_ text: String) -> String {
        foldWhitespace(text.precomposedStringWithCanonicalMapping)
    }

    /// The instruction id: SHA-256 of the identity text.
    public static func instructionID(_ text: String) -> String {
        digest(ofStored: stored(text)).hex
    }

    /// The digest of the identity of `text`, which is already as `stored(_:)` returns it (NFC).
    static func digest(ofStored text: String) -> InstructionDigest {
        var copy = text
        let ascii: InstructionDigest? = copy.withUTF8 { bytes in
            guard isASCII(bytes) else { return nil }
            return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: bytes.count) { out in
                var n = 0
                var pendingSpace = false
                for b in bytes {
                    if isASCIISpace(b) {
                        pendingSpace = n > 0
                    } else {
                        if pendingSpace {
                            out[n] = 0x20
                            n += 1
                            pendingSpace = false
                        }
                        out[n] = b
                        n += 1
                    }
                }
                return InstructionDigest(hashing: UnsafeRawBufferPointer(UnsafeMutableBufferPointer(rebasing: out[0..<n])))
            }
        }
        if let ascii { return ascii }
        let folded = Array(foldWhitespace(text).utf8)
        return folded.withUnsafeBytes { InstructionDigest(hashing: $0) }
    }

    private static func foldWhitespace(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        var pendingSpace = false
        for scalar in text.unicodeScalars {
            let space = scalar.isASCII ? isASCIISpace(UInt8(scalar.value)) : scalar.properties.isWhitespace
            if space {
                pendingSpace = !out.isEmpty
            } else {
                if pendingSpace {
                    out.unicodeScalars.append(" ")
                    pendingSpace = false
                }
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// The first non-empty line, which the system-message filter looks at.
    public static func firstLine(_ text: String) -> Substring {
        var copy = text
        let range: Range<Int>?? = copy.withUTF8 { bytes in
            guard isASCII(bytes) else { return nil }
            return .some(asciiFirstLine(bytes))
        }
        switch range {
        case .some(.some(let r)):
            let utf8 = text.utf8
            return text[utf8.index(utf8.startIndex, offsetBy: r.lowerBound)..<utf8.index(utf8.startIndex, offsetBy: r.upperBound)]
        case .some(.none): return ""
        case .none: return text.split(whereSeparator: \.isNewline).first { !$0.allSatisfy(\.isWhitespace) } ?? ""
        }
    }
}

extension TextNormalizer {
    /// The byte range of the first non-blank line of ASCII text (lines end at LF, VT, FF, CR).
    static func asciiFirstLine(_ bytes: UnsafeBufferPointer<UInt8>) -> Range<Int>? {
        var start = 0
        while start < bytes.count {
            var end = start
            var blank = true
            while end < bytes.count {
                let b = bytes[end]
                if b >= 0x0A, b <= 0x0D { break }
                if b != 0x20, b != 0x09 { blank = false }
                end += 1
            }
            if !blank { return start..<end }
            start = end + 1
        }
        return nil
    }
}

/// True when every byte is ASCII.
@inline(__always) func isASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    var bits: UInt8 = 0
    for b in bytes { bits |= b }
    return bits < 0x80
}

/// ASCII white space as Unicode counts it: tab, line feed, vertical tab, form feed, carriage return, space.
@inline(__always) func isASCIISpace(_ b: UInt8) -> Bool {
    b == 0x20 || (b >= 0x09 && b <= 0x0D)
}
