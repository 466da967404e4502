import Crypto
import Foundation
import JanusExport
import JanusHTTP
import JanusIngest
import JanusLLM
import JanusStore
import JanusSupport

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
/// `<stage>-00000.jsonl`, `<stage>-00001.jsonl`, ..., each with its SHA-256. Lines are streamed
/// to a `.partial` file that is renamed once complete, so memory stays small and no half file
/// has a final name.
struct BatchFileSplitter {
    let directory: URL
    let stage: String
    let limits: BatchFileLimits
    private(set) var written: [WrittenBatchFile] = []
    private var current: (handle: FileHandle, partial: URL, name: String)?
    private var buffer: [UInt8] = []
    private var bytes = 0
    private var hasher = SHA256()
    private var keys: [String] = []

    init(directory: URL, stage: String, limits: BatchFileLimits) {
        self.directory = directory
        self.stage = stage
        self.limits = limits
    }

    /// Adds one line (with its line end) as `BatchRequestLine.write` made it.
    mutating func add(key: String, line: Data) throws {
        if !keys.isEmpty, keys.count >= limits.maxLines || bytes + line.count > limits.maxBytes { try close() }
        if current == nil {
            let name = "\(stage)-" + String(format: "%05d", written.count) + ".jsonl"
            let partial = directory.appendingPathComponent(name + ".partial")
            guard FileManager.default.createFile(atPath: partial.path, contents: nil) else {
                throw BatchError("cannot write \(partial.path)")
            }
            current = (try FileHandle(forWritingTo: partial), partial, name)
        }
        buffer += line
        bytes += line.count
        keys.append(key)
        if buffer.count >= 1 << 20 { try drain() }
    }

    mutating func finish() throws -> [WrittenBatchFile] {
        if current != nil { try close() }
        return written
    }

    private mutating func drain() throws {
        guard let current, !buffer.isEmpty else { return }
        hasher.update(data: buffer)
        try current.handle.write(contentsOf: buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    private mutating func close() throws {
        try drain()
        guard let current else { return }
        try current.handle.close()
        let url = directory.appendingPathComponent(current.name)
        try FileManager.default.moveItem(at: current.partial, to: url)
        let sha = hasher.finalize().map { String(format: "%02x", $0) }.joined()
        written.append(WrittenBatchFile(name: current.name, path: url.path, lines: keys.count, bytes: bytes, sha256: sha, keys: keys))
        self.current = nil
        hasher = SHA256()
        bytes = 0
        keys.removeAll()
    }
}
