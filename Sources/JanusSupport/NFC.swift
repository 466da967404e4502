/// Unicode normalization form C for text on its UTF-8 bytes: a quick check that passes almost
/// all real text without changing it, and the standard library's normalizer for the rest.
///
/// The quick check (UAX #15, "Detecting Normalization Forms") accepts text in which every
/// scalar is a starter (canonical combining class 0) whose NFC_Quick_Check is Yes. Scalars
/// with a non-zero combining class, the starters whose quick check is No or Maybe (below), and
/// scalars assigned after Unicode 14 (the version the table was derived from) send the text
/// to the normalizer, so the check never accepts text that normalization would change.
package enum NFC {
    /// True when `bytes` (valid UTF-8) is certainly in NFC.
    package static func quickCheck(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress else { return true }
        // The table once per text, not once per scalar (each access of a static goes through
        // its lazy initialiser).
        return bmpQuickYes.withUnsafeBufferPointer { table in
            var i = 0
            let n = bytes.count
            while i < n {
                i = UTF8Bytes.skipASCIIWords(base, from: i, count: n)
                guard i < n else { break }
                let b = bytes[i]
                if b < 0x80 {
                    i += 1
                } else if b < 0xCC {
                    i += 2  // U+0080-U+02FF: Latin-1 and Latin Extended letters, all starters with quick check Yes
                } else {
                    let (v, w) = UTF8Bytes.scalar(bytes, at: i)
                    let yes = v < 0x10000 ? table[Int(v >> 6)] & (1 << UInt64(v & 63)) != 0 : computeQuickYes(v)
                    guard yes else { return false }
                    i += w
                }
            }
            return true
        }
    }

    /// The NFC form of `bytes` (valid UTF-8), or nil when the quick check shows it already is.
    package static func normalized(_ bytes: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        if quickCheck(bytes) { return nil }
        return String(decoding: bytes, as: UTF8.self)._nfcCodeUnits
    }

    /// The NFC form of `text`.
    package static func normalize(_ text: String) -> String {
        var copy = text
        let changed = copy.withUTF8 { normalized($0) }
        guard let changed else { return text }
        return String(decoding: changed, as: UTF8.self)
    }

    @inline(__always) package static func isQuickYes(_ v: UInt32) -> Bool {
        if v < 0x300 { return true }
        if v < 0x10000 { return bmpQuickYes[Int(v >> 6)] & (1 << (v & 63)) != 0 }
        return computeQuickYes(v)
    }

    /// One bit per scalar of the Basic Multilingual Plane, set when `computeQuickYes` is true.
    private static let bmpQuickYes: [UInt64] = {
        var bits = [UInt64](repeating: 0, count: 0x10000 / 64)
        for v in 0..<UInt32(0x10000) where computeQuickYes(v) {
            bits[Int(v >> 6)] |= 1 << (v & 63)
        }
        return bits
    }()

    private static func computeQuickYes(_ v: UInt32) -> Bool {
        guard let scalar = Unicode.Scalar(v) else { return true }  // surrogates never occur in valid UTF-8
        let properties = scalar.properties
        if properties.canonicalCombiningClass != .notReordered { return false }
        if let age = properties.age, age.major > 14 { return false }
        return !isStarterNoOrMaybe(v)
    }

    /// Starters whose NFC_Quick_Check is No (they change under NFC) or Maybe (they can combine
    /// with the scalar before them), as of Unicode 14: derived with Python's `unicodedata`
    /// (single scalars that NFC changes; second halves of primary composites; Hangul vowel and
    /// trailing-consonant jamo).
    private static func isStarterNoOrMaybe(_ v: UInt32) -> Bool {
        var lo = 0
        var hi = starterNoOrMaybe.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if starterNoOrMaybe[mid].upperBound < v { lo = mid + 1 } else { hi = mid }
        }
        return lo < starterNoOrMaybe.count && starterNoOrMaybe[lo].contains(v)
    }

    private static let starterNoOrMaybe: [ClosedRange<UInt32>] = [
        0x374...0x374, 0x37E...0x37E, 0x387...0x387, 0x958...0x95F, 0x9BE...0x9BE, 0x9D7...0x9D7,
        0x9DC...0x9DD, 0x9DF...0x9DF, 0xA33...0xA33, 0xA36...0xA36, 0xA59...0xA5B, 0xA5E...0xA5E,
        0xB3E...0xB3E, 0xB56...0xB57, 0xB5C...0xB5D, 0xBBE...0xBBE, 0xBD7...0xBD7, 0xCC2...0xCC2,
        0xCD5...0xCD6, 0xD3E...0xD3E, 0xD57...0xD57, 0xDCF...0xDCF, 0xDDF...0xDDF, 0xF43...0xF43,
        0xF4D...0xF4D, 0xF52...0xF52, 0xF57...0xF57, 0xF5C...0xF5C, 0xF69...0xF69, 0xF73...0xF73,
        0xF75...0xF76, 0xF78...0xF78, 0xF81...0xF81, 0xF93...0xF93, 0xF9D...0xF9D, 0xFA2...0xFA2,
        0xFA7...0xFA7, 0xFAC...0xFAC, 0xFB9...0xFB9, 0x102E...0x102E, 0x1161...0x1175, 0x11A8...0x11C2,
        0x1B35...0x1B35, 0x1F71...0x1F71, 0x1F73...0x1F73, 0x1F75...0x1F75, 0x1F77...0x1F77, 0x1F79...0x1F79,
        0x1F7B...0x1F7B, 0x1F7D...0x1F7D, 0x1FBB...0x1FBB, 0x1FBE...0x1FBE, 0x1FC9...0x1FC9, 0x1FCB...0x1FCB,
        0x1FD3...0x1FD3, 0x1FDB...0x1FDB, 0x1FE3...0x1FE3, 0x1FEB...0x1FEB, 0x1FEE...0x1FEF, 0x1FF9...0x1FF9,
        0x1FFB...0x1FFB, 0x1FFD...0x1FFD, 0x2000...0x2001, 0x2126...0x2126, 0x212A...0x212B, 0x2329...0x232A,
        0x2ADC...0x2ADC, 0xF900...0xFA0D, 0xFA10...0xFA10, 0xFA12...0xFA12, 0xFA15...0xFA1E, 0xFA20...0xFA20,
        0xFA22...0xFA22, 0xFA25...0xFA26, 0xFA2A...0xFA6D, 0xFA70...0xFAD9, 0xFB1D...0xFB1D, 0xFB1F...0xFB1F,
        0xFB2A...0xFB36, 0xFB38...0xFB3C, 0xFB3E...0xFB3E, 0xFB40...0xFB41, 0xFB43...0xFB44, 0xFB46...0xFB4E,
        0x11127...0x11127, 0x1133E...0x1133E, 0x11357...0x11357, 0x114B0...0x114B0, 0x114BA...0x114BA,
        0x114BD...0x114BD, 0x115AF...0x115AF, 0x11930...0x11930, 0x1D15E...0x1D164, 0x1D1BB...0x1D1C0,
        0x2F800...0x2FA1D,
    ]
}
