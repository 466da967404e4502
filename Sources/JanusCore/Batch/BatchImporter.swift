import Foundation
import JanusExport
import JanusHTTP
import JanusIngest
import JanusLLM
import JanusStore
import JanusSupport

/// What `batch import` did, per file and in all.
public struct BatchImportSummary: Sendable {
    public struct FileCounts: Sendable, Hashable {
        public var path: String
        public var lines = 0
        /// New answers stored in the request cache.
        public var answers = 0
        /// Lines with no usable answer (HTTP errors, cut off, empty): each a failed attempt.
        public var errors = 0
        /// Lines whose custom_id is no request key of this store: refused.
        public var unknown = 0
        /// Lines imported before (the same line id), or answers the store already held.
        public var already = 0
        /// Lines that could not be read.
        public var malformed = 0
    }

    public var files: [FileCounts] = []
    /// The first problems met, as `file:line: what`.
    public var problems: [String] = []
    /// Per stage after validation: answers accepted, items quarantined, requests still to ask.
    public var accepted: [Stage: Int] = [:]
    public var quarantined: [Stage: Int] = [:]
    public var pending: [Stage: Int] = [:]

    public var total: FileCounts {
        files.reduce(into: FileCounts(path: "all")) { t, f in
            t.lines += f.lines; t.answers += f.answers; t.errors += f.errors; t.unknown += f.unknown
            t.already += f.already; t.malformed += f.malformed
        }
    }

    public var text: String {
        var rows = [["file", "lines", "answers", "errors", "unknown key", "already imported", "unreadable"]]
        for f in files + (files.count > 1 ? [total] : []) {
            rows.append(["\(f.path)", "\(f.lines)", "\(f.answers)", "\(f.errors)", "\(f.unknown)", "\(f.already)", "\(f.malformed)"])
        }
        var text = TextTable.render(rows)
        for stage in Stage.allCases {
            text += "\n\(stage.rawValue): \(accepted[stage] ?? 0) accepted, \(quarantined[stage] ?? 0) quarantined, \(pending[stage] ?? 0) requests to ask next"
        }
        for p in problems { text += "\n" + p }
        return text
    }

    public var json: JSONValue {
        func counts(_ f: FileCounts) -> JSONValue {
            .object([
                ("path", .string(f.path)), ("lines", .integer(f.lines)), ("answers", .integer(f.answers)), ("errors", .integer(f.errors)),
                ("unknown_keys", .integer(f.unknown)), ("already_imported", .integer(f.already)), ("unreadable", .integer(f.malformed)),
            ])
        }
        return .object([
            ("files", .array(files.map(counts))), ("total", counts(total)),
            ("stages", .object(Stage.allCases.map { s in
                (s.rawValue, .object([
                    ("accepted", .integer(accepted[s] ?? 0)), ("quarantined", .integer(quarantined[s] ?? 0)),
                    ("pending", .integer(pending[s] ?? 0)),
                ]))
            })),
            ("problems", .array(problems.map { .string($0) })),
        ])
    }
}

extension Workspace {
    /// A request that gave no answer in this many batches is recorded as failed (as online after
    /// the client's retries); a batch run again sends it again all the same, as online does.
    static let batchAttempts = 3

    /// Reads batch output and error files (OpenAI's, vLLM run-batch's), stores every answer under
    /// its request key like an online answer (at the batch price), logs every line without one
    /// as a failed attempt, then validates every stored answer as an online run does: accepted,
    /// re-asked (the re-ask goes into the next batch) or quarantined. Importing a file twice
    /// changes nothing; a line whose custom_id is no request key of this store is refused.
    public func importBatchFiles(_ paths: [String]) async throws -> BatchImportSummary {
        var summary = BatchImportSummary()
        for path in paths {
            summary.files.append(try importBatchLines(path: path, problems: &summary.problems))
        }
        // What is left to send once every stored answer is taken: what the next prepare writes.
        let pending = Locked<[Stage: Int]>([:])
        let stats = try await runWithoutSending(command: "batch import") { request in
            pending.withLock { $0[request.stage, default: 0] += 1 }
        }
        for (stage, counts) in stats.snapshot().stages {
            summary.accepted[stage] = counts.accepted
            summary.quarantined[stage] = counts.quarantined
        }
        summary.pending = pending.withLock { $0 }
        return summary
    }

