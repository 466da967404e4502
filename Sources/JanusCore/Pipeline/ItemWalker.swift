import JanusSupport
import JanusStore
import JanusExport

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
/// settings, against what the store holds. Status, plan and export all read the pipeline this
/// one way, so they can never disagree about what is done.
public struct ItemWalker: Sendable {
    public var requests: StageRequests
    public var variants: Int

    public init(requests: StageRequests, variants: Int) {
        self.requests = requests
        self.variants = variants
    }

    /// Where an item stands at `stage`. `recipe` is nil while the previous stage's output is
    /// missing. A stored result with the same recipe is current without building the request;
    /// otherwise the request is built and its key compared (results stored without a recipe).
    func classify(
        _ stage: Stage, _ item: ItemKey, recipe: String?, _ state: StoredState, prepare: () throws -> PreparedRequest
    ) throws -> ItemState {
        guard let recipe else { return .blocked }
        if let output = state.output(stage, item, recipe: recipe) { return .done(output) }
        let prepared = try prepare()
        if let output = state.output(stage, item, key: prepared.key) { return .done(output) }
        if let failure = state.failure(stage, item, key: prepared.key) { return .failed(failure) }
        guard let old = state.results[stage]?[item] else { return .ready(prepared, stale: false, templateChanged: false) }
        let oldTemplate = (try? JSONParser.parse(old.meta))?["template"]?.stringValue
        return .ready(prepared, stale: true, templateChanged: oldTemplate != requests.templates[stage].hash)
    }

    /// The three stage states of one item.
    public func walk(_ instruction: StoredInstruction, variant: Int, state: StoredState) throws -> [(Stage, ItemState)] {
        try walkWithSet(instruction, variant: variant, state: state).states
    }

    /// The stage states, and the parsed preference set where expand is done.
    func walkWithSet(_ instruction: StoredInstruction, variant: Int, state: StoredState) throws -> (states: [(Stage, ItemState)], set: PreferenceSet?) {
        let item = ItemKey(instruction.id, variant)
        let expand = try classify(.expand, item, recipe: requests.recipe(.expand, instruction, variant: variant, input: ""), state) {
            try requests.expand(instruction, variant: variant)
        }
        var set: (text: String, parsed: PreferenceSet)?
        if case let .done(text) = expand, let parsed = try? PreferenceSetParser.parse(text) { set = (text, parsed) }
        let systems = try classify(
            .systems, item, recipe: set.map { requests.recipe(.systems, instruction, variant: variant, input: $0.text) }, state
        ) {
            try requests.systems(instruction, variant: variant, preferenceSet: set?.parsed ?? PreferenceSet(preferences: []))
        }
        var system: String?
        if case let .done(text) = systems { system = text }
        let respond = try classify(
            .respond, item, recipe: system.map { requests.recipe(.respond, instruction, variant: variant, input: $0) }, state
        ) {
            try requests.respond(instruction, variant: variant, systemMessage: system ?? "")
        }
        return ([(.expand, expand), (.systems, systems), (.respond, respond)], set?.parsed)
    }

    /// Thrown by `exportItem` for an outputs-only state whose outputs cannot be taken as they
    /// are (a stored preference set that no longer parses): the walk is to be read again whole.
    public struct NeedsWholeState: Error {
        public var instructionID: String
    }

    /// One instruction with its completed variants; what is incomplete is added to `leftOut`.
    /// `settled`: the result stamps show every variant current at every stage (see
    /// `CheckpointStore.settledInstructions`), so the stored outputs are taken as they are
    /// without rebuilding the recipes; a variant whose preference set does not parse is walked.
    public func exportItem(
        _ instruction: StoredInstruction, state: StoredState, settled: Bool = false, leftOut: inout LeftOut
    ) throws -> ExportItem {
        var done: [ExportItem.Variant] = []
        for variant in 0..<variants {
            let item = ItemKey(instruction.id, variant)
            if settled, let expand = state.results[.expand]?[item], let set = try? PreferenceSetParser.parse(expand.output),
                let system = state.results[.systems]?[item], let response = state.results[.respond]?[item]
            {
                done.append(ExportItem.Variant(index: variant, preferenceSet: set.json, system: system.output, response: response.output))
                continue
            }
            // An outputs-only state cannot be walked: it has no recipes to compare.
            if state.outputsOnly { throw NeedsWholeState(instructionID: instruction.id) }
            let (states, parsed) = try walkWithSet(instruction, variant: variant, state: state)
            if let set = parsed, case let .done(system) = states[1].1, case let .done(response) = states[2].1 {
                done.append(ExportItem.Variant(index: variant, preferenceSet: set.json, system: system, response: response))
                continue
            }
            let failure = states.lazy.compactMap { entry -> StageFailure? in
                if case let .failed(f) = entry.1 { return f }
                return nil
            }.first
            switch failure?.kind {
            case .quarantined?: leftOut.quarantined += 1
            case .failed?: leftOut.failed += 1
            case nil: leftOut.notGenerated += 1
            }
        }
        return ExportItem(instruction: instruction, variants: done, expectedVariants: variants)
    }
}
