import JanusSupport

/// What a worker thread makes of one record: everything about it that does not depend on the
/// records before it. Dedup, near-dedup and sampling, which do, happen afterwards in file order.
struct PreparedRecord: Sendable {
    enum Outcome: Sendable {
        case bad(BadRecord)
        case instruction(PreparedInstruction)
    }

    var line: Int
    var outcome: Outcome
}

/// An instruction that was read, normalised, hashed, ranked and checked against the filter.
/// Its text and origin are byte ranges in the batch's `strings`: the thread that merges
/// batches builds a `String` only for what it keeps, and frees a batch in a few calls.
struct PreparedInstruction: Sendable {
    /// As stored: NFC, trimmed.
    var text: Range<Int>
    var originalSource: Range<Int>
    var digest: InstructionDigest
    var rank: UInt64
    /// The index of the first filter pattern that matched, if any.
    var filterHit: Int?
    /// Where this record's sketch starts in the batch's `sketches`; nil when it has none (no
    /// words, a filter hit, or near-dedup off).
    var sketchOffset: Int?
}

/// The records of one batch, in file order, their sketches and their strings side by side.
struct PreparedBatch: Sendable {
    /// As `RawBatch.newlines`: nil when the records' lines are absolute.
    var newlines: Int?
    /// The range could not be read: the ingest stops with this error.
    var failure: IngestError?
    var records: [PreparedRecord] = []
    var sketches: [UInt8] = []
    var strings: [UInt8] = []

    /// The UTF-8 text at `range` of `strings`.
    func string(_ range: Range<Int>) -> String {
        strings.withUnsafeBufferPointer { String(decoding: UnsafeBufferPointer(rebasing: $0[range]), as: UTF8.self) }
    }

    mutating func append(_ text: String) -> Range<Int> {
        let start = strings.count
        strings.append(contentsOf: text.utf8)
        return start..<strings.count
    }
}

/// The per-record work of ingest, safe to run on any thread: decode, apply the preset,
/// normalise, hash the identity, rank for sampling, test the filter, sketch for near-dedup.
struct RecordProcessor: Sendable {
    let preset: SourcePreset
    let decoder: RecordDecoder
    /// Nil when the filter runs after sampling (the paper's recipe).
    let filter: InstructionFilter?
    let hasher: MinHasher?
    let ranker: SampleRanker

    func process(_ input: RawBatch) -> PreparedBatch {
        var out = PreparedBatch()
        var batch = input
        if let file = input.file, let range = input.range {
            do {
                batch = try file.lines(in: range)
            } catch {
                out.failure = error as? IngestError ?? .cannotRead(path: file.path, reason: "\(error)")
                return out
            }
        }
        out.newlines = batch.newlines
        out.records.reserveCapacity(batch.spans.count)
        for span in batch.spans {
            let outcome: PreparedRecord.Outcome
            switch decoder.decode(span, in: batch.bytes) {
            case let .failure(bad):
                outcome = .bad(bad)
            case let .success(record):
                outcome = prepare(record, into: &out)
            }
            out.records.append(PreparedRecord(line: span.line, outcome: outcome))
        }
        return out
    }

    private func prepare(_ record: JSONValue, into batch: inout PreparedBatch) -> PreparedRecord.Outcome {
        let raw: (text: String, origin: String)
        do {
            raw = try preset.rawInstruction(from: record)
        } catch {
            return .bad(error)
        }
        let text = TextNormalizer.stored(raw.text)
        if text.isEmpty { return .bad(BadRecord(.empty, "instruction is empty")) }
        let digest = TextNormalizer.digest(ofStored: text)
        let hit = filter?.matchIndex(text)
        var sketchOffset: Int?
        if let hasher, hit == nil {
            let offset = batch.sketches.count
            batch.sketches.append(contentsOf: repeatElement(0, count: hasher.bins))
            let hasWords = batch.sketches.withUnsafeMutableBufferPointer { all in
                all.baseAddress.map { hasher.sketch(text, into: $0 + offset) } ?? false
            }
            if hasWords {
                sketchOffset = offset
            } else {
                batch.sketches.removeLast(hasher.bins)
            }
        }
        return .instruction(PreparedInstruction(
            text: batch.append(text), originalSource: batch.append(raw.origin), digest: digest, rank: ranker.rank(digest),
            filterHit: hit, sketchOffset: sketchOffset))
    }
}
