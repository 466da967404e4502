import Foundation

/// Identity of an instruction: Unicode NFC, runs of white space folded to one space, trimmed.
/// Case and line breaks stay in the stored text; only the identity folds them.
public enum TextNormalizer {
    /// The text as stored: NFC, trimmed, line breaks as `\n`.
    public static func stored(_ text: String) -> String {
        text.precomposedStringWithCanonicalMapping
            .replacingOccurrences(of: "\r\n", with: "\n")
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The text that identity is computed from.
    public static func identity(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        var pendingSpace = false
        for scalar in text.precomposedStringWithCanonicalMapping.unicodeScalars {
            if scalar.properties.isWhitespace {
                pendingSpace = !out.isEmpty
            } else {
                if pendingSpace {
                    out.unicodeScalars.append(" ")
                    pendingSpace = false
                }
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// The instruction id: SHA-256 of the identity text.
    public static func instructionID(_ text: String) -> String {
        Hashing.sha256Hex(identity(text))
    }

    /// The first non-empty line, which the system-message filter looks at.
    public static func firstLine(_ text: String) -> Substring {
        text.split(whereSeparator: \.isNewline).first { !$0.allSatisfy(\.isWhitespace) } ?? ""
    }
}

/// Drops instructions that already carry a system-message-like preference in their first line.
public struct InstructionFilter: Sendable {
    public let patterns: [String]
    private let regexes: [NSRegularExpressionBox]

    public init(patterns: [String]) throws {
        self.patterns = patterns
        regexes = try patterns.map { pattern in
            do {
                return NSRegularExpressionBox(try NSRegularExpression(pattern: pattern))
            } catch {
                throw ConfigError(file: "ingest.filter", message: "invalid regular expression \(pattern)")
            }
        }
    }

    /// The first pattern that matches the first line, if any.
    public func match(_ text: String) -> String? {
        let line = String(TextNormalizer.firstLine(text))
        let range = NSRange(line.startIndex..., in: line)
        for (pattern, box) in zip(patterns, regexes) where box.regex.firstMatch(in: line, range: range) != nil {
            return pattern
        }
        return nil
    }
}

/// NSRegularExpression is immutable and thread-safe once built, but not marked Sendable.
struct NSRegularExpressionBox: @unchecked Sendable {
    let regex: NSRegularExpression
    init(_ regex: NSRegularExpression) { self.regex = regex }
}
