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

    /// The request body for POST /v1/chat/completions, keys in a fixed order; without
    /// `messages` when that is false (what the request cache keeps of a request).
    public func wireBody(messages withMessages: Bool = true) -> JSONValue {
        var pairs: [(String, JSONValue)] = [("model", .string(model))]
        if withMessages {
            pairs.append(("messages", .array(messages.map { .object([("role", .string($0.role)), ("content", .string($0.content))]) })))
        }
        if let t = sampling.temperature { pairs.append(("temperature", .number(t))) }
        if let p = sampling.topP { pairs.append(("top_p", .number(p))) }
        if let m = sampling.maxTokens { pairs.append(("max_tokens", .integer(m))) }
        if let s = sampling.seed { pairs.append(("seed", .integer(s))) }
        if let stop = sampling.stop, !stop.isEmpty { pairs.append(("stop", .array(stop.map { .string($0) }))) }
        if sampling.jsonObject { pairs.append(("response_format", .object([("type", "json_object")]))) }
        for key in extra.keys.sorted() where key != "messages" && !pairs.contains(where: { $0.0 == key }) {
            pairs.append((key, extra[key] ?? .null))
        }
        return .object(pairs)
    }

    /// The bytes of `wireBody()`, written straight from the request without building the
    /// JSON value first (the body of every request is written twice: for its key and to send).
    public func wireBytes() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(messages.reduce(256) { $0 + $1.content.utf8.count + 40 })
        writeWireBody(to: &out)
        return out
    }

    /// Appends the bytes of `wireBody(messages:)` to `out`.
    public func writeWireBody(to out: inout [UInt8], messages withMessages: Bool = true) {
        /// A member after the first: its name (plain ASCII, no escaping needed) and colon.
        func name(_ key: String) {
            out.append(contentsOf: ",\"".utf8)
            out.append(contentsOf: key.utf8)
            out.append(contentsOf: "\":".utf8)
        }
        out.append(contentsOf: "{\"model\":".utf8)
        JSONValue.writeString(model, to: &out)
        if withMessages {
            name("messages")
            out.append(UInt8(ascii: "["))
            for (index, message) in messages.enumerated() {
                out.append(contentsOf: index == 0 ? "{\"role\":".utf8 : ",{\"role\":".utf8)
                JSONValue.writeString(message.role, to: &out)
                out.append(contentsOf: ",\"content\":".utf8)
                JSONValue.writeString(message.content, to: &out)
                out.append(UInt8(ascii: "}"))
            }
            out.append(UInt8(ascii: "]"))
        }
        if let t = sampling.temperature {
            name("temperature")
            out.append(contentsOf: JSONValue.format(t).utf8)
        }
        if let p = sampling.topP {
            name("top_p")
            out.append(contentsOf: JSONValue.format(p).utf8)
        }
        if let m = sampling.maxTokens {
            name("max_tokens")
            out.append(contentsOf: String(m).utf8)
        }
        if let s = sampling.seed {
            name("seed")
            out.append(contentsOf: String(s).utf8)
        }
        if let stop = sampling.stop, !stop.isEmpty {
            name("stop")
            JSONValue.array(stop.map { .string($0) }).write(to: &out)
        }
        if sampling.jsonObject {
            name("response_format")
            out.append(contentsOf: "{\"type\":\"json_object\"}".utf8)
        }
        if !extra.isEmpty {
            for key in extra.keys.sorted() where !writesMember(key) {
                out.append(UInt8(ascii: ","))
                JSONValue.writeString(key, to: &out)
                out.append(UInt8(ascii: ":"))
                (extra[key] ?? .null).write(to: &out)
            }
        }
        out.append(UInt8(ascii: "}"))
    }

    /// Whether the body has a member `key` of its own, which an extra of that name does not
    /// override ("messages" counts whether or not the messages are written).
    private func writesMember(_ key: String) -> Bool {
        switch key {
        case "model", "messages": true
        case "temperature": sampling.temperature != nil
        case "top_p": sampling.topP != nil
        case "max_tokens": sampling.maxTokens != nil
        case "seed": sampling.seed != nil
        case "stop": sampling.stop.map { !$0.isEmpty } ?? false
        case "response_format": sampling.jsonObject
        default: false
        }
    }

    /// The cache key: a hash of the provider kind, the canonical wire body and the salt.
    /// The API key and the host are not part of it: the same request to a moved server is the
    /// same request.
    public func key(provider: Provider) -> String {
        ChatRequest.key(provider: provider, wireBytes: wireBytes(), salt: keySalt)
    }

    /// `key(provider:)` of the request whose `wireBytes()` are `wireBytes` and whose salt is `salt`.
    public static func key(provider: Provider, wireBytes: [UInt8], salt: String) -> String {
        var stream = SHA256Stream()
        stream.add(provider.rawValue)
        stream.add(byte: 0x0A)
        stream.add(wireBytes)
        stream.add(byte: 0x0A)
        stream.add(salt)
        return stream.hex()
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
        estimateTokens(bytes: text.utf8.count)
    }

    /// `estimateTokens` of the messages' contents joined by line breaks, without joining them.
    public static func estimatePromptTokens(_ messages: [ChatMessage]) -> Int {
        estimateTokens(bytes: messages.reduce(max(0, messages.count - 1)) { $0 + $1.content.utf8.count })
    }

    private static func estimateTokens(bytes: Int) -> Int {
        max(1, (bytes + 3) / 4)
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
