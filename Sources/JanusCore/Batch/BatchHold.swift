import Foundation
import JanusExport
import JanusHTTP
import JanusIngest
import JanusLLM
import JanusStore
import JanusSupport

/// What batch APIs charge: half the online price (OpenAI, Azure OpenAI, Groq, Together, Mistral).
public enum BatchPricing {
    public static let discount = 0.5

    /// The cost of an answer at the batch price; nil when the model has no known price.
    public static func cost(_ usage: TokenUsage, price: ModelPrice?) -> Double? {
        price.map { $0.cost(of: usage) * discount }
    }
}

/// The client of a run that sends nothing: every request is diverted before it would be sent
/// (written to a batch file, or left for the batch that holds it), so this is never called.
struct BatchOnlyClient: ChatClient {
    let providerKind: Provider

    func complete(_ request: ChatRequest) async throws(ChatError) -> ChatResponse {
        throw ChatError(kind: .configuration, message: "a batch command sends no request online")
    }
}

extension Workspace {
    /// Online runs leave alone the requests that sit in a live provider batch (submitted, not yet
    /// imported), unless `generation.releaseBatched` (`--release`); nil when there are none.
    func batchHold() throws -> (@Sendable (DivertedRequest) -> Bool)? {
        guard !config.generation.releaseBatched else { return nil }
        let live = try store.liveBatchKeys()
        guard !live.isEmpty else { return nil }
        return { live.contains($0.key) }
    }

    /// Runs every stage over the store with nothing sent: stored answers (imported from batch
    /// output files) are validated and accepted, re-asked or quarantined as online; `collect`
    /// is shown each request that would be sent now.
    func runWithoutSending(command: String, collect: @escaping @Sendable (DivertedRequest) -> Void = { _ in }) async throws -> RunStats {
        let stats = RunStats()
        try await generate(stages: Set(Stage.allCases), client: BatchOnlyClient(providerKind: providerKind), stats: stats, command: command) {
            collect($0)
            return true
        }
        return stats
    }
}
