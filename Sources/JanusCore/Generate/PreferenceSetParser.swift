import Foundation
import JanusSupport

/// Why a model's answer is not a usable preference set. The message is appended to the re-ask.
public struct InvalidOutput: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Reads a preference set out of a model's answer: tolerant about the wrapping (a bare list,
/// `{"preference_set": [...]}`, an object keyed by dimension, a ```json fence, prose around it),
/// strict about the content (four dimensions, each once, no empty field).
public enum PreferenceSetParser {
    public static func parse(_ answer: String) throws(InvalidOutput) -> PreferenceSet {
        guard let value = extractJSON(from: answer) else {
            throw InvalidOutput("the answer holds no JSON list or object")
        }
        let entries = try entriesFrom(value)
        var byDimension: [Dimension: Preference] = [:]
        for (index, entry) in entries.enumerated() {
            let preference = try preferenceFrom(entry.value, dimensionHint: entry.dimension, index: index)
            if byDimension[preference.dimension] != nil {
                throw InvalidOutput("dimension \(preference.dimension.rawValue) appears more than once")
            }
            byDimension[preference.dimension] = preference
        }
        let missing = Dimension.allCases.filter { byDimension[$0] == nil }
        if !missing.isEmpty || entries.count != 4 {
            throw InvalidOutput(
                "expected exactly 4 preferences, one per dimension (style, background_knowledge, informativeness, harmlessness); got \(entries.count)"
                    + (missing.isEmpty ? "" : ", missing \(missing.map(\.rawValue).joined(separator: ", "))"))
        }
        return PreferenceSet(preferences: Dimension.allCases.compactMap { byDimension[$0] })
    }

    private static let fence = Array("```".utf8)

    /// The first JSON value in the text: the whole text, a fenced block, or the outermost
    /// bracketed span.
    static func extractJSON(from text: String) -> JSONValue? {
        let trimmed = text.trimmedWhitespace()
        if let value = try? JSONParser.parse(trimmed) { return value }
        // Searched on the UTF-8 bytes: Foundation's `range(of:)` goes through UTF-16.
        if let fenceStart = trimmed.firstUTF8Range(of: fence) {
            let afterFence = trimmed[fenceStart.upperBound...]
            let bodyStart = afterFence.firstIndex(of: "\n").map { afterFence.index(after: $0) } ?? afterFence.startIndex
            if let fenceEnd = afterFence[bodyStart...].firstUTF8Range(of: fence) {
                if let value = try? JSONParser.parse(String(afterFence[bodyStart..<fenceEnd.lowerBound])) { return value }
            }
        }
        for (open, close) in [("[", "]"), ("{", "}")] {
            if let first = trimmed.firstIndex(of: Character(open)), let last = trimmed.lastIndex(of: Character(close)),
                first < last, let value = try? JSONParser.parse(String(trimmed[first...last]))
            {
                return value
            }
        }
        return nil
    }

    private static func entriesFrom(_ value: JSONValue) throws(InvalidOutput) -> [(dimension: Dimension?, value: JSONValue)] {
        switch value {
        case let .array(items):
            return items.map { (nil, $0) }
        case let .object(pairs):
            // Keyed by dimension?
            let keyed = pairs.compactMap { pair in Dimension(loose: pair.0).map { ($0, pair.1) } }
            if !keyed.isEmpty, keyed.count == pairs.count {
                return keyed.map { (Optional($0.0), $0.1) }
            }
            // A wrapper around the list or the keyed object.
            for (_, inner) in pairs {
                if case .array = inner { return try entriesFrom(inner) }
            }
            for (_, inner) in pairs {
                if case let .object(innerPairs) = inner, innerPairs.contains(where: { Dimension(loose: $0.0) != nil }) {
                    return try entriesFrom(inner)
                }
            }
            if value["dimension"] != nil { return [(nil, value)] }
            throw InvalidOutput("the JSON object holds no list of preferences")
        default:
            throw InvalidOutput("expected a JSON list of 4 preference objects, got a \(value.typeName)")
        }
    }

    private static func preferenceFrom(_ value: JSONValue, dimensionHint: Dimension?, index: Int) throws(InvalidOutput) -> Preference {
        guard case .object = value else {
            throw InvalidOutput("preference \(index + 1) is a \(value.typeName), not an object")
        }
        func field(_ names: [String]) throws(InvalidOutput) -> String {
            for name in names {
                if let v = value[name] {
                    guard let s = v.stringValue else {
                        throw InvalidOutput("preference \(index + 1): field `\(name)` is a \(v.typeName), not a string")
                    }
                    let trimmed = s.trimmedWhitespace()
                    guard !trimmed.isEmpty else { throw InvalidOutput("preference \(index + 1): field `\(name)` is empty") }
                    return trimmed
                }
            }
            throw InvalidOutput("preference \(index + 1): field `\(names[0])` is missing")
        }
        let dimension: Dimension
        if let hint = dimensionHint {
            dimension = hint
        } else {
            let name = try field(["dimension"])
            guard let d = Dimension(loose: name) else {
                throw InvalidOutput("preference \(index + 1): unknown dimension \"\(name)\"")
            }
            dimension = d
        }
        return Preference(
            dimension: dimension, subdimension: try field(["subdimension", "sub_dimension", "sub-dimension"]).lowercased(),
            preference: try field(["preference", "keyword", "preference_keyword"]),
            description: try field(["description", "explanation"]))
    }
}
