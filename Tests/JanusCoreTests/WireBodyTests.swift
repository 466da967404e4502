@testable import JanusCore
@testable import JanusLLM
import JanusStore
import JanusSupport
import Testing

/// The request body written straight to bytes is the body of `wireBody()`, byte for byte: it
/// is what request keys hash, so a difference would orphan every stored answer.
@Suite struct WireBodyTests {
    static let messages = [
        ChatMessage.system("Tu es \"précis\".\n\tRéponds\u{1}\\ en 日本語 👩🏽‍💻"),
        ChatMessage.user(String(repeating: "long line with \"quotes\" ", count: 40)),
        ChatMessage.assistant(""),
    ]

    static let requests: [ChatRequest] = [
        ChatRequest(model: "m", messages: []),
        ChatRequest(model: "qwen/\"x\"", messages: messages),
        ChatRequest(
            model: "m", messages: messages,
            sampling: SamplingParameters(temperature: 1, topP: 0.9, maxTokens: 512, seed: 42, stop: ["\n\n", "END"], jsonObject: true),
            extra: ["repetition_penalty": .number(1.05), "seed": .integer(7), "messages": .null, "a\"b": .array([.bool(true)])],
            keySalt: "variant=1"),
        ChatRequest(
            model: "m", messages: messages, sampling: SamplingParameters(temperature: 0.7, stop: []),
            extra: ["top_p": .number(0.5), "zz": .object([("k", .string("v"))])]),
        // Extras named like members the sampling leaves out are written; "model" never is.
        ChatRequest(
            model: "m", messages: messages,
            extra: [
                "temperature": .number(0.2), "stop": .array([]), "response_format": .string("x"), "max_tokens": .integer(3),
                "model": .string("no"), "messages_sha256": .string("mine"),
            ]),
    ]

    @Test(arguments: requests) func bytesWithoutMessagesAreTheWireBodyWithoutThem(_ request: ChatRequest) {
        var out: [UInt8] = []
        request.writeWireBody(to: &out, messages: false)
        #expect(out == Array(request.wireBody(messages: false).serialized().utf8))
    }

    /// The stored request summary is written as bytes; it must read as the JSON object of the
    /// body without messages plus the messages' digest and count.
    @Test(arguments: requests) func requestSummaryIsTheObjectItDescribes(_ request: ChatRequest) {
        let members = (request.wireBody(messages: false).objectValue ?? [])
            + [("messages_sha256", .string(CheckpointStore.messagesDigest(request))), ("messages", .integer(request.messages.count))]
        #expect(CheckpointStore.requestSummary(request) == JSONValue.object(members).serialized())
    }

    @Test(arguments: requests) func bytesAreTheWireBody(_ request: ChatRequest) {
        #expect(request.wireBytes() == Array(request.wireBody().serialized().utf8))
    }

    @Test(arguments: requests) func keyHashesProviderBodyAndSalt(_ request: ChatRequest) {
        let composed = "openai\n" + request.wireBody().serialized() + "\n" + request.keySalt
        #expect(request.key(provider: .openai) == Hashing.sha256Hex(composed))
    }

    @Test func bodyWithoutMessagesLeavesOnlyThem() {
        let request = WireBodyTests.requests[2]
        var full = request.wireBody().objectValue ?? []
        full.removeAll { $0.0 == "messages" }
        #expect(request.wireBody(messages: false).serialized() == JSONValue.object(full).serialized())
    }
}
