/// A small, fast, seedable generator (SplitMix64) and every draw made from it. Each random
/// choice in the pipeline comes from one of these, seeded from (run seed, item identity,
/// purpose), never from global state, so a rerun or a resume draws exactly the same values.
///
/// It is deliberately not a `RandomNumberGenerator`: the standard library leaves the algorithms
/// of `Int.random(in:using:)`, `shuffle(using:)` and `randomElement(using:)` unspecified, so a
/// toolchain upgrade could change what a seed draws, and with it request keys and exports.
/// The draws below are defined here, bit for bit, and the compiler refuses the others.
public struct SeededGenerator: Sendable {
    private var state: UInt64

    public init(seed: UInt64) {
        state = seed
    }

    /// A generator for one purpose of one item: the same parts always give the same stream.
    /// The seed is the first 8 bytes of the SHA-256 of the decimal seed and the parts, joined by
    /// U+001F; hashed as they are added, with no joined copy made.
    public init(seed: UInt64, _ parts: String...) {
        var stream = SHA256Stream()
        stream.add(String(seed))
        for part in parts {
            stream.add(byte: 0x1F)
            stream.add(part)
        }
        self.init(seed: stream.prefix64())
    }

    /// The next 64 random bits (SplitMix64).
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform integer in `0..<upperBound`, `upperBound` > 0. Multiply-shift with rejection
    /// (Lemire, "Fast random integer generation in an interval", 2019): the high word of
    /// `next() * upperBound`, drawing again while the low word falls below `2^64 % upperBound`,
    /// the few values that would make some results likelier than others. It is the method the
    /// standard library uses today, so moving to it changed no draw; written out here, no later
    /// toolchain can change one.
    public mutating func below(_ upperBound: Int) -> Int {
        precondition(upperBound > 0, "below(\(upperBound)): the bound must be positive")
        let bound = UInt64(upperBound)
        let biased = (0 &- bound) % bound
        while true {
            let (high, low) = next().multipliedFullWidth(by: bound)
            if low >= biased { return Int(high) }
        }
    }

    /// One element of a non-empty array, uniformly.
    public mutating func element<T>(of array: [T]) -> T {
        array[below(array.count)]
    }

    /// `count` distinct indices from `0..<upperBound`, in draw order (the first `count` steps of
    /// a Fisher-Yates shuffle; `count` = `upperBound` gives a whole permutation).
    public mutating func distinctIndices(_ count: Int, below upperBound: Int) -> [Int] {
        var pool = Array(0..<upperBound)
        let take = min(count, upperBound)
        for i in 0..<take {
            pool.swapAt(i, i + below(upperBound - i))
        }
        return Array(pool.prefix(take))
    }
}
