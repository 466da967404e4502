import Foundation
import JanusStore
import JanusSupport

/// Builds the whole view of an instruction from the store, read with a workspace's settings.
///
/// The store keeps each request's parameters and a hash of its messages, not the prompts, so
/// the seed preference set and the example system messages are taken from the draws stored
/// with each result (or drawn again the way the pipeline draws them), and the re-asked
/// requests after a refused answer are found by replaying the stage's checks on the stored
/// answers, the way the runner made them.
public struct ItemInspector: Sendable {
    public let workspace: Workspace
    let requests: StageRequests
    let walker: ItemWalker
    let validator: OutputValidator

    public init(workspace: Workspace) {
        self.workspace = workspace
        requests = workspace.stageRequests
        walker = ItemWalker(requests: requests, variants: workspace.config.generation.variants)
        validator = OutputValidator(exampleSystemMessages: workspace.seeds.systemMessages)
    }

    public func inspect(_ instruction: StoredInstruction) throws -> ItemView {
        let store = workspace.store
        let state = try store.state(ofInstruction: instruction.id)
        var earlier: [PreferenceSet] = []
        var variants: [VariantView] = []
        for variant in 0..<walker.variants {
            let item = ItemKey(instruction.id, variant)
            let (states, set) = try walker.walkWithSet(instruction, variant: variant, state: state)
            var view = VariantView(
                index: variant, seedSetIndex: nil, seedSet: nil, preferenceSet: set, exampleIndices: [], examples: [],
                systemMessage: nil, response: nil, stages: [])
            let seedIndex = meta(state, .expand, item, states[0].1)?["seed_set"]?.intValue
                ?? requests.seedSetIndex(instructionID: instruction.id, variant: variant)
            view.seedSetIndex = seedIndex
            view.seedSet = workspace.seeds.preferenceSets.indices.contains(seedIndex) ? workspace.seeds.preferenceSets[seedIndex] : nil
            let exampleIndices = meta(state, .systems, item, states[1].1)?["examples"]?.arrayValue?.compactMap(\.intValue)
                ?? requests.exampleIndices(instructionID: instruction.id, variant: variant)
            view.exampleIndices = exampleIndices.filter { workspace.seeds.systemMessages.indices.contains($0) }
            view.examples = view.exampleIndices.map { workspace.seeds.systemMessages[$0] }
            if case let .done(text) = states[1].1 { view.systemMessage = text }
            if case let .done(text) = states[2].1 { view.response = text }
            for (stage, itemState) in states {
                view.stages.append(
                    try stageView(stage, instruction, item, itemState, state: state, set: set, system: view.systemMessage, others: earlier))
            }
            if let set { earlier.append(set) }
            variants.append(view)
        }
        return ItemView(instruction: instruction, origin: try store.origin(ofInstruction: instruction.id), variants: variants)
    }

    /// The draws stored with a current result.
    func meta(_ state: StoredState, _ stage: Stage, _ item: ItemKey, _ itemState: ItemState) -> JSONValue? {
        guard case .done = itemState, let result = state.results[stage]?[item] else { return nil }
        return try? JSONParser.parse(result.meta)
    }

    func stageView(
        _ stage: Stage, _ instruction: StoredInstruction, _ item: ItemKey, _ itemState: ItemState, state: StoredState,
        set: PreferenceSet?, system: String?, others: [PreferenceSet]
    ) throws -> StageView {
        var view = StageView(stage: stage, state: .waiting, reason: nil, raw: nil, runID: nil, olderResult: false, requests: [])
        let prepared: PreparedRequest?
        switch itemState {
        case .blocked:
            return view
        case .done:
            view.state = .done
            view.runID = try workspace.store.resultRun(stage: stage, item: item)
            prepared = try? prepare(stage, instruction, item.variant, set: set, system: system)
        case let .failed(failure):
            view.state = failure.kind == .quarantined ? .quarantined : .failed
            view.reason = failure.reason
            view.raw = failure.raw
            prepared = try? prepare(stage, instruction, item.variant, set: set, system: system)
        case let .ready(request, stale, _):
            view.state = .pending
            view.olderResult = stale
            prepared = request
        }
        if let prepared { view.requests = try replay(stage, prepared, others: others) }
        return view
    }

    func prepare(_ stage: Stage, _ instruction: StoredInstruction, _ variant: Int, set: PreferenceSet?, system: String?) throws -> PreparedRequest {
        switch stage {
        case .expand: return try requests.expand(instruction, variant: variant)
        case .systems: return try requests.systems(instruction, variant: variant, preferenceSet: set ?? PreferenceSet(preferences: []))
        case .respond: return try requests.respond(instruction, variant: variant, systemMessage: system ?? "")
        default: throw TemplateError(file: stage.rawValue, message: "not a collection stage")
        }
    }

    /// The requests the runner sent for one stage of one item: the first, then one re-ask per
    /// refused answer, each found in the store by its key, until an answer was accepted, no
    /// answer was stored, or the attempts ran out.
    func replay(_ stage: Stage, _ prepared: PreparedRequest, others: [PreferenceSet]) throws -> [RequestView] {
        var request = prepared.request
        var out: [RequestView] = []
        asking: for number in 1...max(1, workspace.config.generation.validationAttempts) {
            let key = number == 1 ? prepared.key : request.key(provider: requests.providerKind)
            let answer = try workspace.store.cachedAnswer(key: key)
            let tries = try workspace.store.loggedAttempts(key: key)
            guard let answer else {
                if !tries.isEmpty { out.append(RequestView(number: number, key: key, answer: nil, verdict: .failed, reason: tries.last?.detail, tries: tries)) }
                break asking
            }
            do throws(InvalidOutput) {
                _ = try validator.check(stage, answer.content, others: others)
                out.append(RequestView(number: number, key: key, answer: answer, verdict: .accepted, reason: nil, tries: tries))
                break asking
            } catch {
                out.append(RequestView(number: number, key: key, answer: answer, verdict: .refused, reason: error.message, tries: tries))
                request.appendReask(answer: answer.content, reason: error.message)
            }
        }
        return out
    }
}
