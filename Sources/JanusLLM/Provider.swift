/// The kinds of model endpoint janus-data talks to (janus.yaml's `provider.name`, `--provider`).
/// The raw value goes into request keys.
public enum Provider: String, Sendable, Hashable, CaseIterable {
    /// Any OpenAI-compatible server, through `OpenAIClient`.
    case openai
    /// The built-in deterministic generator: no server, no cost (demos and tests).
    case offline

    /// The names, for messages: "openai, offline".
    public static var names: String { allCases.map(\.rawValue).joined(separator: ", ") }
}
