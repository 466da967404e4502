extension ModelPrice {
    /// The price of `model` in `prices`: an exact match, else the longest name it starts with
    /// (`gpt-4o-2024-08-06` is priced as `gpt-4o`, `gpt-4o-mini-2024-07-18` as `gpt-4o-mini`),
    /// else nil. The one lookup behind the plan, the status, the run summary, the cost stored
    /// with each answer and the `max_cost` meter.
    public static func lookup(_ model: String, in prices: [String: ModelPrice]) -> ModelPrice? {
        if let exact = prices[model] { return exact }
        return prices.filter { model.hasPrefix($0.key) }.max { $0.key.count < $1.key.count }?.value
    }
}

extension ModelPrice {
    /// What is said, once, instead of a cost of $0 when `model` has no known price.
    public static func unknownNote(_ model: String) -> String {
        "no price is known for model \(model), so its cost is not counted (add it under `prices` in janus.yaml: US dollars per million prompt and completion tokens)"
    }
}
