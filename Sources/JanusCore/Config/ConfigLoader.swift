import Foundation
import JanusSupport
import Yams

/// Reads janus.yaml into a `JanusConfig`. Every key is checked: an unknown key or a value of the
/// wrong type is an error naming the file, the line and the key, never silently ignored.
public enum ConfigLoader {
    public static func load(path: String, into base: JanusConfig = JanusConfig()) throws -> JanusConfig {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigError(file: path, message: "cannot read the file")
        }
        return try parse(String(decoding: data, as: UTF8.self), file: path, into: base)
    }

    public static func parse(_ text: String, file: String, into base: JanusConfig = JanusConfig()) throws -> JanusConfig {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw ConfigError(file: file, message: "not valid YAML: " + oneLine("\(error)"))
        }
        var config = base
        config.file = file
        guard let root else { return config }
        var reader = Reader(file: file, baseDirectory: (file as NSString).deletingLastPathComponent)
        try reader.apply(root, to: &config)
        config.given.formUnion(keyPaths(root))
        return config
    }

    /// Every key the file sets, as dotted paths (`provider.model`, `generation.max_tokens.expand`).
    static func keyPaths(_ node: Node, prefix: String = "") -> Set<String> {
        guard let map = node.mapping else { return [] }
        var out = Set<String>()
        for (key, value) in map {
            guard let name = key.string else { continue }
            let path = prefix.isEmpty ? name : "\(prefix).\(name)"
            out.insert(path)
            out.formUnion(keyPaths(value, prefix: path))
        }
        return out
    }

    static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.allSatisfy { $0 == "^" || $0 == " " } }.joined(separator: "; ")
    }
}

/// Walks the YAML tree, one section at a time.
struct Reader {
    let file: String
    let baseDirectory: String

    func fail(_ node: Node, _ key: String, _ message: String) -> ConfigError {
        let line = node.mark.map { "line \($0.line): " } ?? ""
        return ConfigError(file: file, message: "\(line)`\(key)` \(message)")
    }

    func mapping(_ node: Node, _ key: String) throws -> [(String, Node)] {
        guard let map = node.mapping else { throw fail(node, key, "must be a mapping") }
        return try map.map { pair in
            guard let name = pair.key.string else { throw fail(pair.key, key, "has a key that is not a string") }
            return (name, pair.value)
        }
    }

    func string(_ node: Node, _ key: String) throws -> String {
        guard let s = node.scalar?.string, node.scalar?.style != nil else { throw fail(node, key, "must be a string") }
        return s
    }

    func int(_ node: Node, _ key: String) throws -> Int {
        guard let v = node.int else { throw fail(node, key, "must be a whole number") }
        return v
    }

    func optionalInt(_ node: Node, _ key: String) throws -> Int? {
        node.null != nil ? nil : try int(node, key)
    }

    func double(_ node: Node, _ key: String) throws -> Double {
        guard let v = node.float ?? node.int.map(Double.init) else { throw fail(node, key, "must be a number") }
        return v
    }

    func optionalDouble(_ node: Node, _ key: String) throws -> Double? {
        node.null != nil ? nil : try double(node, key)
    }

    func bool(_ node: Node, _ key: String) throws -> Bool {
        guard let v = node.bool else { throw fail(node, key, "must be true or false") }
        return v
    }

    func strings(_ node: Node, _ key: String) throws -> [String] {
        guard let seq = node.sequence else { throw fail(node, key, "must be a list") }
        return try seq.map { try string($0, key) }
    }

    func path(_ node: Node, _ key: String) throws -> String {
        let p = try string(node, key)
        if p.hasPrefix("/") || baseDirectory.isEmpty { return p }
        return (baseDirectory as NSString).appendingPathComponent(p)
    }

    func unknown(_ node: Node, _ key: String, known: [String]) -> ConfigError {
        fail(node, key, "is not a known key (known here: \(known.joined(separator: ", ")))")
    }

    func json(_ node: Node) -> JSONValue {
        switch node {
        case let .mapping(map): return .object(map.map { ($0.key.string ?? "", json($0.value)) })
        case let .sequence(seq): return .array(seq.map { json($0) })
        default:
            if node.null != nil { return .null }
            if let b = node.bool { return .bool(b) }
            if let i = node.int { return .integer(i) }
            if let d = node.float { return .number(d) }
            return .string(node.string ?? "")
        }
    }
}
