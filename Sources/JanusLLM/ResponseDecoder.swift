import Foundation
import JanusSupport

/// Reads chat completion bodies and OpenAI-style error bodies with JanusCore's `JSONParser`.
enum ResponseDecoder {
    /// The parts of a completion the client looks at.
    struct Completion: Sendable, Hashable {
        var content: String?
        var finishReason: String?
        var usage: TokenUsage?
        var model: String?
    }

    /// Why a 200 body is not a completion.
    struct Failure: Error, Sendable, Hashable {
        var message: String
    }

    static func completion(from body: [UInt8]) -> Result<Completion, Failure> {
        let json: JSONValue
        do {
            json = try body.withUnsafeBufferPointer { buffer throws(JSONParseError) in try JSONParser.parse(bytes: buffer) }
        } catch {
            return .failure(Failure(message: "response is not JSON (\(error)): \(preview(body))"))
        }
        guard let choice = json["choices"]?.arrayValue?.first else {
            if let message = errorMessage(from: json) {
                return .failure(Failure(message: "error in a 200 response: \(message)"))
            }
            return .failure(Failure(message: "response has no choices"))
        }
        let message = choice["message"]
        var usage: TokenUsage?
        if let object = json["usage"], let prompt = object["prompt_tokens"]?.intValue {
            usage = TokenUsage(promptTokens: prompt, completionTokens: object["completion_tokens"]?.intValue ?? 0)
        }
        return .success(
            Completion(
                content: message?["content"]?.stringValue,
                finishReason: choice["finish_reason"]?.stringValue,
                usage: usage,
                model: json["model"]?.stringValue))
    }

    /// The server's own words from `{"error":{"message":...}}` (or `{"error":"..."}`,
    /// `{"message":...}`, `{"detail":...}` as other compatible servers send), else a preview
    /// of the body.
    static func errorMessage(from body: [UInt8]) -> String {
        let json = try? body.withUnsafeBufferPointer { buffer throws(JSONParseError) in try JSONParser.parse(bytes: buffer) }
        return json.flatMap(errorMessage(from:)) ?? preview(body)
    }

    private static func errorMessage(from json: JSONValue) -> String? {
        if let error = json["error"] {
            return error["message"]?.stringValue ?? error.stringValue
        }
        return json["message"]?.stringValue ?? json["detail"]?.stringValue
    }

    /// The first 200 bytes of a body, for messages.
    static func preview(_ body: [UInt8]) -> String {
        if body.isEmpty { return "(empty body)" }
        let text = String(decoding: body.prefix(200), as: UTF8.self)
        return body.count > 200 ? text + "..." : text
    }
}
