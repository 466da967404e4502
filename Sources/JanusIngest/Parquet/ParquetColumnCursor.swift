/// Walks one column chunk entry by entry (definition level, repetition level, and a value when
/// the entry is defined), reading and decoding one page at a time: memory holds one page of
/// the column, never the chunk.
final class ParquetColumnCursor {
    let leaf: ParquetLeaf
    private let file: ParquetFile
    private let chunk: ParquetMetadata.ColumnChunk
    private var position: Int
    private let end: Int
    private var dictionary: ParquetValueTable?

    private var definitions: [UInt32] = []
    private var repetitions: [UInt32] = []
    private var entries = 0
    private var entry = 0
    private var values: ParquetValueTable?
    private var indices: [UInt32] = []
    private var usesDictionary = false
    private var value = 0

    init(file: ParquetFile, chunk: ParquetMetadata.ColumnChunk, leaf: ParquetLeaf) throws(ParquetFormatError) {
        self.file = file
        self.chunk = chunk
        self.leaf = leaf
        guard !chunk.externalFile else { throw ParquetFormatError("the column chunk is in another file") }
        let start = chunk.start
        guard start >= 4, chunk.totalCompressedSize >= 0, start <= Int64(file.bytes.size),
              chunk.totalCompressedSize <= Int64(file.bytes.size) - start
        else { throw ParquetFormatError("the column chunk lies outside the file") }
        position = Int(start)
        end = Int(start + chunk.totalCompressedSize)
        if let type = chunk.type, type != leaf.type { throw ParquetFormatError("the chunk's type differs from the schema's") }
    }

    /// True when an entry is left; reads the next page when the current one is used up.
    func hasEntry() throws -> Bool {
        while entry == entries {
            guard position < end else { return false }
            try readPage()
        }
        return true
    }

    /// The current entry's definition level; call after `hasEntry()` said true.
    var definition: Int { Int(definitions[entry]) }
    var repetition: Int { Int(repetitions[entry]) }

    /// Consumes the current entry, writing its value as JSON when it is defined.
    func take(into out: inout [UInt8]) throws(ParquetFormatError) {
        if definitions[entry] == leaf.maxDefinition {
            if usesDictionary {
                guard value < indices.count, let dictionary, Int(indices[value]) < dictionary.count else {
                    throw ParquetFormatError("a dictionary index is out of range")
                }
                dictionary.writeJSON(Int(indices[value]), into: &out)
            } else {
                guard let values, value < values.count else { throw ParquetFormatError("the page holds fewer values than its levels say") }
                values.writeJSON(value, into: &out)
            }
            value += 1
        }
        entry += 1
    }

    /// Consumes the current entry without writing it (an absent or null parent).
    func skip() {
        if definitions[entry] == leaf.maxDefinition { value += 1 }
        entry += 1
    }

