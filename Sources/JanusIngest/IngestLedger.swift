import Foundation
import JanusStore

/// The order-dependent half of ingest, fed one prepared record at a time in source and file
/// order: exact dedup (the first occurrence wins), the filter verdict (when it runs before
/// sampling), near-dedup, and the sampling reservoirs. Every dropped line is counted and
/// recorded with what it duplicated.
struct IngestLedger {
    /// Where a record came from: an index into `files`, and its line.
    struct Location {
        /// Index into `files`; the high bit marks an instruction stored by an earlier run, the
        /// next one an instruction an earlier run sampled and then dropped with the filter.
        var file: UInt32
        var line: UInt32
        static let storedBit: UInt32 = 1 << 31
        static let filteredBit: UInt32 = 1 << 30

        init(file: UInt32, line: UInt32, stored: Bool = false, filtered: Bool = false) {
            self.file = file | (stored ? Location.storedBit : 0) | (filtered ? Location.filteredBit : 0)
            self.line = line
        }

        var fileIndex: Int { Int(file & ~(Location.storedBit | Location.filteredBit)) }
        var stored: Bool { file & Location.storedBit != 0 }
        var filtered: Bool { file & Location.filteredBit != 0 }
    }

    let settings: IngestSettings
    let examplesPerReason: Int
    let filterPatterns: [String]
    private(set) var summary = IngestSummary()
    private(set) var drops: [IngestDrop] = []
    private var files: [String] = []
    private var fileIndex: [String: UInt32] = [:]
    private var seen = DigestMap<Location>()
    private var near: SketchIndex?
    /// The digest of each item in `near`, by item number (its location is in `seen`).
    private var nearOwners: [InstructionDigest] = []
    private(set) var reservoirs: [String: SampleReservoir] = [:]
    private var badExamples: [BadRecord.Kind: Int] = [:]
    /// `%.2f` of every similarity a sketch can have (agreeing bins / bins), made once: a
    /// near duplicate's detail is written without `String(format:)`.
    private var similarityTexts: [String] = []

    /// `expectedRecords` sizes the near-duplicate tables at first (a guess; they grow as needed).
    init(settings: IngestSettings, seed: Int, examplesPerReason: Int, filterPatterns: [String], expectedRecords: Int = 0) {
        self.settings = settings
        self.examplesPerReason = examplesPerReason
        self.filterPatterns = filterPatterns
        if settings.nearDedupEnabled {
            let index = SketchIndex(
                bands: 14, rows: 8, threshold: settings.nearThreshold, seed: UInt64(truncatingIfNeeded: seed), expectedItems: expectedRecords)
            near = index
            similarityTexts = (0...index.bins).map { String(format: "%.2f", Double($0) / Double(index.bins)) }
        }
    }

    /// Makes what the store already holds count as seen: exact and near duplicates of it are
    /// dropped, and quotas count it.
    mutating func seed(with stored: [StoredInstruction], hasher: MinHasher?) {
        seen.reserveCapacity(stored.count)
        var sketch = [UInt8](repeating: 0, count: hasher?.bins ?? 0)
        for item in stored {
            let digest = InstructionDigest(hex: item.id) ?? TextNormalizer.digest(ofStored: item.text)
            let location = Location(file: file(item.sourceFile), line: UInt32(clamping: item.sourceLine), stored: true)
            if seen[digest.key] == nil { seen[digest.key] = location }
            guard let hasher, near != nil else { continue }
            let added = sketch.withUnsafeMutableBufferPointer { buffer -> Bool in
                guard let base = buffer.baseAddress, hasher.sketch(item.text, into: base) else { return false }
                return near?.checkAndAdd(UnsafePointer(base)) == nil
            }
            if added { nearOwners.append(digest) }
        }
    }

    /// Makes the instructions earlier runs sampled and then filtered (the paper's recipe) count
    /// as seen: their texts are not sampled again.
    mutating func seed(withFiltered earlier: [IngestDrop]) {
        for drop in earlier {
            guard let id = drop.duplicateOf, let digest = InstructionDigest(hex: id) else { continue }
            let location = Location(file: file(drop.file), line: UInt32(clamping: drop.line), filtered: true)
            if seen[digest.key] == nil { seen[digest.key] = location }
        }
    }

    /// Drops a sampled instruction the filter matches (the paper's recipe: the filter runs
    /// after sampling). The drop keeps the instruction's id, so later runs count it as sampled.
    mutating func dropSampled(_ instruction: StoredInstruction, pattern index: Int) {
        let pattern = filterPatterns[index]
        summary.filterHits[pattern, default: 0] += 1
        drop(instruction.sourceName, instruction.sourceFile, instruction.sourceLine, reason: "filtered",
             detail: Self.filterDetail(pattern, instruction.text), of: instruction.id)
    }

    static func filterDetail(_ pattern: String, _ text: String) -> String {
        "\(pattern) in \"\(TextNormalizer.firstLine(text).prefix(60))\""
    }

    /// The reservoir of a source preset, made with `capacity` the first time it is asked for.
    mutating func reservoir(_ name: String, capacity: Int) -> SampleReservoir {
        if let existing = reservoirs[name] { return existing }
        let made = SampleReservoir(capacity: capacity)
        reservoirs[name] = made
        return made
    }

