import Foundation
import JanusSupport

/// Settings of the generation stages.
public struct GenerationSettings: Sendable, Hashable {
    public var variants: Int = 3
    /// How many times an invalid answer is re-asked before the item is quarantined.
    public var validationAttempts: Int = 3
    public var temperature: Double? = 1.0
    public var topP: Double? = 0.9
    public var maxTokens: [String: Int] = ["expand": 1024, "systems": 1024, "respond": 4096]
    /// Passed through in every request body (vLLM's repetition_penalty, for one).
    public var extra: [String: JSONValue] = [:]
    /// Send a sampling `seed` derived from (run seed, stage, instruction, variant).
    public var sendSeed: Bool = true
    public var seedsDirectory: String?
    public var promptsDirectory: String?
    public var retryQuarantined: Bool = false
    /// Send requests online even while they sit in a live provider batch (`--release`).
    public var releaseBatched: Bool = false

    public init() {}
}
