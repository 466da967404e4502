/// Why Parquet bytes could not be read; the reader adds the file, row group and column.
struct ParquetFormatError: Error, Sendable {
    var message: String
    init(_ message: String) { self.message = message }
}

/// Reads the Thrift compact protocol that Parquet's footer and page headers are written in:
/// field headers, zigzag varints, binaries, lists and nested structs. Every read is bounds
/// checked; an unknown field is skipped whatever its type, so newer writers' additions pass.
struct ThriftCompactReader {
    enum FieldType: UInt8 {
        case stop = 0, boolTrue, boolFalse, byte, i16, i32, i64, double, binary, list, set, map, structure, uuid
    }

    private let bytes: UnsafeBufferPointer<UInt8>
    private(set) var position = 0
    private var lastField: [Int16] = [0]
    /// A boolean field carries its value in its header.
    private var pendingBool: Bool?

    init(_ bytes: UnsafeBufferPointer<UInt8>, position: Int = 0) {
        self.bytes = bytes
        self.position = position
    }

    mutating func byte() throws(ParquetFormatError) -> UInt8 {
        guard position < bytes.count else { throw ParquetFormatError("Thrift data ends early") }
        defer { position += 1 }
        return bytes[position]
    }

    mutating func varint() throws(ParquetFormatError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let b = try byte()
            guard shift < 64 else { throw ParquetFormatError("Thrift varint too long") }
            result |= UInt64(b & 0x7F) << shift
            if b & 0x80 == 0 { return result }
            shift += 7
        }
    }

    mutating func zigzag() throws(ParquetFormatError) -> Int64 {
        let v = try varint()
        return Int64(bitPattern: (v >> 1) ^ (0 &- (v & 1)))
    }

    mutating func i32() throws(ParquetFormatError) -> Int32 {
        let v = try zigzag()
        guard let narrow = Int32(exactly: v) else { throw ParquetFormatError("Thrift i32 out of range") }
        return narrow
    }

    mutating func i64() throws(ParquetFormatError) -> Int64 { try zigzag() }

    mutating func bool() throws(ParquetFormatError) -> Bool {
        if let pending = pendingBool {
            pendingBool = nil
            return pending
        }
        return try byte() == 1
    }

    /// A binary's bytes, as a range of the buffer.
    mutating func binaryRange() throws(ParquetFormatError) -> Range<Int> {
        let length = try varint()
        guard length <= UInt64(bytes.count - position) else { throw ParquetFormatError("Thrift binary runs past the data") }
        let start = position
        position += Int(length)
        return start..<position
    }

    mutating func string() throws(ParquetFormatError) -> String {
        let range = try binaryRange()
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)
    }

    /// The next field of the current struct: its id and type, or nil at the struct's end.
    mutating func fieldHeader() throws(ParquetFormatError) -> (id: Int16, type: FieldType)? {
        let header = try byte()
        guard let type = FieldType(rawValue: header & 0x0F) else { throw ParquetFormatError("unknown Thrift type \(header & 0x0F)") }
        if type == .stop { return nil }
        let delta = Int16(header >> 4)
        let id: Int16
        if delta == 0 {
            guard let explicit = Int16(exactly: try zigzag()) else { throw ParquetFormatError("Thrift field id out of range") }
            id = explicit
        } else {
            id = (lastField[lastField.count - 1]) &+ delta
        }
        lastField[lastField.count - 1] = id
        if type == .boolTrue || type == .boolFalse { pendingBool = type == .boolTrue }
        return (id, type)
    }

    /// Reads a struct: `field` is called with each field id and type, and must read or skip it.
    mutating func readStruct(_ field: (inout ThriftCompactReader, Int16, FieldType) throws(ParquetFormatError) -> Void) throws(ParquetFormatError) {
        guard lastField.count < 64 else { throw ParquetFormatError("Thrift structs nested too deeply") }
        lastField.append(0)
        while let (id, type) = try fieldHeader() {
            try field(&self, id, type)
            pendingBool = nil
        }
        lastField.removeLast()
    }

    /// A list header: element count and type.
    mutating func listHeader() throws(ParquetFormatError) -> (count: Int, type: FieldType) {
        let header = try byte()
        var count = UInt64(header >> 4)
        if count == 15 { count = try varint() }
        guard let type = FieldType(rawValue: header & 0x0F) else { throw ParquetFormatError("unknown Thrift list type") }
        // Every element takes at least one byte (or none for a bool list, bounded the same way).
        guard count <= UInt64(bytes.count - position) else { throw ParquetFormatError("Thrift list longer than the data") }
        return (Int(count), type)
    }

    mutating func list<T>(_ element: (inout ThriftCompactReader) throws(ParquetFormatError) -> T) throws(ParquetFormatError) -> [T] {
        let (count, _) = try listHeader()
        var out: [T] = []
        out.reserveCapacity(count)
        for _ in 0..<count { out.append(try element(&self)) }
        return out
    }

    /// Skips one value of `type`.
    mutating func skip(_ type: FieldType, depth: Int = 0) throws(ParquetFormatError) {
        guard depth < 64 else { throw ParquetFormatError("Thrift values nested too deeply") }
        switch type {
        case .stop: break
        case .boolTrue, .boolFalse:
            if pendingBool != nil { pendingBool = nil } else { _ = try byte() }
        case .byte: _ = try byte()
        case .i16, .i32, .i64: _ = try varint()
        case .double:
            guard bytes.count - position >= 8 else { throw ParquetFormatError("Thrift data ends early") }
            position += 8
        case .uuid:
            guard bytes.count - position >= 16 else { throw ParquetFormatError("Thrift data ends early") }
            position += 16
        case .binary: _ = try binaryRange()
        case .list, .set:
            let (count, elementType) = try listHeader()
            for _ in 0..<count { try skip(elementType == .boolTrue || elementType == .boolFalse ? .byte : elementType, depth: depth + 1) }
        case .map:
            let count = try varint()
            guard count <= UInt64(bytes.count - position) else { throw ParquetFormatError("Thrift map longer than the data") }
            if count > 0 {
                let types = try byte()
                guard let key = FieldType(rawValue: types >> 4), let value = FieldType(rawValue: types & 0x0F) else {
                    throw ParquetFormatError("unknown Thrift map types")
                }
                for _ in 0..<count {
                    try skip(key == .boolTrue || key == .boolFalse ? .byte : key, depth: depth + 1)
                    try skip(value == .boolTrue || value == .boolFalse ? .byte : value, depth: depth + 1)
                }
            }
        case .structure:
            try readStruct { (reader: inout ThriftCompactReader, _: Int16, type: FieldType) throws(ParquetFormatError) in
                try reader.skip(type, depth: depth + 1)
            }
        }
    }
}
