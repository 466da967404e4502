import Foundation
import JanusHTTP
import JanusStore
import JanusSupport

/// Decodes the row groups of a Parquet file on background threads, a few row groups ahead of
/// the reader, and hands their rows back in file order. Each thread takes the next row group
/// not yet started and writes its rows (as JSON objects) into slices of about `sliceBytes`;
/// a row group holds at most `slicesPerGroup` slices not yet taken, so memory stays bounded
/// whatever the size of a row group: threads x slices x slice bytes, plus a page per column.
final class ParquetRowGroupPipeline: @unchecked Sendable {
    /// Rows in file order: row `i` is `bytes[ends[i-1]..<ends[i]]`; an empty row was longer
    /// than the limit (its bytes are dropped).
    struct Slice: Sendable {
        var bytes: [UInt8] = []
        var ends: [Int] = []
    }

    private struct Group {
        var slices: [Slice] = []
        var finished = false
        var error: (any Error)?
    }

    let file: ParquetFile
    private let fields: [ParquetSchemaNode]
    private let maxBytes: Int
    private let sliceBytes: Int
    private let slicesPerGroup: Int
    private let lookahead: Int

    // Guarded by `condition`.
    private let condition = NSCondition()
    private var groups: [Int: Group] = [:]
    /// The row group the reader takes rows from.
    private var current = 0
    /// The next row group no thread has started.
    private var nextToStart = 0
    private var cancelled = false

    init(file: ParquetFile, fields: [ParquetSchemaNode], maxBytes: Int, threads: Int, sliceBytes: Int = 1 << 20, slicesPerGroup: Int = 4) {
        self.file = file
        self.fields = fields
        self.maxBytes = maxBytes
        self.sliceBytes = sliceBytes
        self.slicesPerGroup = slicesPerGroup
        let count = file.metadata.rowGroups.count
        lookahead = max(1, threads)
        for i in 0..<min(max(1, threads), count) {
            let thread = Thread { [self] in work() }
            thread.name = "janus-parquet-\(i)"
            thread.start()
        }
    }

    /// The next slice of rows in file order, or nil after the last row group. Throws the
    /// error of a row group that could not be read, after the rows before it.
    func next() throws -> Slice? {
        condition.lock()
        defer { condition.unlock() }
        while current < file.metadata.rowGroups.count {
            if var group = groups[current] {
                if !group.slices.isEmpty {
                    let slice = group.slices.removeFirst()
                    groups[current] = group
                    condition.broadcast()
                    return slice
                }
                if group.finished {
                    groups[current] = nil
                    if let error = group.error {
                        cancelled = true
                        condition.broadcast()
                        throw error
                    }
                    current += 1
                    condition.broadcast()
                    continue
                }
            }
            condition.wait()
        }
        return nil
    }

    /// Stops the threads (the reader is gone); they finish the page they are on.
    func cancel() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        condition.unlock()
    }

    private func work() {
        while let index = claim() {
            decode(index)
        }
    }

    /// The next row group to decode, when it is near enough the reader's; nil when none is left.
    private func claim() -> Int? {
        condition.lock()
        defer { condition.unlock() }
        while !cancelled, nextToStart < file.metadata.rowGroups.count {
            if nextToStart < current + lookahead {
                let index = nextToStart
                nextToStart += 1
                groups[index] = Group()
                return index
            }
            condition.wait()
        }
        return nil
    }

    private func decode(_ index: Int) {
        var slice = Slice()
        var failure: (any Error)?
        do {
            var assembler = try ParquetRowAssembler(file: file, rowGroup: index, fields: fields)
            slice.bytes.reserveCapacity(sliceBytes + (sliceBytes >> 2))
            while assembler.rowsLeft > 0 {
                let start = slice.bytes.count
                try assembler.writeRow(into: &slice.bytes)
                if slice.bytes.count - start > maxBytes { slice.bytes.removeSubrange(start...) }
                slice.ends.append(slice.bytes.count)
                if slice.bytes.count >= sliceBytes {
                    guard hand(slice, to: index) else { return }
                    slice = Slice()
                    slice.bytes.reserveCapacity(sliceBytes + (sliceBytes >> 2))
                }
            }
        } catch {
            failure = error
        }
        condition.lock()
        if !slice.ends.isEmpty { groups[index]?.slices.append(slice) }
        groups[index]?.error = failure
        groups[index]?.finished = true
        condition.broadcast()
        condition.unlock()
    }

    /// Queues a full slice, waiting while the row group has `slicesPerGroup` untaken; false
    /// when the reader is gone.
    private func hand(_ slice: Slice, to index: Int) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while !cancelled, (groups[index]?.slices.count ?? 0) >= slicesPerGroup { condition.wait() }
        if cancelled { return false }
        groups[index]?.slices.append(slice)
        condition.broadcast()
        return true
    }
}
