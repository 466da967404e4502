import Foundation
import JanusExport
import JanusHTTP
import JanusIngest
import JanusLLM
import JanusStore
import JanusSupport

/// Runs the bench's stages through the collection's runner (`GenerationRunner.ask`): the same
/// request cache, re-asks, quarantine, failure log, budget and concurrency. The store is the
/// queue: what is stored is skipped, so a rerun after a kill goes on where it stopped.
public struct BenchRunner: Sendable {
    let runner: GenerationRunner
    let requests: BenchRequests
    let collection: CollectionPreferences
    let variants: Int

    public init(runner: GenerationRunner, requests: BenchRequests, collection: CollectionPreferences, variants: Int = 3) {
        self.runner = runner
        self.requests = requests
        self.collection = collection
        self.variants = variants
    }

    var stats: RunStats { runner.stats }

    /// Calls `body` on each element, `width` at a time; once the run is stopped, no new one starts.
    func forEach<T: Sendable>(_ elements: [T], _ body: @escaping @Sendable (T) async throws -> Void) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            var next = 0
            while next < min(runner.width, elements.count) {
                let element = elements[next]
                group.addTask { try await body(element) }
                next += 1
            }
            while try await group.next() != nil {
                if stats.stopReason == nil, next < elements.count {
                    let element = elements[next]
                    group.addTask { try await body(element) }
                    next += 1
                }
            }
        }
    }

    /// Builds every bench item: three preference sets per instruction (each unlike the others
    /// and the collection's), a system message for each, then its reference answer and rubrics.
    public func build(_ state: BenchState) async throws {
        let total = state.instructions.count * variants
        for stage in [Stage.benchExpand, .benchSystems, .benchReference, .benchRubrics] {
            stats.update(stage) { $0.total = total }
        }
        try await forEach(state.instructions) { instruction in
            try await self.build(instruction, state: state.stored)
        }
    }

    func build(_ instruction: BenchInstruction, state: StoredState) async throws {
        var accepted: [PreferenceSet] = []
        try await withThrowingTaskGroup(of: Void.self) { group in
            for variant in 0..<variants {
                let item = ItemKey(instruction.id, variant)
                guard let set = try await expand(instruction, item, others: accepted, state: state) else { continue }
                accepted.append(set)
                group.addTask { try await self.systemsThenRest(instruction, item, set: set, state: state) }
            }
            try await group.waitForAll()
        }
    }

    func expand(_ instruction: BenchInstruction, _ item: ItemKey, others: [PreferenceSet], state: StoredState) async throws -> PreferenceSet? {
        let prepared = try requests.expand(instruction, variant: item.variant)
        if let stored = state.output(.benchExpand, item, key: prepared.key), let set = try? PreferenceSetParser.parse(stored) {
            stats.update(.benchExpand) { $0.stored += 1 }
            return set
        }
        let collection = self.collection
        return try await runner.ask(.benchExpand, item, prepared, recipe: prepared.key, state: state) { answer throws(InvalidOutput) in
            let set = try OutputValidator.preferenceSet(answer, others: others)
            try collection.check(set)
            return (set, set.json.serialized())
        }
    }

    func systemsThenRest(_ instruction: BenchInstruction, _ item: ItemKey, set: PreferenceSet, state: StoredState) async throws {
        let prepared = try requests.systems(instruction, variant: item.variant, preferenceSet: set)
        let system: String
        if let stored = state.output(.benchSystems, item, key: prepared.key) {
            stats.update(.benchSystems) { $0.stored += 1 }
            system = stored
        } else {
            let validator = runner.validator
            guard let made = try await runner.ask(.benchSystems, item, prepared, recipe: prepared.key, state: state, accept: { answer throws(InvalidOutput) in
                let text = try validator.systemMessage(answer)
                return (text, text)
            }) else { return }
            system = made
        }
        async let reference: Void = text(.benchReference, item, try requests.reference(instruction, variant: item.variant, systemMessage: system), state: state)
        async let rubrics: Void = rubrics(instruction, item, system: system, set: set, state: state)
        _ = try await (reference, rubrics)
    }

    /// A free-text stage (a reference answer, a model's answer): stored, or asked for.
    func text(_ stage: Stage, _ item: ItemKey, _ prepared: PreparedRequest, state: StoredState) async throws {
        if state.output(stage, item, key: prepared.key) != nil {
            stats.update(stage) { $0.stored += 1 }
            return
        }
        let validator = runner.validator
        _ = try await runner.ask(stage, item, prepared, recipe: prepared.key, state: state) { answer throws(InvalidOutput) in
            let text = try validator.response(answer)
            return (text, text)
        }
    }

    func rubrics(_ instruction: BenchInstruction, _ item: ItemKey, system: String, set: PreferenceSet, state: StoredState) async throws {
        let prepared = try requests.rubrics(instruction, variant: item.variant, systemMessage: system, preferenceSet: set)
        if state.output(.benchRubrics, item, key: prepared.key) != nil {
            stats.update(.benchRubrics) { $0.stored += 1 }
            return
        }
        _ = try await runner.ask(.benchRubrics, item, prepared, recipe: prepared.key, state: state) { answer throws(InvalidOutput) in
            let rubrics = try RubricParser.parse(answer)
            return (rubrics, JSONValue.array(rubrics.map(\.stored)).serialized())
        }
    }
}