    /// One file's lines into the request cache and the attempt log, streamed (an output file of
    /// a million answers is never held whole; a `.gz` one is inflated as it is read).
    func importBatchLines(path: String, problems: inout [String]) throws -> BatchImportSummary.FileCounts {
        let reader: LineReader
        do { reader = try LineReader(path: path) } catch { throw BatchError(error.localizedDescription) }
        var counts = BatchImportSummary.FileCounts(path: path)
        func problem(_ line: Int, _ text: String) {
            if problems.count < 20 { problems.append("\(path):\(line): \(text)") }
        }
        // A thousand lines a transaction: a kill loses at most those, and a new import redoes them.
        var chunk: [(line: [UInt8], number: Int)] = []
        func flush() throws {
            guard !chunk.isEmpty else { return }
            try store.joinedWrites {
                for entry in chunk { try importLine(entry.line[...], number: entry.number, counts: &counts, problem: problem) }
            }
            chunk.removeAll(keepingCapacity: true)
        }
        do {
            try reader.forEachLine { line, number in
                guard !line.allSatisfy({ isASCIISpace($0) }) else { return }
                chunk.append((Array(line), number))
                if chunk.count == 1000 { try flush() }
            }
        } catch let error as IngestError {
            throw BatchError(error.localizedDescription)
        }
        try flush()
        return counts
    }

    private func importLine(
        _ slice: ArraySlice<UInt8>, number: Int, counts: inout BatchImportSummary.FileCounts, problem: (Int, String) -> Void
    ) throws {
        counts.lines += 1
        let line: BatchOutputLine
        do { line = try BatchOutputLine.parse(slice) } catch {
            counts.malformed += 1
            problem(number, error.description)
            return
        }
        guard let request = try store.batchRequest(key: line.customID) else {
            counts.unknown += 1
            problem(number, "custom_id \(line.customID.prefix(80)) is no request of this store (refused)")
            return
        }
        if try store.importedBatchLine(line.lineID) != nil {
            counts.already += 1
            return
        }
        switch line.outcome {
        case let .answer(response):
            if try store.cachedAnswer(key: request.key) != nil {
                counts.already += 1
            } else {
                try store.saveAnswer(
                    key: request.key, purpose: request.purpose, model: request.model, summary: request.summary, response: response,
                    cost: BatchPricing.cost(response.usage, price: price))
                counts.answers += 1
            }
            store.record(attempt(request, line.lineID, status: 200, outcome: "ok", detail: "batch", usage: response.usage))
            try store.recordBatchLine(line.lineID, key: request.key, outcome: "ok")
        case let .failure(outcome, status, message, retryable):
            counts.errors += 1
            problem(number, message)
            store.record(attempt(request, line.lineID, status: status, outcome: outcome, detail: "batch: " + message, usage: nil))
            try store.recordBatchLine(line.lineID, key: request.key, outcome: outcome)
            let failed = try store.failedBatchLines(key: request.key)
            if try store.cachedAnswer(key: request.key) == nil, !retryable || failed >= Self.batchAttempts,
                let stage = Stage(rawValue: request.stage)
            {
                try store.recordFailure(
                    stage: stage, item: request.item,
                    failure: StageFailure(requestKey: request.firstKey, kind: .failed, reason: message, raw: "", attempts: failed))
            }
        }
    }

    private func attempt(_ request: BatchRequestRecord, _ lineID: String, status: Int?, outcome: String, detail: String, usage: TokenUsage?) -> AttemptRecord {
        let now = Date()
        return AttemptRecord(
            requestKey: request.key, purpose: request.purpose, attempt: 1, startedAt: now, finishedAt: now, httpStatus: status,
            outcome: outcome, detail: detail + " (line \(lineID))", usage: usage)
    }
}
