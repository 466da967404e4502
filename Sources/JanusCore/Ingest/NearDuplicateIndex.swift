/// Near-duplicate detection: MinHash signatures over word 5-gram shingles, banded for
/// locality-sensitive hashing. Two texts whose estimated Jaccard similarity reaches the
/// threshold are near duplicates; the first one added wins.
public struct NearDuplicateIndex {
    public let bands: Int
    public let rows: Int
    public let threshold: Double
    public let shingleSize: Int
    private let salts: [UInt64]
    private var buckets: [[UInt64: Int]]
    private var signatures: [[UInt64]] = []
    private var ids: [String] = []

    public init(threshold: Double, seed: UInt64, bands: Int = 14, rows: Int = 8, shingleSize: Int = 5) {
        self.bands = bands
        self.rows = rows
        self.threshold = threshold
        self.shingleSize = shingleSize
        var generator = SeededGenerator(seed: seed ^ 0x6E65_6172_6475_70)
        salts = (0..<(bands * rows)).map { _ in generator.next() }
        buckets = Array(repeating: [:], count: bands)
    }

    /// The id of an earlier near duplicate of `text`, or nil after adding `text` under `id`.
    public mutating func checkAndAdd(id: String, text: String) -> (duplicateOf: String, similarity: Double)? {
        let signature = minHash(text)
        var bandKeys: [UInt64] = []
        bandKeys.reserveCapacity(bands)
        var best: (Int, Double)?
        for band in 0..<bands {
            var h: UInt64 = 0xCBF2_9CE4_8422_2325
            for r in 0..<rows { h = mix(h ^ signature[band * rows + r]) }
            bandKeys.append(h)
            if let candidate = buckets[band][h] {
                let similarity = agreement(signatures[candidate], signature)
                if similarity >= threshold, similarity > (best?.1 ?? -1) { best = (candidate, similarity) }
            }
        }
        if let (candidate, similarity) = best { return (ids[candidate], similarity) }
        let index = signatures.count
        signatures.append(signature)
        ids.append(id)
        for band in 0..<bands where buckets[band][bandKeys[band]] == nil {
            buckets[band][bandKeys[band]] = index
        }
        return nil
    }

    func minHash(_ text: String) -> [UInt64] {
        let words = text.lowercased().split { !$0.isLetter && !$0.isNumber }.map { fnv1a($0) }
        var shingles: [UInt64] = []
        if words.count <= shingleSize {
            shingles = [words.reduce(0x811C_9DC5) { mix($0 ^ $1) }]
        } else {
            for start in 0...(words.count - shingleSize) {
                var h: UInt64 = 0x811C_9DC5
                for w in words[start..<(start + shingleSize)] { h = mix(h ^ w) }
                shingles.append(h)
            }
        }
        return salts.map { salt in
            var minimum = UInt64.max
            for s in shingles {
                let v = mix(s ^ salt)
                if v < minimum { minimum = v }
            }
            return minimum
        }
    }

    private func agreement(_ a: [UInt64], _ b: [UInt64]) -> Double {
        var same = 0
        for i in 0..<a.count where a[i] == b[i] { same += 1 }
        return Double(same) / Double(a.count)
    }
}

@inline(__always) func mix(_ x: UInt64) -> UInt64 {
    var z = x &+ 0x9E37_79B9_7F4A_7C15
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
}

func fnv1a<S: StringProtocol>(_ s: S) -> UInt64 {
    var h: UInt64 = 0xCBF2_9CE4_8422_2325
    for b in s.utf8 {
        h ^= UInt64(b)
        h = h &* 0x100_0000_01B3
    }
    return h
}
