import JanusSupport

/// MinHash sketches of texts over word shingles, by one-permutation hashing: every shingle is
/// hashed once, the hash picks one of `bins` bins and the smallest value per bin is kept; bins
/// no shingle fell in borrow from a neighbour (densification). One hash per shingle instead of
/// one per shingle and bin; each bin keeps 8 bits.
///
/// Words are runs of letters and digits, lower-cased; a shingle is `shingleSize` consecutive
/// words (a shorter text is one shingle). Words are split on UTF-8 bytes without building
/// strings; only non-ASCII scalars look up Unicode properties.
public struct MinHasher: Sendable {
    public let bins: Int
    public let shingleSize: Int
    private let salt: UInt64

    /// A hasher with `bins` bins (bands x rows) over shingles of `shingleSize` words; the seed
    /// picks the hash function.
    public init(bins: Int, shingleSize: Int, seed: UInt64) {
        precondition(bins > 0 && bins <= Int(UInt16.max) && shingleSize > 0)
        self.bins = bins
        self.shingleSize = shingleSize
        var generator = SeededGenerator(seed: seed ^ 0x6E65_6172_6475_70)
        salt = generator.next()
    }

    /// Writes the `bins` bytes of the sketch of `text` to `out`. False when the text has no
    /// words, and so no sketch.
    public func sketch(_ text: String, into out: UnsafeMutablePointer<UInt8>) -> Bool {
        withUnsafeTemporaryAllocation(of: UInt64.self, capacity: bins + shingleSize) { scratch in
            let minima = UnsafeMutableBufferPointer(rebasing: scratch[0..<bins])
            let window = UnsafeMutableBufferPointer(rebasing: scratch[bins...])
            minima.initialize(repeating: UInt64.max)
            var shingles = Shingler(size: shingleSize, window: window)
            var words = WordHasher()
            var copy = text
            copy.withUTF8 { bytes in WordScalar.bmp.withUnsafeBufferPointer { table in
                var i = 0
                while i < bytes.count {
                    let b = bytes[i]
                    if b < 0x80 {
                        // The table's entry for an ASCII letter or digit is the word flag and the
                        // lower-case byte; for anything else 0.
                        words.ascii(UInt8(truncatingIfNeeded: table[Int(b)]), shingles: &shingles, minima: minima, salt: salt)
                        i += 1
                        continue
                    }
                    // A multi-byte scalar (the bytes of a String are valid UTF-8).
                    let (value, width) = UTF8Bytes.scalar(bytes, at: i)
                    let fold = value < 0x10000 ? table[Int(value)] : WordScalar.fold(value)
                    words.scalar(value, fold: fold, shingles: &shingles, minima: minima, salt: salt)
                    i += width
                }
                words.end(&shingles, minima: minima, salt: salt)
            } }
            guard shingles.finish(into: minima, salt: salt) else { return false }
            densify(minima, into: out)
            return true
        }
    }

    /// Fills empty bins by rotation (Shrivastava & Li 2014): an empty bin takes the value of the
    /// nearest non-empty bin to its right (circularly), mixed with the distance, so that
    /// borrowed values only agree when both texts borrow from the same place. One pass to
    /// copy, one leftward lap from the last non-empty bin.
    private func densify(_ minima: UnsafeMutableBufferPointer<UInt64>, into out: UnsafeMutablePointer<UInt8>) {
        // Without branches on whether a bin is empty: that is close to a coin toss for texts
        // of a few dozen shingles, and mispredicted branches cost more than the mixes.
        var empty = 0
        var last = -1
        for j in 0..<bins {
            let value = minima[j]
            out[j] = UInt8(truncatingIfNeeded: value)
            let isEmpty = value == UInt64.max
            empty &+= isEmpty ? 1 : 0
            last = isEmpty ? last : j
        }
        guard empty > 0, last >= 0 else { return }
        var nearest = minima[last]
        var distance: UInt64 = 0
        var j = last
        for _ in 1..<bins {
            j = j == 0 ? bins - 1 : j - 1
            let value = minima[j]
            let isEmpty = value == UInt64.max
            nearest = isEmpty ? nearest : value
            distance = isEmpty ? distance &+ 1 : 0
            // A full mix: a plain multiply keeps the top byte of close values close, so two
            // texts of one or two shingles that fell in the same bin agreed on most borrowed
            // bins (false near duplicates among short texts).
            let borrowed = UInt8(truncatingIfNeeded: mix(nearest ^ distance) >> 56)
            out[j] = isEmpty ? borrowed : out[j]
        }
    }
}

/// Hashes words (runs of letters, digits and marks, lower-cased) as they stream by.
private struct WordHasher {
    var hash = fnvOffset
    var inWord = false

