import Foundation
import JanusLLM
import JanusStore
import JanusSupport

/// What `build` would send, per stage, with no request made: counts, token and cost estimates,
/// and what a change of template invalidated.
public struct Plan: Sendable {
    public struct StageEstimate: Sendable {
        public var stage: Stage
        public var requests: Int
        public var promptTokens: Int
        public var completionTokens: Int
        /// Nil when no price is known for the model.
        public var cost: Double?
        public var stale: Int
        public var templateChanged: Int
        /// Where the completion estimate came from.
        public var completionBasis: String
    }

    public var stages: [StageEstimate]
    public var status: PipelineStatus
    /// The model, when no price is known for it.
    public var unpricedModel: String?

    /// Estimates from the status walk: prompts from the rendered text of the requests that can be
    /// built now (their mean for those still waiting on an earlier stage); completions from the
    /// mean of stored answers of the stage, or max_tokens when there are none.
    public static func make(
        status: PipelineStatus, store: CheckpointStore, generation: GenerationSettings, price: ModelPrice?, model: String,
        stages: [Stage] = Stage.allCases
    ) throws -> Plan {
        let usage = try store.usageTotals()
        var out: [StageEstimate] = []
        var previousPromptMean = 0
        for stage in stages {
            let c = status.stages[stage] ?? PipelineStatus.Counts()
            let requests = c.pending
            let promptMean = c.ready > 0 ? c.readyPromptTokens / c.ready : previousPromptMean
            let promptTokens = c.readyPromptTokens + (requests - c.ready) * promptMean
            let basis: String
            let completionMean: Int
            if let u = usage[stage.rawValue], u.requests > 0 {
                completionMean = u.completionTokens / u.requests
                basis = "mean of \(u.requests) stored answers"
            } else {
                completionMean = generation.maxTokens[stage.rawValue] ?? 1024
                basis = "max_tokens"
            }
            let completionTokens = requests * completionMean
            let cost = price?.cost(of: TokenUsage(promptTokens: promptTokens, completionTokens: completionTokens))
            out.append(StageEstimate(
                stage: stage, requests: requests, promptTokens: promptTokens, completionTokens: completionTokens, cost: cost,
                stale: c.stale, templateChanged: c.templateChanged, completionBasis: basis))
            previousPromptMean = promptMean + completionMean
        }
        return Plan(stages: out, status: status, unpricedModel: price == nil ? model : nil)
    }

    public var json: JSONValue {
        .object([
            ("stages", .object(stages.map { e in
                (e.stage.rawValue, .object([
                    ("requests", .integer(e.requests)), ("prompt_tokens", .integer(e.promptTokens)),
                    ("completion_tokens", .integer(e.completionTokens)), ("cost_usd", e.cost.map { .number($0) } ?? .null),
                    ("stale", .integer(e.stale)), ("template_changed", .integer(e.templateChanged)),
                    ("completion_basis", .string(e.completionBasis)),
                ]))
            })),
            ("total_requests", .integer(stages.reduce(0) { $0 + $1.requests })),
            ("total_cost_usd", totalCost.map { .number($0) } ?? .null),
            ("batch_cost_usd", totalCost.map { .number($0 * BatchPricing.discount) } ?? .null),
            ("unpriced_model", unpricedModel.map { .string($0) } ?? .null),
        ])
    }

    /// Nil when no price is known.
    public var totalCost: Double? {
        unpricedModel == nil ? stages.reduce(0) { $0 + ($1.cost ?? 0) } : nil
    }

    public var table: String {
        let priced = unpricedModel == nil
        var rows = [["stage", "requests", "prompt tok", "completion tok"] + (priced ? ["cost $"] : []) + ["redo (template changed)"]]
        for e in stages {
            rows.append(
                [e.stage.rawValue, "\(e.requests)", "\(e.promptTokens)", "\(e.completionTokens)"]
                    + (priced ? [String(format: "%.2f", e.cost ?? 0)] : []) + ["\(e.stale) (\(e.templateChanged))"])
        }
        var text = TextTable.render(rows)
        text += "\ntotal: \(stages.reduce(0) { $0 + $1.requests }) requests"
        if let total = totalCost {
            text += ", about $\(String(format: "%.2f", total)) (through a batch API: $\(String(format: "%.2f", total * BatchPricing.discount)))"
        }
        text += "; completions estimated from "
        text += stages.map { "\($0.stage.rawValue): \($0.completionBasis)" }.joined(separator: ", ")
        for e in stages where e.templateChanged > 0 {
            text += "\nthe \(e.stage.rawValue) template changed: \(e.templateChanged) stored \(e.stage.rawValue) results will be redone, and what depends on them"
        }
        if let unpricedModel { text += "\n" + ModelPrice.unknownNote(unpricedModel) }
        return text
    }
}
