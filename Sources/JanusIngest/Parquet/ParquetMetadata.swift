/// The parts of a Parquet footer (`FileMetaData`, parquet.thrift) the reader uses.
struct ParquetMetadata {
    enum PhysicalType: Int32 {
        case boolean = 0, int32, int64, int96, float, double, byteArray, fixedLenByteArray
    }

    enum Repetition: Int32 { case required = 0, optional, repeated }

    struct SchemaElement {
        var type: PhysicalType?
        var typeLength: Int32 = 0
        var repetition: Repetition = .required
        var name = ""
        var numChildren: Int32 = 0
        var convertedType: Int32?
        /// Set when the logical type is LIST (field 10, union member 3).
        var logicalList = false
    }

    struct ColumnChunk {
        var type: PhysicalType?
        var path: [String] = []
        var codec: Int32 = 0
        var numValues: Int64 = 0
        var totalCompressedSize: Int64 = 0
        var dataPageOffset: Int64 = 0
        var dictionaryPageOffset: Int64?
        var externalFile = false

        /// Where the chunk's first page starts.
        var start: Int64 {
            if let dictionaryPageOffset, dictionaryPageOffset > 0, dictionaryPageOffset < dataPageOffset { return dictionaryPageOffset }
            return dataPageOffset
        }
    }

    struct RowGroup {
        var columns: [ColumnChunk] = []
        var numRows: Int64 = 0
    }

    var schema: [SchemaElement] = []
    var numRows: Int64 = 0
    var rowGroups: [RowGroup] = []

    init(_ bytes: UnsafeBufferPointer<UInt8>) throws(ParquetFormatError) {
        var reader = ThriftCompactReader(bytes)
        var metadata = self
        try reader.readStruct { (r: inout ThriftCompactReader, id: Int16, type: ThriftCompactReader.FieldType) throws(ParquetFormatError) in
            switch (id, type) {
            case (2, .list): metadata.schema = try r.list { (r: inout ThriftCompactReader) throws(ParquetFormatError) in try Self.schemaElement(&r) }
            case (3, .i64): metadata.numRows = try r.i64()
            case (4, .list): metadata.rowGroups = try r.list { (r: inout ThriftCompactReader) throws(ParquetFormatError) in try Self.rowGroup(&r) }
            default: try r.skip(type)
            }
        }
        self = metadata
    }

    private init() {}

    private static func schemaElement(_ r: inout ThriftCompactReader) throws(ParquetFormatError) -> SchemaElement {
        var e = SchemaElement()
        try r.readStruct { (r: inout ThriftCompactReader, id: Int16, type: ThriftCompactReader.FieldType) throws(ParquetFormatError) in
            switch (id, type) {
            case (1, .i32):
                let raw = try r.i32()
                guard let physical = PhysicalType(rawValue: raw) else { throw ParquetFormatError("unknown physical type \(raw)") }
                e.type = physical
            case (2, .i32): e.typeLength = try r.i32()
            case (3, .i32):
                let raw = try r.i32()
                guard let repetition = Repetition(rawValue: raw) else { throw ParquetFormatError("unknown repetition \(raw)") }
                e.repetition = repetition
            case (4, .binary): e.name = try r.string()
            case (5, .i32): e.numChildren = try r.i32()
            case (6, .i32): e.convertedType = try r.i32()
            case (10, .structure):
                try r.readStruct { (r: inout ThriftCompactReader, id: Int16, type: ThriftCompactReader.FieldType) throws(ParquetFormatError) in
                    if id == 3 { e.logicalList = true }
                    try r.skip(type)
                }
            default: try r.skip(type)
            }
        }
        return e
    }

    private static func rowGroup(_ r: inout ThriftCompactReader) throws(ParquetFormatError) -> RowGroup {
        var g = RowGroup()
        try r.readStruct { (r: inout ThriftCompactReader, id: Int16, type: ThriftCompactReader.FieldType) throws(ParquetFormatError) in
            switch (id, type) {
            case (1, .list): g.columns = try r.list { (r: inout ThriftCompactReader) throws(ParquetFormatError) in try columnChunk(&r) }
            case (3, .i64): g.numRows = try r.i64()
            default: try r.skip(type)
            }
        }
        return g
    }

    private static func columnChunk(_ r: inout ThriftCompactReader) throws(ParquetFormatError) -> ColumnChunk {
        var c = ColumnChunk()
        try r.readStruct { (r: inout ThriftCompactReader, id: Int16, type: ThriftCompactReader.FieldType) throws(ParquetFormatError) in
            switch (id, type) {
            case (1, .binary): c.externalFile = !(try r.string()).isEmpty
            case (3, .structure): try columnMetaData(&r, into: &c)
            default: try r.skip(type)
            }
        }
        return c
    }

