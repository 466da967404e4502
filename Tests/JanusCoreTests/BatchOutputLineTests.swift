import Foundation
@testable import JanusCore
@testable import JanusExport
@testable import JanusHTTP
@testable import JanusIngest
@testable import JanusLLM
@testable import JanusStore
@testable import JanusSupport
import Testing

/// The output and error line shapes of OpenAI's batch API and vLLM's run-batch.
@Suite struct BatchOutputLineTests {
    func parse(_ text: String) throws -> BatchOutputLine {
        try BatchOutputLine.parse(ArraySlice(Array(text.utf8)))
    }

    func failure(_ line: BatchOutputLine) -> (outcome: String, status: Int?, retryable: Bool)? {
        if case let .failure(outcome, status, _, retryable) = line.outcome { return (outcome, status, retryable) }
        return nil
    }

    @Test func answersWithAndWithoutUsage() throws {
        let line = try parse(#"""
            {"id":"batch_req_1","custom_id":"k-1","response":{"status_code":200,"request_id":"r","body":{"choices":[{"index":0,"message":{"role":"assistant","content":"Hello 世界 👋"},"finish_reason":"stop"}],"usage":{"prompt_tokens":12,"completion_tokens":5}}},"error":null}
            """#)
        #expect(line.lineID == "batch_req_1")
        #expect(line.customID == "k-1")
        guard case let .answer(response) = line.outcome else { Issue.record("no answer: \(line.outcome)"); return }
        #expect(response.content == "Hello 世界 👋")
        #expect(response.usage == TokenUsage(promptTokens: 12, completionTokens: 5))

        // vLLM-style, no usage, no id: the usage is estimated, the line known by its hash.
        let bare = try parse(#"{"custom_id":"k-2","response":{"status_code":200,"body":{"choices":[{"message":{"content":"abcdefgh"},"finish_reason":"stop"}]}}}"#)
        #expect(bare.lineID.hasPrefix("sha256:"))
        guard case let .answer(estimated) = bare.outcome else { Issue.record("no answer"); return }
        #expect(estimated.usage.estimated)
    }

    @Test func errorLines() throws {
        let bad = try parse(#"{"id":"e1","custom_id":"a","response":{"status_code":400,"body":{"error":{"message":"bad request","type":"invalid_request_error"}}},"error":null}"#)
        #expect(failure(bad)?.outcome == "http_error")
        #expect(failure(bad)?.status == 400)
        #expect(failure(bad)?.retryable == false)
        let busy = try parse(#"{"id":"e2","custom_id":"b","response":{"status_code":500,"body":{"error":{"message":"oops"}}},"error":null}"#)
        #expect(failure(busy)?.outcome == "server_error")
        #expect(failure(busy)?.retryable == true)
        let vllm = try parse(#"{"id":"vllm-1","custom_id":"g","response":{"status_code":400,"request_id":"vllm-batch-1","body":null},"error":"maximum context length exceeded"}"#)
        guard case let .failure(_, status, message, retryable) = vllm.outcome else { Issue.record("an answer"); return }
        #expect(status == 400 && !retryable)
        #expect(message.contains("maximum context length exceeded"))
        let expired = try parse(#"{"id":"e3","custom_id":"c","response":null,"error":{"code":"batch_expired","message":"not done in time"}}"#)
        #expect(failure(expired)?.outcome == "expired")
        let other = try parse(#"{"id":"e4","custom_id":"d","response":null,"error":{"code":"server_error","message":"x"}}"#)
        #expect(failure(other)?.outcome == "batch_error")
        let cut = try parse(#"{"id":"e5","custom_id":"e","response":{"status_code":200,"body":{"choices":[{"message":{"content":"half"},"finish_reason":"length"}]}}}"#)
        #expect(failure(cut)?.outcome == "length")
        let empty = try parse(#"{"id":"e6","custom_id":"f","response":{"status_code":200,"body":{"choices":[{"message":{"content":"  "},"finish_reason":"stop"}]}}}"#)
        #expect(failure(empty)?.outcome == "empty_content")
    }

    @Test func unreadableLines() {
        for text in [
            "not json", "[1,2]", #"{"id":"x","response":{"status_code":200}}"#,
            #"{"custom_id":"k","method":"POST","url":"/v1/chat/completions","body":{"model":"m"}}"#,
        ] {
            #expect(throws: BatchOutputLine.Malformed.self, "\(text)") { try parse(text) }
        }
    }

    @Test func customIDs() {
        #expect(BatchRequestLine.isValidCustomID(String(repeating: "a", count: 64)))
        #expect(BatchRequestLine.isValidCustomID("A-z_09"))
        #expect(!BatchRequestLine.isValidCustomID(String(repeating: "a", count: 65)))
        #expect(!BatchRequestLine.isValidCustomID(""))
        #expect(!BatchRequestLine.isValidCustomID("a b"))
        #expect(!BatchRequestLine.isValidCustomID("é"))
    }
}
