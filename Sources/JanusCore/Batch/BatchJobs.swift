import Foundation
import JanusExport
import JanusHTTP
import JanusIngest
import JanusLLM
import JanusStore
import JanusSupport

/// How `batch collect` waits for batches to end: the first poll after `initial` seconds, each
/// wait then doubled up to `maximum`; `timeout` (nil: no limit) stops the waiting, the batches
/// left running are collected by a later `collect`.
public struct BatchPolling: Sendable, Hashable {
    public var initial: Double
    public var maximum: Double
    public var timeout: Double?

    public init(initial: Double = 30, maximum: Double = 600, timeout: Double? = nil) {
        self.initial = max(0.01, initial)
        self.maximum = max(self.initial, maximum)
        self.timeout = timeout
    }
}

/// What `batch collect` did.
public struct BatchCollectResult: Sendable {
    public var imported: [BatchFileRecord] = []
    public var stillRunning: [BatchFileRecord] = []
    public var summary: BatchImportSummary?
}

extension Workspace {
    /// The Files and Batches client for the configured provider (its base URL and API key).
    public func batchAPI() throws -> BatchAPIClient {
        guard config.client.provider == .openai else {
            throw BatchError("batch APIs need --provider openai (an OpenAI-compatible server with /v1/files and /v1/batches)")
        }
        return try BatchAPIClient(settings: config.client)
    }

    /// Prepares the pending requests of `stage` into `directory`, uploads each file and creates
    /// a batch over it. Each id is stored the moment it is known, so a killed process loses at
    /// most an upload: its requests go into the next batch.
    public func submitBatch(stage: Stage, directory: URL, limits: BatchFileLimits, api: BatchAPIClient) async throws
        -> (prepared: BatchPrepareSummary, submitted: [BatchFileRecord])
    {
        let prepared = try await prepareBatch(stage: stage, directory: directory, limits: limits)
        var submitted: [BatchFileRecord] = []
        for (id, file) in prepared.files {
            guard var record = try store.batchFile(id: id) else { continue }
            record.endpoint = config.client.baseURL
            record.inputFileID = try await api.upload(file: URL(fileURLWithPath: file.path))
            record.status = "uploaded"
            try store.updateBatchFile(record)
            let info = try await api.createBatch(inputFileID: record.inputFileID ?? "")
            record.batchID = info.id
            record.status = info.status
            try store.updateBatchFile(record)
            submitted.append(record)
        }
        return (prepared, submitted)
    }

    /// The submitted batches not imported yet, with their status asked of the provider now.
    public func refreshBatches(api: BatchAPIClient) async throws -> [(record: BatchFileRecord, info: BatchInfo)] {
        var out: [(BatchFileRecord, BatchInfo)] = []
        for var record in try store.batchFiles() where record.isLive {
            let info = try await api.batch(id: record.batchID ?? "")
            record.status = info.status
            record.outputFileID = info.outputFileID ?? record.outputFileID
            record.errorFileID = info.errorFileID ?? record.errorFileID
            try store.updateBatchFile(record)
            out.append((record, info))
        }
        return out
    }

    /// Waits (polling with backoff) for the live batches to end, downloads the output and error
    /// file of each ended one next to its request file, imports them, and marks the batch
    /// imported: its requests without an answer are pending again and go into the next batch.
    /// `cleanup` deletes the provider's input, output and error files once imported.
    public func collectBatches(
        api: BatchAPIClient, polling: BatchPolling, cleanup: Bool, progress: @Sendable (String) -> Void = { _ in }
    ) async throws -> BatchCollectResult {
        var result = BatchCollectResult()
        let started = Date()
        var wait = polling.initial
        while true {
            let live = try await refreshBatches(api: api)
            let ended = live.filter { $0.info.isFinal }.map(\.record)
            if !ended.isEmpty {
                var paths: [String] = []
                for record in ended { paths += try await download(record, api: api) }
                let summary = try await importBatchFiles(paths)
                result.summary = summary
                for var record in ended {
                    record.status = "imported"
                    try store.updateBatchFile(record)
                    result.imported.append(record)
                    if cleanup {
                        for id in [record.inputFileID, record.outputFileID, record.errorFileID].compactMap({ $0 }) {
                            try await api.delete(fileID: id)
                        }
                    }
                }
            }
            let running = live.filter { !$0.info.isFinal }
            if running.isEmpty { return result }
            if let timeout = polling.timeout, Date().timeIntervalSince(started) + wait > timeout {
                result.stillRunning = running.map(\.record)
                return result
            }
            let counts = running.map { "\($0.record.batchID ?? "?") \($0.info.status) \($0.info.completed + $0.info.failed)/\($0.info.total)" }
            progress("waiting \(Int(wait.rounded(.up))) s: " + counts.joined(separator: ", "))
            try await Task.sleep(for: .seconds(wait))
            wait = min(polling.maximum, wait * 2)
        }
    }

    /// Downloads a batch's output and error files beside its request file; returns their paths.
    func download(_ record: BatchFileRecord, api: BatchAPIClient) async throws -> [String] {
        var base = URL(fileURLWithPath: record.path).deletingPathExtension()
        let directory = base.deletingLastPathComponent()
        if !FileManager.default.fileExists(atPath: directory.path) {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        }
        base = directory.appendingPathComponent(base.lastPathComponent + "." + (record.batchID ?? "batch"))
        var paths: [String] = []
        for (id, suffix) in [(record.outputFileID, "output"), (record.errorFileID, "errors")] {
            guard let id, !id.isEmpty else { continue }
            let bytes = try await api.content(fileID: id)
            let path = base.path + ".\(suffix).jsonl"
            try Data(bytes).write(to: URL(fileURLWithPath: path), options: .atomic)
            paths.append(path)
        }
        return paths
    }

    /// Asks the provider to cancel the live batches (all, or those with the given ids); their
    /// answers so far are imported by the next `collect`.
    public func cancelBatches(ids: [String], api: BatchAPIClient) async throws -> [(record: BatchFileRecord, info: BatchInfo)] {
        var out: [(BatchFileRecord, BatchInfo)] = []
        let live = try store.batchFiles().filter(\.isLive)
        let unknown = ids.filter { id in !live.contains { $0.batchID == id } }
        if !unknown.isEmpty { throw BatchError("no live batch with id \(unknown.joined(separator: ", ")) in \(config.db)") }
        for var record in live where ids.isEmpty || ids.contains(record.batchID ?? "") {
            let info = try await api.cancel(batchID: record.batchID ?? "")
            record.status = info.status
            try store.updateBatchFile(record)
            out.append((record, info))
        }
        return out
    }
}
