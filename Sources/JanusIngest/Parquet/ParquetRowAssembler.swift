import JanusHTTP
import JanusStore
import JanusSupport
/// Turns the projected columns of one row group back into rows, each a JSON object holding the
/// top-level fields a preset uses (record assembly from definition and repetition levels).
/// Errors name the file, the row group and the column.
struct ParquetRowAssembler {
    let file: ParquetFile
    let rowGroup: Int
    private let fields: [ParquetSchemaNode]
    /// The fields' names as JSON keys (`"name":`), written once.
    private let keys: [[UInt8]]
    /// Indexed by leaf column; only the projected ones are open.
    private var cursors: [ParquetColumnCursor?]
    private(set) var rowsLeft: Int64

    init(file: ParquetFile, rowGroup: Int, fields: [ParquetSchemaNode]) throws {
        self.file = file
        self.rowGroup = rowGroup
        self.fields = fields
        keys = fields.map { field in
            var key: [UInt8] = []
            appendJSONKey(field.name, into: &key)
            return key
        }
        let group = file.metadata.rowGroups[rowGroup]
        rowsLeft = group.numRows
        cursors = Array(repeating: nil, count: file.schema.leaves.count)
        for field in fields {
            for column in field.leaves {
                do {
                    cursors[column] = try ParquetColumnCursor(file: file, chunk: group.columns[column], leaf: file.schema.leaves[column])
                } catch {
                    throw Self.failure(error, file: file, rowGroup: rowGroup, column: file.schema.leaves[column].path.joined(separator: "."))
                }
            }
        }
    }

    /// Appends the next row as a JSON object; call while `rowsLeft > 0`.
    mutating func writeRow(into out: inout [UInt8]) throws {
        out.append(UInt8(ascii: "{"))
        for (i, field) in fields.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            out.append(contentsOf: keys[i])
            try startRow(field)
            do {
                try write(field, into: &out)
            } catch let error as ParquetFormatError {
                throw failure(error, column: field.name)
            }
        }
        out.append(UInt8(ascii: "}"))
        rowsLeft -= 1
    }

    /// Every leaf of `field` must be at the start of a row (repetition level 0).
    private func startRow(_ field: ParquetSchemaNode) throws {
        for column in field.leaves {
            let cursor = try self.cursor(column)
            guard try hasEntry(cursor), cursor.repetition == 0 else {
                throw failure(
                    ParquetFormatError("the column has fewer rows than its row group (\(file.metadata.rowGroups[rowGroup].numRows))"),
                    column: cursor.leaf.path.joined(separator: "."))
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

    /// Writes one value of `node` from the current entries of its leaves.
    private func write(_ node: ParquetSchemaNode, into out: inout [UInt8]) throws {
        let first = try cursor(node.leaves.lowerBound)
        guard try hasEntry(first) else { throw ParquetFormatError("the column ends inside a row") }
        if node.optional, first.definition < node.definition {
            try skipOne(node)
            out.append(contentsOf: jsonNull)
            return
        }
        switch node.kind {
        case let .leaf(column):
            try cursor(column).take(into: &out)
        case let .group(children):
            out.append(UInt8(ascii: "{"))
            for (i, child) in children.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                appendJSONKey(child.name, into: &out)
                try write(child, into: &out)
            }
            out.append(UInt8(ascii: "}"))
        case let .list(element, repeatedDefinition, repeatedRepetition):
            if first.definition < repeatedDefinition {
                try skipOne(node)
                out.append(contentsOf: [UInt8(ascii: "["), UInt8(ascii: "]")])
                return
            }
            out.append(UInt8(ascii: "["))
            var count = 0
            repeat {
                if count > 0 { out.append(UInt8(ascii: ",")) }
                try write(element, into: &out)
                count += 1
            } while try hasEntry(first) && first.repetition == repeatedRepetition
            out.append(UInt8(ascii: "]"))
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
        Self.failure(error, file: file, rowGroup: rowGroup, column: column)
    }

    static func failure(_ error: any Error, file: ParquetFile, rowGroup: Int, column: String) -> any Error {
        let reason: String
        switch error {
        case let error as ParquetFormatError: reason = error.message
        case let error as IngestError: return error
        default: reason = "\(error)"
        }
        return IngestError.cannotRead(path: file.path, reason: "row group \(rowGroup + 1) of \(file.metadata.rowGroups.count), column `\(column)`: \(reason)")
    }
}
