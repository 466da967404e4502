import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A plain (not compressed) JSON Lines file cut into byte ranges that the worker threads read
/// (`pread`) and split into lines themselves, so the thread that merges results in file order
/// neither copies the file nor looks for line ends.
///
/// A range owns the lines that start in it; a line starting near its end is read past it. Line
/// numbers are counted within the range and made absolute when the ranges are merged in order:
/// a range also reports how many line ends it holds. A line longer than the limit is reported
/// and skipped without being held whole, as `JSONLSplitter` does.
final class JSONLFile: Sendable {
    /// Bytes in the file when it was opened; anything written later is not read.
    var size: Int { file.size }
    var path: String { file.path }
    /// Where the first line starts: after a UTF-8 byte-order mark, if there is one.
    let start: Int
    let maxBytes: Int
    private let file: FileRandomAccess

    init(path: String, maxBytes: Int) throws {
        self.maxBytes = maxBytes
        file = try FileRandomAccess(path: path)
        var head: (UInt8, UInt8, UInt8) = (0, 0, 0)
        let file = file
        let n = try withUnsafeMutableBytes(of: &head) { buffer -> Int in
            guard let base = buffer.baseAddress else { return 0 }
            return try file.read(into: base, count: 3, at: 0)
        }
        start = n == 3 && head == (0xEF, 0xBB, 0xBF) ? 3 : 0
    }

    /// Only a regular file can be read at any offset: a named pipe (`<(zcat ...)`) or a device is
    /// read front to back.
    static func isRegularFile(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFREG
    }

    /// Reads up to `count` bytes at `offset`; fewer only at the end of the file.
    func read(into buffer: UnsafeMutableRawPointer, count: Int, at offset: Int) throws -> Int {
        try file.read(into: buffer, count: count, at: offset)
    }

    /// The lines that start in `range` (absolute file offsets, from `start`), numbered from 1
    /// within the range; `newlines` of the batch is how many line ends the range holds.
    func lines(in range: Range<Int>) throws -> RawBatch {
        var cutter = RangeCutter(file: self, range: range)
        return try cutter.cut()
    }
}

/// The work of `JSONLFile.lines(in:)`: `batch.bytes` holds file bytes read so far, in segments
/// (a skipped long line leaves a gap); within the current one, file offset = index + `delta`.
private struct RangeCutter {
    let file: JSONLFile
    let lo: Int
    let hi: Int
    var batch: RawBatch
    /// Bytes to reserve for the batch: the range, a line past it, and the byte before it.
    let reservation: Int
    var delta = 0
    /// Line ends seen at file offsets in `lo..<hi`.
    var newlines = 0
    /// How far past the range to read at first: most ranges end inside a line of this size.
    static let overhang = 1 << 15

    init(file: JSONLFile, range: Range<Int>) {
        self.file = file
        lo = range.lowerBound
        hi = range.upperBound
        reservation = range.count + RangeCutter.overhang + 1
        batch = RawBatch()
    }

    var fileEnd: Int { batch.bytes.count + delta }

    mutating func cut() throws -> RawBatch {
        var position: Int
        if lo == file.start {
            try startSegment(at: lo)
            position = 0
        } else {
            // The lines this range owns start after the first line end at lo - 1 or later, and
            // before hi.
            try startSegment(at: lo - 1)
            guard let end = try lineEnd(from: 0, within: hi) else { return finish() }
            if end + delta >= lo { newlines += 1 }
            position = end + 1
        }
        while position + delta < hi, position + delta < file.size {
            let line = newlines + 1
            switch try findLineEnd(from: position) {
            case let .found(end):
                emit(position, end - position, line: line)
                if end + delta < hi { newlines += 1 }
                position = end + 1
            case .endOfFile:
                emit(position, batch.bytes.count - position, line: line)
                return finish()
            case .tooLong:
                batch.appendMarker(.tooLong, line: line)
                let skipFrom = fileEnd
                batch.bytes.removeSubrange(position...)
                guard let end = try skipToLineEnd(from: skipFrom), end < hi else { return finish() }
                newlines += 1
                guard end + 1 < hi, end + 1 < file.size else { return finish() }
                try startSegment(at: end + 1)
                position = batch.bytes.count - (fileEnd - (end + 1))
            }
        }
        return finish()
    }

    private mutating func finish() -> RawBatch {
        batch.newlines = newlines
        return batch
    }

