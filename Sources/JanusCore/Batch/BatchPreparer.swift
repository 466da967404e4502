import Foundation
import JanusExport
import JanusHTTP
import JanusIngest
import JanusLLM
import JanusStore
import JanusSupport

/// What `batch prepare` wrote.
public struct BatchPrepareSummary: Sendable {
    public var stage: Stage
    public var directory: String
    /// Each file with its id in the store.
    public var files: [(id: Int, file: WrittenBatchFile)]
    public var requests: Int
    /// Pending requests left out because they sit in a live provider batch.
    public var heldInLiveBatches: Int
    public var manifest: JSONValue

    public var text: String {
        if requests == 0 {
            return "nothing pending for \(stage.rawValue)"
                + (heldInLiveBatches > 0 ? " (\(heldInLiveBatches) requests sit in live batches; `batch collect` imports them)" : "")
        }
        var lines = ["\(requests) \(stage.rawValue) requests in \(files.count) file(s) in \(directory):"]
        for (_, f) in files { lines.append("  \(f.name): \(f.lines) lines, \(f.bytes) bytes, sha256 \(f.sha256)") }
        if heldInLiveBatches > 0 { lines.append("\(heldInLiveBatches) requests left out: they sit in live batches") }
        return lines.joined(separator: "\n")
    }
}

/// Why a batch could not be prepared.
public struct BatchError: Error, LocalizedError, Sendable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var errorDescription: String? { message }
}

extension Workspace {
    /// Writes the requests of `stage` that are pending now (first asks and re-asks alike, with
    /// the stored answers of every stage validated first, so each item is as far on as it can
    /// be) as batch request lines into `directory`, with `manifest.json`, and records every
    /// file and request in the store so `batch import` knows their keys.
    public func prepareBatch(stage: Stage, directory: URL, limits: BatchFileLimits = BatchFileLimits()) async throws -> BatchPrepareSummary {
        let manager = FileManager.default
        if manager.fileExists(atPath: directory.path) {
            let entries = try manager.contentsOfDirectory(atPath: directory.path)
            if !entries.isEmpty {
                throw BatchError("\(directory.path) is not empty: give a new or empty directory, so no file of an earlier batch is sent again")
            }
        }
        let held = config.generation.releaseBatched ? [] : try store.liveBatchKeys()
        let created = !manager.fileExists(atPath: directory.path)
        try manager.createDirectory(at: directory, withIntermediateDirectories: true)
        let spool = try BatchSpool(directory: directory)
        let heldCount = Locked(0)
        _ = try await runWithoutSending(command: "batch prepare \(stage.rawValue)") { request in
            guard request.stage == stage else { return }
            if held.contains(request.key) {
                heldCount.withLock { $0 += 1 }
            } else {
                spool.add(request, stage: stage)
            }
        }
        let entries = try spool.finish()
        if let bad = entries.first(where: { !BatchRequestLine.isValidCustomID($0.record.key) }) {
            throw BatchError("request key \(bad.record.key) cannot be a custom_id (1 to 64 of A-Z a-z 0-9 _ -)")
        }
        guard !entries.isEmpty else {
            if created { try? manager.removeItem(at: directory) }
            return BatchPrepareSummary(
                stage: stage, directory: directory.path, files: [], requests: 0, heldInLiveBatches: heldCount.withLock { $0 }, manifest: .null)
        }
        var splitter = BatchFileSplitter(directory: directory, stage: stage.rawValue, limits: limits)
        try spool.forEachLine(entries) { entry, line in try splitter.add(key: entry.record.key, line: line) }
        let written = try splitter.finish()
        let byKey = Dictionary(entries.map { ($0.record.key, $0.record) }, uniquingKeysWith: { a, _ in a })
        var files: [(id: Int, file: WrittenBatchFile)] = []
        for file in written {
            let id = try store.addBatchFile(
                stage: stage.rawValue, path: file.path, lines: file.lines, bytes: file.bytes, sha256: file.sha256,
                requests: file.keys.compactMap { byKey[$0] })
            files.append((id, file))
        }
        let manifest = batchManifest(stage: stage, files: files, requests: entries.count, held: heldCount.withLock { $0 }, limits: limits)
        var bytes: [UInt8] = []
        manifest.write(to: &bytes)
        bytes.append(0x0A)
        try Data(bytes).write(to: directory.appendingPathComponent("manifest.json"), options: .atomic)
        return BatchPrepareSummary(
            stage: stage, directory: directory.path, files: files, requests: entries.count, heldInLiveBatches: heldCount.withLock { $0 },
            manifest: manifest)
    }

    func batchManifest(stage: Stage, files: [(id: Int, file: WrittenBatchFile)], requests: Int, held: Int, limits: BatchFileLimits) -> JSONValue {
        let sampling = stageRequests.sampling(stage)
        var settings: [(String, JSONValue)] = [
            ("provider", .string(config.client.provider.rawValue)), ("model", .string(config.client.model)), ("seed", .integer(config.seed)),
            ("template_sha256", .string(templates[stage].hash)),
        ]
        if let t = sampling.temperature { settings.append(("temperature", .number(t))) }
        if let p = sampling.topP { settings.append(("top_p", .number(p))) }
        if let m = sampling.maxTokens { settings.append(("max_tokens", .integer(m))) }
        settings.append(("send_seed", .bool(config.generation.sendSeed)))
        return .object([
            ("stage", .string(stage.rawValue)), ("url", .string(BatchRequestLine.url)), ("created_at", .string(ISO8601DateFormatter().string(from: Date()))),
            ("settings", .object(settings)), ("requests", .integer(requests)), ("held_in_live_batches", .integer(held)),
            ("limits", .object([("max_lines", .integer(limits.maxLines)), ("max_bytes", .integer(limits.maxBytes))])),
            ("files", .array(files.map { entry in
                .object([
                    ("name", .string(entry.file.name)), ("store_id", .integer(entry.id)), ("lines", .integer(entry.file.lines)),
                    ("bytes", .integer(entry.file.bytes)), ("sha256", .string(entry.file.sha256)),
                ])
            })),
        ])
    }
}
