import Foundation

/// Cuts a byte stream into records (JSONL lines, JSON array elements, CSV rows) without decoding
/// them, so decoding can run on other threads. Memory holds one chunk and the records cut from it.
protocol RecordSplitter {
    /// Appends the next record to `batch`; false at the end of the input.
    mutating func next(_ batch: inout RawBatch) throws -> Bool
}

extension RecordSplitter {
    /// Appends records until `batch` holds about `targetBytes`; false when nothing was left to add.
    mutating func fill(_ batch: inout RawBatch, targetBytes: Int, maxRecords: Int = 1 << 16) throws -> Bool {
        let before = batch.spans.count
        while batch.bytes.count < targetBytes, batch.spans.count - before < maxRecords {
            guard try next(&batch) else { break }
        }
        return batch.spans.count > before
    }
}

/// JSON Lines: one record per line; blank lines are skipped. A line over the limit is reported
/// and skipped without ever being held whole.
struct JSONLSplitter: RecordSplitter {
    let window: ByteWindow
    let maxBytes: Int
    private var line = 0
    private var skippingLongLine = false

    init(_ window: ByteWindow, maxBytes: Int) {
        self.window = window
        self.maxBytes = maxBytes
    }

    mutating func next(_ batch: inout RawBatch) throws -> Bool {
        while true {
            let available = window.available
            let start = window.base + window.start
            if available > 0, let found = memchr(start, 0x0A, available) {
                let newline = found.assumingMemoryBound(to: UInt8.self)
                let length = newline - start
                window.start += length + 1
                if skippingLongLine {
                    skippingLongLine = false
                    continue
                }
                line += 1
                if emit(start, length, &batch) { return true }
                continue
            }
            if skippingLongLine {
                window.discardAll()
            } else if available > maxBytes + 1 {
                line += 1
                batch.appendMarker(.tooLong, line: line)
                skippingLongLine = true
                window.discardAll()
                return true
            }
            if try !window.refill() {
                if window.available > 0, !skippingLongLine {
                    let tail = window.base + window.start
                    let length = window.available
                    window.discardAll()
                    line += 1
                    if emit(tail, length, &batch) { return true }
                }
                return false
            }
        }
    }

    /// Adds one line unless it is blank; true when something was added.
    private func emit(_ start: UnsafeMutablePointer<UInt8>, _ length: Int, _ batch: inout RawBatch) -> Bool {
        var count = length
        if count > 0, start[count - 1] == 0x0D { count -= 1 }
        var blank = true
        for i in 0..<count where start[i] != 0x20 && start[i] != 0x09 {
            blank = false
            break
        }
        if blank { return false }
        if count > maxBytes {
            batch.appendMarker(.tooLong, line: line)
        } else {
            batch.append(start, count: count, line: line)
        }
        return true
    }
}

/// Scans the elements of one top-level JSON array, tracking strings and nesting, so that a file
/// of any size is read element by element. Elements are numbered from 1. A file that is not an
/// array, or ends inside one, is a fatal error; a malformed element is just a bad record.
struct JSONArraySplitter: RecordSplitter {
    private enum Phase { case start, element, separator, done }
    let window: ByteWindow
    let maxBytes: Int
    private var phase = Phase.start
    private var element = 0

    init(_ window: ByteWindow, maxBytes: Int) {
        self.window = window
        self.maxBytes = maxBytes
    }

    mutating func next(_ batch: inout RawBatch) throws -> Bool {
        while true {
            switch phase {
            case .done:
                return false
            case .start:
                guard let first = try skipWhitespace() else {
                    throw IngestError.badLine(file: window.path, line: 1, reason: "empty file, expected a JSON array of records")
                }
                guard first == UInt8(ascii: "[") else {
                    throw IngestError.badLine(
                        file: window.path, line: 1, reason: "expected a JSON array of records, got \(JSONArraySplitter.describe(first))")
                }
                window.start += 1
                guard let after = try skipWhitespace() else { throw unclosed() }
                if after == UInt8(ascii: "]") {
                    window.start += 1
                    try finish()
                    return false
                }
                phase = .element
            case .separator:
                guard let b = try skipWhitespace() else { throw unclosed() }
                window.start += 1
                if b == UInt8(ascii: "]") {
                    try finish()
                    return false
                }
                guard b == UInt8(ascii: ",") else {
                    throw IngestError.badLine(file: window.path, line: element, reason: "expected ',' or ']' after element \(element)")
                }
                phase = .element
            case .element:
                _ = try skipWhitespace()
                try scanElement(&batch)
                phase = .separator
                return true
            }
        }
    }

    /// Cuts one element, ending before the `,` or `]` that follows it at depth 0.
    private mutating func scanElement(_ batch: inout RawBatch) throws {
        element += 1
        var offset = 0
        var depth = 0
        var inString = false
        var escaped = false
        var tooLong = false
        scan: while true {
            let available = window.available
            while offset < available {
                let b = window[offset]
                if inString {
                    if escaped {
                        escaped = false
                    } else if b == UInt8(ascii: "\\") {
                        escaped = true
                    } else if b == UInt8(ascii: "\"") {
                        inString = false
                    }
                } else {
                    switch b {
                    case UInt8(ascii: "\""): inString = true
                    case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                    case UInt8(ascii: "}"), UInt8(ascii: "]"):
                        if depth == 0, b == UInt8(ascii: "]") { break scan }
                        depth = max(0, depth - 1)
                    case UInt8(ascii: ","):
                        if depth == 0 { break scan }
                    default: break
                    }
                }
                offset += 1
            }
            if offset > maxBytes {
                tooLong = true
                window.start += offset
                offset = 0
            }
            guard try window.refill() else { throw unclosed() }
        }
        if tooLong {
            window.start += offset
            batch.appendMarker(.tooLong, line: element)
            return
        }
        var count = offset
        while count > 0, isJSONSpace(window[count - 1]) { count -= 1 }
        if count > maxBytes {
            batch.appendMarker(.tooLong, line: element)
        } else {
            batch.append(window.base + window.start, count: count, line: element)
        }
        window.start += offset
    }

    /// The next byte that is not JSON white space, left unconsumed; nil at the end of input.
    private func skipWhitespace() throws -> UInt8? {
        while true {
            while window.available > 0 {
                let b = window[0]
                if !isJSONSpace(b) { return b }
                window.start += 1
            }
            guard try window.refill() else { return nil }
        }
    }

    private mutating func finish() throws {
        phase = .done
        if try skipWhitespace() != nil {
            throw IngestError.badLine(file: window.path, line: element, reason: "unexpected data after the JSON array")
        }
    }

    private func unclosed() -> IngestError {
        .badLine(file: window.path, line: max(element, 1), reason: "the JSON array is not closed (the file ends inside element \(max(element, 1)))")
    }

    static func describe(_ first: UInt8) -> String {
        switch first {
        case UInt8(ascii: "{"): return "an object (for one record per line, name the file .jsonl)"
        case UInt8(ascii: "\""): return "a string"
        case UInt8(ascii: "t"), UInt8(ascii: "f"): return "a boolean"
        case UInt8(ascii: "n"): return "null"
        default: return "something that is not JSON"
        }
    }
}

@inline(__always) func isJSONSpace(_ b: UInt8) -> Bool {
    b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09
}
