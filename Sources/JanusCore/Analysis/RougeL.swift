/// ROUGE-L F1 between two texts: the longest common subsequence of their word tokens, as the
/// paper computes it (Appendix B.1) with the `rouge-score` package and its defaults: the text
/// is lower-cased (full Unicode lower case), everything outside `[a-z0-9]` separates tokens (so
/// letters with accents, and every other script, are not tokens at all), and no stemming.
/// A test compares the scores with that package's on fixtures.
public enum RougeL {
    public static func tokens(_ text: String) -> [Substring] {
        let lowered = text.lowercased()
        return lowered.utf8.split { byte in
            !((byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")))
        }.map { Substring($0) }
    }

    public static func f1(_ a: String, _ b: String) -> Double {
        f1(tokens(a), tokens(b))
    }

    /// `a` is the target (reference), `b` the prediction; F1 is the same either way round.
    public static func f1<Token: Equatable>(_ a: [Token], _ b: [Token]) -> Double {
        guard !a.isEmpty, !b.isEmpty else { return 0 }
        let length = b.count <= 64 ? lcsLengthBitParallel(a, b) : lcsLengthTable(a, b)
        let lcs = Double(length)
        guard lcs > 0 else { return 0 }
        let precision = lcs / Double(b.count)
        let recall = lcs / Double(a.count)
        return 2 * precision * recall / (precision + recall)
    }

    /// The length of the longest common subsequence, `b` at most 64 tokens long: one machine
    /// word holds a row of the table as bits (Hyyrö's bit-vector form of the Allison-Dix
    /// algorithm), so each token of `a` costs a scan of `b` for equal tokens and four word
    /// operations. Exactly the table's answer.
    static func lcsLengthBitParallel<Token: Equatable>(_ a: [Token], _ b: [Token]) -> Int {
        precondition(b.count <= 64)
        var row = UInt64.max
        b.withUnsafeBufferPointer { b in
            for x in a {
                var matches: UInt64 = 0
                for j in 0..<b.count where b[j] == x { matches |= 1 << UInt64(j) }
                let u = row & matches
                row = (row &+ u) | (row &- u)
            }
        }
        let used = b.count == 64 ? UInt64.max : (1 << UInt64(b.count)) - 1
        return (~row & used).nonzeroBitCount
    }

    /// The same by the table, a row at a time, for any length.
    static func lcsLengthTable<Token: Equatable>(_ a: [Token], _ b: [Token]) -> Int {
        var previous = [Int](repeating: 0, count: b.count + 1)
        var current = previous
        for x in a {
            for (j, y) in b.enumerated() {
                current[j + 1] = x == y ? previous[j] + 1 : max(previous[j + 1], current[j])
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
