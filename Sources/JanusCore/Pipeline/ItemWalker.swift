/// Where one item stands at one stage.
public enum ItemState: Sendable {
    case done(String)
    case failed(StageFailure)
    /// Its request can be built now; `stale` when an older result exists for another request,
    /// `templateChanged` when that older result was made with another version of the template.
    case ready(PreparedRequest, stale: Bool, templateChanged: Bool)
    /// Its input (the previous stage's output) is not there yet.
    case blocked
}

/// Walks every (instruction, variant) through the stages with the current templates, seeds and
/// settings, against one snapshot of the store. Status, plan and export all read the pipeline
/// this one way, so they can never disagree about what is done.
public struct ItemWalker {
    public var requests: StageRequests
    public var variants: Int
    public var state: StoredState

    public init(requests: StageRequests, variants: Int, state: StoredState) {
        self.requests = requests
        self.variants = variants
        self.state = state
    }

    func classify(_ stage: Stage, _ item: ItemKey, _ prepared: PreparedRequest?) -> ItemState {
        guard let prepared else { return .blocked }
        if let output = state.output(stage, item, key: prepared.key) { return .done(output) }
        if let failure = state.failure(stage, item, key: prepared.key) { return .failed(failure) }
        guard let old = state.results[stage]?[item] else { return .ready(prepared, stale: false, templateChanged: false) }
        let oldTemplate = (try? JSONParser.parse(old.meta))?["template"]?.stringValue
        return .ready(prepared, stale: true, templateChanged: oldTemplate != requests.templates[stage].hash)
    }

    /// The three stage states of one item, and its outputs where done.
    public func walk(_ instruction: StoredInstruction, variant: Int) throws -> [(Stage, ItemState)] {
        let item = ItemKey(instruction.id, variant)
        let expand = classify(.expand, item, try requests.expand(instruction, variant: variant))
        var set: PreferenceSet?
        if case let .done(text) = expand { set = try? PreferenceSetParser.parse(text) }
        let systems = classify(.systems, item, try set.map { try requests.systems(instruction, variant: variant, preferenceSet: $0) })
        var system: String?
        if case let .done(text) = systems { system = text }
        let respond = classify(.respond, item, try system.map { try requests.respond(instruction, variant: variant, systemMessage: $0) })
        return [(.expand, expand), (.systems, systems), (.respond, respond)]
    }

    /// Every instruction with its completed variants, and counts of what is left out and why.
    public func exportItems(_ instructions: [StoredInstruction]) throws -> (items: [ExportItem], leftOut: [(String, Int)]) {
        var items: [ExportItem] = []
        var incomplete = 0
        var failed = 0
        var quarantined = 0
        for instruction in instructions {
            var variantsDone: [ExportItem.Variant] = []
            for variant in 0..<variants {
                let states = try walk(instruction, variant: variant)
                if case let .done(setText) = states[0].1, case let .done(system) = states[1].1, case let .done(response) = states[2].1,
                    let set = try? PreferenceSetParser.parse(setText)
                {
                    variantsDone.append(ExportItem.Variant(index: variant, preferenceSet: set.json, system: system, response: response))
                    continue
                }
                if let failure = states.compactMap({ s -> StageFailure? in if case let .failed(f) = s.1 { return f } else { return nil } }).first {
                    if failure.kind == .quarantined { quarantined += 1 } else { failed += 1 }
                } else {
                    incomplete += 1
                }
            }
            items.append(ExportItem(instruction: instruction, variants: variantsDone, expectedVariants: variants))
        }
        return (items, [("variants failed", failed), ("variants quarantined", quarantined), ("variants not yet generated", incomplete)])
    }
}
