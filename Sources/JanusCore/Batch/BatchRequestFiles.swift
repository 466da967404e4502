import Foundation

/// Limits of one batch request file: OpenAI takes at most 50,000 requests and 200 MB a file.
public struct BatchFileLimits: Sendable, Hashable {
    public var maxLines = 50_000
    public var maxBytes = 190 * 1_000_000

    public init(maxLines: Int = 50_000, maxBytes: Int = 190 * 1_000_000) {
        self.maxLines = max(1, maxLines)
        self.maxBytes = max(1024, maxBytes)
    }
}

/// One request file written, as the manifest lists it.
public struct WrittenBatchFile: Sendable, Hashable {
    public var name: String
    public var path: String
    public var lines: Int
    public var bytes: Int
    public var sha256: String
    /// The request keys on its lines, in order.
    public var keys: [String]
}

/// The batch request line format: `{"custom_id", "method", "url", "body"}`, the body being the
/// very chat completion request the online client sends.
public enum BatchRequestLine {
    public static let url = "/v1/chat/completions"

    /// Whether `id` can be a `custom_id`: 1 to 64 characters of `[A-Za-z0-9_-]`. Request keys
    /// (SHA-256 in hex) always can, so a custom_id is the request key itself.
    public static func isValidCustomID(_ id: String) -> Bool {
        let bytes = id.utf8
        return (1...64).contains(bytes.count) && bytes.allSatisfy { b in
            (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x5F || b == 0x2D
        }
    }

    public static func write(key: String, request: ChatRequest, to bytes: inout [UInt8]) {
        JSONValue.object([
            ("custom_id", .string(key)), ("method", "POST"), ("url", .string(url)), ("body", request.wireBody()),
        ]).write(to: &bytes)
        bytes.append(0x0A)
    }
}

/// Writes request lines into files of at most `limits` lines and bytes, named
/// `<stage>-00000.jsonl`, `<stage>-00001.jsonl`, ..., each with its SHA-256.
struct BatchFileSplitter {
    let directory: URL
    let stage: String
    let limits: BatchFileLimits
    private(set) var written: [WrittenBatchFile] = []
    private var buffer: [UInt8] = []
    private var keys: [String] = []

    init(directory: URL, stage: String, limits: BatchFileLimits) {
        self.directory = directory
        self.stage = stage
        self.limits = limits
    }

    mutating func add(key: String, request: ChatRequest) throws {
        var line: [UInt8] = []
        BatchRequestLine.write(key: key, request: request, to: &line)
        if !keys.isEmpty, keys.count >= limits.maxLines || buffer.count + line.count > limits.maxBytes { try flush() }
        buffer += line
        keys.append(key)
    }

    mutating func finish() throws -> [WrittenBatchFile] {
        if !keys.isEmpty { try flush() }
        return written
    }

    private mutating func flush() throws {
        let name = "\(stage)-" + String(format: "%05d", written.count) + ".jsonl"
        let url = directory.appendingPathComponent(name)
        try Data(buffer).write(to: url, options: .atomic)
        written.append(
            WrittenBatchFile(name: name, path: url.path, lines: keys.count, bytes: buffer.count, sha256: Hashing.sha256Hex(buffer), keys: keys))
        buffer.removeAll(keepingCapacity: true)
        keys.removeAll(keepingCapacity: true)
    }
}
