import Foundation
import JanusLLM
import JanusStore
import JanusSupport

/// The end-of-run account: per stage what was done, how many requests went out and how many
/// were answered from the store, tokens and cost.
public struct RunSummary: Sendable {
    public var stats: RunStats
    /// The stages reported (the collection's unless told: the bench commands name theirs).
    public var stages: [Stage]

    public init(stats: RunStats, stages: [Stage] = Stage.allCases) {
        self.stats = stats
        self.stages = stages
    }

    public var json: JSONValue {
        let snap = stats.snapshot()
        let priced = stats.unpriced == nil
        return .object([
            ("requests_sent", .integer(snap.requestsSent)), ("cache_hits", .integer(snap.cacheHits)),
            ("stopped", stats.stopReason.map { .string($0) } ?? .null),
            ("stages", .object(stages.map { stage in
                let c = snap.stages[stage] ?? RunStats.StageCounts()
                return (stage.rawValue, .object([
                    ("total", .integer(c.total)), ("done", .integer(c.done)), ("new", .integer(c.accepted)),
                    ("failed", .integer(c.failed)), ("quarantined", .integer(c.quarantined)),
                    ("prompt_tokens", .integer(c.promptTokens)), ("completion_tokens", .integer(c.completionTokens)),
                    ("cost_usd", priced ? .number(c.cost) : .null),
                ]))
            })),
            ("unpriced_model", stats.unpriced.map { .string($0) } ?? .null),
        ])
    }

    public var table: String {
        let snap = stats.snapshot()
        let unpriced = stats.unpriced
        var rows = [["stage", "total", "done", "new", "failed", "quarantined", "tokens"] + (unpriced == nil ? ["cost $"] : [])]
        var cost = 0.0
        for stage in stages {
            let c = snap.stages[stage] ?? RunStats.StageCounts()
            cost += c.cost
            rows.append([
                stage.rawValue, "\(c.total)", "\(c.done)", "\(c.accepted)", "\(c.failed)", "\(c.quarantined)",
                "\(c.promptTokens + c.completionTokens)",
            ] + (unpriced == nil ? [String(format: "%.4f", c.cost)] : []))
        }
        var text = TextTable.render(rows)
        let stored = snap.stages.values.reduce(0) { $0 + $1.stored }
        text += "\nrequests sent: \(snap.requestsSent), results already in the store: \(stored), answers reused from the request cache: \(snap.cacheHits)"
        if let unpriced {
            text += "\n" + ModelPrice.unknownNote(unpriced)
        } else {
            text += ", cost this run: $\(String(format: "%.4f", cost))"
        }
        if let reason = stats.stopReason { text += "\nstopped sending: \(reason)" }
        return text
    }

    /// What an interrupted run says: what it stored, what was in flight, and that running the
    /// same command again continues. `abandoned` is the number of requests not waited for.
    public func interruptedMessage(abandoned: Int) -> String {
        let stored = stats.storedThisRun
        let total = stored.values.reduce(0, +)
        let perStage = stages.map { "\($0.rawValue) \(stored[$0] ?? 0)" }.joined(separator: ", ")
        var text = "interrupted: \(total) new results stored this run (\(perStage))"
        text += abandoned > 0
            ? "; \(abandoned) requests in flight were not waited for and will be sent again"
            : "; every request in flight landed and was stored"
        return text + ". Run the same command again to continue where it stopped."
    }

    /// Failed or quarantined items this run (exit code 3 when non-zero).
    public var problems: Int {
        stats.snapshot().stages.values.reduce(0) { $0 + $1.failed + $1.quarantined }
    }
}
