import JanusExport
import JanusHTTP
import JanusIngest
import JanusLLM
import JanusStore
import JanusSupport
/// A judge's verdict on one answer against one rubric.
public struct Verdict: Sendable, Hashable {
    /// 1 to 5.
    public var score: Int
    public var feedback: String

    public init(score: Int, feedback: String) {
        self.score = score
        self.feedback = feedback
    }

    /// The stored form.
    public var json: JSONValue { .object([("score", .integer(score)), ("feedback", .string(feedback))]) }

    /// A stored verdict read back.
    public init?(stored: String) {
        guard let value = try? JSONParser.parse(stored), let score = value["score"]?.intValue, (1...5).contains(score) else { return nil }
        self.init(score: score, feedback: value["feedback"]?.stringValue ?? "")
    }
}

/// Reads the score out of a judge's answer. Asked for "Feedback: ... [RESULT] N" (the
/// Prometheus form), judges also write the score first, "Score: 4", "**Score:** 4/5",
/// "[RESULT] 4 (because ...)", or a bare "4". The rule:
///
/// 1. If the answer has `[RESULT]` markers (any case), the score is the number right after the
///    LAST one: a judge that writes two final scores has revised the first.
/// 2. Else, the number right after the last "score" label that has one ("Score: 4",
///    "Final score = 4", "score of 4", "Rating: 4", "Result: 4").
/// 3. Else, a bare number 1-5 alone on the first or the last non-empty line.
///
/// The number must be a whole 1 to 5, optionally followed by "/5" or "out of 5"; "4.5", "3-4",
/// "3 or 4", "0", "6", "45" are refused. The feedback is the text without the marker and score,
/// and without a leading "Feedback:". Anything else is an `InvalidOutput` (re-asked, then
/// quarantined with the raw answer).
public enum VerdictParser {
    public static func parse(_ answer: String) throws(InvalidOutput) -> Verdict {
        let scalars = Array(answer.unicodeScalars)
        let lower = scalars.map(asciiLower)
        let markers = occurrences(of: ["[result]", "[result:", "[result"], in: lower)
        if let marker = markers.first {
            let (score, end) = try number(after: marker.upperBound, in: scalars, what: "[RESULT]")
            return Verdict(score: score, feedback: feedback(scalars, removing: marker.lowerBound..<end))
        }
        for label in occurrences(of: ["result:", "score:", "score =", "score is", "score of", "rating:", "score -", "score"], in: lower) {
            if let (score, end) = try? number(after: label.upperBound, in: scalars, what: "score") {
                return Verdict(score: score, feedback: feedback(scalars, removing: label.lowerBound..<end))
            }
        }
        let lines = answer.split(whereSeparator: \.isNewline).map { $0.trimmedWhitespace() }.filter { !$0.isEmpty }
        for candidate in [lines.last, lines.first].compactMap({ $0 }) {
            let stripped = candidate.trimmingCharacters(in: ["*", "#", " ", "."])
            if stripped.count == 1, let n = Int(stripped), (1...5).contains(n) {
                let rest = lines.filter { $0 != candidate }.joined(separator: "\n")
                return Verdict(score: n, feedback: stripFeedbackLabel(rest))
            }
        }
        throw InvalidOutput("no score found; end the answer with \"[RESULT] N\", N an integer from 1 to 5")
    }

    static func asciiLower(_ c: Unicode.Scalar) -> Unicode.Scalar {
        (0x41...0x5A).contains(c.value) ? Unicode.Scalar(UInt8(c.value) | 0x20) : c
    }

    static func isDigit(_ c: Unicode.Scalar) -> Bool { (0x30...0x39).contains(c.value) }

    /// Where any of `needles` (ASCII, lower case) occurs in `hay`, last first; of needles that
    /// end at the same place, only the longest.
    static func occurrences(of needles: [String], in hay: [Unicode.Scalar]) -> [Range<Int>] {
        var byEnd: [Int: Range<Int>] = [:]
        for needle in needles {
            let n = Array(needle.unicodeScalars)
            guard !n.isEmpty, n.count <= hay.count else { continue }
            for i in 0...(hay.count - n.count) where hay[i] == n[0] && hay[i..<(i + n.count)].elementsEqual(n) {
                let range = i..<(i + n.count)
                if let known = byEnd[range.upperBound], known.count >= range.count { continue }
                byEnd[range.upperBound] = range
            }
        }
        // An occurrence inside a longer one (`result` in `[result]`) is the same marker.
        let all = byEnd.values.sorted { $0.upperBound > $1.upperBound }
        return all.filter { r in !all.contains { $0 != r && $0.lowerBound <= r.lowerBound && $0.upperBound >= r.upperBound } }
    }

    /// The score starting at `start` (after spaces, `*`, `:`, `=`, `[`, `(`), and where it ends.
    static func number(after start: Int, in s: [Unicode.Scalar], what: String) throws(InvalidOutput) -> (Int, Int) {
        var i = start
        while i < s.count, [" ", "\t", "\n", "\r", "*", ":", "=", "[", "(", "_", "\u{A0}"].contains(s[i]) { i += 1 }
        guard i < s.count, isDigit(s[i]) else {
            throw InvalidOutput("no number after \(what); write it as \"[RESULT] N\", N an integer from 1 to 5")
        }
        let digit = Int(s[i].value - 0x30)
        var end = i + 1
        if end < s.count, isDigit(s[end]) {
            throw InvalidOutput("the score after \(what) is not 1 to 5; write an integer from 1 to 5")
        }
        guard (1...5).contains(digit) else { throw InvalidOutput("the score \(digit) is not 1 to 5; write an integer from 1 to 5") }
        if end + 1 < s.count, s[end] == "." || s[end] == ",", isDigit(s[end + 1]) {
            throw InvalidOutput("the score is not a whole number; write an integer from 1 to 5")
        }
        var j = end
        while j < s.count, s[j] == " " { j += 1 }
        let tail = String(String.UnicodeScalarView(s[j..<min(s.count, j + 8)])).lowercased()
        for range in ["-", "–", "or ", "to ", "and "] where tail.hasPrefix(range) {
            if tail.dropFirst(range.count).drop(while: { $0 == " " }).first?.isNumber == true {
                throw InvalidOutput("the score is a range or a choice; write one integer from 1 to 5")
            }
        }
        if tail.hasPrefix("/5") {
            end = j + 2
        } else if tail.hasPrefix("/ 5") {
            end = j + 3
        } else if tail.hasPrefix("out of 5") {
            end = j + 8
        } else if tail.hasPrefix("/") {
            throw InvalidOutput("the score is not out of 5; write an integer from 1 to 5")
        }
        while end < s.count, ["*", ")", "]", "."].contains(s[end]) { end += 1 }
        return (digit, end)
    }

    static func feedback(_ s: [Unicode.Scalar], removing range: Range<Int>) -> String {
        let before = String(String.UnicodeScalarView(s[0..<range.lowerBound])).trimmedWhitespace()
        let after = String(String.UnicodeScalarView(s[range.upperBound...])).trimmedWhitespace()
        return stripFeedbackLabel([before, after].filter { !$0.isEmpty }.joined(separator: "\n"))
    }

    static func stripFeedbackLabel(_ text: String) -> String {
        var t = text.trimmedWhitespace()
        for label in ["###Feedback:", "Feedback:", "**Feedback:**", "**Feedback**:"] where t.hasPrefix(label) {
            t = String(t.dropFirst(label.count)).trimmedWhitespace()
        }
        return t
    }
}
