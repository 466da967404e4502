import Foundation
import JanusHTTP
import JanusSupport

/// A batch as the provider describes it (`/v1/batches/{id}`).
public struct BatchInfo: Sendable, Hashable {
    public var id: String
    public var status: String
    public var inputFileID: String?
    public var outputFileID: String?
    public var errorFileID: String?
    public var total: Int
    public var completed: Int
    public var failed: Int

    /// No further change comes: its output and error files (if any) are final.
    public var isFinal: Bool { BatchInfo.finalStatuses.contains(status) }
    public static let finalStatuses: Set<String> = ["completed", "expired", "cancelled", "failed"]

    init(_ json: JSONValue) {
        id = json["id"]?.stringValue ?? ""
        status = json["status"]?.stringValue ?? "unknown"
        inputFileID = json["input_file_id"]?.stringValue
        outputFileID = json["output_file_id"]?.stringValue
        errorFileID = json["error_file_id"]?.stringValue
        let counts = json["request_counts"]
        total = counts?["total"]?.intValue ?? 0
        completed = counts?["completed"]?.intValue ?? 0
        failed = counts?["failed"]?.intValue ?? 0
    }
}

/// The Files and Batches endpoints of an OpenAI-compatible API (OpenAI, Azure OpenAI, Groq,
/// Together, Mistral), on the same libcurl transport as the chat client. Transient failures
/// (connection errors, 429, 5xx) are retried a few times with backoff; the API key is read once
/// from the environment and scrubbed from every message.
public final class BatchAPIClient: Sendable {
    private let base: String
    private let apiKey: String
    private let caBundle: String?
    private let limits: TransferLimits
    private let transport = CurlTransport(expectedConcurrency: 2)
    private let attempts: Int
    private let retryDelay: Double

    public init(settings: ClientSettings, environment: [String: String] = ProcessInfo.processInfo.environment) throws(ChatError) {
        guard let key = environment[settings.apiKeyEnv]?.trimmingCharacters(in: .whitespacesAndNewlines), !key.isEmpty else {
            throw ChatError(
                kind: .configuration,
                message: "no API key: set the environment variable \(settings.apiKeyEnv) (or choose another with --api-key-env)")
        }
        guard CurlGlobal.ensureInitialized() else { throw ChatError(kind: .configuration, message: "libcurl could not be initialised") }
        var base = settings.baseURL
        while base.hasSuffix("/") { base.removeLast() }
        if !base.hasSuffix("/v1") { base += "/v1" }
        self.base = base
        apiKey = key
        caBundle = settings.caBundle ?? environment["SSL_CERT_FILE"].flatMap { $0.isEmpty ? nil : $0 }
        // Uploads and downloads of a few hundred megabytes: no total timeout, only a stall limit.
        limits = TransferLimits(
            connectTimeout: settings.connectTimeout, totalTimeout: 0, lowSpeedBytes: 1, lowSpeedSeconds: settings.lowSpeedSeconds)
        attempts = max(1, min(settings.maxAttempts, 6))
        retryDelay = settings.retryBaseDelay
    }

    deinit { transport.shutdown() }

    /// Uploads a JSONL request file (`POST /v1/files`, purpose `batch`); returns its file id.
    public func upload(file: URL) async throws(ChatError) -> String {
        let content: Data
        do { content = try Data(contentsOf: file) } catch {
            throw ChatError(kind: .configuration, message: "cannot read \(file.path): \(error.localizedDescription)")
        }
        let boundary = "janus-batch-" + Hashing.sha256Hex(content).prefix(32)
        var body: [UInt8] = []
        body.reserveCapacity(content.count + 512)
        body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\nbatch\r\n".utf8)
        body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(file.lastPathComponent)\"\r\n".utf8)
        body += Array("Content-Type: application/jsonl\r\n\r\n".utf8)
        body += content
        body += Array("\r\n--\(boundary)--\r\n".utf8)
        let json = try await call(.post, "/files", body: body, contentType: "multipart/form-data; boundary=\(boundary)")
        guard let id = json["id"]?.stringValue else { throw ChatError(kind: .invalidBody, message: "the upload answer names no file id") }
        return id
    }

    /// Creates a batch over an uploaded file, for `/v1/chat/completions`, within 24 hours.
    public func createBatch(inputFileID: String) async throws(ChatError) -> BatchInfo {
        let request = JSONValue.object([
            ("input_file_id", .string(inputFileID)), ("endpoint", "/v1/chat/completions"), ("completion_window", "24h"),
        ])
        return BatchInfo(try await call(.post, "/batches", body: Array(request.serializedData()), contentType: "application/json"))
    }

    public func batch(id: String) async throws(ChatError) -> BatchInfo {
        BatchInfo(try await call(.get, "/batches/\(id)"))
    }

    public func cancel(batchID: String) async throws(ChatError) -> BatchInfo {
        BatchInfo(try await call(.post, "/batches/\(batchID)/cancel", body: [], contentType: "application/json"))
    }

    /// A file's content (`GET /v1/files/{id}/content`).
    public func content(fileID: String) async throws(ChatError) -> [UInt8] {
        try await send(.get, "/files/\(fileID)/content", body: [], contentType: nil).body
    }

    public func delete(fileID: String) async throws(ChatError) {
        _ = try await call(.delete, "/files/\(fileID)")
    }

    private func call(_ method: HTTPRequest.Method, _ path: String, body: [UInt8] = [], contentType: String? = nil) async throws(ChatError) -> JSONValue {
        let response = try await send(method, path, body: body, contentType: contentType)
        do {
            return try JSONParser.parse(Data(response.body))
        } catch {
            throw ChatError(kind: .invalidBody, status: 200, message: "\(method.rawValue) \(path): the answer is not JSON: \(ResponseDecoder.preview(response.body))")
        }
    }

    private func send(_ method: HTTPRequest.Method, _ path: String, body: [UInt8], contentType: String?) async throws(ChatError) -> HTTPResponse {
        var headers = ["Authorization: Bearer \(apiKey)", "Accept: application/json"]
        if let contentType { headers.append("Content-Type: \(contentType)") }
        var request = HTTPRequest(method: method, url: base + path, headers: headers, body: body, limits: limits, caBundle: caBundle)
        request.maxResponseBytes = 4 << 30
        var attempt = 0
        while true {
            attempt += 1
            let failure: ChatError
            switch await transport.send(request) {
            case let .success(response) where (200..<300).contains(response.status):
                return response
            case let .success(response):
                failure = ChatError(
                    kind: .http, status: response.status,
                    message: redact("\(method.rawValue) \(path): \(ResponseDecoder.errorMessage(from: response.body))"), attempts: attempt)
                if !RetryPolicy.isRetryable(status: response.status) { throw failure }
            case let .failure(error):
                failure = ChatError(kind: .transport, message: redact("\(method.rawValue) \(base + path): \(error.message)"), attempts: attempt)
                if error.kind == .configuration || error.kind == .cancelled { throw failure }
            }
            guard attempt < attempts else { throw failure }
            do { try await Task.sleep(for: .seconds(retryDelay * Double(1 << min(attempt, 6)))) } catch {
                throw ChatError(kind: .cancelled, message: "cancelled", attempts: attempt)
            }
        }
    }

    private func redact(_ text: String) -> String {
        text.replacingOccurrences(of: apiKey, with: "[redacted key]")
    }
}
