import Foundation
import JanusLLM
import JanusStore
import JanusSupport

/// A stage's first request for one item, and what was drawn to build it.
public struct PreparedRequest: Sendable {
    public var request: ChatRequest
    public var key: String
    /// `request.wireBytes()`, written once for the key and kept to be sent.
    public var body: [UInt8]
    /// JSON kept with the result: the seeded draws and the sampling parameters.
    public var meta: JSONValue
}

extension PreparedRequest {
    /// `request` keyed for `provider`, its meta the draws, the template's hash and the sampling.
    init(_ request: ChatRequest, provider: Provider, draws: [(String, JSONValue)], template: String) {
        var meta = draws
        meta.append(("template", .string(template)))
        let sampling = request.sampling
        if let t = sampling.temperature { meta.append(("temperature", .number(t))) }
        if let p = sampling.topP { meta.append(("top_p", .number(p))) }
        if let m = sampling.maxTokens { meta.append(("max_tokens", .integer(m))) }
        if let s = sampling.seed { meta.append(("seed", .integer(s))) }
        let body = request.wireBytes()
        self.init(
            request: request, key: ChatRequest.key(provider: provider, wireBytes: body, salt: request.keySalt), body: body,
            meta: .object(meta))
    }
}

/// Builds each stage's request for an item. Every random choice comes from a generator seeded
/// by (run seed, stage, instruction id, variant), so a rerun or a resume builds the same request
/// and finds its stored answer.
public struct StageRequests: Sendable {
    public let seeds: SeedLibrary
    public let templates: PromptTemplates
    public let generation: GenerationSettings
    public let model: String
    public let providerKind: Provider
    public let seed: Int
    /// Per stage, the part of every recipe that does not depend on the item.
    private let recipeBase: [Stage: [UInt8]]
    /// Per stage, the digest of `recipeBase` that result stamps hold (see `ResultStamp`).
    public let settingsDigests: [Stage: Int64]
    /// Each seed preference set as the expand prompt shows it, written once rather than for
    /// every request.
    private let seedSetTexts: [String]

    public init(seeds: SeedLibrary, templates: PromptTemplates, generation: GenerationSettings, model: String, providerKind: Provider, seed: Int) {
        self.seeds = seeds
        self.templates = templates
        self.generation = generation
        self.model = model
        self.providerKind = providerKind
        self.seed = seed
        seedSetTexts = seeds.preferenceSets.map { $0.json.serialized() }
        let seedsHash = seeds.contentHash
        var base: [Stage: [UInt8]] = [:]
        for stage in Stage.allCases {
            let sampling = SamplingParameters(
                temperature: generation.temperature, topP: generation.topP, maxTokens: generation.maxTokens[stage.rawValue])
            let extra = JSONValue.object(generation.extra.keys.sorted().map { ($0, generation.extra[$0] ?? .null) }).serialized()
            let parts = [
                "recipe-1", providerKind.rawValue, model, stage.rawValue, templates[stage].hash, seedsHash, String(seed),
                generation.sendSeed ? "seeded" : "unseeded", ChatRequest(model: model, messages: [], sampling: sampling).wireBody().serialized(),
                extra,
            ]
            base[stage] = Array(parts.joined(separator: "\u{1F}").utf8)
        }
        recipeBase = base
        settingsDigests = base.mapValues { ResultStamp.digest($0) }
    }

    /// A hash of everything `stage`'s request for an item is built from: the provider, model,
    /// template, seeds, run seed, sampling settings, the instruction, the variant and the
    /// previous stage's output. Equal recipes give equal requests, so a stored result whose
    /// recipe matches is current, and that is known without rendering and hashing the request.
    public func recipe(_ stage: Stage, _ instruction: StoredInstruction, variant: Int, input: String) -> String {
        var bytes = recipeBase[stage] ?? []
        bytes.reserveCapacity(bytes.count + input.utf8.count + 96)
        bytes.append(0x1F)
        bytes.append(contentsOf: instruction.id.utf8)
        bytes.append(0x1F)
        bytes.append(contentsOf: String(variant).utf8)
        bytes.append(0x1F)
        bytes.append(contentsOf: input.utf8)
        return Hashing.sha256Hex(bytes)
    }

    /// The stamp of a result of `stage` made from `input` with these settings: the digests of
    /// the two parts of its recipe that the item's id and variant do not already fix.
    public func stamp(_ stage: Stage, input: String) -> ResultStamp {
        ResultStamp(settings: settingsDigests[stage] ?? 0, input: ResultStamp.digest(input))
    }

    func sampling(_ stage: Stage) -> SamplingParameters {
        SamplingParameters(temperature: generation.temperature, topP: generation.topP, maxTokens: generation.maxTokens[stage.rawValue])
    }

    func prepare(_ stage: Stage, _ instructionID: String, messages: [ChatMessage], variant: Int, draws: [(String, JSONValue)]) -> PreparedRequest {
        var sampling = sampling(stage)
        if generation.sendSeed {
            // A sampling seed per (run seed, stage, instruction, variant): servers that honour it
            // answer reproducibly, and no two variants send the same body.
            var rng = SeededGenerator(seed: UInt64(truncatingIfNeeded: seed), "sampling", stage.rawValue, instructionID, String(variant))
            sampling.seed = Int(rng.next() & 0x7FFF_FFFF)
        }
        let request = ChatRequest(
            model: model, messages: messages, sampling: sampling, extra: generation.extra, purpose: stage.rawValue,
            keySalt: "variant=\(variant)")
        return PreparedRequest(request, provider: providerKind, draws: draws, template: templates[stage].hash)
    }

    /// Which seed preference set an (instruction, variant) is shown.
    public func seedSetIndex(instructionID: String, variant: Int) -> Int {
        var rng = SeededGenerator(seed: UInt64(truncatingIfNeeded: seed), "expand", instructionID, String(variant))
        return rng.below(seeds.preferenceSets.count)
    }

    /// Which three example system messages an (instruction, variant) is shown.
    public func exampleIndices(instructionID: String, variant: Int) -> [Int] {
        var rng = SeededGenerator(seed: UInt64(truncatingIfNeeded: seed), "systems", instructionID, String(variant))
        return rng.distinctIndices(3, below: seeds.systemMessages.count)
    }

    public func expand(_ instruction: StoredInstruction, variant: Int) throws -> PreparedRequest {
        let index = seedSetIndex(instructionID: instruction.id, variant: variant)
        let messages = try templates.expand.render([
            "instruction": instruction.text, "seed_preference_set": seedSetTexts[index],
        ])
        return prepare(.expand, instruction.id, messages: messages, variant: variant, draws: [("seed_set", .integer(index))])
    }

    public func systems(_ instruction: StoredInstruction, variant: Int, preferenceSet: PreferenceSet) throws -> PreparedRequest {
        let indices = exampleIndices(instructionID: instruction.id, variant: variant)
        let examples = indices.enumerated().map { "Example \($0.offset + 1):\n\(seeds.systemMessages[$0.element])" }
        let messages = try templates.systems.render([
            "preference_set": preferenceSet.listing, "examples": examples.joined(separator: "\n\n"),
            "instruction": instruction.text,
        ])
        return prepare(.systems, instruction.id, messages: messages, variant: variant, draws: [("examples", .array(indices.map { .integer($0) }))])
    }

    public func respond(_ instruction: StoredInstruction, variant: Int, systemMessage: String) throws -> PreparedRequest {
        let messages = try templates.respond.render(["system_message": systemMessage, "instruction": instruction.text])
        return prepare(.respond, instruction.id, messages: messages, variant: variant, draws: [])
    }
}
