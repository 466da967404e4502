import Foundation
import JanusLLM
import JanusStore

/// Runs the generation stages over the stored instructions with no barrier between stages: each
/// instruction's variants move on to `systems` and `respond` as soon as their preference set is
/// stored. The store is the only queue: what is done is skipped, what is pending is asked, so a
/// restarted run picks up exactly where the last one stopped.
///
/// A class, not a struct: every task under way and every async frame of its chain (`process`,
/// `expand`, `systemsThenRespond`, `ask`) holds `self`, which as a struct of a dozen fields
/// (the request builder and settings among them) was copied, each reference in it retained,
/// into every one of them.
public final class GenerationRunner: Sendable {
    public let store: CheckpointStore
    public let client: any ChatClient
    public let requests: StageRequests
    public let settings: GenerationSettings
    /// Nil when no price is known for the model: costs are then not counted, and said so.
    public let price: ModelPrice?
    /// Stages allowed to send requests; the others only read stored results.
    public let stages: Set<Stage>
    public let stats: RunStats
    /// How many instructions are worked on at once.
    public let width: Int
    /// The run recorded for this one; each stored result names it.
    public let runID: Int?
    /// Asked before a request is sent; true keeps it from being sent now (it sits in a live
    /// provider batch, or is being written to a batch file). The item then stays pending.
    public let divert: (@Sendable (DivertedRequest) -> Bool)?
    let validator: OutputValidator
    /// Requests sent at once (the client's concurrency): a request waits here, not inside the
    /// client, so that a stopped run sends none of those still waiting.
    let sending: ConcurrencyGate

    public init(
        store: CheckpointStore, client: any ChatClient, requests: StageRequests, settings: GenerationSettings,
        price: ModelPrice?, stages: Set<Stage>, stats: RunStats, width: Int, sendLimit: Int = 64, runID: Int? = nil,
        divert: (@Sendable (DivertedRequest) -> Bool)? = nil
    ) {
        self.store = store
        self.client = client
        self.requests = requests
        self.settings = settings
        self.price = price
        self.stages = stages
        self.stats = stats
        self.width = max(1, width)
        self.runID = runID
        self.divert = divert
        sending = ConcurrencyGate(limit: max(1, sendLimit))
        validator = OutputValidator(exampleSystemMessages: requests.seeds.systemMessages)
    }

    /// Works through every stored instruction, a page at a time so that memory does not grow
    /// with the store; returns when nothing more can be done.
    ///
    /// `width` instructions are under way at once (twice the send slots, from `Workspace`):
    /// an instruction's requests form a chain (three expands one after another, each followed by
    /// its systems and respond), so as many instructions as slots leave slots idle while chains
    /// wait on each other. A request waiting for a slot is ranked by its step in that chain, then
    /// by when its instruction was admitted (see `rank`). Ranked by admission alone, the instructions
    /// admitted last ran their whole chain (five requests one after another) after the others
    /// were done, with most slots idle: at 1,000 slots, 2,223 instructions (20,007 requests at
    /// 0.5 s) took 12.1-14.4 s, against 11.5-12.1 s ranked by step (BENCHMARKS.md).
    public func run() async throws {
        // Attempt records wait for the next group commit without anyone waiting for them.
        defer { store.flush() }
        let count = try store.instructionCount()
        for stage in Stage.allCases {
            stats.update(stage) { $0.total = count * settings.variants }
        }
        // Instructions whose results the stamps show current at every stage are counted as
        // stored without reading their rows or building any request.
        let settled = try store.settledInstructions(variants: settings.variants, settings: requests.settingsDigests)
        var queue: [(StoredInstruction, StoredState?)] = []
        var cursor = ""
        var exhausted = false
        var admitted = 0
        func next() throws -> (StoredInstruction, StoredState, order: Int)? {
            while true {
                if queue.isEmpty && !exhausted {
                    queue = try store.instructionPage(afterID: cursor, limit: max(64, width * 2), skipping: settled)
                    queue.reverse()
                    if let last = queue.first { cursor = last.0.id } else { exhausted = true }
                }
                guard let (instruction, state) = queue.popLast() else { return nil }
                if let state {
                    admitted += 1
                    return (instruction, state, admitted)
                }
                for stage in Stage.allCases {
                    stats.update(stage) { $0.stored += settings.variants }
                }
            }
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            var inFlight = 0
            while inFlight < width, let (instruction, state, order) = try next() {
                group.addTask { try await self.process(instruction, order: order, state: state) }
                inFlight += 1
            }
            while try await group.next() != nil {
                // Once interrupted, no new instruction is started; those under way finish.
                if !stats.interrupted, let (instruction, state, order) = try next() {
                    group.addTask { try await self.process(instruction, order: order, state: state) }
                }
            }
        }
    }

    /// `order`: the instruction's place in the run's admission order (see `rank`).
    func process(_ instruction: StoredInstruction, order: Int, state: StoredState) async throws {
        var accepted: [PreferenceSet] = []
        try await withThrowingTaskGroup(of: Void.self) { group in
            for variant in 0..<settings.variants {
                let item = ItemKey(instruction.id, variant)
                guard let set = try await expand(instruction, item, order: order, others: accepted, state: state) else { continue }
                accepted.append(set)
                group.addTask { try await self.systemsThenRespond(instruction, item, order: order, set: set, state: state) }
            }
            try await group.waitForAll()
        }
    }