    private func readPage() throws {
        let headerBytes = try readHeader()
        let header = headerBytes.header
        position += header.headerLength
        guard header.compressedSize >= 0, header.uncompressedSize >= 0, Int(header.compressedSize) <= end - position else {
            throw ParquetFormatError("a page runs past its column chunk")
        }
        let raw = try file.bytes.read(at: position, count: Int(header.compressedSize))
        position += Int(header.compressedSize)
        switch header.kind {
        case .dictionary?:
            guard header.encoding == ParquetEncoding.plain || header.encoding == ParquetEncoding.plainDictionary else {
                throw ParquetFormatError("dictionary page encoding \(ParquetEncoding.name(header.encoding))")
            }
            let page = try decompress(raw, size: Int(header.uncompressedSize))
            guard header.numValues >= 0 else { throw ParquetFormatError("negative dictionary size") }
            dictionary = try ParquetValueTable(plain: page, from: 0, count: Int(header.numValues), leaf: leaf)
        case .data?:
            guard header.repetitionLevelEncoding == ParquetEncoding.rle || leaf.maxRepetition == 0,
                  header.definitionLevelEncoding == ParquetEncoding.rle || leaf.maxDefinition == 0
            else { throw ParquetFormatError("levels in the deprecated BIT_PACKED encoding are not supported") }
            let page = try decompress(raw, size: Int(header.uncompressedSize))
            var offset = 0
            let count = try entryCount(header)
            if leaf.maxRepetition > 0 {
                try levels(prefixed: page, &offset, max: leaf.maxRepetition, count: count, into: &repetitions)
            } else {
                repetitions = [UInt32](repeating: 0, count: count)
            }
            if leaf.maxDefinition > 0 {
                try levels(prefixed: page, &offset, max: leaf.maxDefinition, count: count, into: &definitions)
            } else {
                definitions = [UInt32](repeating: 0, count: count)
            }
            try decodeValues(page, from: offset, encoding: header.encoding, count: count)
        case .dataV2?:
            let count = try entryCount(header)
            let repLength = Int(header.repetitionLevelsLength)
            let defLength = Int(header.definitionLevelsLength)
            guard repLength >= 0, defLength >= 0, repLength + defLength <= raw.count, repLength + defLength <= Int(header.uncompressedSize) else {
                throw ParquetFormatError("data page v2 level lengths are past the page")
            }
            try raw.withUnsafeBufferPointer { all throws(ParquetFormatError) in
                try RLEHybridDecoder.decode(
                    UnsafeBufferPointer(rebasing: all[0..<repLength]), bitWidth: RLEHybridDecoder.bitWidth(leaf.maxRepetition), count: count,
                    into: &repetitions)
                try RLEHybridDecoder.decode(
                    UnsafeBufferPointer(rebasing: all[repLength..<(repLength + defLength)]),
                    bitWidth: RLEHybridDecoder.bitWidth(leaf.maxDefinition), count: count, into: &definitions)
            }
            let stored = Array(raw[(repLength + defLength)...])
            let size = Int(header.uncompressedSize) - repLength - defLength
            let page = header.isCompressed ? try decompress(stored, size: size) : stored
            try decodeValues(page, from: 0, encoding: header.encoding, count: count)
        default:
            // Index pages and kinds this reader does not know carry no entries.
            break
        }
    }

    private func readHeader() throws -> (header: ParquetPageHeader, length: Int) {
        var want = min(end - position, 1024)
        while true {
            let bytes = try file.bytes.read(at: position, count: want)
            do {
                let header = try bytes.withUnsafeBufferPointer { b throws(ParquetFormatError) in try ParquetPageHeader(b) }
                return (header, header.headerLength)
            } catch {
                // Statistics may make a header longer than the first read: read more, up to the chunk.
                guard want < end - position else { throw error }
                want = min(end - position, want * 4)
            }
        }
    }

    private func entryCount(_ header: ParquetPageHeader) throws(ParquetFormatError) -> Int {
        guard header.numValues >= 0 else { throw ParquetFormatError("negative value count") }
        // Writers cut pages far below this; a larger claim is a corrupt header, refused before
        // its levels are allocated.
        guard header.numValues <= 1 << 24 else { throw ParquetFormatError("a page claims \(header.numValues) values") }
        entries = Int(header.numValues)
        entry = 0
        value = 0
        return entries
    }

    private func levels(prefixed page: [UInt8], _ offset: inout Int, max: Int, count: Int, into out: inout [UInt32]) throws(ParquetFormatError) {
        guard page.count - offset >= 4 else { throw ParquetFormatError("levels end early") }
        let length = Int(UInt32(page[offset]) | UInt32(page[offset + 1]) << 8 | UInt32(page[offset + 2]) << 16 | UInt32(page[offset + 3]) << 24)
        offset += 4
        guard length <= page.count - offset else { throw ParquetFormatError("levels run past the page") }
        let start = offset
        try page.withUnsafeBufferPointer { all throws(ParquetFormatError) in
            try RLEHybridDecoder.decode(
                UnsafeBufferPointer(rebasing: all[start..<(start + length)]), bitWidth: RLEHybridDecoder.bitWidth(max), count: count, into: &out)
        }
        offset += length
    }

