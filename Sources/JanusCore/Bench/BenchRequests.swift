import Foundation
import JanusExport
import JanusHTTP
import JanusIngest
import JanusLLM
import JanusStore
import JanusSupport

/// The templates the bench's stages render: three of their own (`bench_expand`,
/// `bench_rubrics`, `bench_judge`) and the collection's `systems` and `respond`.
public struct BenchTemplates: Sendable {
    public var expand: PromptTemplate
    public var systems: PromptTemplate
    public var respond: PromptTemplate
    public var rubrics: PromptTemplate
    public var judge: PromptTemplate

    public static func load(directory: String?) throws -> BenchTemplates {
        let url = directory.map { URL(fileURLWithPath: $0) }
        return BenchTemplates(
            expand: try PromptTemplate.load("bench_expand", directory: url), systems: try PromptTemplate.load("systems", directory: url),
            respond: try PromptTemplate.load("respond", directory: url), rubrics: try PromptTemplate.load("bench_rubrics", directory: url),
            judge: try PromptTemplate.load("bench_judge", directory: url))
    }

    public subscript(stage: Stage) -> PromptTemplate {
        switch stage {
        case .benchExpand: return expand
        case .benchSystems, .systems: return systems
        case .benchRubrics: return rubrics
        case .benchJudge: return judge
        default: return respond
        }
    }

    /// Template hashes by stage, for manifests.
    public var hashes: [String: String] {
        Dictionary(uniqueKeysWithValues: Stage.bench.map { ($0.rawValue, self[$0].hash) })
    }
}

/// Builds each bench stage's request for an item. As for the collection, every random choice
/// comes from a generator seeded by (run seed, stage, instruction id, variant), so a rerun or a
/// resume builds the same request and finds its stored answer.
public struct BenchRequests: Sendable {
    public let seeds: SeedLibrary
    public let templates: BenchTemplates
    public let generation: GenerationSettings
    public let model: String
    public let providerKind: Provider
    public let seed: Int
    /// The collection's preferences the bench should not reuse, as the expand prompt lists them.
    public let avoid: String
    /// The judge's sampling temperature (the paper: 1.0).
    public var judgeTemperature = 1.0

    public init(
        seeds: SeedLibrary, templates: BenchTemplates, generation: GenerationSettings, model: String, providerKind: Provider, seed: Int,
        avoid: String
    ) {
        self.seeds = seeds
        self.templates = templates
        self.generation = generation
        self.model = model
        self.providerKind = providerKind
        self.seed = seed
        self.avoid = avoid
    }

    /// The request of `stage` for one item; `salt` tells apart requests whose messages may be
    /// equal (a reference answer and a model's answer, the runs of a judge).
    func prepare(_ stage: Stage, _ id: String, variant: Int, salt: String, messages: [ChatMessage], draws: [(String, JSONValue)]) -> PreparedRequest {
        var sampling = SamplingParameters(
            temperature: generation.temperature, topP: generation.topP,
            maxTokens: generation.maxTokens[stage.rawValue] ?? generation.maxTokens[stage == .benchReference || stage == .benchAnswer ? "respond" : "expand"])
        if stage == .benchJudge {
            sampling.temperature = judgeTemperature
            sampling.topP = nil
        }
        if generation.sendSeed {
            var rng = SeededGenerator(seed: UInt64(truncatingIfNeeded: seed), "sampling", stage.rawValue, id, String(variant), salt)
            sampling.seed = Int(rng.next() & 0x7FFF_FFFF)
        }
        let request = ChatRequest(
            model: model, messages: messages, sampling: sampling, extra: generation.extra, purpose: stage.rawValue,
            keySalt: "variant=\(variant)" + (salt.isEmpty ? "" : "|\(salt)"))
        return PreparedRequest(request, provider: providerKind, draws: draws, template: templates[stage].hash)
    }

    public func expand(_ instruction: BenchInstruction, variant: Int) throws -> PreparedRequest {
        var rng = SeededGenerator(seed: UInt64(truncatingIfNeeded: seed), "bench_expand", instruction.id, String(variant))
        let index = rng.below(seeds.preferenceSets.count)
        let messages = try templates.expand.render([
            "instruction": instruction.text, "seed_preference_set": seeds.preferenceSets[index].json.serialized(), "avoid": avoid,
        ])
        return prepare(.benchExpand, instruction.id, variant: variant, salt: "", messages: messages, draws: [("seed_set", .integer(index))])
    }

    public func systems(_ instruction: BenchInstruction, variant: Int, preferenceSet: PreferenceSet) throws -> PreparedRequest {
        var rng = SeededGenerator(seed: UInt64(truncatingIfNeeded: seed), "bench_systems", instruction.id, String(variant))
        let indices = rng.distinctIndices(3, below: seeds.systemMessages.count)
        let examples = indices.enumerated().map { "Example \($0.offset + 1):\n\(seeds.systemMessages[$0.element])" }
        let messages = try templates.systems.render([
            "preference_set": preferenceSet.listing, "examples": examples.joined(separator: "\n\n"), "instruction": instruction.text,
        ])
        return prepare(.benchSystems, instruction.id, variant: variant, salt: "", messages: messages, draws: [("examples", .array(indices.map { .integer($0) }))])
    }

    public func reference(_ instruction: BenchInstruction, variant: Int, systemMessage: String) throws -> PreparedRequest {
        let messages = try templates.respond.render(["system_message": systemMessage, "instruction": instruction.text])
        return prepare(.benchReference, instruction.id, variant: variant, salt: "", messages: messages, draws: [])
    }

    public func rubrics(_ instruction: BenchInstruction, variant: Int, systemMessage: String, preferenceSet: PreferenceSet) throws -> PreparedRequest {
        let messages = try templates.rubrics.render([
            "instruction": instruction.text, "system_message": systemMessage, "preferences": preferenceSet.listing,
        ])
        return prepare(.benchRubrics, instruction.id, variant: variant, salt: "", messages: messages, draws: [])
    }

    /// The model under test answers the system message and the instruction, as a user would ask.
    public func answer(_ item: BenchItem) throws -> PreparedRequest {
        let messages = try templates.respond.render(["system_message": item.system, "instruction": item.instruction.text])
        return prepare(.benchAnswer, item.instruction.id, variant: item.variant, salt: "answer", messages: messages, draws: [])
    }

    /// The judge's request for one answer, one rubric, one run.
    public func judge(_ item: BenchItem, response: String, dimension: Int, run: Int) throws -> PreparedRequest {
        let rubric = item.rubrics[dimension]
        var values = [
            "instruction": item.instruction.text, "response": response, "reference_answer": item.reference, "criteria": rubric.criteria,
        ]
        for (i, text) in rubric.scoreDescriptions.enumerated() { values["score\(i + 1)"] = text }
        let messages = try templates.judge.render(values)
        return prepare(
            .benchJudge, item.instruction.id, variant: item.variant, salt: "judge|\(rubric.dimension.rawValue)|run=\(run)", messages: messages,
            draws: [("run", .integer(run)), ("dimension", .string(rubric.dimension.rawValue))])
    }
}
