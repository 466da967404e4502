import Foundation

/// Reads a Parquet file row by row as JSON objects holding the columns a preset uses, so that
/// ingest treats it like JSON Lines. Only the leaf columns under those fields are read (a
/// large `answers` or `candidates_completions` column is never touched), one row group at a
/// time per decoding thread, one page per column at a time (`ParquetRowGroupPipeline`). Rows
/// are numbered from 1 across row groups.
struct ParquetSplitter: RecordSplitter {
    /// Stops the decoding threads when the splitter goes away.
    private final class Owner {
        let pipeline: ParquetRowGroupPipeline
        init(_ pipeline: ParquetRowGroupPipeline) { self.pipeline = pipeline }
        deinit { pipeline.cancel() }
    }

    let file: ParquetFile
    let maxBytes: Int
    private let owner: Owner
    private var slice = ParquetRowGroupPipeline.Slice()
    private var taken = 0
    private var row = 0

    /// Opens `path`; `columns` names the top-level fields to read (nil: all of them).
    init(path: String, columns: Set<String>?, maxBytes: Int) throws {
        try self.init(file: ParquetFile(path: path), columns: columns, maxBytes: maxBytes)
    }

    /// `threads`: how many row groups are decoded at once (default: one per core, at most 4).
    init(file: ParquetFile, columns: Set<String>?, maxBytes: Int, threads: Int = min(4, ProcessInfo.processInfo.activeProcessorCount)) {
        self.file = file
        self.maxBytes = maxBytes
        let fields = file.schema.fields.filter { columns?.contains($0.name) ?? true }
        owner = Owner(ParquetRowGroupPipeline(file: file, fields: fields, maxBytes: maxBytes, threads: threads))
    }

    mutating func next(_ batch: inout RawBatch) throws -> Bool {
        while taken == slice.ends.count {
            guard let next = try owner.pipeline.next() else { return false }
            slice = next
            taken = 0
        }
        let start = taken == 0 ? 0 : slice.ends[taken - 1]
        let end = slice.ends[taken]
        taken += 1
        row += 1
        if end == start {
            batch.appendMarker(.tooLong, line: row)
        } else {
            slice.bytes.withUnsafeBufferPointer { b in
                if let base = b.baseAddress { batch.append(base + start, count: end - start, line: row) }
            }
        }
        return true
    }
}
