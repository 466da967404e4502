import Foundation

/// Reads a Parquet file row by row as JSON objects holding the columns a preset uses, so that
/// ingest treats it like JSON Lines. Only the leaf columns under those fields are read (a
/// large `answers` or `candidates_completions` column is never touched), one row group at a
/// time, one page per column at a time. Rows are numbered from 1 across row groups.
struct ParquetSplitter: RecordSplitter {
    let file: ParquetFile
    let maxBytes: Int
    private let fields: [ParquetSchemaNode]
    private var rowGroup = -1
    private var rowsLeft: Int64 = 0
    private var row = 0
    /// Indexed by leaf column; only the projected ones are open.
    private var cursors: [ParquetColumnCursor?] = []
    private var scratch: [UInt8] = []

    /// Opens `path`; `columns` names the top-level fields to read (nil: all of them).
    init(path: String, columns: Set<String>?, maxBytes: Int) throws {
        try self.init(file: ParquetFile(path: path), columns: columns, maxBytes: maxBytes)
    }

    init(file: ParquetFile, columns: Set<String>?, maxBytes: Int) {
        self.file = file
        self.maxBytes = maxBytes
        fields = file.schema.fields.filter { columns?.contains($0.name) ?? true }
    }

    mutating func next(_ batch: inout RawBatch) throws -> Bool {
        while rowsLeft == 0 {
            guard rowGroup + 1 < file.metadata.rowGroups.count else { return false }
            try openRowGroup(rowGroup + 1)
        }
        scratch.removeAll(keepingCapacity: true)
        scratch.append(UInt8(ascii: "{"))
        for (i, field) in fields.enumerated() {
            if i > 0 { scratch.append(UInt8(ascii: ",")) }
            appendJSONKey(field.name, into: &scratch)
            try startRow(field)
            do {
                try write(field)
            } catch let error as ParquetFormatError {
                throw failure(error, column: field.name)
            }
        }
        scratch.append(UInt8(ascii: "}"))
        rowsLeft -= 1
        row += 1
        if scratch.count > maxBytes {
            batch.appendMarker(.tooLong, line: row)
        } else {
            scratch.withUnsafeBufferPointer { b in
                if let base = b.baseAddress { batch.append(base, count: b.count, line: row) }
            }
        }
        return true
    }

    private mutating func openRowGroup(_ index: Int) throws {
        rowGroup = index
        let group = file.metadata.rowGroups[index]
        rowsLeft = group.numRows
        cursors = Array(repeating: nil, count: file.schema.leaves.count)
        for field in fields {
            for column in field.leaves {
                do {
                    cursors[column] = try ParquetColumnCursor(file: file, chunk: group.columns[column], leaf: file.schema.leaves[column])
                } catch {
                    throw failure(error, column: file.schema.leaves[column].path.joined(separator: "."))
                }
            }
        }
    }

    /// Every leaf of `field` must be at the start of a row (repetition level 0).
    private func startRow(_ field: ParquetSchemaNode) throws {
        for column in field.leaves {
            let cursor = try self.cursor(column)
            guard try hasEntry(cursor), cursor.repetition == 0 else {
                throw failure(ParquetFormatError("the column has fewer rows than its row group (\(file.metadata.rowGroups[rowGroup].numRows))"), column: cursor.leaf.path.joined(separator: "."))
            }
        }
    }

    private func cursor(_ column: Int) throws -> ParquetColumnCursor {
        guard column < cursors.count, let cursor = cursors[column] else { throw ParquetFormatError("column \(column) is not open") }
        return cursor
    }

    private func hasEntry(_ cursor: ParquetColumnCursor) throws -> Bool {
        do {
            return try cursor.hasEntry()
        } catch let error as ParquetFormatError {
            throw failure(error, column: cursor.leaf.path.joined(separator: "."))
        }
    }

    /// Writes one value of `node` from the current entries of its leaves (record assembly).
    private mutating func write(_ node: ParquetSchemaNode) throws {
        let first = try cursor(node.leaves.lowerBound)
        guard try hasEntry(first) else { throw ParquetFormatError("the column ends inside a row") }
        if node.optional, first.definition < node.definition {
            try skipOne(node)
            scratch.append(contentsOf: jsonNull)
            return
        }
        switch node.kind {
        case let .leaf(column):
            try cursor(column).take(into: &scratch)
        case let .group(children):
            scratch.append(UInt8(ascii: "{"))
            for (i, child) in children.enumerated() {
                if i > 0 { scratch.append(UInt8(ascii: ",")) }
                appendJSONKey(child.name, into: &scratch)
                try write(child)
            }
            scratch.append(UInt8(ascii: "}"))
        case let .list(element, repeatedDefinition, repeatedRepetition):
            if first.definition < repeatedDefinition {
                try skipOne(node)
                scratch.append(contentsOf: [UInt8(ascii: "["), UInt8(ascii: "]")])
                return
            }
            scratch.append(UInt8(ascii: "["))
            var count = 0
            repeat {
                if count > 0 { scratch.append(UInt8(ascii: ",")) }
                try write(element)
                count += 1
            } while try hasEntry(first) && first.repetition == repeatedRepetition
            scratch.append(UInt8(ascii: "]"))
        }
    }

    /// Consumes one entry from each leaf under `node` (a null or empty value there).
    private func skipOne(_ node: ParquetSchemaNode) throws {
        for column in node.leaves {
            let cursor = try self.cursor(column)
            guard try hasEntry(cursor) else { throw ParquetFormatError("the column ends inside a row") }
            cursor.skip()
        }
    }

    private func failure(_ error: any Error, column: String) -> any Error {
        let reason: String
        switch error {
        case let error as ParquetFormatError: reason = error.message
        case let error as IngestError: return error
        default: reason = "\(error)"
        }
        let group = rowGroup >= 0 ? "row group \(rowGroup + 1) of \(file.metadata.rowGroups.count), " : ""
        return IngestError.cannotRead(path: file.path, reason: "\(group)column `\(column)`: \(reason)")
    }
}
