import Foundation
import JanusSupport

/// Adds up what the answers cost and says when the budget (`max_cost`) is spent.
final class CostMeter: Sendable {
    private let prices: [String: ModelPrice]
    private let budget: Double?
    private let spentSoFar = Locked(0.0)

    init(prices: [String: ModelPrice], budget: Double?) {
        self.prices = prices
        self.budget = budget
    }

    /// US dollars spent so far.
    var spent: Double { spentSoFar.withLock { $0 } }

    /// True once the spending has reached the budget.
    var isExhausted: Bool {
        guard let budget else { return false }
        return spent >= budget
    }

    /// The price of `model` (see `ModelPrice.lookup`), else nil.
    func price(for model: String) -> ModelPrice? {
        ModelPrice.lookup(model, in: prices)
    }

    /// Records the usage of one answered attempt and returns its cost.
    @discardableResult
    func add(_ usage: TokenUsage, model: String) -> Double {
        let cost = price(for: model)?.cost(of: usage) ?? 0
        spentSoFar.withLock { $0 += cost }
        return cost
    }
}
