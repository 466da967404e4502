import Foundation

/// One record of a source file: where it starts and what it holds, or why it is unreadable.
public struct RawRecord: Sendable {
    /// 1-based line (JSONL, CSV) or element number (JSON array).
    public var line: Int
    public var value: Result<JSONValue, BadRecord>
}

/// Reads the records of a JSONL, JSON-array or CSV file, whichever its name says.
public enum RecordReader {
    public enum Format: Sendable { case jsonl, jsonArray, csv }

    public static func format(of path: String) throws -> Format {
        let lower = path.lowercased()
        if lower.hasSuffix(".jsonl") || lower.hasSuffix(".ndjson") { return .jsonl }
        if lower.hasSuffix(".json") { return .jsonArray }
        if lower.hasSuffix(".csv") { return .csv }
        throw IngestError.unsupportedFormat(path: path)
    }

    /// Calls `body` with every record in file order.
    public static func forEachRecord(path: String, maxLineBytes: Int, _ body: (RawRecord) throws -> Void) throws {
        guard FileManager.default.fileExists(atPath: path) else {
            throw IngestError.cannotRead(path: path, reason: "no such file")
        }
        switch try format(of: path) {
        case .jsonl:
            let reader = try LineReader(path: path)
            try reader.forEachLine { bytes, line in
                if bytes.isEmpty || bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { return }
                if bytes.count > maxLineBytes {
                    try body(RawRecord(line: line, value: .failure(BadRecord("line longer than \(maxLineBytes) bytes"))))
                    return
                }
                do {
                    try body(RawRecord(line: line, value: .success(try JSONParser.parse(bytes: bytes))))
                } catch let error as JSONParseError {
                    let reason = error.message.contains("UTF-8") ? "invalid UTF-8" : "invalid JSON (\(error.message) at byte \(error.offset))"
                    try body(RawRecord(line: line, value: .failure(BadRecord(reason))))
                }
            }
        case .jsonArray:
            guard let data = FileManager.default.contents(atPath: path) else {
                throw IngestError.cannotRead(path: path, reason: "cannot read the file")
            }
            let root: JSONValue
            do {
                root = try JSONParser.parse(data)
            } catch {
                throw IngestError.badLine(file: path, line: 1, reason: "not a JSON document: \(error.description)")
            }
            guard let items = root.arrayValue else {
                throw IngestError.badLine(file: path, line: 1, reason: "expected a JSON array of records, got a \(root.typeName)")
            }
            for (i, item) in items.enumerated() {
                try body(RawRecord(line: i + 1, value: .success(item)))
            }
        case .csv:
            guard let data = FileManager.default.contents(atPath: path) else {
                throw IngestError.cannotRead(path: path, reason: "cannot read the file")
            }
            try CSVReader.forEachRow(data) { fields, line in
                try body(RawRecord(line: line, value: fields))
            }
        }
    }
}

/// RFC 4180 CSV: the first row names the columns; quoted fields may hold commas, quotes ("")
/// and line breaks. Each row becomes a JSON object keyed by the header.
public enum CSVReader {
    public static func forEachRow(_ data: Data, _ body: (Result<JSONValue, BadRecord>, Int) throws -> Void) throws {
        let bytes = [UInt8](data)
        var header: [String]?
        var fields: [String] = []
        var field: [UInt8] = []
        var inQuotes = false
        var line = 1
        var rowStart = 1
        var i = 0
        var quotedField = false

        func finishField() {
            fields.append(String(decoding: field, as: UTF8.self))
            field.removeAll(keepingCapacity: true)
            quotedField = false
        }
        func finishRow() throws {
            defer {
                fields.removeAll(keepingCapacity: true)
                rowStart = line
            }
            if fields.count == 1, fields[0].isEmpty { return }
            guard let names = header else {
                header = fields
                return
            }
            if fields.count != names.count {
                try body(.failure(BadRecord("expected \(names.count) fields, found \(fields.count)")), rowStart)
                return
            }
            try body(.success(.object(zip(names, fields).map { ($0, .string($1)) })), rowStart)
        }

        while i < bytes.count {
            let b = bytes[i]
            if inQuotes {
                if b == 0x22 {
                    if i + 1 < bytes.count, bytes[i + 1] == 0x22 {
                        field.append(0x22)
                        i += 1
                    } else {
                        inQuotes = false
                    }
                } else {
                    if b == 0x0A { line += 1 }
                    field.append(b)
                }
            } else {
                switch b {
                case 0x22 where field.isEmpty && !quotedField:
                    inQuotes = true
                    quotedField = true
                case 0x2C:
                    finishField()
                case 0x0A:
                    finishField()
                    line += 1
                    try finishRow()
                case 0x0D:
                    break
                default:
                    field.append(b)
                }
            }
            i += 1
        }
        if inQuotes {
            try body(.failure(BadRecord("unterminated quoted field")), rowStart)
            return
        }
        if !field.isEmpty || !fields.isEmpty {
            finishField()
            try finishRow()
        }
    }
}
