/// MinHash sketches of texts over word shingles, by one-permutation hashing: every shingle is
/// hashed once, the hash picks one of `bins` bins and the smallest value per bin is kept; bins
/// no shingle fell in borrow a value from another bin chosen by a fixed seeded sequence
/// ("optimal densification", Shrivastava 2017). Estimates of Jaccard similarity stay unbiased
/// at one hash per shingle instead of one per shingle and bin, and each bin keeps 8 bits.
///
/// Words are runs of letters and digits, lower-cased; a shingle is `shingleSize` consecutive
/// words (a shorter text is one shingle). Pure-ASCII text is split on bytes without building
/// strings; other text goes through `Character` properties, which agree on ASCII.
public struct MinHasher: Sendable {
    public let bins: Int
    public let shingleSize: Int
    private let salt: UInt64
    private let donors: [UInt16]
    private static let attempts = 64

    public init(bins: Int, shingleSize: Int, seed: UInt64) {
        precondition(bins > 0 && bins <= Int(UInt16.max) && shingleSize > 0)
        self.bins = bins
        self.shingleSize = shingleSize
        var generator = SeededGenerator(seed: seed ^ 0x6E65_6172_6475_70)
        salt = generator.next()
        donors = (0..<(bins * MinHasher.attempts)).map { _ in UInt16(generator.next() % UInt64(bins)) }
    }

    /// Writes the `bins` bytes of the sketch of `text` to `out`. False when the text has no
    /// words, and so no sketch.
    public func sketch(_ text: String, into out: UnsafeMutablePointer<UInt8>) -> Bool {
        withUnsafeTemporaryAllocation(of: UInt64.self, capacity: bins + shingleSize) { scratch in
            let minima = UnsafeMutableBufferPointer(rebasing: scratch[0..<bins])
            let window = UnsafeMutableBufferPointer(rebasing: scratch[bins...])
            minima.initialize(repeating: UInt64.max)
            var shingles = Shingler(size: shingleSize, window: window)
            var copy = text
            let ascii: Bool = copy.withUTF8 { bytes in
                guard isASCII(bytes) else { return false }
                var word: UInt64 = fnvOffset
                var inWord = false
                for var b in bytes {
                    if b >= 0x41, b <= 0x5A { b |= 0x20 }
                    if (b >= 0x61 && b <= 0x7A) || (b >= 0x30 && b <= 0x39) {
                        word = (word ^ UInt64(b)) &* fnvPrime
                        inWord = true
                    } else if inWord {
                        shingles.add(word, into: minima, salt: salt)
                        word = fnvOffset
                        inWord = false
                    }
                }
                if inWord { shingles.add(word, into: minima, salt: salt) }
                return true
            }
            if !ascii {
                for word in text.lowercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber }) {
                    shingles.add(fnv1a(word), into: minima, salt: salt)
                }
            }
            guard shingles.finish(into: minima, salt: salt) else { return false }
            densify(minima, into: out)
            return true
        }
    }

    private func densify(_ minima: UnsafeMutableBufferPointer<UInt64>, into out: UnsafeMutablePointer<UInt8>) {
        for j in 0..<bins {
            var value = minima[j]
            if value == UInt64.max {
                var found = false
                for t in 0..<MinHasher.attempts {
                    let donor = minima[Int(donors[j * MinHasher.attempts + t])]
                    if donor != UInt64.max {
                        value = donor
                        found = true
                        break
                    }
                }
                var k = j
                while !found {
                    k = k + 1 == bins ? 0 : k + 1
                    if minima[k] != UInt64.max {
                        value = minima[k]
                        found = true
                    }
                }
            }
            out[j] = UInt8(truncatingIfNeeded: value)
        }
    }
}

/// Turns a stream of word hashes into shingle hashes and folds them into the bins.
private struct Shingler {
    let size: Int
    let window: UnsafeMutableBufferPointer<UInt64>
    var words = 0

    init(size: Int, window: UnsafeMutableBufferPointer<UInt64>) {
        self.size = size
        self.window = window
    }

    mutating func add(_ word: UInt64, into minima: UnsafeMutableBufferPointer<UInt64>, salt: UInt64) {
        window[words % size] = word
        words += 1
        if words >= size { fold(count: size, into: minima, salt: salt) }
    }

    /// Folds the last shingle of a short text; false when there were no words at all.
    func finish(into minima: UnsafeMutableBufferPointer<UInt64>, salt: UInt64) -> Bool {
        if words == 0 { return false }
        if words < size { fold(count: words, into: minima, salt: salt) }
        return true
    }

    private func fold(count: Int, into minima: UnsafeMutableBufferPointer<UInt64>, salt: UInt64) {
        var h: UInt64 = 0x811C_9DC5
        let first = words - count
        for i in first..<words { h = mix(h ^ window[i % size]) }
        let x = mix(h ^ salt)
        let bin = Int(truncatingIfNeeded: ((x >> 32) &* UInt64(minima.count)) >> 32)
        let value = x & 0xFFFF_FFFF
        if value < minima[bin] { minima[bin] = value }
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

func fnv1a<S: StringProtocol>(_ s: S) -> UInt64 {
    var h = fnvOffset
    for b in s.utf8 {
        h ^= UInt64(b)
        h = h &* fnvPrime
    }
    return h
}