    /// Takes one batch of one source, in file order.
    /// `lineBase` is added to every record's line (a batch read from a range numbers its lines
    /// from the range's start).
    mutating func take(
        _ batch: PreparedBatch, lineBase: Int = 0, spec: SourceSpec, mainSource: String, counts: inout SourceCounts,
        reservoir: SampleReservoir
    ) throws {
        let fileNumber = file(spec.path)
        // Sketch offsets of this batch, to prefetch near-dup table slots a few records ahead.
        let ahead = 4
        let upcoming: [Int] = near == nil ? [] : batch.records.compactMap {
            if case let .instruction(item) = $0.outcome { return item.sketchOffset }
            return nil
        }
        var nextSketch = 0
        try batch.sketches.withUnsafeBufferPointer { sketches in
            if let base = sketches.baseAddress { for offset in upcoming.prefix(ahead) { near?.prefetch(base + offset) } }
            for var record in batch.records {
                record.line += lineBase
                counts.read += 1
                let here = Location(file: fileNumber, line: UInt32(clamping: record.line))
                switch record.outcome {
                case let .bad(bad):
                    if settings.strict { throw IngestError.badLine(file: spec.path, line: record.line, reason: bad.reason) }
                    counts.bad += 1
                    counts.badReasons[bad.kind.rawValue, default: 0] += 1
                    // Examples of every kind: at most two of each, twice the usual number in all.
                    let shown = badExamples[bad.kind, default: 0]
                    badExamples[bad.kind] = shown + 1
                    let room = summary.examples["bad", default: []].count < 2 * examplesPerReason
                    drop(spec.preset, spec.path, record.line, reason: "bad", detail: bad.reason, example: shown < 2 && room)
                case let .instruction(item):
                    if item.sketchOffset != nil, !upcoming.isEmpty {
                        if nextSketch + ahead < upcoming.count, let base = sketches.baseAddress {
                            near?.prefetch(base + upcoming[nextSketch + ahead])
                        }
                        nextSketch += 1
                    }
                    let key = item.digest.key
                    if let first = seen[key] {
                        counts.duplicate += 1
                        drop(spec.preset, spec.path, record.line, reason: "duplicate", detail: "same text as \(describe(first))", of: item.digest.hex)
                        continue
                    }
                    seen[key] = here
                    if let hit = item.filterHit {
                        let pattern = filterPatterns[hit]
                        counts.filtered += 1
                        summary.filterHits[pattern, default: 0] += 1
                        drop(spec.preset, spec.path, record.line, reason: "filtered", detail: Self.filterDetail(pattern, batch.string(item.text)))
                        continue
                    }
                    if let offset = item.sketchOffset, let base = sketches.baseAddress, near != nil {
                        if let hit = near?.checkAndAdd(base + offset) {
                            counts.nearDuplicate += 1
                            let detail = similarityText(hit.similarity) + " similar to " + describe(nearOwners[hit.item])
                            drop(spec.preset, spec.path, record.line, reason: "near_duplicate", detail: detail, of: nearOwners[hit.item].hex)
                            continue
                        }
                        nearOwners.append(item.digest)
                    }
                    reservoir.offer(rank: item.rank, tiebreak: item.digest.w0) {
                        StoredInstruction(
                            id: item.digest.hex, position: 0, text: batch.string(item.text), mainSource: mainSource,
                            originalSource: batch.string(item.originalSource), sourceName: spec.preset, sourceFile: spec.path,
                            sourceLine: record.line)
                    }
                }
            }
        }
    }

    mutating func finishSource(_ counts: SourceCounts) {
        summary.sources.append(counts)
    }

    private mutating func drop(
        _ source: String, _ path: String, _ line: Int, reason: String, detail: String, of duplicateOf: String? = nil, example: Bool? = nil
    ) {
        drops.append(IngestDrop(sourceName: source, file: path, line: line, reason: reason, detail: detail, duplicateOf: duplicateOf))
        if example ?? (summary.examples[reason, default: []].count < examplesPerReason) {
            summary.examples[reason, default: []].append("\(path):\(line): \(detail)")
        }
    }

    private func similarityText(_ similarity: Double) -> String {
        let bins = similarityTexts.count - 1
        let agreeing = Int((similarity * Double(bins)).rounded())
        guard bins > 0, (0...bins).contains(agreeing), Double(agreeing) / Double(bins) == similarity else {
            return String(format: "%.2f", similarity)
        }
        return similarityTexts[agreeing]
    }

    private mutating func file(_ path: String) -> UInt32 {
        if let known = fileIndex[path] { return known }
        let number = UInt32(files.count)
        files.append(path)
        fileIndex[path] = number
        return number
    }

    private func describe(_ digest: InstructionDigest) -> String {
        seen[digest.key].map(describe) ?? String(digest.hex.prefix(12))
    }

    private func describe(_ location: Location) -> String {
        let path = files[location.fileIndex]
        if location.filtered { return "\(path):\(location.line) (sampled and filtered by an earlier ingest)" }
        return "\(path):\(location.line)" + (location.stored ? " (already stored)" : "")
    }
}
