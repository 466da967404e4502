/// ROUGE-L F1 between two texts: the longest common subsequence of their lower-cased word
/// tokens, as the paper uses it (Appendix B.1) to measure how different preferences are.
public enum RougeL {
    public static func tokens(_ text: String) -> [Substring] {
        text.lowercased().split { !$0.isLetter && !$0.isNumber }
    }

    public static func f1(_ a: String, _ b: String) -> Double {
        f1(tokens(a), tokens(b))
    }

    public static func f1(_ a: [Substring], _ b: [Substring]) -> Double {
        guard !a.isEmpty, !b.isEmpty else { return 0 }
        var previous = [Int](repeating: 0, count: b.count + 1)
        var current = previous
        for x in a {
            for (j, y) in b.enumerated() {
                current[j + 1] = x == y ? previous[j] + 1 : max(previous[j + 1], current[j])
            }
            swap(&previous, &current)
        }
        let lcs = Double(previous[b.count])
        guard lcs > 0 else { return 0 }
        let precision = lcs / Double(b.count)
        let recall = lcs / Double(a.count)
        return 2 * precision * recall / (precision + recall)
    }
}
