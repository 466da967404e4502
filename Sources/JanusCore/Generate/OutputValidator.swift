import JanusSupport
import JanusIngest

private let doubleOpen = Array("{{".utf8)
private let doubleClose = Array("}}".utf8)
private let fence = Array("```".utf8)

/// Checks each stage's answer before it is accepted.
public struct OutputValidator: Sendable {
    public var systemWordRange = 30...400
    /// The examples, folded once (`folded(_:)`) and indexed for the copy check.
    private let copyCheck: ExampleCopyCheck

    public init(exampleSystemMessages: [String]) {
        copyCheck = ExampleCopyCheck(examples: exampleSystemMessages.map { Array(OutputValidator.folded($0).utf8) })
    }

    /// What the copy check compares: the identity (NFC, white space folded), lower-cased.
    private static func folded(_ text: String) -> String {
        TextNormalizer.identity(text).lowercased()
    }

    /// A system message: non-empty, no JSON or template residue, a sensible length, not a copy
    /// of one of the examples.
    public func systemMessage(_ text: String) throws(InvalidOutput) -> String {
        let trimmed = text.trimmedWhitespace()
        guard !trimmed.isEmpty else { throw InvalidOutput("the system message is empty") }
        var copy = trimmed
        let (placeholders, fenced, asciiWords): (Bool, Bool, Int?) = copy.withUTF8 { bytes in
            let placeholders = ByteSearch.find(doubleOpen, in: bytes) != nil || ByteSearch.find(doubleClose, in: bytes) != nil
            return (placeholders, ByteSearch.find(fence, in: bytes) != nil, isASCII(bytes) ? asciiWordCount(bytes) : nil)
        }
        if placeholders { throw InvalidOutput("the system message holds template placeholders") }
        if trimmed.hasPrefix("{") || trimmed.hasPrefix("[") || fenced {
            throw InvalidOutput("the system message is JSON or code, not prose")
        }
        let words = asciiWords ?? trimmed.split(whereSeparator: \.isWhitespace).count
        guard systemWordRange.contains(words) else {
            throw InvalidOutput("the system message has \(words) words; write \(systemWordRange.lowerBound) to \(systemWordRange.upperBound)")
        }
        var folded = OutputValidator.folded(trimmed)
        if folded.withUTF8({ copyCheck.foundIn($0) }) {
            throw InvalidOutput("the system message copies one of the examples; write a new one")
        }
        return trimmed
    }

    /// Runs of bytes other than ASCII white space.
    private func asciiWordCount(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        var count = 0
        var inWord = false
        for b in bytes {
            let space = isASCIISpace(b)
            if !space, !inWord { count += 1 }
            inWord = !space
        }
        return count
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
