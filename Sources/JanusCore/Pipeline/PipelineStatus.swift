import Foundation
import JanusLLM
import JanusStore
import JanusSupport

/// Where every (instruction, variant) stands at each stage, computed from the store and the
/// current templates, seeds and settings, without calling any model.
public struct PipelineStatus: Sendable {
    public struct Counts: Sendable, Hashable {
        public var total = 0
        public var done = 0
        public var pending = 0
        public var failed = 0
        public var quarantined = 0
        /// Of `pending`: items with a stored result made from an older request (a template,
        /// seed or setting changed since), which the next build redoes.
        public var stale = 0
        /// Of `stale`: those made with an older version of this stage's template.
        public var templateChanged = 0
        /// Of `pending`: items whose request can be built now (their input is stored).
        public var ready = 0
        /// Estimated prompt tokens of the `ready` requests.
        public var readyPromptTokens = 0

        mutating func add(_ state: ItemState) {
            switch state {
            case .done: done += 1
            case let .failed(failure):
                if failure.kind == .quarantined { quarantined += 1 } else { failed += 1 }
            case let .ready(prepared, stale, templateChanged):
                pending += 1
                ready += 1
                if stale { self.stale += 1 }
                if templateChanged { self.templateChanged += 1 }
                readyPromptTokens += TokenUsage.estimatePromptTokens(prepared.request.messages)
            case .blocked:
                pending += 1
            }
        }

        public var json: JSONValue {
            .object([
                ("total", .integer(total)), ("done", .integer(done)), ("pending", .integer(pending)),
                ("failed", .integer(failed)), ("quarantined", .integer(quarantined)), ("stale", .integer(stale)),
            ])
        }
    }

    public var instructions = 0
    public var variants = 0
    public var stages: [Stage: Counts] = [:]

    /// Walks every item through the stages. Instructions whose every variant the result stamps
    /// show current at all stages are counted done from the index; only the rest are walked.
    public static func compute(store: CheckpointStore, requests: StageRequests, variants: Int) throws -> PipelineStatus {
        let walker = ItemWalker(requests: requests, variants: variants)
        var status = PipelineStatus(instructions: 0, variants: variants)
        for stage in Stage.allCases { status.stages[stage] = Counts() }
        let settled = try store.settledPositions(variants: variants, settings: requests.settingsDigests)
        try store.forEachInstruction(skippingPositions: settled) { instruction, state in
            status.instructions += 1
            guard let state else {
                for stage in Stage.allCases {
                    status.stages[stage]?.total += variants
                    status.stages[stage]?.done += variants
                }
                return
            }
            for variant in 0..<variants {
                for (stage, itemState) in try walker.walk(instruction, variant: variant, state: state) {
                    status.stages[stage]?.total += 1
                    status.stages[stage]?.add(itemState)
                }
            }
        }
        return status
    }

    /// Variants whose response is done.
    public var completeVariants: Int { stages[.respond]?.done ?? 0 }

    /// Every (instruction, variant).
    public var totalVariants: Int { instructions * variants }

    /// The requests a build would send: every pending item of every stage.
    public var pendingRequests: Int { stages.values.reduce(0) { $0 + $1.pending } }

    public var json: JSONValue {
        .object([
            ("instructions", .integer(instructions)), ("variants", .integer(variants)),
            ("stages", .object(Stage.allCases.map { ($0.rawValue, (stages[$0] ?? Counts()).json) })),
        ])
    }

    public var table: String {
        var rows = [["stage", "total", "done", "pending", "failed", "quarantined"]]
        for stage in Stage.allCases {
            let c = stages[stage] ?? Counts()
            rows.append([stage.rawValue, "\(c.total)", "\(c.done)", "\(c.pending)", "\(c.failed)", "\(c.quarantined)"])
        }
        return "instructions: \(instructions), variants: \(variants)\n" + TextTable.render(rows)
    }
}
