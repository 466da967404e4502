import Foundation

/// A stored answer from the request cache.
public struct CachedAnswer: Sendable, Hashable {
    public var content: String
    public var finishReason: String?
    public var promptTokens: Int
    public var completionTokens: Int
    /// The token counts were estimated (the server reported no usage).
    public var usageEstimated: Bool
    public var cost: Double

    public init(
        content: String, finishReason: String?, promptTokens: Int, completionTokens: Int, usageEstimated: Bool, cost: Double
    ) {
        self.content = content
        self.finishReason = finishReason
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.usageEstimated = usageEstimated
        self.cost = cost
    }
}