    private static func columnMetaData(_ r: inout ThriftCompactReader, into c: inout ColumnChunk) throws(ParquetFormatError) {
        try r.readStruct { (r: inout ThriftCompactReader, id: Int16, type: ThriftCompactReader.FieldType) throws(ParquetFormatError) in
            switch (id, type) {
            case (1, .i32): c.type = PhysicalType(rawValue: try r.i32())
            case (3, .list): c.path = try r.list { (r: inout ThriftCompactReader) throws(ParquetFormatError) in try r.string() }
            case (4, .i32): c.codec = try r.i32()
            case (5, .i64): c.numValues = try r.i64()
            case (7, .i64): c.totalCompressedSize = try r.i64()
            case (9, .i64): c.dataPageOffset = try r.i64()
            case (11, .i64): c.dictionaryPageOffset = try r.i64()
            default: try r.skip(type)
            }
        }
    }
}

/// One page header (`PageHeader`, parquet.thrift): the kinds the reader decodes.
struct ParquetPageHeader {
    enum Kind: Int32 { case data = 0, index, dictionary, dataV2 }

    var kind: Kind?
    var uncompressedSize: Int32 = 0
    var compressedSize: Int32 = 0
    /// Values (nulls included) in a data page; entries in a dictionary page.
    var numValues: Int32 = 0
    var encoding: Int32 = 0
    var definitionLevelEncoding: Int32 = 3
    var repetitionLevelEncoding: Int32 = 3
    /// Data page v2: level byte lengths (stored uncompressed before the values).
    var definitionLevelsLength: Int32 = 0
    var repetitionLevelsLength: Int32 = 0
    var isCompressed = true
    /// Bytes of the header itself.
    var headerLength = 0

    init(_ bytes: UnsafeBufferPointer<UInt8>) throws(ParquetFormatError) {
        var reader = ThriftCompactReader(bytes)
        var h = self
        try reader.readStruct { (r: inout ThriftCompactReader, id: Int16, type: ThriftCompactReader.FieldType) throws(ParquetFormatError) in
            switch (id, type) {
            case (1, .i32): h.kind = Kind(rawValue: try r.i32())
            case (2, .i32): h.uncompressedSize = try r.i32()
            case (3, .i32): h.compressedSize = try r.i32()
            case (5, .structure), (7, .structure), (8, .structure): try Self.pageDetails(&r, field: id, into: &h)
            default: try r.skip(type)
            }
        }
        h.headerLength = reader.position
        self = h
    }

    private init() {}

    private static func pageDetails(_ r: inout ThriftCompactReader, field: Int16, into h: inout ParquetPageHeader) throws(ParquetFormatError) {
        try r.readStruct { (r: inout ThriftCompactReader, id: Int16, type: ThriftCompactReader.FieldType) throws(ParquetFormatError) in
            switch (field, id, type) {
            case (_, 1, .i32): h.numValues = try r.i32()
            case (5, 2, .i32), (7, 2, .i32), (8, 4, .i32): h.encoding = try r.i32()
            case (5, 3, .i32): h.definitionLevelEncoding = try r.i32()
            case (5, 4, .i32): h.repetitionLevelEncoding = try r.i32()
            case (8, 5, .i32): h.definitionLevelsLength = try r.i32()
            case (8, 6, .i32): h.repetitionLevelsLength = try r.i32()
            case (8, 7, .boolTrue), (8, 7, .boolFalse): h.isCompressed = try r.bool()
            default: try r.skip(type)
            }
        }
    }
}

/// Parquet's encoding numbers, named for messages.
enum ParquetEncoding {
    static let plain: Int32 = 0
    static let plainDictionary: Int32 = 2
    static let rle: Int32 = 3
    static let deltaBinaryPacked: Int32 = 5
    static let deltaLengthByteArray: Int32 = 6
    static let deltaByteArray: Int32 = 7
    static let rleDictionary: Int32 = 8

    static func name(_ value: Int32) -> String {
        let names = [0: "PLAIN", 2: "PLAIN_DICTIONARY", 3: "RLE", 4: "BIT_PACKED", 5: "DELTA_BINARY_PACKED",
                     6: "DELTA_LENGTH_BYTE_ARRAY", 7: "DELTA_BYTE_ARRAY", 8: "RLE_DICTIONARY", 9: "BYTE_STREAM_SPLIT"]
        return names[Int(value)] ?? "encoding \(value)"
    }
}
