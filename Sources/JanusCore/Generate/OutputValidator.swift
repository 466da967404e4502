import Foundation

/// Checks each stage's answer before it is accepted.
public struct OutputValidator: Sendable {
    public var systemWordRange = 30...400
    /// The examples, folded once for the copy check.
    private let foldedExamples: [String]

    public init(exampleSystemMessages: [String]) {
        foldedExamples = exampleSystemMessages.map { TextNormalizer.identity($0).lowercased() }
    }

    /// A system message: non-empty, no JSON or template residue, a sensible length, not a copy
    /// of one of the examples.
    public func systemMessage(_ text: String) throws(InvalidOutput) -> String {
        let trimmed = text.trimmedWhitespace()
        guard !trimmed.isEmpty else { throw InvalidOutput("the system message is empty") }
        if trimmed.contains("{{") || trimmed.contains("}}") { throw InvalidOutput("the system message holds template placeholders") }
        if trimmed.hasPrefix("{") || trimmed.hasPrefix("[") || trimmed.contains("```") {
            throw InvalidOutput("the system message is JSON or code, not prose")
        }
        let words = trimmed.split(whereSeparator: \.isWhitespace).count
        guard systemWordRange.contains(words) else {
            throw InvalidOutput("the system message has \(words) words; write \(systemWordRange.lowerBound) to \(systemWordRange.upperBound)")
        }
        let folded = TextNormalizer.identity(trimmed).lowercased()
        for example in foldedExamples where folded.contains(example) {
            throw InvalidOutput("the system message copies one of the examples; write a new one")
        }
        return trimmed
    }

    /// A gold response: non-empty.
    public func response(_ text: String) throws(InvalidOutput) -> String {
        let trimmed = text.trimmedWhitespace()
        guard !trimmed.isEmpty else { throw InvalidOutput("the response is empty") }
        return trimmed
    }

    /// Two preference sets of one instruction that name the same preferences are one set.
    public static func sameSet(_ a: PreferenceSet, _ b: PreferenceSet) -> Bool {
        zip(a.preferences, b.preferences).allSatisfy {
            $0.preference.lowercased() == $1.preference.lowercased() && $0.subdimension == $1.subdimension
        }
    }
}