    private func decodeValues(_ page: [UInt8], from offset: Int, encoding: Int32, count: Int) throws(ParquetFormatError) {
        var defined = 0
        for d in definitions where d == leaf.maxDefinition { defined += 1 }
        guard definitions.allSatisfy({ $0 <= leaf.maxDefinition }), repetitions.allSatisfy({ $0 <= leaf.maxRepetition }) else {
            throw ParquetFormatError("a level is above the column's maximum")
        }
        switch encoding {
        case ParquetEncoding.plain:
            usesDictionary = false
            values = try ParquetValueTable(plain: page, from: offset, count: defined, leaf: leaf)
        case ParquetEncoding.plainDictionary, ParquetEncoding.rleDictionary:
            guard dictionary != nil else { throw ParquetFormatError("a dictionary-encoded page comes without a dictionary page") }
            usesDictionary = true
            guard defined > 0 else {
                indices.removeAll()
                return
            }
            guard offset < page.count else { throw ParquetFormatError("dictionary indices missing") }
            let width = Int(page[offset])
            try page.withUnsafeBufferPointer { all throws(ParquetFormatError) in
                try RLEHybridDecoder.decode(UnsafeBufferPointer(rebasing: all[(offset + 1)...]), bitWidth: width, count: defined, into: &indices)
            }
        case ParquetEncoding.rle where leaf.type == .boolean:
            usesDictionary = false
            guard page.count - offset >= 4 else { throw ParquetFormatError("RLE booleans end early") }
            var bits: [UInt32] = []
            try page.withUnsafeBufferPointer { all throws(ParquetFormatError) in
                try RLEHybridDecoder.decode(UnsafeBufferPointer(rebasing: all[(offset + 4)...]), bitWidth: 1, count: defined, into: &bits)
            }
            values = ParquetValueTable(booleans: bits.map { UInt8(truncatingIfNeeded: $0) })
        case ParquetEncoding.deltaBinaryPacked, ParquetEncoding.deltaLengthByteArray, ParquetEncoding.deltaByteArray:
            usesDictionary = false
            values = try decodeDelta(page, from: offset, encoding: encoding, count: defined)
        default:
            throw ParquetFormatError("unsupported encoding \(ParquetEncoding.name(encoding))")
        }
    }

    private func decodeDelta(_ page: [UInt8], from offset: Int, encoding: Int32, count: Int) throws(ParquetFormatError) -> ParquetValueTable {
        var position = offset
        switch encoding {
        case ParquetEncoding.deltaBinaryPacked:
            guard leaf.type == .int32 || leaf.type == .int64 else { throw ParquetFormatError("DELTA_BINARY_PACKED on a non-integer column") }
            var integers: [Int64] = []
            try page.withUnsafeBufferPointer { all throws(ParquetFormatError) in
                try ParquetDeltaDecoder.integers(all, at: &position, count: count, into: &integers)
            }
            return try ParquetValueTable(integers: integers, leaf: leaf)
        case ParquetEncoding.deltaLengthByteArray:
            guard leaf.type == .byteArray else { throw ParquetFormatError("DELTA_LENGTH_BYTE_ARRAY on a non-BYTE_ARRAY column") }
            var bounds: [Int] = []
            try page.withUnsafeBufferPointer { all throws(ParquetFormatError) in
                try ParquetDeltaDecoder.lengthPrefixed(all, at: &position, count: count, bounds: &bounds)
            }
            return ParquetValueTable(byteArrays: page, bounds: bounds)
        default:
            guard leaf.type == .byteArray || leaf.type == .fixedLenByteArray else {
                throw ParquetFormatError("DELTA_BYTE_ARRAY on a column that is not a byte array")
            }
            var bytes: [UInt8] = []
            var bounds: [Int] = []
            try page.withUnsafeBufferPointer { all throws(ParquetFormatError) in
                try ParquetDeltaDecoder.prefixed(all, at: &position, count: count, into: &bytes, bounds: &bounds)
            }
            return ParquetValueTable(byteArrays: bytes, bounds: bounds)
        }
    }

    private func decompress(_ raw: [UInt8], size: Int) throws(ParquetFormatError) -> [UInt8] {
        if chunk.codec == ParquetCodec.uncompressed {
            guard raw.count == size else { throw ParquetFormatError("page size \(raw.count) differs from its declared \(size)") }
            return raw
        }
        // A compressed page expands at most this much with any supported codec.
        guard size <= max(raw.count * 1100, 1 << 24) else { throw ParquetFormatError("a page claims \(size) bytes from \(raw.count)") }
        var out = [UInt8](repeating: 0, count: size)
        try raw.withUnsafeBufferPointer { input throws(ParquetFormatError) in
            try out.withUnsafeMutableBufferPointer { output throws(ParquetFormatError) in
                try ParquetCodec.decompress(chunk.codec, input, into: output)
            }
        }
        return out
    }
}
