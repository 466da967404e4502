
import Foundation
@testable import JanusCore
@testable import JanusLLM
import Testing

/// The load driver behind `janus-bench client`: every request is sent once and tallied.
@Suite struct ChatLoadTests {
    /// Fails every tenth request with a 500 after recording one failed attempt.
    struct FlakyClient: ChatClient {
        let providerKind = Provider.openai
        let recorder: CountingRecorder

        func complete(_ request: ChatRequest) async throws(ChatError) -> ChatResponse {
            let n = Int(request.messages[0].content.split(separator: " ")[2].dropLast()) ?? -1
            let failed = n % 10 == 0
            recorder.record(
                AttemptRecord(
                    requestKey: "\(n)", purpose: request.purpose, attempt: 1, startedAt: Date(), finishedAt: Date(),
                    httpStatus: failed ? 500 : 200, outcome: failed ? "server_error" : "ok", detail: "", usage: nil))
            if failed { throw ChatError(kind: .http, status: 500, message: "no") }
            return ChatResponse(content: "ok", finishReason: "stop", usage: .zero)
        }
    }

    @Test func tallyAddsUp() async {
        let recorder = CountingRecorder()
        let load = ChatLoad(requests: 250, window: 16)
        let result = await load.run(FlakyClient(recorder: recorder), recorder: recorder) { ChatLoad.request($0, model: "m") }
        #expect(result.sent == 250)
        #expect(result.succeeded == 225)
        #expect(result.failed == ["http": 25])
        #expect(result.attempts == ["ok": 225, "server_error": 25])
        #expect(recorder.total == 250)
    }

    @Test func requestBodiesAreDistinct() {
        let bodies = Set((0..<100).map { ChatLoad.request($0, model: "m", promptBytes: 64).wireBody().serialized() })
        #expect(bodies.count == 100)
        #expect(ChatLoad.request(7, model: "m", promptBytes: 64).messages[0].content.utf8.count == 64)
    }
}
