import Foundation
import JanusSupport

/// One message of a chat completion request.
public struct ChatMessage: Sendable, Hashable, Codable {
    public var role: String
    public var content: String

    public init(role: String, content: String) {
        self.role = role
        self.content = content
    }

    public static func system(_ content: String) -> ChatMessage { ChatMessage(role: "system", content: content) }
    public static func user(_ content: String) -> ChatMessage { ChatMessage(role: "user", content: content) }
    public static func assistant(_ content: String) -> ChatMessage { ChatMessage(role: "assistant", content: content) }
}

/// Sampling parameters sent with a request (nil means "not sent": the server's default).
public struct SamplingParameters: Sendable, Hashable, Codable {
    public var temperature: Double?
    public var topP: Double?
    public var maxTokens: Int?
    public var seed: Int?
    public var stop: [String]?
    public var jsonObject: Bool

    public init(
        temperature: Double? = nil, topP: Double? = nil, maxTokens: Int? = nil, seed: Int? = nil,
        stop: [String]? = nil, jsonObject: Bool = false
    ) {
        self.temperature = temperature
        self.topP = topP
        self.maxTokens = maxTokens
        self.seed = seed
        self.stop = stop
        self.jsonObject = jsonObject
    }
}

/// A chat completion request as the pipeline builds it.
///
/// `purpose` and `keySalt` never go on the wire: `purpose` names the stage (for logs, the
/// offline provider and the store); `keySalt` separates requests that are byte-identical on the
/// wire but must be answered separately (two variants of one instruction that drew the same
/// seed example), so that the cache does not hand both the same answer.
public struct ChatRequest: Sendable, Hashable {
    public var model: String
    public var messages: [ChatMessage]
    public var sampling: SamplingParameters
    /// Server-specific parameters passed through as they are (vLLM's `repetition_penalty`).
    public var extra: [String: JSONValue]
    public var purpose: String
    public var keySalt: String

    public init(
        model: String, messages: [ChatMessage], sampling: SamplingParameters = SamplingParameters(),
        extra: [String: JSONValue] = [:], purpose: String = "", keySalt: String = ""
    ) {
        self.model = model
        self.messages = messages
        self.sampling = sampling
        self.extra = extra
        self.purpose = purpose
        self.keySalt = keySalt
    }

    /// The request body for POST /v1/chat/completions, keys in a fixed order.
    public func wireBody() -> JSONValue {
        var pairs: [(String, JSONValue)] = [
            ("model", .string(model)),
            ("messages", .array(messages.map { .object([("role", .string($0.role)), ("content", .string($0.content))]) })),
        ]
        if let t = sampling.temperature { pairs.append(("temperature", .number(t))) }
        if let p = sampling.topP { pairs.append(("top_p", .number(p))) }
        if let m = sampling.maxTokens { pairs.append(("max_tokens", .integer(m))) }
        if let s = sampling.seed { pairs.append(("seed", .integer(s))) }
        if let stop = sampling.stop, !stop.isEmpty { pairs.append(("stop", .array(stop.map { .string($0) }))) }
        if sampling.jsonObject { pairs.append(("response_format", .object([("type", "json_object")]))) }
        for key in extra.keys.sorted() where !pairs.contains(where: { $0.0 == key }) {
            pairs.append((key, extra[key] ?? .null))
        }
        return .object(pairs)
    }

    /// The cache key: a hash of the provider kind, the canonical wire body and the salt.
    /// The API key and the host are not part of it: the same request to a moved server is the
    /// same request.
    public func key(provider: Provider) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(8192)
        bytes.append(contentsOf: provider.rawValue.utf8)
        bytes.append(0x0A)
        wireBody().write(to: &bytes)
        bytes.append(0x0A)
        bytes.append(contentsOf: keySalt.utf8)
        return Hashing.sha256Hex(bytes)
    }
}

/// Token counts of one completion. `estimated` is true where the server sent no `usage`.
public struct TokenUsage: Sendable, Hashable, Codable {
    public var promptTokens: Int
    public var completionTokens: Int
    public var estimated: Bool

    public init(promptTokens: Int, completionTokens: Int, estimated: Bool = false) {
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.estimated = estimated
    }

    public static let zero = TokenUsage(promptTokens: 0, completionTokens: 0)

    /// A rough count for text with no server count: about four characters a token.
    public static func estimateTokens(_ text: String) -> Int {
        max(1, (text.utf8.count + 3) / 4)
    }
}

/// A completed chat response.
public struct ChatResponse: Sendable, Hashable {
    public var content: String
    public var finishReason: String?
    public var usage: TokenUsage
    public var model: String?

    public init(content: String, finishReason: String?, usage: TokenUsage, model: String? = nil) {
        self.content = content
        self.finishReason = finishReason
        self.usage = usage
        self.model = model
    }
}
