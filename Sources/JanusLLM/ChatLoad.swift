import Foundation
import JanusSupport

/// Sends many requests through one `ChatClient` and tallies what came back: the load driver
/// behind `janus-bench client`. Like the pipeline, it keeps a bounded window of requests in
/// flight (the client's own gate decides how many of them are on the wire).
public struct ChatLoad: Sendable {
    /// What a run came to.
    public struct Result: Sendable, Hashable {
        public var sent = 0
        public var succeeded = 0
        /// Final failures by `ChatError.Kind` raw value.
        public var failed: [String: Int] = [:]
        /// Attempts by outcome, from the recorder the client was made with.
        public var attempts: [String: Int] = [:]
        public var wallSeconds = 0.0

        /// The result as one JSON object, keys in a fixed order.
        public var json: JSONValue {
            func counts(_ values: [String: Int]) -> JSONValue {
                .object(values.keys.sorted().map { ($0, .integer(values[$0] ?? 0)) })
            }
            return .object([
                ("sent", .integer(sent)), ("succeeded", .integer(succeeded)),
                ("failed", counts(failed)), ("attempts", counts(attempts)),
                ("wall_seconds", .number((wallSeconds * 1000).rounded() / 1000)),
            ])
        }
    }

    public var requests: Int
    /// Requests handed to the client at once (at least 1).
    public var window: Int

    public init(requests: Int, window: Int) {
        self.requests = max(0, requests)
        self.window = max(1, window)
    }

    /// Request number `n` of a run: a distinct body per `n`, about `promptBytes` long.
    public static func request(_ n: Int, model: String, promptBytes: Int = 200) -> ChatRequest {
        let head = "benchmark request \(n):"
        let pad = String(repeating: "x", count: max(0, promptBytes - head.utf8.count - 1))
        return ChatRequest(
            model: model, messages: [.user("\(head) \(pad)")], sampling: SamplingParameters(maxTokens: 64), purpose: "bench")
    }

    /// Sends `requests` requests made by `make` and waits for every one. `recorder` is the one
    /// the client reports its attempts to.
    public func run(
        _ client: any ChatClient, recorder: CountingRecorder, make: @escaping @Sendable (Int) -> ChatRequest
    ) async -> Result {
        let clock = ContinuousClock()
        let start = clock.now
        var result = Result()
        await withTaskGroup(of: ChatError?.self) { group in
            var next = 0
            func submit() {
                let n = next
                next += 1
                group.addTask {
                    do throws(ChatError) {
                        _ = try await client.complete(make(n))
                        return nil
                    } catch {
                        return error
                    }
                }
            }
            while next < min(window, requests) { submit() }
            while let outcome = await group.next() {
                result.sent += 1
                if let error = outcome {
                    result.failed[error.kind.rawValue, default: 0] += 1
                } else {
                    result.succeeded += 1
                }
                if next < requests { submit() }
            }
        }
        result.wallSeconds = (clock.now - start).inSeconds
        result.attempts = recorder.byOutcome
        return result
    }
}
