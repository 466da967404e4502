import Foundation
import JanusHTTP
import JanusSupport

/// One line of a batch output or error file: OpenAI's (and Azure's, Groq's, Together's,
/// Mistral's) and `vllm run-batch`'s share the shape
/// `{"id", "custom_id", "response": {"status_code", "body"}, "error"}`.
public struct BatchOutputLine: Sendable {
    public enum Outcome: Sendable {
        case answer(ChatResponse)
        /// No usable answer: `outcome` is what the attempt log records (`http_error`, `length`, ...).
        case failure(outcome: String, status: Int?, message: String, retryable: Bool)
    }

    /// The line's `id`, else a hash of the line: what makes a second import of it a no-op.
    public var lineID: String
    public var customID: String
    public var outcome: Outcome

    /// Why a line could not be read at all.
    public struct Malformed: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    public static func parse(_ line: ArraySlice<UInt8>) throws(Malformed) -> BatchOutputLine {
        let json: JSONValue
        do {
            json = try line.withUnsafeBufferPointer { buffer throws(JSONParseError) in try JSONParser.parse(bytes: buffer) }
        } catch {
            throw Malformed(description: "not JSON (\(error))")
        }
        guard json.objectValue != nil else { throw Malformed(description: "expected a JSON object") }
        guard let customID = json["custom_id"]?.stringValue, !customID.isEmpty else {
            throw Malformed(description: "no custom_id (expected a string field \"custom_id\")")
        }
        let hasError = json["error"].map { $0 != .null } ?? false
        guard json["response"].map({ $0 != .null }) ?? false || hasError else {
            throw Malformed(
                description: json["body"] != nil ? "a request line, not an output line (this is a file batch prepare wrote)"
                    : "neither a \"response\" nor an \"error\"")
        }
        let lineID = json["id"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 } ?? "sha256:" + Hashing.sha256Hex(Array(line))
        return BatchOutputLine(lineID: lineID, customID: customID, outcome: outcome(of: json))
    }

    private static func outcome(of json: JSONValue) -> Outcome {
        let response = json["response"].flatMap { $0.objectValue == nil ? nil : $0 }
        let status = response?["status_code"]?.intValue
        if let error = json["error"], error.objectValue != nil || error.stringValue != nil, status == nil || status == 200 {
            let message = error["message"]?.stringValue ?? error.stringValue ?? error["code"]?.stringValue ?? "no message"
            let code = error["code"]?.stringValue ?? ""
            // Not the request's fault: the batch ended before it was answered.
            if code == "batch_expired" || code == "batch_cancelled" {
                return .failure(outcome: String(code.dropFirst(6)), status: nil, message: "not answered: \(message)", retryable: true)
            }
            return .failure(
                outcome: "batch_error", status: nil, message: "the batch reported an error\(code.isEmpty ? "" : " (\(code))"): \(message)",
                retryable: true)
        }
        guard let response, let status else {
            return .failure(outcome: "batch_error", status: nil, message: "the response has no status_code", retryable: true)
        }
        let body = response["body"].map { value -> [UInt8] in
            if let text = value.stringValue { return Array(text.utf8) }  // some servers send the body as a string
            return Array(value.serializedData())
        } ?? []
        guard status == 200 else {
            let outcome = status == 429 ? "rate_limited" : (500...599).contains(status) ? "server_error" : "http_error"
            // vLLM run-batch puts its message in "error" as a string, with no body.
            let message = json["error"]?.stringValue ?? json["error"]?["message"]?.stringValue ?? ResponseDecoder.errorMessage(from: body)
            return .failure(outcome: outcome, status: status, message: "HTTP \(status): \(message)", retryable: RetryPolicy.isRetryable(status: status))
        }
        let completion: ResponseDecoder.Completion
        switch ResponseDecoder.completion(from: body) {
        case let .failure(problem):
            return .failure(outcome: "invalid_body", status: 200, message: problem.message, retryable: true)
        case let .success(decoded):
            completion = decoded
        }
        let content = completion.content ?? ""
        if completion.finishReason == "length" {
            return .failure(outcome: "length", status: 200, message: "the answer was cut off at max_tokens", retryable: true)
        }
        if content.unicodeScalars.allSatisfy({ UTF8Bytes.isWhitespace($0.value) }) {
            return .failure(outcome: "empty_content", status: 200, message: "the answer was empty", retryable: true)
        }
        let usage = completion.usage ?? TokenUsage(promptTokens: 0, completionTokens: TokenUsage.estimateTokens(content), estimated: true)
        return .answer(ChatResponse(content: content, finishReason: completion.finishReason, usage: usage, model: completion.model))
    }
}
