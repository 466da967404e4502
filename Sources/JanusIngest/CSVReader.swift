import Foundation
import JanusSupport

/// RFC 4180 CSV: the first row names the columns; quoted fields may hold commas, quotes ("")
/// and line breaks. Rows are cut from the stream by `CSVSplitter` and turned into JSON objects
/// keyed by the header by `CSVReader.record(_:header:)`.
public enum CSVReader {
    /// Calls `body` with each data row of `data` as an object keyed by the header, and the line
    /// the row starts on.
    public static func forEachRow(_ data: Data, _ body: (Result<JSONValue, BadRecord>, Int) throws -> Void) throws {
        let window = ByteWindow(MemoryByteSource([UInt8](data)))
        var splitter = try CSVSplitter(window, maxBytes: Int.max)
        var batch = RawBatch()
        while try splitter.next(&batch) {}
        for span in batch.spans {
            try body(RecordDecoder.decode(span, in: batch.bytes, format: .csv, header: splitter.header), span.line)
        }
    }

    /// The fields of one row (its bytes without the final line break).
    static func fields(_ row: UnsafeBufferPointer<UInt8>) throws(BadRecord) -> [String] {
        var fields: [String] = []
        var field: [UInt8] = []
        var inQuotes = false
        var quoted = false
        var i = 0
        func finishField() throws(BadRecord) {
            guard let text = String(validating: field, as: UTF8.self) else {
                throw BadRecord(.invalidUTF8, "invalid UTF-8 in field \(fields.count + 1)")
            }
            fields.append(text)
            field.removeAll(keepingCapacity: true)
            quoted = false
        }
        while i < row.count {
            let b = row[i]
            if inQuotes {
                if b == 0x22 {
                    if i + 1 < row.count, row[i + 1] == 0x22 {
                        field.append(0x22)
                        i += 1
                    } else {
                        inQuotes = false
                    }
                } else {
                    field.append(b)
                }
            } else {
                switch b {
                case 0x22 where field.isEmpty && !quoted:
                    inQuotes = true
                    quoted = true
                case 0x2C: try finishField()
                case 0x0D: break
                default: field.append(b)
                }
            }
            i += 1
        }
        try finishField()
        return fields
    }

    /// One data row as an object keyed by `header`, or why it cannot be one.
    static func record(_ row: UnsafeBufferPointer<UInt8>, header: [String]) -> Result<JSONValue, BadRecord> {
        do {
            let values = try fields(row)
            guard values.count == header.count else {
                return .failure(BadRecord(.malformedRow, "expected \(header.count) fields, found \(values.count)"))
            }
            return .success(.object(zip(header, values).map { ($0, .string($1)) }))
        } catch {
            return .failure(error)
        }
    }
}

/// Cuts CSV rows, honouring quotes (a quoted field may span lines). Reads the header row when
/// created. Each row keeps the line it starts on; empty rows are skipped.
struct CSVSplitter: RecordSplitter {
    let window: ByteWindow
    let maxBytes: Int
    private(set) var header: [String] = []
    private var line = 1

    init(_ window: ByteWindow, maxBytes: Int) throws {
        self.window = window
        self.maxBytes = maxBytes
        var first = RawBatch()
        while try next(&first) {
            guard let span = first.spans.first else { continue }
            if span.kind != .record {
                throw IngestError.badLine(file: window.path, line: span.line, reason: "cannot read the CSV header row")
            }
            var row = Array(first.bytes[span.start..<(span.start + span.count)])
            if row.starts(with: [0xEF, 0xBB, 0xBF]) { row.removeFirst(3) }
            do {
                header = try row.withUnsafeBufferPointer { buffer throws(BadRecord) in try CSVReader.fields(buffer) }
            } catch {
                throw IngestError.badLine(file: window.path, line: span.line, reason: "CSV header: \(error.reason)")
            }
            break
        }
    }

    mutating func next(_ batch: inout RawBatch) throws -> Bool {
        while true {
            let rowLine = line
            var offset = 0
            var inQuotes = false
            var closedQuote = false
            var fieldStart = true
            var tooLong = false
            var ended = false
            scan: while true {
                let available = window.available
                while offset < available {
                    let b = window[offset]
                    if inQuotes {
                        if b == 0x22 {
                            inQuotes = false
                            closedQuote = true
                        } else if b == 0x0A {
                            line += 1
                        }
                    } else if b == 0x0A {
                        line += 1
                        break scan
                    } else if b == 0x22, fieldStart || closedQuote {
                        inQuotes = true
                        fieldStart = false
                        closedQuote = false
                    } else if b != 0x0D {
                        fieldStart = b == 0x2C
                        closedQuote = false
                    }
                    offset += 1
                }
                if offset > maxBytes {
                    tooLong = true
                    window.start += offset
                    offset = 0
                }
                if try !window.refill() {
                    ended = true
                    break scan
                }
            }
            // `offset` is at the line break (or the end of input).
            var count = offset
            while count > 0, window[count - 1] == 0x0D { count -= 1 }
            let rowStart = window.base + window.start
            window.start += ended ? offset : offset + 1
            if tooLong || count > maxBytes {
                batch.appendMarker(.tooLong, line: rowLine)
                return true
            }
            if inQuotes {
                batch.appendMarker(.unterminated, line: rowLine)
                return true
            }
            if count > 0 {
                batch.append(rowStart, count: count, line: rowLine)
                return true
            }
            if ended { return false }
        }
    }
}
