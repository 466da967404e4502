import Foundation
import JanusSupport

/// Drops instructions that already carry a system-message-like preference in their first line.
///
/// The patterns are NSRegularExpressions, user-replaceable (`ingest.filter`). Running a regex on
/// every one of a million first lines is slow, so the paper's pattern comes with the literals
/// any match must contain (one of "you are", "you're", "you’re", "imagine", "role"). A line is
/// only handed to a pattern's regex when its ASCII-lower-cased bytes contain one of them, or
/// when it holds one of the few characters whose case folding yields ASCII letters (ſ, K, ﬁ,
/// ...), where a byte search could miss a match. The regex still decides; the pre-check only
/// skips lines it cannot match. Patterns not in the table always run.
public struct InstructionFilter: Sendable {
    public let patterns: [String]
    private let regexes: [NSRegularExpressionBox]
    /// Per pattern: groups of literals (lower case); a match contains one literal of every group.
    private let requirements: [[[[UInt8]]]?]

    /// The literals each default pattern needs.
    static let knownRequirements: [String: [[String]]] = [
        IngestSettings.paperFilter[0]: [["you are", "you're", "you’re", "imagine", "role"]],
    ]

    public init(patterns: [String]) throws {
        self.patterns = patterns
        regexes = try patterns.map { pattern in
            do {
                return NSRegularExpressionBox(try NSRegularExpression(pattern: pattern))
            } catch {
                throw ConfigError(file: "ingest.filter", message: "invalid regular expression \(pattern)")
            }
        }
        requirements = patterns.map { pattern in
            InstructionFilter.knownRequirements[pattern].map { groups in groups.map { $0.map { Array($0.utf8) } } }
        }
    }

    /// The first pattern that matches the first line, if any.
    public func match(_ text: String) -> String? {
        matchIndex(text).map { patterns[$0] }
    }

    /// The index of the first pattern that matches the first line, if any.
    public func matchIndex(_ text: String) -> Int? {
        if patterns.isEmpty { return nil }
        var copy = text
        // On the bytes: find and lower-case (ASCII letters) the first line, and build a String
        // only when a regex has to run. Nil when the line needs `Character` to be found.
        let fast: Int?? = copy.withUTF8 { bytes in
            let (found, exact) = UTF8Bytes.firstNonBlankLine(bytes)
            guard exact, let range = found else { return nil }
            let line = UnsafeBufferPointer(rebasing: bytes[range])
            return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: line.count) { lowered in
                var risky = false
                var i = 0
                while i < line.count {
                    let b = line[i]
                    if b < 0x80 {
                        lowered[i] = b >= 0x41 && b <= 0x5A ? b | 0x20 : b
                        i += 1
                        continue
                    }
                    // Only scalars with these lead bytes can fold to ASCII letters.
                    if !risky, b == 0xC3 || b == 0xC4 || b == 0xC5 || b == 0xC7 || b == 0xE1 || b == 0xE2 || b == 0xEF,
                        let scalar = Unicode.Scalar(UTF8Bytes.scalar(line, at: i).value)
                    {
                        risky = InstructionFilter.foldsToASCII(scalar)
                    }
                    lowered[i] = b
                    i += 1
                }
                let haystack = UnsafeBufferPointer(lowered)
                var text: String?
                for i in patterns.indices {
                    if !risky, let groups = requirements[i], !groups.allSatisfy({ $0.contains { ByteSearch.find($0, in: haystack) != nil } }) {
                        continue
                    }
                    let string = text ?? String(decoding: line, as: UTF8.self)
                    text = string
                    if regexes[i].regex.firstMatch(in: string, range: NSRange(string.startIndex..., in: string)) != nil { return .some(i) }
                }
                return .some(nil)
            }
        }
        if let fast { return fast }
        let line = String(TextNormalizer.firstLine(text))
        var lowered = Array(line.utf8)
        var nonASCII = false
        for i in lowered.indices {
            let b = lowered[i]
            if b >= 0x80 { nonASCII = true } else if b >= 0x41, b <= 0x5A { lowered[i] = b | 0x20 }
        }
        let risky = nonASCII && line.unicodeScalars.contains(where: InstructionFilter.foldsToASCII)
        var range: NSRange?
        for i in patterns.indices {
            if !risky, let groups = requirements[i], !InstructionFilter.contains(lowered, all: groups) { continue }
            let r = range ?? NSRange(line.startIndex..., in: line)
            range = r
            if regexes[i].regex.firstMatch(in: line, range: r) != nil { return i }
        }
        return nil
    }

    private static func contains(_ haystack: [UInt8], all groups: [[[UInt8]]]) -> Bool {
        groups.allSatisfy { group in group.contains { ByteSearch.contains(haystack, $0) } }
    }

    /// Characters whose lower, upper, title or folded case contains an ASCII letter
    /// (ß, İ, ı, ŉ, ſ, ǰ, ẖ-ẚ, ẞ, K, ﬀ-ﬆ): a case-insensitive regex may match them as ASCII.
    static func foldsToASCII(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0xDF, 0x130, 0x131, 0x149, 0x17F, 0x1F0, 0x1E96...0x1E9A, 0x1E9E, 0x212A, 0xFB00...0xFB06: return true
        default: return false
        }
    }
}

/// NSRegularExpression is immutable and thread-safe once built, but not marked Sendable.
struct NSRegularExpressionBox: @unchecked Sendable {
    let regex: NSRegularExpression
    init(_ regex: NSRegularExpression) { self.regex = regex }
}
