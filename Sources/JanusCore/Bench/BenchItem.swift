import Foundation
import JanusExport
import JanusHTTP
import JanusIngest
import JanusLLM
import JanusStore
import JanusSupport

/// One complete bench item: an instruction under one of its three system messages, with the
/// reference answer and the four rubrics written for that system message.
public struct BenchItem: Sendable, Hashable {
    public var instruction: BenchInstruction
    public var variant: Int
    public var preferenceSet: PreferenceSet
    public var system: String
    public var reference: String
    public var rubrics: [Rubric]

    /// The id a review file and a responses file name the item by: the first 16 hex digits of
    /// the instruction id, a dash, the variant.
    public var id: String { Self.id(instruction.id, variant) }

    public static func id(_ instructionID: String, _ variant: Int) -> String {
        "\(instructionID.prefix(16))-\(variant)"
    }

    /// The published Multifaceted-Bench record: `source, system, prompt, reference_answer, rubrics`.
    public var published: JSONValue {
        .object([
            ("source", .string(instruction.source)), ("system", .string(system)), ("prompt", .string(instruction.text)),
            ("reference_answer", .string(reference)), ("rubrics", .array(rubrics.map(\.published))),
        ])
    }
}

/// What the store holds for the bench's build stages, read once: the items that are complete,
/// in instruction order, and the count of those that are not.
public struct BenchState: Sendable {
    public var instructions: [BenchInstruction]
    public var stored: StoredState
    public var variants: Int

    public static func load(_ store: CheckpointStore, variants: Int) throws -> BenchState {
        var state = StoredState(results: [:], failures: [:])
        for stage in [Stage.benchExpand, .benchSystems, .benchReference, .benchRubrics] {
            state.results[stage] = try store.stageResults(stage: stage)
            state.failures[stage] = try store.failures(stage: stage)
        }
        return BenchState(instructions: try store.benchInstructions(), stored: state, variants: variants)
    }

    /// The latest stored output of `stage` for an item, whatever request made it.
    func output(_ stage: Stage, _ key: ItemKey) -> String? {
        stored.results[stage]?[key]?.output
    }

    /// Every complete item, in instruction and variant order.
    public var items: [BenchItem] {
        instructions.flatMap { instruction in
            (0..<variants).compactMap { variant in item(instruction, variant) }
        }
    }

    func item(_ instruction: BenchInstruction, _ variant: Int) -> BenchItem? {
        let key = ItemKey(instruction.id, variant)
        guard let setText = output(.benchExpand, key), let set = try? PreferenceSetParser.parse(setText),
            let system = output(.benchSystems, key), let reference = output(.benchReference, key),
            let rubricText = output(.benchRubrics, key), let rubrics = RubricParser.stored(rubricText)
        else { return nil }
        return BenchItem(instruction: instruction, variant: variant, preferenceSet: set, system: system, reference: reference, rubrics: rubrics)
    }

    /// Items not complete, by the first stage they lack.
    public var incomplete: [String: Int] {
        var out: [String: Int] = [:]
        for instruction in instructions {
            for variant in 0..<variants where item(instruction, variant) == nil {
                let key = ItemKey(instruction.id, variant)
                let missing = [Stage.benchExpand, .benchSystems, .benchReference, .benchRubrics].first { output($0, key) == nil }
                out[(missing ?? .benchRubrics).rawValue, default: 0] += 1
            }
        }
        return out
    }
}

/// The collection's preferences, as the bench avoids them: listed in the expand prompt (the
/// most used ones, fixed at the first bench build), and checked afterwards (every one).
public struct CollectionPreferences: Sendable {
    /// "dimension\u{1F}keyword", lower case.
    public var keywords: Set<String> = []
    /// The listing given to the model.
    public var listing: String = "(none)"
    /// A set that repeats the collection on more than this many dimensions is refused.
    public static let repeatsAllowed = 1

    public init(storedSets: [String], perDimension: Int = 6) {
        var counts: [String: (count: Int, line: String)] = [:]
        for text in storedSets {
            guard let set = try? PreferenceSetParser.parse(text) else { continue }
            for p in set.preferences {
                let key = Self.key(p)
                keywords.insert(key)
                let line = "- \(p.dimension.rawValue) / \(p.subdimension) / \(p.preference): \(p.description)"
                if let known = counts[key] { counts[key] = (known.count + 1, known.line) } else { counts[key] = (1, line) }
            }
        }
        var lines: [String] = []
        for dimension in Dimension.allCases {
            let top = counts.filter { $0.key.hasPrefix(dimension.rawValue + "\u{1F}") }
                .sorted { $0.value.count > $1.value.count || ($0.value.count == $1.value.count && $0.key < $1.key) }
                .prefix(perDimension)
            lines += top.map(\.value.line)
        }
        if !lines.isEmpty { listing = lines.joined(separator: "\n") }
    }

    static func key(_ p: Preference) -> String {
        "\(p.dimension.rawValue)\u{1F}\(p.preference.lowercased().trimmedWhitespace())"
    }

    /// Refuses a set that repeats the collection's preferences on more than `repeatsAllowed` dimensions.
    public func check(_ set: PreferenceSet) throws(InvalidOutput) {
        let repeated = set.preferences.filter { keywords.contains(Self.key($0)) }
        if repeated.count > Self.repeatsAllowed {
            throw InvalidOutput(
                "the preferences " + repeated.map { "\"\($0.preference)\" (\($0.dimension.rawValue))" }.joined(separator: ", ")
                    + " are already in the training data; choose preferences it does not hold")
        }
    }
}
