/// A Parquet schema as a tree, with the definition and repetition levels record assembly
/// needs: structs, lists (the LIST-annotated three-level form, its legacy variants, and bare
/// repeated fields) and leaf columns. Maps stay what their encoding is: a list of
/// `{key, value}` structs.
final class ParquetSchemaNode: Sendable {
    enum Kind {
        case leaf(column: Int)
        case group([ParquetSchemaNode])
        /// `repeatedDefinition`/`repeatedRepetition`: the levels of the repeated field.
        case list(element: ParquetSchemaNode, repeatedDefinition: Int, repeatedRepetition: Int)
    }

    let name: String
    let kind: Kind
    /// Null when the first leaf's definition level is below `definition`.
    let optional: Bool
    let definition: Int
    /// The leaf columns under this node, in column order.
    let leaves: Range<Int>

    init(name: String, kind: Kind, optional: Bool, definition: Int, leaves: Range<Int>) {
        self.name = name
        self.kind = kind
        self.optional = optional
        self.definition = definition
        self.leaves = leaves
    }
}

/// The leaf columns of a schema, in column-chunk order.
struct ParquetLeaf {
    var path: [String]
    var type: ParquetMetadata.PhysicalType
    var typeLength: Int
    var maxDefinition: Int
    var maxRepetition: Int
    /// The top-level field the leaf belongs to.
    var field: String
}

struct ParquetSchema {
    /// The top-level fields, in file order.
    var fields: [ParquetSchemaNode] = []
    var leaves: [ParquetLeaf] = []

    init(_ elements: [ParquetMetadata.SchemaElement]) throws(ParquetFormatError) {
        guard let root = elements.first else { throw ParquetFormatError("the schema is empty") }
        var index = 1
        for _ in 0..<max(0, Int(root.numChildren)) {
            fields.append(try build(elements, &index, definition: 0, repetition: 0, path: [], depth: 0))
        }
        guard index == elements.count else { throw ParquetFormatError("the schema's child counts do not match its \(elements.count) elements") }
    }

    private mutating func build(
        _ elements: [ParquetMetadata.SchemaElement], _ index: inout Int, definition parentDefinition: Int, repetition parentRepetition: Int,
        path parentPath: [String], depth: Int
    ) throws(ParquetFormatError) -> ParquetSchemaNode {
        guard depth < 32 else { throw ParquetFormatError("the schema nests deeper than 32 levels") }
        guard index < elements.count else { throw ParquetFormatError("the schema ends inside a group") }
        let e = elements[index]
        index += 1
        let definition = parentDefinition + (e.repetition == .required ? 0 : 1)
        let repetition = parentRepetition + (e.repetition == .repeated ? 1 : 0)
        let path = parentPath + [e.name]
        let firstLeaf = leaves.count
        let inner: ParquetSchemaNode.Kind
        if e.numChildren <= 0 {
            guard let type = e.type else { throw ParquetFormatError("column `\(path.joined(separator: "."))` has no type") }
            leaves.append(ParquetLeaf(
                path: path, type: type, typeLength: Int(e.typeLength), maxDefinition: definition, maxRepetition: repetition,
                field: path[0]))
            inner = .leaf(column: firstLeaf)
        } else {
            var children: [ParquetSchemaNode] = []
            for _ in 0..<Int(e.numChildren) {
                children.append(try build(elements, &index, definition: definition, repetition: repetition, path: path, depth: depth + 1))
            }
            inner = .group(children)
        }
        let leafRange = firstLeaf..<leaves.count
        if e.repetition == .repeated {
            // A repeated field is a list of itself; the list is never null, only empty.
            let element = ParquetSchemaNode(name: e.name, kind: inner, optional: false, definition: definition, leaves: leafRange)
            return ParquetSchemaNode(
                name: e.name, kind: .list(element: element, repeatedDefinition: definition, repeatedRepetition: repetition),
                optional: false, definition: definition, leaves: leafRange)
        }
        let isList = e.convertedType == 3 || e.logicalList
        if isList, case let .group(children) = inner, children.count == 1, case let .list(element, rd, rr) = children[0].kind {
            // LIST: `group (LIST) { repeated group list { element } }`. The repeated group is the
            // element itself when it is a leaf, has several fields, or has a legacy name.
            let repeatedName = children[0].name
            var item = element
            if case let .group(fields) = element.kind, fields.count == 1, repeatedName != "array", !repeatedName.hasSuffix("_tuple") {
                item = fields[0]
            }
            return ParquetSchemaNode(
                name: e.name, kind: .list(element: item, repeatedDefinition: rd, repeatedRepetition: rr),
                optional: e.repetition == .optional, definition: definition, leaves: leafRange)
        }
        return ParquetSchemaNode(name: e.name, kind: inner, optional: e.repetition == .optional, definition: definition, leaves: leafRange)
    }
}
