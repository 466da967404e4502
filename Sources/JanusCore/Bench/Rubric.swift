import JanusExport
import JanusHTTP
import JanusIngest
import JanusLLM
import JanusStore
import JanusSupport
/// A score rubric of the Multifaceted Bench: what is judged, and what each score from 1 to 5
/// means. One per dimension of a system message's preference set.
public struct Rubric: Sendable, Hashable {
    public var dimension: Dimension
    public var criteria: String
    /// The descriptions of scores 1 to 5, in order.
    public var scoreDescriptions: [String]

    public init(dimension: Dimension, criteria: String, scoreDescriptions: [String]) {
        self.dimension = dimension
        self.criteria = criteria
        self.scoreDescriptions = scoreDescriptions
    }

    /// The published layout: `{"criteria": ..., "score_descriptions": {"1": ..., "5": ...}}`.
    public var published: JSONValue {
        .object([
            ("criteria", .string(criteria)),
            ("score_descriptions", .object(scoreDescriptions.enumerated().map { (String($0.offset + 1), .string($0.element)) })),
        ])
    }

    /// The stored form: the published one with the dimension first.
    public var stored: JSONValue {
        .object([("dimension", .string(dimension.rawValue))] + (published.objectValue ?? []))
    }
}

/// Reads the four rubrics of a model's answer, as tolerant about the wrapping as the preference
/// set parser (a bare list, a wrapper object, an object keyed by dimension, a fence, prose) and
/// strict about the content: four dimensions, each once, a non-empty criteria and a non-empty
/// description for each of the scores "1" to "5" (a list of five is read as scores 1 to 5).
public enum RubricParser {
    public static func parse(_ answer: String) throws(InvalidOutput) -> [Rubric] {
        guard let value = PreferenceSetParser.extractJSON(from: answer) else {
            throw InvalidOutput("the answer holds no JSON list or object")
        }
        let entries = try entries(value)
        var byDimension: [Dimension: Rubric] = [:]
        for (index, entry) in entries.enumerated() {
            let rubric = try rubric(entry.value, dimensionHint: entry.dimension, index: index)
            if byDimension[rubric.dimension] != nil { throw InvalidOutput("dimension \(rubric.dimension.rawValue) has two rubrics") }
            byDimension[rubric.dimension] = rubric
        }
        let missing = Dimension.allCases.filter { byDimension[$0] == nil }
        if !missing.isEmpty || entries.count != 4 {
            throw InvalidOutput(
                "expected exactly 4 rubrics, one per dimension (style, background_knowledge, informativeness, harmlessness); got \(entries.count)"
                    + (missing.isEmpty ? "" : ", missing \(missing.map(\.rawValue).joined(separator: ", "))"))
        }
        return Dimension.allCases.compactMap { byDimension[$0] }
    }

    /// Rubrics as stored (a JSON list of `Rubric.stored`), read back.
    public static func stored(_ text: String) -> [Rubric]? {
        try? parse(text)
    }

    private static func entries(_ value: JSONValue) throws(InvalidOutput) -> [(dimension: Dimension?, value: JSONValue)] {
        switch value {
        case let .array(items):
            return items.map { (nil, $0) }
        case let .object(pairs):
            let keyed = pairs.compactMap { pair in Dimension(loose: pair.0).map { ($0, pair.1) } }
            if !keyed.isEmpty, keyed.count == pairs.count { return keyed.map { (Optional($0.0), $0.1) } }
            for (_, inner) in pairs {
                if case .array = inner { return try entries(inner) }
            }
            for (_, inner) in pairs {
                if case let .object(innerPairs) = inner, innerPairs.contains(where: { Dimension(loose: $0.0) != nil }) {
                    return try entries(inner)
                }
            }
            throw InvalidOutput("the JSON object holds no list of rubrics")
        default:
            throw InvalidOutput("expected a JSON list of 4 rubric objects, got a \(value.typeName)")
        }
    }

    private static func rubric(_ value: JSONValue, dimensionHint: Dimension?, index: Int) throws(InvalidOutput) -> Rubric {
        guard case .object = value else { throw InvalidOutput("rubric \(index + 1) is a \(value.typeName), not an object") }
        func text(_ v: JSONValue?, _ what: String) throws(InvalidOutput) -> String {
            guard let v else { throw InvalidOutput("rubric \(index + 1): \(what) is missing") }
            guard let s = v.stringValue else { throw InvalidOutput("rubric \(index + 1): \(what) is a \(v.typeName), not a string") }
            let trimmed = s.trimmedWhitespace()
            guard !trimmed.isEmpty else { throw InvalidOutput("rubric \(index + 1): \(what) is empty") }
            return trimmed
        }
        let dimension: Dimension
        if let dimensionHint {
            dimension = dimensionHint
        } else {
            let name = try text(value["dimension"], "field `dimension`")
            guard let d = Dimension(loose: name) else { throw InvalidOutput("rubric \(index + 1): unknown dimension \"\(name)\"") }
            dimension = d
        }
        let criteria = try text(value["criteria"] ?? value["criterion"], "field `criteria`")
        guard let scores = value["score_descriptions"] ?? value["scores"] else {
            throw InvalidOutput("rubric \(index + 1): field `score_descriptions` is missing")
        }
        var descriptions: [String] = []
        switch scores {
        case let .array(items) where items.count == 5:
            for (i, item) in items.enumerated() { descriptions.append(try text(item, "score \(i + 1)")) }
        case .object:
            for score in 1...5 {
                descriptions.append(try text(scores[String(score)] ?? scores["score\(score)"] ?? scores["Score \(score)"], "score \"\(score)\""))
            }
            if let extra = scores.objectValue?.first(where: { !["1", "2", "3", "4", "5"].contains($0.0) && !$0.0.lowercased().hasPrefix("score") }) {
                throw InvalidOutput("rubric \(index + 1): score_descriptions has a key \"\(extra.0)\"; use \"1\" to \"5\" only")
            }
        default:
            throw InvalidOutput("rubric \(index + 1): score_descriptions must be an object with the keys \"1\" to \"5\"")
        }
        return Rubric(dimension: dimension, criteria: criteria, scoreDescriptions: descriptions)
    }
}
