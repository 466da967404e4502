/// A small, fast, seedable generator (SplitMix64). Every random choice in the pipeline comes
/// from one of these, seeded from (run seed, item identity, purpose), never from global state,
/// so a rerun or a resume draws exactly the same values.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) {
        state = seed
    }

    /// A generator for one purpose of one item: the same parts always give the same stream.
    public init(seed: UInt64, _ parts: String...) {
        self.init(seed: Hashing.sha256Prefix64(([String(seed)] + parts).joined(separator: "\u{1F}")))
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// `count` distinct indices from `0..<upperBound`, in draw order.
    public mutating func distinctIndices(_ count: Int, below upperBound: Int) -> [Int] {
        var pool = Array(0..<upperBound)
        let take = min(count, upperBound)
        for i in 0..<take {
            let j = Int.random(in: i..<upperBound, using: &self)
            pool.swapAt(i, j)
        }
        return Array(pool.prefix(take))
    }
}