    /// `b` is an ASCII byte lower-cased when it belongs to a word (letters, digits), else 0.
    @inline(__always) mutating func ascii(
        _ b: UInt8, shingles: inout Shingler, minima: UnsafeMutableBufferPointer<UInt64>, salt: UInt64
    ) {
        if b != 0 {
            // h * 33 + b: a two-cycle dependency per byte (shift and add), mixed at the word's end.
            hash = (hash << 5) &+ hash &+ UInt64(b)
            inWord = true
        } else {
            end(&shingles, minima: minima, salt: salt)
        }
    }

    /// `fold` is `WordScalar.fold(value)`.
    @inline(__always) mutating func scalar(
        _ value: UInt32, fold: UInt32, shingles: inout Shingler, minima: UnsafeMutableBufferPointer<UInt64>, salt: UInt64
    ) {
        guard fold != 0 else {
            end(&shingles, minima: minima, salt: salt)
            return
        }
        if fold & WordScalar.multiple == 0 {
            UTF8Bytes.hash(fold & WordScalar.valueMask, into: &hash)
        } else if let scalar = Unicode.Scalar(value) {
            for b in scalar.properties.lowercaseMapping.utf8 { hash = (hash << 5) &+ hash &+ UInt64(b) }
        }
        inWord = true
    }

    @inline(__always) mutating func end(_ shingles: inout Shingler, minima: UnsafeMutableBufferPointer<UInt64>, salt: UInt64) {
        if inWord { shingles.add(mix(hash), into: minima, salt: salt) }
        hash = fnvOffset
        inWord = false
    }
}

/// Which scalars belong to words (letters, digits, marks) and what they lower-case to, from a
/// table for the Basic Multilingual Plane built once instead of Unicode property lookups per scalar.
enum WordScalar {
    static let valueMask: UInt32 = 0x1F_FFFF
    /// The lower-case mapping is more than one scalar: ask Unicode.
    static let multiple: UInt32 = 1 << 30
    private static let word: UInt32 = 1 << 31

    /// 0 when `value` is not part of a word; otherwise its single-scalar lower-case mapping
    /// (`valueMask` bits) or the `multiple` flag.
    @inline(__always) static func fold(_ value: UInt32) -> UInt32 {
        value < 0x10000 ? bmp[Int(value)] : compute(value)
    }

    static let bmp: [UInt32] = (0..<UInt32(0x10000)).map(compute)

    private static func compute(_ value: UInt32) -> UInt32 {
        guard let scalar = Unicode.Scalar(value) else { return 0 }
        let p = scalar.properties
        guard p.isAlphabetic || p.numericType != nil || p.generalCategory == .nonspacingMark
            || p.generalCategory == .spacingMark
        else { return 0 }
        guard p.changesWhenLowercased else { return word | value }
        let mapping = p.lowercaseMapping.unicodeScalars
        if mapping.count == 1, let lower = mapping.first { return word | lower.value }
        return word | multiple
    }
}

/// Turns a stream of word hashes into shingle hashes and folds them into the bins.
private struct Shingler {
    let size: Int
    let window: UnsafeMutableBufferPointer<UInt64>
    var words = 0
    /// Where the next word goes in the ring `window`.
    private var slot = 0
    /// Polynomial hash of the words in the window: sum of word * C^(age), rolled in O(1).
    private var rolling: UInt64 = 0
    /// C^(size-1): the weight of the word about to leave the window.
    private let oldestWeight: UInt64
    private static let base: UInt64 = 0xFF51_AFD7_ED55_8CCD

    init(size: Int, window: UnsafeMutableBufferPointer<UInt64>) {
        self.size = size
        self.window = window
        var weight: UInt64 = 1
        for _ in 1..<max(size, 1) { weight = weight &* Shingler.base }
        oldestWeight = weight
    }

    mutating func add(_ word: UInt64, into minima: UnsafeMutableBufferPointer<UInt64>, salt: UInt64) {
        if words >= size { rolling = rolling &- window[slot] &* oldestWeight }
        rolling = rolling &* Shingler.base &+ word
        window[slot] = word
        slot = slot + 1 == size ? 0 : slot + 1
        words += 1
        if words >= size { fold(into: minima, salt: salt) }
    }

    /// Folds the one shingle of a short text; false when there were no words at all.
    func finish(into minima: UnsafeMutableBufferPointer<UInt64>, salt: UInt64) -> Bool {
        if words == 0 { return false }
        if words < size { fold(into: minima, salt: salt) }
        return true
    }

    /// One shingle (the window's rolling hash, which depends on word order): one mix, then
    /// its bin and value.
    private func fold(into minima: UnsafeMutableBufferPointer<UInt64>, salt: UInt64) {
        let x = mix(rolling ^ salt)
        let bin = Int(truncatingIfNeeded: ((x >> 32) &* UInt64(minima.count)) >> 32)
        let value = x & 0xFFFF_FFFF
        minima[bin] = min(minima[bin], value)
    }
}

let fnvOffset: UInt64 = 0xCBF2_9CE4_8422_2325
let fnvPrime: UInt64 = 0x100_0000_01B3

@inline(__always) func mix(_ x: UInt64) -> UInt64 {
    var z = x &+ 0x9E37_79B9_7F4A_7C15
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
}