    func expand(
        _ instruction: StoredInstruction, _ item: ItemKey, order: Int, others: [PreferenceSet], state: StoredState
    ) async throws -> PreferenceSet? {
        let recipe = requests.recipe(.expand, instruction, variant: item.variant, input: "")
        if let stored = state.output(.expand, item, recipe: recipe), let set = try? PreferenceSetParser.parse(stored) {
            try stampIfMissing(.expand, item, input: "", state: state)
            stats.update(.expand) { $0.stored += 1 }
            return set
        }
        let prepared = try requests.expand(instruction, variant: item.variant)
        if let stored = state.output(.expand, item, key: prepared.key), let set = try? PreferenceSetParser.parse(stored) {
            stats.update(.expand) { $0.stored += 1 }
            return set
        }
        let result = try await ask(
            .expand, item, prepared, recipe: recipe, stamp: requests.stamp(.expand, input: ""), state: state, rank: rank(.expand, item, order: order),
            record: PreferenceRecord.fields(of:)
        ) { answer throws(InvalidOutput) in
            let set = try OutputValidator.preferenceSet(answer, others: others)
            return (set, set.json.serialized())
        }
        return result
    }

    func systemsThenRespond(_ instruction: StoredInstruction, _ item: ItemKey, order: Int, set: PreferenceSet, state: StoredState) async throws {
        let setText = set.json.serialized()
        let systemsRecipe = requests.recipe(.systems, instruction, variant: item.variant, input: setText)
        let system: String
        if let stored = state.output(.systems, item, recipe: systemsRecipe) {
            try stampIfMissing(.systems, item, input: setText, state: state)
            stats.update(.systems) { $0.stored += 1 }
            system = stored
        } else {
            let prepared = try requests.systems(instruction, variant: item.variant, preferenceSet: set)
            if let stored = state.output(.systems, item, key: prepared.key) {
                stats.update(.systems) { $0.stored += 1 }
                system = stored
            } else {
                guard let made = try await ask(
                    .systems, item, prepared, recipe: systemsRecipe, stamp: requests.stamp(.systems, input: setText), state: state, rank: rank(.systems, item, order: order),
                    accept: { answer throws(InvalidOutput) in
                    let text = try validator.systemMessage(answer)
                    return (text, text)
                }) else { return }
                system = made
            }
        }
        let respondRecipe = requests.recipe(.respond, instruction, variant: item.variant, input: system)
        if state.output(.respond, item, recipe: respondRecipe) != nil {
            try stampIfMissing(.respond, item, input: system, state: state)
            stats.update(.respond) { $0.stored += 1 }
            return
        }
        let prepared = try requests.respond(instruction, variant: item.variant, systemMessage: system)
        if state.output(.respond, item, key: prepared.key) != nil {
            stats.update(.respond) { $0.stored += 1 }
            return
        }
        _ = try await ask(.respond, item, prepared, recipe: respondRecipe, stamp: requests.stamp(.respond, input: system), state: state, rank: rank(.respond, item, order: order)) { answer throws(InvalidOutput) in
            let text = try validator.response(answer)
            return (text, text)
        }
    }

    /// Where a request waits for a send slot (lower first): by how far along its instruction's
    /// chain it is, then by when its instruction was admitted (`order`; instructions are taken in
    /// id order, see `CheckpointStore.instructionPage`). An instruction's requests form a chain of
    /// `variants + 2` steps (the expands one after another, then the last variant's systems and
    /// respond), so its expands come before any systems request and systems before respond:
    /// every instruction under way keeps a request ready, and the last ones admitted do not
    /// run their whole chain alone after the others are done.
    ///
    /// The offline generator answers at once, so no slot waits on a network and there is no such
    /// tail: its requests are ranked by admission alone, which finishes instructions in the order
    /// they started and keeps fewer of them half done (the 100k offline build's RSS: 262 MB,
    /// against 295-311 MB ranked by step).
    func rank(_ stage: Stage, _ item: ItemKey, order: Int) -> Int {
        guard client.providerKind != .offline else { return order }
        return Self.rank(stage, variant: item.variant, order: order, variants: settings.variants)
    }

    static func rank(_ stage: Stage, variant: Int, order: Int, variants: Int) -> Int {
        let step: Int
        switch stage {
        case .expand: step = variant
        case .systems: step = variants
        default: step = variants + 1
        }
        return step << 40 + order
    }

    /// Stamps a result found current by its recipe that has no stamp yet (stored before store
    /// version 8), so that later reads find it without this walk.
    func stampIfMissing(_ stage: Stage, _ item: ItemKey, input: String, state: StoredState) throws {
        guard let result = state.results[stage]?[item], result.stamp == nil else { return }
        try store.stampResult(stage: stage, item: item, stamp: requests.stamp(stage, input: input), output: result.output)
    }
}
