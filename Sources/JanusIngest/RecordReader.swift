import Foundation
import JanusSupport

/// One record of a source file: where it starts and what it holds, or why it is unreadable.
public struct RawRecord: Sendable {
    /// 1-based line (JSONL, CSV) or element number (JSON array).
    public var line: Int
    public var value: Result<JSONValue, BadRecord>
}

/// Reads the records of a JSONL, JSON-array or CSV file, gzip-compressed or not, whichever its
/// name says, or of a Parquet file. Every format is streamed: memory holds one chunk (Parquet:
/// one page per column read), never the whole file.
public enum RecordReader {
    public enum Format: Sendable { case jsonl, jsonArray, csv, parquet }

    /// The format named by the file's extension (a final `.gz` is looked through). A `.json`
    /// file is named `.jsonArray` here; `RecordSource` reads it as JSON Lines unless its first
    /// non-space byte is `[` (`Dataset.to_json` writes JSON Lines under a `.json` name).
    public static func format(of path: String) throws -> Format {
        var lower = path.lowercased()
        if lower.hasSuffix(".parquet") { return .parquet }
        if lower.hasSuffix(".gz") { lower.removeLast(3) }
        if lower.hasSuffix(".jsonl") || lower.hasSuffix(".ndjson") { return .jsonl }
        if lower.hasSuffix(".json") { return .jsonArray }
        if lower.hasSuffix(".csv") { return .csv }
        throw IngestError.unsupportedFormat(path: path)
    }

    /// Calls `body` with every record in file order, on the calling thread. With `fields`,
    /// JSON records keep only those top-level fields (the others are checked, not built).
    public static func forEachRecord(
        path: String, maxLineBytes: Int, fields: Set<String>? = nil, _ body: (RawRecord) throws -> Void
    ) throws {
        var source = try RecordSource(path: path, maxBytes: maxLineBytes, fields: fields)
        while let batch = try source.nextBatch(targetBytes: 1 << 20) {
            for span in batch.spans {
                try body(RawRecord(line: span.line, value: source.decoder.decode(span, in: batch.bytes)))
            }
        }
    }
}

/// A source file opened for reading: its splitter, and the decoder its records need.
struct RecordSource {
    let path: String
    let decoder: RecordDecoder
    private var splitter: (any RecordSplitter)?
    /// A plain JSON Lines file read in ranges by the workers, and where the next range starts.
    private var ranges: JSONLFile?
    private var nextRange = 0
    private var sequence = 0

    /// With `inRanges`, a plain JSON Lines file comes as byte ranges that the worker threads
    /// read and split (`RawBatch.range`); everything else comes as records.
    init(path: String, maxBytes: Int, fields: Set<String>? = nil, inRanges: Bool = false) throws {
        guard FileManager.default.fileExists(atPath: path) else {
            throw IngestError.cannotRead(path: path, reason: "no such file")
        }
        self.path = path
        var format = try RecordReader.format(of: path)
        if format == .parquet {
            splitter = try ParquetSplitter(path: path, columns: fields, maxBytes: maxBytes)
            decoder = RecordDecoder(format: .parquet, header: [], maxBytes: maxBytes, fields: fields)
            return
        }
        let window = ByteWindow(try ByteSources.open(path))
        try window.skipByteOrderMark()
        if format == .jsonArray, try window.firstNonSpaceByte() != UInt8(ascii: "[") { format = .jsonl }
        switch format {
        case .jsonl where inRanges && !ByteSources.isGzip(path) && JSONLFile.isRegularFile(path):
            let file = try JSONLFile(path: path, maxBytes: maxBytes)
            ranges = file
            nextRange = file.start
            decoder = RecordDecoder(format: format, header: [], maxBytes: maxBytes, fields: fields)
        case .jsonl:
            splitter = JSONLSplitter(window, maxBytes: maxBytes)
            decoder = RecordDecoder(format: format, header: [], maxBytes: maxBytes, fields: fields)
        case .jsonArray:
            splitter = JSONArraySplitter(window, maxBytes: maxBytes)
            decoder = RecordDecoder(format: format, header: [], maxBytes: maxBytes, fields: fields)
        case .csv:
            let csv = try CSVSplitter(window, maxBytes: maxBytes)
            splitter = csv
            decoder = RecordDecoder(format: format, header: csv.header, maxBytes: maxBytes, fields: nil)
        case .parquet:
            throw IngestError.unsupportedFormat(path: path)
        }
    }

    /// The next batch of about `targetBytes`, or nil at the end of the file.
    mutating func nextBatch(targetBytes: Int) throws -> RawBatch? {
        if let file = ranges {
            guard nextRange < file.size else { return nil }
            var batch = RawBatch(sequence: sequence)
            let end = min(file.size, nextRange + max(1, targetBytes))
            batch.range = nextRange..<end
            batch.file = file
            nextRange = end
            sequence += 1
            return batch
        }
        guard splitter != nil else { return nil }
        var batch = RawBatch(sequence: sequence, reserving: targetBytes + (targetBytes >> 2))
        guard try splitter?.fill(&batch, targetBytes: targetBytes) == true else { return nil }
        sequence += 1
        return batch
    }
}

/// Turns the bytes of one record into a JSON value, or says why it cannot: safe to use from
/// any thread.
struct RecordDecoder: Sendable {
    let format: RecordReader.Format
    let header: [String]
    let maxBytes: Int
    /// The top-level JSON fields to keep; nil keeps all.
    let fields: Set<String>?

    func decode(_ span: RawBatch.Span, in bytes: [UInt8]) -> Result<JSONValue, BadRecord> {
        RecordDecoder.decode(span, in: bytes, format: format, header: header, maxBytes: maxBytes, fields: fields)
    }

    static func decode(
        _ span: RawBatch.Span, in bytes: [UInt8], format: RecordReader.Format, header: [String], maxBytes: Int = Int.max,
        fields: Set<String>? = nil
    ) -> Result<JSONValue, BadRecord> {
        switch span.kind {
        case .tooLong:
            let unit = format == .csv || format == .parquet ? "row" : format == .jsonArray ? "record" : "line"
            return .failure(BadRecord(.tooLong, "\(unit) longer than \(maxBytes == Int.max ? "the limit" : "\(maxBytes) bytes")"))
        case .unterminated:
            return .failure(BadRecord(.malformedRow, "unterminated quoted field"))
        case .record:
            break
        }
        return bytes.withUnsafeBufferPointer { all in
            let record = UnsafeBufferPointer(rebasing: all[span.start..<(span.start + span.count)])
            if format == .csv { return CSVReader.record(record, header: header) }
            do throws(JSONParseError) {
                if let fields { return .success(try JSONParser.parse(bytes: record, keeping: fields)) }
                return .success(try JSONParser.parse(bytes: record))
            } catch {
                if error.message.contains("UTF-8") { return .failure(BadRecord(.invalidUTF8, "invalid UTF-8")) }
                return .failure(BadRecord(.invalidJSON, "invalid JSON (\(error.message) at byte \(error.offset))"))
            }
        }
    }
}

extension ByteWindow {
    /// The first byte that is not JSON white space, without consuming anything; nil when the
    /// input holds nothing else.
    func firstNonSpaceByte() throws -> UInt8? {
        var offset = 0
        while true {
            while offset < available {
                if !isJSONSpace(self[offset]) { return self[offset] }
                offset += 1
            }
            guard try refill() else { return nil }
        }
    }
}
