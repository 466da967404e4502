
import Foundation
@testable import JanusCore
@testable import JanusLLM
import Testing

/// Completion and error bodies as servers send them.
@Suite struct ResponseDecoderTests {
    @Test func readsACompletion() throws {
        let body = #"{"model":"m","choices":[{"message":{"role":"assistant","content":"hi"},"finish_reason":"stop"}],"usage":{"prompt_tokens":5,"completion_tokens":1}}"#
        let completion = try ResponseDecoder.completion(from: Array(body.utf8)).get()
        #expect(completion.content == "hi" && completion.finishReason == "stop" && completion.model == "m")
        #expect(completion.usage == TokenUsage(promptTokens: 5, completionTokens: 1))
    }

    @Test func missingUsageIsNil() throws {
        let body = #"{"choices":[{"message":{"content":"hi"},"finish_reason":"stop"}]}"#
        #expect(try ResponseDecoder.completion(from: Array(body.utf8)).get().usage == nil)
    }

    @Test func truncatedOrForeignBodiesAreFailures() {
        for body in [#"{"choices":[{"mess"#, "<html>", #"{"object":"list"}"#, ""] {
            #expect(throws: ResponseDecoder.Failure.self) { try ResponseDecoder.completion(from: Array(body.utf8)).get() }
        }
    }

    @Test func errorMessagesInTheShapesServersUse() {
        #expect(ResponseDecoder.errorMessage(from: Array(#"{"error":{"message":"bad model"}}"#.utf8)) == "bad model")
        #expect(ResponseDecoder.errorMessage(from: Array(#"{"error":"overloaded"}"#.utf8)) == "overloaded")
        #expect(ResponseDecoder.errorMessage(from: Array(#"{"detail":"Not Found"}"#.utf8)) == "Not Found")
        #expect(ResponseDecoder.errorMessage(from: Array("Bad Gateway".utf8)) == "Bad Gateway")
        #expect(ResponseDecoder.errorMessage(from: []) == "(empty body)")
    }
}
