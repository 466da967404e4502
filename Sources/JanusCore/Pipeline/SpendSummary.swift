import Foundation
import JanusLLM
import JanusStore
import JanusSupport

/// What the answers in the store cost so far, over every stage and run, as `status` reports it.
public struct SpendSummary: Sendable, Equatable {
    /// Stored answers.
    public var answers: Int
    /// Prompt and completion tokens of those answers.
    public var tokens: Int
    /// Their cost in USD; answers of models with no known price count as 0.
    public var cost: Double
    /// Answers whose model had no known price, per model.
    public var unpriced: [String: Int]

    /// Totals over `usage` (per purpose, as `CheckpointStore.usageTotals()` gives them).
    public init(
        usage: [String: (requests: Int, promptTokens: Int, completionTokens: Int, cost: Double)], unpriced: [String: Int]
    ) {
        answers = usage.values.reduce(0) { $0 + $1.requests }
        tokens = usage.values.reduce(0) { $0 + $1.promptTokens + $1.completionTokens }
        cost = usage.values.reduce(0) { $0 + $1.cost }
        self.unpriced = unpriced
    }

    /// The totals of everything `store` holds.
    public init(store: CheckpointStore) throws {
        self.init(usage: try store.usageTotals(), unpriced: try store.unpricedAnswers())
    }

    /// True when no stored answer has a known price: the cost is then unknown, not 0.
    public var allUnpriced: Bool {
        let count = unpriced.values.reduce(0, +)
        return count > 0 && count == answers
    }

    /// One line: tokens, the cost so far, and which answers it leaves out.
    public var line: String {
        var line = "tokens stored: \(tokens), cost so far: "
        line += allUnpriced ? "unknown" : "$\(String(format: "%.4f", cost))"
        for model in unpriced.keys.sorted() {
            line += allUnpriced ? " (" + ModelPrice.unknownNote(model) + ")"
                : "; \(unpriced[model] ?? 0) answers not counted: " + ModelPrice.unknownNote(model)
        }
        return line
    }

    /// The fields `status --json` adds.
    public var jsonFields: [(String, JSONValue)] {
        [
            ("tokens", .integer(tokens)), ("cost_usd", .number(cost)),
            ("unpriced_answers", .object(unpriced.keys.sorted().map { ($0, .integer(unpriced[$0] ?? 0)) })),
        ]
    }
}