    /// Starts a segment at file offset `offset`: reads up to `hi` and a little past.
    private mutating func startSegment(at offset: Int) throws {
        delta = offset - batch.bytes.count
        try extend(by: min(file.size, hi + RangeCutter.overhang) - offset)
    }

    /// Reads `count` more bytes (fewer at the end of the file) after the buffered ones.
    private mutating func extend(by count: Int) throws {
        let from = fileEnd
        let wanted = min(count, file.size - from)
        guard wanted > 0 else { return }
        if batch.bytes.isEmpty {
            // The first read goes straight into the batch's storage, without zero-filling it.
            let file = file
            batch.bytes = try [UInt8](unsafeUninitializedCapacity: max(wanted, reservation)) { buffer, initialized in
                guard let base = buffer.baseAddress else { return }
                initialized = try file.read(into: base, count: wanted, at: from)
            }
            return
        }
        let old = batch.bytes.count
        batch.bytes.append(contentsOf: repeatElement(0, count: wanted))
        let file = file
        let n = try batch.bytes.withUnsafeMutableBytes { all -> Int in
            guard let base = all.baseAddress else { return 0 }
            return try file.read(into: base + old, count: wanted, at: from)
        }
        if n < wanted { batch.bytes.removeLast(wanted - n) }
    }

    /// The index of the first line end at or after index `from` whose file offset is below
    /// `limit`, reading more as needed; nil when there is none.
    private mutating func lineEnd(from: Int, within limit: Int) throws -> Int? {
        var at = from
        while true {
            let end = min(batch.bytes.count, limit - delta)
            if at < end, let found = memchrIndex(at, end) { return found }
            at = max(at, end)
            guard end == batch.bytes.count, fileEnd < min(limit, file.size) else { return nil }
            try extend(by: max(RangeCutter.overhang, batch.bytes.count))
        }
    }

    private enum LineEnd { case found(Int), endOfFile, tooLong }

    /// Where the line starting at index `position` ends: reads on while it is no longer than
    /// the limit allows (its bytes plus a carriage return and the line feed).
    private mutating func findLineEnd(from position: Int) throws -> LineEnd {
        var at = position
        while true {
            let end = batch.bytes.count
            // A line found whole is judged by `emit` (blank, or longer than the limit).
            if at < end, let found = memchrIndex(at, end) { return .found(found) }
            at = end
            if end - position > file.maxBytes + 1 { return .tooLong }
            if fileEnd >= file.size { return .endOfFile }
            try extend(by: min(max(RangeCutter.overhang, end - position), file.maxBytes + 2 - (end - position)))
        }
    }

    /// Skips a long line from file offset `from` without keeping it: the file offset of its
    /// line end, or nil when it runs past the range (or the file) without one.
    private func skipToLineEnd(from: Int) throws -> Int? {
        let chunk = 1 << 16
        return try withUnsafeTemporaryAllocation(of: UInt8.self, capacity: chunk) { buffer in
            guard let base = buffer.baseAddress else { return nil }
            var offset = from
            while offset < min(hi, file.size) {
                let n = try file.read(into: base, count: min(chunk, hi - offset), at: offset)
                if n == 0 { return nil }
                if let found = memchr(base, 0x0A, n) {
                    return offset + (UnsafePointer(found.assumingMemoryBound(to: UInt8.self)) - UnsafePointer(base))
                }
                offset += n
            }
            return nil
        }
    }

    private func memchrIndex(_ from: Int, _ end: Int) -> Int? {
        batch.bytes.withUnsafeBufferPointer { all in
            guard let base = all.baseAddress, let found = memchr(base + from, 0x0A, end - from) else { return nil }
            return UnsafePointer(found.assumingMemoryBound(to: UInt8.self)) - base
        }
    }

    /// Adds the line at `start` unless it is blank (as `JSONLSplitter` does).
    private mutating func emit(_ start: Int, _ length: Int, line: Int) {
        var count = length
        let blank: Bool = batch.bytes.withUnsafeBufferPointer { all in
            if count > 0, all[start + count - 1] == 0x0D { count -= 1 }
            for i in start..<(start + count) where all[i] != 0x20 && all[i] != 0x09 { return false }
            return true
        }
        if blank { return }
        if count > file.maxBytes {
            batch.appendMarker(.tooLong, line: line)
        } else {
            batch.appendSpan(start: start, count: count, line: line)
        }
    }
}
